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

/**
 * MD5 for legacy OpenSSL-encrypted PEM keys (legacyPem.ts: EVP_BytesToKey): WebCrypto has no MD5,
 * and, as for Triple DES, Node's crypto does it well, so the Node hosts register it and the
 * browser host leaves such keys described but not opened.
 */
export type LegacyDigest = (data: Uint8Array) => Uint8Array;

let hostMd5: LegacyDigest | undefined;

export function provideLegacyDigest(md5: LegacyDigest): void {
  hostMd5 = md5;
}

export function legacyDigest(): LegacyDigest | undefined {
  return hostMd5;
}
