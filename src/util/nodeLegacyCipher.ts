import { createDecipheriv, createHash } from 'node:crypto';
import { provideLegacyCipher, provideLegacyDigest } from '../core/keystore/legacyCipher';

/**
 * Gives the core Node's Triple DES for legacy PKCS#12 key bags and legacy PEM keys, and MD5 for
 * the latter's EVP_BytesToKey (see core/keystore/legacyCipher.ts).
 * Called once by each Node host: the CLI, the desktop extension host and its analysis worker.
 */
export function provideNodeLegacyCipher(): void {
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
}
