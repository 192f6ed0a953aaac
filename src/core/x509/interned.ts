/**
 * One object for a value many certificates repeat: the issuer's name and key id in every leaf it
 * signed, a handful of key-usage sets and signature algorithms. Decoded apart, they were about
 * 1 KB of the extension host's heap a certificate at 100,000 files. Dates too: the certificates
 * kubeadm writes in one run share their validity to the second. What is shared is data, like
 * the rest of an analysis: nothing changes it after decoding.
 *
 * A bounded LRU by key: a value met again moves to the fresh end, so the few that repeat stay
 * while the unique ones (every leaf's own subject) pass through, and hostile input naming endless
 * variants costs a bounded map.
 */
export class Interned<T, K = string> {
  private readonly values = new Map<K, T>();

  constructor(private readonly limit: number) {}

  /** The value kept under `key`, or `make()`'s, kept from now on. */
  get(key: K, make: () => T): T {
    let value = this.values.get(key);
    if (value !== undefined) {
      this.values.delete(key);
    } else {
      value = make();
      if (this.values.size >= this.limit) {
        this.values.delete(this.values.keys().next().value!);
      }
    }
    this.values.set(key, value);
    return value;
  }
}
