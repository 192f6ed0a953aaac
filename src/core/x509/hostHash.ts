/**
 * SHA-256 from the host, when it has a native one. Every certificate's fingerprint, every key's
 * identity (keyId.ts) and the decode cache's key are a SHA-256; the hand-written one in sha.ts runs
 * in the browser host too, but Node's `createHash` does the same work in a fraction of the time
 * (≈95 ms against ≈30 ms for the 13,500 digests of the bench workspace's cold scan). The Node hosts
 * (CLI, extension host, analysis worker) register it at start (util/nodeCrypto.ts); sha.ts falls
 * back to its own. Kept apart from sha.ts so the extension's entry registers it without loading
 * the core (scripts/build/lazyCore.mjs EAGER).
 */
export type Digest = (bytes: Uint8Array) => Uint8Array;

let hostSha256: Digest | undefined;

export function provideSha256(sha256: Digest | undefined): void {
  hostSha256 = sha256;
}

export function nativeSha256(): Digest | undefined {
  return hostSha256;
}
