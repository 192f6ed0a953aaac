import { Inventory } from '../inventory/inventory';
import { Check, Finding, ResolvedCheckOptions, ITEMS_PER_STEP, RuleSteps } from './finding';

/**
 * weak-keystore: a keystore protected with legacy algorithms — PKCS#12 with 40-bit RC2, RC4 or
 * 3DES encryption or a SHA-1 MAC (`openssl pkcs12 -legacy`, exports before OpenSSL 3 and Java
 * 12), JKS's SHA-1 key protector, JCEKS's PBEWithMD5AndTripleDES. OpenSSL 3 refuses such a
 * PKCS#12 without -legacy ("unsupported … RC2-40-CBC"), and the protection can be brute-forced.
 */
export const checkWeakKeystore: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  let visited = 0;
  for (const file of inventory.filesWith.keystores) {
    if (++visited % ITEMS_PER_STEP === 0) {
      yield;
    }
    for (const entry of file.analysis.entries) {
      const store = entry.keystore;
      if (!store?.weak.length) {
        continue;
      }
      const where = entry.carrier ? ` in ${entry.carrier.path}` : '';
      const fix = store.format === 'PKCS#12'
        ? 're-export it with OpenSSL 3 defaults (`openssl pkcs12 -export`: AES-256-CBC, PBKDF2, SHA-256 MAC)'
        : `migrate it to PKCS#12 (\`keytool -importkeystore -srcstoretype ${store.format} -deststoretype pkcs12\`), as keytool itself recommends`;
      findings.push({
        code: 'weak-keystore', severity: 'warning', uri: file.uri, range: entry.range, related: [],
        message: `${store.format} keystore${where} is protected with legacy algorithms: ${store.weak.join(', ')}; ${fix}`,
      });
    }
  }
  return findings;
};
