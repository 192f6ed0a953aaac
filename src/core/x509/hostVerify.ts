/**
 * Signature verification from the host, when it has a native one. WebCrypto's `verify` in Node
 * runs its check on the thread pool, but its JavaScript layer (the Web IDL conversions of every
 * argument, a promise a call) costs the calling thread about 45 µs a signature; Node's own
 * `crypto.verify` with a callback does the same OpenSSL check for about 20 µs (10,000 ECDSA P-256
 * signatures in plain Node 20: 413–510 against 190–227 ms of the event loop's time). The cold
 * scan verifies every certificate's signature, on the extension host's thread. The key is the one
 * WebCrypto imported, and an ECDSA signature the r and s WebCrypto would be handed, in their minimal
 * DER (signature.ts `ecdsaDer`), so which keys and signatures are accepted does not change with the
 * host. DER and a bare key rather than r‖s and an options object (`dsaEncoding: 'ieee-p1363'`):
 * Node 24, which the extension host runs, spends 35–60 µs of the calling thread on a call with
 * options, against 2–6 µs with the key alone (10,000 ECDSA P-256 checks: 371–588 against 39 ms). The Node hosts register it at start
 * (util/nodeCrypto.ts); signature.ts falls back to WebCrypto. Kept apart from signature.ts so the
 * extension's entry registers it without loading the core (scripts/build/lazyCore.mjs EAGER).
 */

/**
 * `hash`: WebCrypto's name ('SHA-256'), '' for Ed25519; `signature`: DER for ECDSA, as the
 * certificate carries it for RSA and Ed25519. Resolves false for a signature that does not verify, or any error.
 */
export type Verify = (hash: string, key: CryptoKey, signature: Uint8Array, data: Uint8Array) => Promise<boolean>;

let hostVerify: Verify | undefined;

export function provideVerify(verify: Verify | undefined): void {
  hostVerify = verify;
}

export function nativeVerify(): Verify | undefined {
  return hostVerify;
}
