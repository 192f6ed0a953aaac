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
