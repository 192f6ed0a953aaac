import nodeCrypto = require('node:crypto');
import { createDecipheriv, createHash } from 'node:crypto';
import { provideLegacyCipher, provideLegacyDigest } from '../core/keystore/legacyCipher';
import { provideSha256 } from '../core/x509/hostHash';
import { provideVerify } from '../core/x509/hostVerify';

/**
 * Gives the core what Node's crypto does that the browser's lacks or does slower: Triple DES for
 * legacy PKCS#12 key bags and legacy PEM keys, MD5 for the latter's EVP_BytesToKey (see
 * core/keystore/legacyCipher.ts), a native SHA-256 for fingerprints and key ids (core/x509/hostHash.ts),
 * and signature checks with less work on the calling thread than WebCrypto's (core/x509/hostVerify.ts).
 * Called once by each Node host: the CLI, the desktop extension host and its analysis worker.
 */
export function provideNodeCrypto(): void {
  provideLegacyCipher((name, key, iv, data) => {
    try {
      const decipher = createDecipheriv(name, key, iv);
      const plain = Buffer.concat([decipher.update(data), decipher.final()]);
      return new Uint8Array(plain.buffer, plain.byteOffset, plain.length);
    } catch {
      return undefined; // bad padding: the wrong key
    }
  });
  provideLegacyDigest(data => new Uint8Array(createHash('md5').update(data).digest()));
  // The one-shot `hash` (Node 20.12, 21.7) where there is one: no Hash object a digest, 30–40% less
  // than createHash's for an 850-byte certificate (Node 20 and the Node 24 code-server runs).
  const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer }).hash;
  provideSha256(bytes => {
    const digest = oneShot ? oneShot('sha256', bytes, 'buffer') : createHash('sha256').update(bytes).digest();
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
  });
  // The key WebCrypto imported, as Node's KeyObject: one a key (an issuer signs many certificates).
  const keyObjects = new WeakMap<CryptoKey, nodeCrypto.KeyObject>();
  provideVerify((hash, key, signature, data) => new Promise(resolve => {
    try {
      let keyObject = keyObjects.get(key);
      if (!keyObject) {
        keyObject = nodeCrypto.KeyObject.from(key);
        keyObjects.set(key, keyObject);
      }
      // The key alone, no options object (see hostVerify.ts): ECDSA signatures come as DER, Node's default;
      // RSA keys use PKCS#1 v1.5, as the algorithm WebCrypto imported them for.
      nodeCrypto.verify(hash ? hash.replace('-', '').toLowerCase() : null, data, keyObject, signature, (error, ok) => resolve(!error && ok));
    } catch {
      resolve(false);
    }
  }));
}
