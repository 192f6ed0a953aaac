import { AsnConvert } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';
import { Tlv, expectChildren as children, oidString, expectTlv as readTlv } from '../x509/der';
import { PublicKeyInfo, describePublicKey } from '../x509/keys';
import { DistinguishedName, nameFromAsn } from '../x509/name';
import { SignatureCheck, SignedData, verifySignedData } from '../x509/signature';
import { RenewalError } from './errors';
import { RawExtension } from './rawCertificate';
import { OID_SAN, parseSanName } from './subjectAltNames';
import { ipText } from '../x509/generalNames';

/**
 * A PKCS#10 certificate request read for signing: the subject Name and SubjectPublicKeyInfo as
 * the exact bytes they were (they go into the certificate unchanged), the extensions it asks for,
 * and its proof of possession checked. `x509/material.ts` decodes CSRs for display; this keeps
 * the raw parts signing needs, as rawCertificate.ts does for renewal.
 */

const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

export interface RawCsr {
  /** The subject Name's DER, copied into the certificate as it is. */
  subject: Uint8Array;
  subjectName: DistinguishedName;
  spki: Uint8Array;
  publicKey: PublicKeyInfo;
  /** The extensions of the PKCS#9 extensionRequest attribute. */
  extensions: RawExtension[];
  /** The requested SANs as GeneralName DER, and as `DNS:…`/`IP:…` text. */
  subjectAltNames: { der: Uint8Array[]; text: string[] };
}

/** The request as read, before its self-signature is checked (the part that needs WebCrypto). */
export interface ParsedCsr extends RawCsr {
  /** What the self-signature covers, its algorithm and its value. */
  signed: SignedData;
}

/**
 * Reads the request without checking its signature. Throws RenewalError: 'invalid-input' when it
 * cannot be read, 'invalid-name' for a requested name that is not a valid DNS name or IP.
 * Synchronous, so the rules (checks/csr*.ts) judge a request exactly as signing reads it.
 */
export function parseCsr(der: Uint8Array): ParsedCsr {
  let parts: { info: Tlv; sigAlg: Tlv; sig: Tlv; subject: Tlv; spki: Tlv; attributes?: Tlv };
  try {
    const outer = readTlv(der, 0);
    const [info, sigAlg, sig] = children(der, outer);
    const fields = children(der, info);
    const [, subject, spki, attributes] = fields;
    if (!info || !sigAlg || !sig || sig.tag !== 0x03 || !subject || subject.tag !== 0x30 || !spki || spki.tag !== 0x30) {
      throw new Error('not a PKCS#10 CertificationRequest');
    }
    parts = { info, sigAlg, sig, subject, spki, attributes: attributes?.tag === 0xa0 ? attributes : undefined };
  } catch (e) {
    throw new RenewalError('invalid-input', `the certificate request cannot be read: ${(e as Error).message}`);
  }
  const slice = (t: Tlv) => der.slice(t.start, t.end);
  const spki = slice(parts.spki);
  let publicKey: PublicKeyInfo;
  let subjectName: DistinguishedName;
  try {
    subjectName = nameFromAsn(AsnConvert.parse(slice(parts.subject), Name), slice(parts.subject));
  } catch (e) {
    throw new RenewalError('invalid-input', `the certificate request's subject cannot be read: ${(e as Error).message}`);
  }
  try {
    publicKey = describePublicKey(spki);
  } catch (e) {
    throw new RenewalError('invalid-input', `the certificate request's public key cannot be read: ${(e as Error).message}`);
  }
  const algorithm = oidString(der, children(der, parts.sigAlg)[0]) ?? '';
  const signed = { oid: algorithm, parts: { tbs: slice(parts.info), signature: der.slice(parts.sig.contentStart + 1, parts.sig.end) } };
  const extensions = parts.attributes ? requestedExtensions(der, parts.attributes) : [];
  return { subject: slice(parts.subject), subjectName, spki, publicKey, extensions, subjectAltNames: requestedNames(extensions), signed };
}

