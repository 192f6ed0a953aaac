/**
 * Triple DES for legacy PKCS#12 key bags (pbeWithSHAAnd3-KeyTripleDES-CBC) comes from the host:
 * WebCrypto has no DES at all, and a hand-written DES would be a second copy of what Node's crypto
 * module does well. The Node hosts (CLI, extension host, analysis worker) register Node's cipher
 * once at start; the browser host registers none, and such a key is then reported as not
 * decrypted there, with the reason, while the certificates (RC2, see rc2.ts) are still read.
 */
export type LegacyCipherName = 'des-ede3-cbc';

/** Decrypts CBC with PKCS#7 padding; undefined on bad padding (a wrong key). */
export type LegacyCipher = (name: LegacyCipherName, key: Uint8Array, iv: Uint8Array, data: Uint8Array) => Uint8Array | undefined;

let hostCipher: LegacyCipher | undefined;

export function provideLegacyCipher(cipher: LegacyCipher): void {
  hostCipher = cipher;
}

export function legacyCipher(): LegacyCipher | undefined {
  return hostCipher;
}
