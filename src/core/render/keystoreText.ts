import { KeystoreEntrySummary, KeystoreSummary } from '../keystore/model';

const ENTRY_WORDS: Record<KeystoreEntrySummary['type'], string> = {
  'private-key': 'PrivateKeyEntry',
  'trusted-certificate': 'trustedCertEntry',
  'certificate': 'certificate',
  'secret-key': 'SecretKeyEntry',
  'crl': 'CRL',
};

/**
 * What a keystore or PKCS#7 bundle is, as lines for the decoded view, the hover and `inspect`:
 * format, how it was opened (never with which password), integrity, encryption, and its entries in
 * keytool's words (PrivateKeyEntry, trustedCertEntry). Object numbers are 1-based, as listed below.
 */
export function keystoreLines(store: KeystoreSummary): string[] {
  const lines = [`Keystore: ${store.format}${store.opened ? ` (opened with the ${store.opened})` : ''}`];
  if (store.locked) {
    lines.push(`Locked: ${store.locked}`);
  }
  if (store.format !== 'PKCS#7') {
    lines.push(`Integrity: ${store.integrity === 'verified' ? 'verified' : store.integrity === 'failed' ? 'not verified' : 'no MAC'}${store.integrityAlgorithm ? ` (${store.integrityAlgorithm})` : ''}`);
  }
  if (store.encryption.length) {
    lines.push(`Encryption: ${store.encryption.join('; ')}`);
  }
  if (store.weak.length) {
    lines.push(`Legacy algorithms: ${store.weak.join(', ')}`);
  }
  lines.push(`Entries: ${store.entries.length}`);
  store.entries.forEach((e, i) => {
    const objects = e.objects.length ? `, object${e.objects.length > 1 ? 's' : ''} ${e.objects.map(o => o + 1).join(', ')}` : '';
    const alias = e.alias !== undefined ? `"${e.alias}" ` : '';
    const created = e.created && !Number.isNaN(e.created.getTime()) ? `, created ${e.created.toISOString().slice(0, 10)}` : '';
    lines.push(`  ${i + 1}. ${alias}${ENTRY_WORDS[e.type]}${objects}${created}${e.protection ? `, key protected with ${e.protection}` : ''}${e.error ? ` — ${e.error}` : ''}`);
  });
  return lines;
}