/** Does the key the request carries verify its self-signature (proof of possession)? Never throws. */
export function csrSignatureCheck(request: ParsedCsr): Promise<SignatureCheck> {
  return verifySignedData(request.signed, request.publicKey);
}

/** What a failed self-signature means, in the words signing refuses with and the rule reports. */
export function csrSignatureProblem(check: SignatureCheck, algorithm: string): string | undefined {
  if (check === 'unsupported') {
    return `the certificate request's signature (${algorithm}) cannot be checked here; sign it with RSA PKCS#1 v1.5, ECDSA or Ed25519`;
  }
  return check === 'valid' ? undefined
    : 'the certificate request\'s signature does not verify with the public key it carries: it was altered after signing or not made by the key\'s holder';
}

/**
 * Reads the request and verifies its self-signature. Throws RenewalError: 'invalid-input' when it
 * cannot be read, 'bad-csr-signature' when it is not signed by the key it carries (altered, or
 * not made by the key's holder), 'invalid-name' for a requested name that is not a valid DNS name or IP.
 */
export async function readCsr(der: Uint8Array): Promise<ParsedCsr> {
  const request = parseCsr(der);
  const problem = csrSignatureProblem(await csrSignatureCheck(request), request.signed.oid);
  if (problem) {
    throw new RenewalError('bad-csr-signature', `${problem}; nothing was signed`);
  }
  return request;
}

function requestedExtensions(der: Uint8Array, attributes: Tlv): RawExtension[] {
  const out: RawExtension[] = [];
  try {
    for (const attribute of children(der, attributes)) {
      const [type, values] = children(der, attribute);
      if (oidString(der, type) !== OID_EXTENSION_REQUEST) {
        continue;
      }
      for (const list of children(der, values)) {
        for (const e of children(der, list)) {
          const p = children(der, e);
          const oid = oidString(der, p[0]);
          const valueTlv = p[p.length - 1];
          if (oid === undefined || valueTlv.tag !== 0x04) {
            throw new Error('malformed extension');
          }
          const critical = p.length === 3 && p[1].tag === 0x01 && der[p[1].contentStart] !== 0;
          out.push({ oid, critical, der: der.slice(e.start, e.end), value: der.slice(valueTlv.contentStart, valueTlv.end) });
        }
      }
    }
  } catch (e) {
    throw new RenewalError('invalid-input', `the certificate request's extensionRequest cannot be read: ${(e as Error).message}`);
  }
  return out;
}

/** The requested SANs: DNS and IP entries validated (a name no client could match is refused), others kept as they are. */
function requestedNames(extensions: readonly RawExtension[]): RawCsr['subjectAltNames'] {
  const san = extensions.find(e => e.oid === OID_SAN);
  const names: RawCsr['subjectAltNames'] = { der: [], text: [] };
  if (!san) {
    return names;
  }
  try {
    const seq = readTlv(san.value, 0);
    for (const t of children(san.value, seq)) {
      const body = san.value.subarray(t.contentStart, t.end);
      names.der.push(san.value.slice(t.start, t.end));
      if (t.tag === 0x82) {
        names.text.push(`DNS:${parseSanName(`DNS:${String.fromCharCode(...body)}`).value}`);
      } else if (t.tag === 0x87) {
        if (body.length !== 4 && body.length !== 16) {
          throw new RenewalError('invalid-name', `the request asks for an IP address of ${body.length} bytes; an IP SAN holds 4 (IPv4) or 16 (IPv6)`);
        }
        names.text.push(`IP:${ipText(body)}`);
      } else {
        names.text.push(t.tag === 0x81 ? `email:${String.fromCharCode(...body)}` : t.tag === 0x86 ? `URI:${String.fromCharCode(...body)}` : `[${t.tag.toString(16)}]`);
      }
    }
  } catch (e) {
    if (e instanceof RenewalError) {
      throw e;
    }
    throw new RenewalError('invalid-input', `the certificate request's Subject Alternative Names cannot be read: ${(e as Error).message}`);
  }
  return names;
}
