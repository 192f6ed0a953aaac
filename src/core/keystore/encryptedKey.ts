/**
 * A PEM `ENCRYPTED PRIVATE KEY` (PKCS#8 EncryptedPrivateKeyInfo, `openssl pkcs8 -topk8 -v2`) opened
 * with the supplied passwords, through the same password-based decryption as the keystores
 * (pbe.ts): once open, its algorithm, size and public half are known, so the inventory can say
 * whether it matches its certificate. Legacy `Proc-Type: 4,ENCRYPTED` PEM keys (OpenSSL's own
 * EVP_BytesToKey with MD5) are opened by legacyPem.ts.
 */
import { DecodedObject, decodeDer } from '../x509/material';
import { PemBlock } from '../x509/pem';
import { KdfBudget, PbeError, pbeScheme, splitEncryptedPrivateKeyInfo } from './pbe';

export async function openEncryptedPrivateKey(block: PemBlock, passwords: readonly string[]): Promise<DecodedObject | undefined> {
  const parsed = block.der && splitEncryptedPrivateKeyInfo(block.der);
  if (!parsed || !passwords.length) {
    return undefined;
  }
  const budget = new KdfBudget();
  try {
    const scheme = pbeScheme(parsed.algorithm);
    for (const password of passwords) {
      budget.spend(scheme);
      const plain = await scheme.decrypt(password, parsed.data);
      if (plain && plain[0] === 0x30) {
        const opened = await decodeDer('private-key', 'PRIVATE KEY', plain, block.range);
        if (!opened.error && opened.privateKey) {
          return { ...opened, label: block.label, privateKey: { ...opened.privateKey, format: 'PKCS#8 (encrypted)', encrypted: true, encryption: scheme.description } };
        }
      }
    }
  } catch (e) {
    if (!(e instanceof PbeError)) {
      throw e;
    }
  }
  return undefined; // still locked: decoded as an encrypted key, as without passwords
}
