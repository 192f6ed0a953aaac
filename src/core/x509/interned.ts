/**
 * One object for a value many certificates repeat: the issuer's name and key id in every leaf it
 * signed, a handful of key-usage sets and signature algorithms. Decoded apart, they were about
 * 1 KB of the extension host's heap a certificate at 100,000 files. Dates too: the certificates
 * kubeadm writes in one run share their validity to the second. What is shared is data, like
 * the rest of an analysis: nothing changes it after decoding.
 *
 * Bounded by key, in two generations (the scheme of hashlru): a value is kept in the current map;
 * when that holds half the limit, it becomes the previous one and the one before is dropped. A value
 * met again in the previous generation moves to the current one, so the few that repeat stay
 * while the unique ones (every leaf's own subject) pass through, and hostile input naming endless
 * variants costs at most `limit` values. Not a strict LRU: an exact one deleted and set its key
 * again at every hit, and those two map operations per lookup, fourteen lookups a certificate,
 * were 57 ms of the bench workspace's 2.7 s cold scan in the CLI (the most of any single function).
 */
export class Interned<T, K = string> {
  private current = new Map<K, T>();
  private previous = new Map<K, T>();
  private readonly generation: number;

  constructor(limit: number) {
    this.generation = Math.max(1, Math.floor(limit / 2));
  }

  /** The value kept under `key`, or `make()`'s, kept from now on. */
  get(key: K, make: () => T): T {
    const value = this.current.get(key);
    if (value !== undefined) {
      return value;
    }
    const kept = this.previous.get(key) ?? make();
    this.current.set(key, kept);
    if (this.current.size >= this.generation) {
      this.previous = this.current;
      this.current = new Map();
    }
    return kept;
  }

  /** How many values are kept (for a test of the bound). */
  get size(): number {
    return this.current.size + this.previous.size;
  }
}
