/** Small collection helpers shared by the core and the features. Pure. */

/** Append `value` to the list `map` holds under `key`, starting the list if there is none. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/**
 * `list` without room to grow, for lists kept per certificate or file. An array grown by `push` (or
 * made by `filter`) keeps space for 16 more items after its first: 152 bytes for a list of one,
 * against 24. A heap snapshot of a 10,000-certificate workspace held 11 MB of such space in seven
 * lists a certificate (its extensions, names, key usages, occurrences, issuers, its file's entries).
 */
export function trimmed<T>(list: T[]): T[] {
  return list.slice();
}

/**
 * The one empty list of the inventory's records, files and keys that have none, which is most of
 * them (a record's issuers, bad-signature issuers, same-name certificates, issued, private keys; a
 * file's keys and requests): frozen and shared, where each was an array of its own, made again at
 * every build (about 5 MB of them a build at 10,000 certificates). A list grows only through
 * `appended`, which makes one of its own at the first item; a write to the shared one throws.
 */
const NONE: readonly never[] = Object.freeze([]);

export function none<T>(): T[] {
  return NONE as unknown as T[];
}

/** `list` with `item` at its end: `list` itself, or a list of its own when `list` was `none()`. */
export function appended<T>(list: T[], item: T): T[] {
  if ((list as unknown) === NONE) {
    return [item];
  }
  list.push(item);
  return list;
}

/** `list`, or `none()` when it is empty. */
export function orNone<T>(list: T[]): T[] {
  return list.length ? list : none<T>();
}

/**
 * `{ ...base, ...fields }` for objects made per certificate, key or file. Written by hand because
 * of V8 11 (Node 20, where the CLI and the exporter run): every result of an object spread gets a
 * hidden class of its own — a map, its descriptors and an out-of-object property store, ≈1 KB for a
 * certificate's info — where Object.assign onto a fresh literal shares one (a heap snapshot of a
 * 10,000-certificate scan held 31,000 single-use maps, 10 MB; every rule's property reads on them
 * went megamorphic). Node 22+ (the extension host) shares maps either way; the result is the same
 * object. The hottest objects (a certificate's info, a decoded object) are literals with every field
 * instead: `{}` keeps only four properties inside the object, and reads of the rest are slower on
 * every V8.
 */
export function withFields<T extends object, U extends object>(base: T, fields: U): Omit<T, keyof U> & U {
  return Object.assign({}, base, fields);
}

/**
 * `[...items].sort(compare)` as steps (a generator yielding every `perStep` items placed), for
 * lists a host must not sort in one task: 110,000 file URIs sharing a long prefix took 160 ms.
 * Runs of `perStep` sorted by the engine, then merged pairwise; stable, as Array.prototype.sort.
 * Written by hand: no sort in the platform or a small library hands out turns.
 */
export function* sortInSteps<T>(items: readonly T[], compare: (a: T, b: T) => number, perStep = 4096): Generator<void, T[], void> {
  let runs: T[][] = [];
  for (let i = 0; i < items.length; i += perStep) {
    runs.push(items.slice(i, i + perStep).sort(compare));
    yield;
  }
  while (runs.length > 1) {
    const merged: T[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r];
      const b = runs[r + 1];
      if (!b) {
        merged.push(a);
        continue;
      }
      const out = new Array<T>(a.length + b.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < a.length && j < b.length) {
        out[k++] = compare(b[j], a[i]) < 0 ? b[j++] : a[i++]; // a tie takes the earlier run's item: stable
        if (k % perStep === 0) {
          yield;
        }
      }
      while (i < a.length) {
        out[k++] = a[i++];
      }
      while (j < b.length) {
        out[k++] = b[j++];
      }
      merged.push(out);
    }
    runs = merged;
  }
  return runs[0] ?? [];
}

/**
 * `items` with a sample of every run first: a run is items next to each other that
 * `sameRun(previous, item)` keeps together. The first `rounds` items of each run come first, a run at
 * a time, round after round (a1, b1, c1, a2, b2, c2); then what is left of each run, run after run
 * (the rest of a, of b, of c), each in its order. As steps, every `perStep` items handed out. Linear:
 * a run leaves the rounds once it is empty, so one long run among many short ones costs its length.
 */
export function* sampleRunsFirst<T>(items: readonly T[], sameRun: (previous: T, item: T) => boolean, rounds: number, perStep = 4096): Generator<void, T[], void> {
  const runs: { from: number; to: number }[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i === 0 || !sameRun(items[i - 1], items[i])) {
      runs.push({ from: i, to: i + 1 });
    } else {
      runs[runs.length - 1].to = i + 1;
    }
    if (i % perStep === perStep - 1) {
      yield;
    }
  }
  const out = new Array<T>(items.length);
  let k = 0;
  let active = runs;
  for (let round = 0; round < rounds && active.length; round++) {
    const left: { from: number; to: number }[] = [];
    for (const run of active) {
      out[k++] = items[run.from++];
      if (run.from < run.to) {
        left.push(run);
      }
      if (k % perStep === 0) {
        yield;
      }
    }
    active = left;
  }
  for (const run of active) {
    while (run.from < run.to) {
      out[k++] = items[run.from++];
      if (k % perStep === 0) {
        yield;
      }
    }
  }
  return out;
}
