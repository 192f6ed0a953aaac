/**
 * Do two values hold the same plain data (what an analysis is made of: objects, arrays, strings,
 * numbers, dates, bytes)? Used to tell a file that changed on disk from one whose material did not
 * (a trailing newline, a re-save, a `touch` that rewrote it): the latter changes no link and no finding.
 *
 * Written here rather than taken from a library because the answer must err one way only: "different"
 * costs a rebuild, "the same" when it is not would keep stale findings. The small deep-equal
 * packages answer "the same" for two unequal ArrayBuffers (they compare own keys, and a buffer has
 * none) and follow any class's `valueOf`; here anything that is not plain data is the same only as itself.
 * Bounded: a structure deeper than MAX_DEPTH, or larger than `budget` values, is "different".
 */
const MAX_DEPTH = 64;

export function sameData(a: unknown, b: unknown, budget = 1_000_000): boolean {
  const left = { values: budget };
  return same(a, b, 0, left);
}

function same(a: unknown, b: unknown, depth: number, left: { values: number }): boolean {
  if (Object.is(a, b)) {
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || --left.values < 0 || depth > MAX_DEPTH) {
    return false;
  }
  const proto = Object.getPrototypeOf(a);
  if (proto !== Object.getPrototypeOf(b)) {
    return false;
  }
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) {
      return false;
    }
    for (let i = 0; i < a.length; i++) {
      if (!same(a[i], other[i], depth + 1, left)) {
        return false;
      }
    }
    return true;
  }
  if (a instanceof Date) {
    return a.getTime() === (b as Date).getTime();
  }
  if (a instanceof ArrayBuffer || ArrayBuffer.isView(a)) {
    return sameBytes(a, b as ArrayBuffer | ArrayBufferView, left);
  }
  if (proto !== Object.prototype && proto !== null) {
    return false; // a class instance (a Map, a parsed certificate): the same only as itself
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) {
    return false;
  }
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key) || !same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1, left)) {
      return false;
    }
  }
  return true;
}

function sameBytes(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView, left: { values: number }): boolean {
  const x = a instanceof ArrayBuffer ? new Uint8Array(a) : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) {
    return false;
  }
  left.values -= x.length >> 6;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) {
      return false;
    }
  }
  return true;
}
