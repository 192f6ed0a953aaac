/**
 * PKCS#7/CMS certificate bundles (.p7b, .p7c, PEM "PKCS7", `openssl crl2pkcs7` output): the
 * certificates and CRLs of a SignedData. The outer ContentInfo goes through the @peculiar/asn1-cms
 * schema; the SignedData is walked with the DER reader because the schema would re-encode each
 * certificate, and fingerprints and signatures need the exact bytes as they stand in the file.
 */
import { ContentInfo, id_signedData } from '@peculiar/asn1-cms';
import { children, readTlv } from '../x509/der';
import { parse } from './asn1';
import { KeystoreContent } from './model';

export async function readPkcs7(der: Uint8Array): Promise<KeystoreContent> {
  const info = parse(der, ContentInfo);
  if (info.contentType !== id_signedData) {
    throw new Error(`PKCS#7 content type ${info.contentType} holds no certificates (only SignedData bundles are read)`);
  }
  const signed = new Uint8Array(info.content);
  const top = readTlv(signed, 0, signed.length, true);
  const parts = top && top.tag === 0x30 ? children(signed, top, true) : undefined;
  if (!parts || parts.length < 4 || parts[0].tag !== 0x02) {
    throw new Error('malformed PKCS#7 SignedData');
  }
  const store: KeystoreContent = { format: 'PKCS#7', entries: [], integrity: 'none', encryption: [], weak: [] };
  for (const part of parts.slice(3)) {
    // certificates [0] IMPLICIT SET OF CertificateChoices; crls [1] IMPLICIT SET OF RevocationInfoChoice.
    if (part.tag !== 0xa0 && part.tag !== 0xa1) {
      continue;
    }
    const items = children(signed, part, true);
    if (!items) {
      throw new Error(`malformed PKCS#7 ${part.tag === 0xa0 ? 'certificate' : 'CRL'} set`);
    }
    for (const item of items) {
      if (item.tag !== 0x30) {
        continue; // attribute certificates and other formats are not X.509 certificates
      }
      const bytes = signed.slice(item.start, item.end);
      store.entries.push(part.tag === 0xa0 ? { type: 'certificate', certificates: [bytes] } : { type: 'crl', certificates: [bytes] });
    }
  }
  return store;
}
