/**
 * The room's entry: which container some bytes are (by their first bytes, never by file name, so
 * a Secret value and a renamed file read alike), opened with the empty password first and then
 * the supplied ones, and turned into the decoded objects every other part of PKI Lens knows.
 */
import { DecodedObject, decodeDer } from '../x509/material';
import { oidString, readTlv } from '../x509/der';
import { TextRange } from '../x509/pem';
import { isJavaKeystore, readJavaKeystore } from './jks';
import { KeystoreContent, KeystoreFormat, KeystoreSummary } from './model';
import { readPkcs12 } from './pkcs12';
import { readPkcs7 } from './pkcs7';

const SIGNED_DATA = '1.2.840.113549.1.7.2';
const PKCS7_PREFIX = '1.2.840.113549.1.7.';

/** The container format of these bytes, or undefined for anything else (a certificate, a key, text). */
export function keystoreFormat(bytes: Uint8Array): KeystoreFormat | undefined {
  if (isJavaKeystore(bytes)) {
    return readJavaFormat(bytes);
  }
  if (bytes.length < 8 || bytes[0] !== 0x30) {
    return undefined;
  }
  // The outer SEQUENCE may be BER with an indefinite length (0x80), as Java and Windows write PKCS#12.
  const first = bytes[1] === 0x80 ? 2 : (readTlv(bytes, 0, bytes.length, true)?.contentStart ?? -1);
  if (first < 0) {
    return undefined;
  }
  const head = readTlv(bytes, first, bytes.length, true);
  if (head?.tag === 0x06 && oidString(bytes, head) === SIGNED_DATA) {
    return 'PKCS#7';
  }
  if (head?.tag === 0x02 && head.end - head.contentStart === 1 && bytes[head.contentStart] === 3) {
    const next = bytes[head.end] === 0x30 ? (bytes[head.end + 1] === 0x80 ? head.end + 2 : readTlv(bytes, head.end, bytes.length, true)?.contentStart) : undefined;
    const oid = next !== undefined ? readTlv(bytes, next, bytes.length, true) : undefined;
    return oid?.tag === 0x06 && oidString(bytes, oid)?.startsWith(PKCS7_PREFIX) ? 'PKCS#12' : undefined;
  }
  return undefined;
}

function readJavaFormat(bytes: Uint8Array): KeystoreFormat {
  return bytes[0] === 0xfe ? 'JKS' : 'JCEKS';
}

/** Opens the container; throws with a reason when its structure is broken (the caller locates it). */
export async function readKeystore(bytes: Uint8Array, format: KeystoreFormat, passwords: readonly string[] = []): Promise<KeystoreContent> {
  const candidates = ['', ...passwords.filter(p => p !== '')];
  switch (format) {
    case 'JKS': case 'JCEKS':
      return readJavaKeystore(bytes, candidates);
    case 'PKCS#7':
      return readPkcs7(bytes);
    case 'PKCS#12':
      return readPkcs12(bytes, candidates);
  }
}

/** What each format is called in messages (decode-error names the thing a person has). */
const FORMAT_NAMES: Record<KeystoreFormat, string> = {
  'PKCS#12': 'PKCS#12 archive (.p12, .pfx)',
  'PKCS#7': 'PKCS#7 bundle (.p7b, .p7c)',
  'JKS': 'Java KeyStore (JKS)',
  'JCEKS': 'Java JCEKS keystore',
};

export interface DecodedKeystore {
  objects: DecodedObject[];
  keystore?: KeystoreSummary;
  error?: string;
}

/**
 * The container's certificates, CRLs and keys as decoded objects (all at `range`), with a summary
 * that says which object belongs to which alias. Never throws: a broken container is `error`.
 */
export async function decodeKeystore(bytes: Uint8Array, format: KeystoreFormat, range: TextRange, passwords: readonly string[] = []): Promise<DecodedKeystore> {
  let content: KeystoreContent;
  try {
    content = await readKeystore(bytes, format, passwords);
  } catch (e) {
    return { objects: [], error: `${FORMAT_NAMES[format]} is not valid: ${(e as Error)?.message || String(e)}` };
  }
  const objects: DecodedObject[] = [];
  const summary: KeystoreSummary = {
    format: content.format, integrity: content.integrity, integrityAlgorithm: content.integrityAlgorithm,
    encryption: content.encryption, weak: content.weak, locked: content.locked, opened: content.opened, entries: [],
  };
  for (const entry of content.entries) {
    const indices: number[] = [];
    for (const der of entry.certificates) {
      indices.push(objects.length);
      objects.push(entry.type === 'crl' ? await decodeDer('crl', 'X509 CRL', der, range) : await decodeDer('certificate', 'CERTIFICATE', der, range));
    }
    if (entry.key || entry.encryptedKey) {
      indices.push(objects.length);
      objects.push(entry.key ? await decodeDer('private-key', 'PRIVATE KEY', entry.key, range) : await decodeDer('private-key', 'ENCRYPTED PRIVATE KEY', entry.encryptedKey!, range));
    }
    summary.entries.push({ alias: entry.alias, type: entry.type, objects: indices, protection: entry.protection, error: entry.error, created: entry.created });
  }
  return { objects, keystore: summary };
}
