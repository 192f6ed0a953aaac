import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier, BasicConstraints, Certificate, ExtendedKeyUsage, KeyUsage, Name, SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { digest, toHex } from './bytes';
import { Tlv, children, readTlv } from './der';
import { decodeCertificateFast, serialHex } from './fastCertificate';
import { decodeGeneralNames } from './generalNames';
import { sha1, sha256 } from './sha';
import { formatName, nameFromAsn } from './name';
import { shareRepeated } from './shared';
import { KEY_USAGE_NAMES, extendedKeyUsageInfo, extensionName, signatureAlgorithmName } from './oids';
import { publicKeyFromAsn } from './keys';
import { asn1TimeText, parseAsn1Time } from './time';
import type { CertificateInfo } from './types';

export type { CertificateInfo, ExtendedKeyUsageInfo, ExtensionInfo, SanType, SubjectAltName } from './types';

function formatFingerprint(bytes: Uint8Array): string {
  return toHex(bytes, ':').toUpperCase();
}

/**
 * The SHA-1 fingerprint, as `openssl x509 -fingerprint -sha1` prints it. Made when shown, not kept
 * with every certificate: only the decoded views print it, and nothing matches by it.
 */
export function sha1Fingerprint(certificate: CertificateInfo): string {
  return formatFingerprint(sha1(certificate.der));
}

function keyUsageNames(bits: KeyUsage): string[] {
  const flags = bits.toNumber();
  return KEY_USAGE_NAMES.filter((_, i) => flags & (1 << i));
}

/**
 * Decode a DER certificate. Throws a descriptive Error for anything that is not a certificate;
 * callers attach the location. Ordinary certificates take the fast DER walk (a workspace scan
 * decodes thousands); anything unusual, and every error, comes from the schema-based decoder.
 * `sha256Digest`: the DER's SHA-256 when the caller already has it.
 */
export async function decodeCertificate(der: Uint8Array, sha256Digest?: Uint8Array): Promise<CertificateInfo> {
  const fast = decodeCertificateFast(der);
  if (fast) {
    // Onto the decoded object itself, no copy: one hidden class per shape on every V8 (see withFields).
    return shareRepeated(Object.assign(fast, { fingerprints: { sha256: formatFingerprint(sha256Digest ?? sha256(der)) } }));
  }
  return shareRepeated(await decodeCertificateAsn1(der));
}

/** The reference decoder: @peculiar/asn1-x509's schema parse (≈1.2 ms a certificate). */
export async function decodeCertificateAsn1(der: Uint8Array): Promise<CertificateInfo> {
  let cert: Certificate;
  // Only the message is ever shown: skip capturing stacks, the bulk of the cost of rejecting garbage.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch (e) {
    throw new Error(`not a valid certificate: ${(e as Error).message || 'ASN.1 structure does not match X.509'}`);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const validity = validityFromDer(der);
  if (typeof validity === 'string') {
    throw new Error(`not a valid certificate: ${validity}`);
  }
  const tbs = cert.tbsCertificate;
  const info: CertificateInfo = {
    version: tbs.version + 1,
    subject: nameFromAsn(tbs.subject),
    issuer: nameFromAsn(tbs.issuer),
    serialNumber: serialHex(new Uint8Array(tbs.serialNumber)),
    notBefore: validity?.notBefore ?? tbs.validity.notBefore.getTime(),
    notAfter: validity?.notAfter ?? tbs.validity.notAfter.getTime(),
    subjectAltNames: [],
    fingerprints: { sha256: formatFingerprint(await digest('SHA-256', der)) },
    publicKey: publicKeyFromAsn(tbs.subjectPublicKeyInfo),
    signatureAlgorithm: { oid: cert.signatureAlgorithm.algorithm, name: signatureAlgorithmName(cert.signatureAlgorithm.algorithm) },
    extensions: [],
    selfIssued: false,
    isCa: false,
    der,
  };
  info.selfIssued = toHex(info.subject.der) === toHex(info.issuer.der);
  for (const ext of tbs.extensions ?? []) {
    const value = ext.extnValue.buffer;
    info.extensions.push({ oid: ext.extnID, name: extensionName(ext.extnID), critical: ext.critical, valueHex: toHex(value) });
    try {
      switch (ext.extnID) {
        case '2.5.29.17':
          info.subjectAltNames = decodeGeneralNames(new Uint8Array(value), nameDer => formatName(nameFromAsn(AsnConvert.parse(nameDer, Name), nameDer).rdns), true) ?? [];
          break;
        case '2.5.29.15':
          info.keyUsage = keyUsageNames(AsnConvert.parse(value, KeyUsage));
          break;
        case '2.5.29.37':
          info.extendedKeyUsage = Array.from(AsnConvert.parse(value, ExtendedKeyUsage), oid => extendedKeyUsageInfo(oid));
          break;
        case '2.5.29.19': {
          const bc = AsnConvert.parse(value, BasicConstraints);
          info.basicConstraints = { ca: bc.cA, pathLength: bc.pathLenConstraint, critical: ext.critical };
          break;
        }
        case '2.5.29.14':
          info.subjectKeyId = toHex(AsnConvert.parse(value, SubjectKeyIdentifier).buffer, ':').toUpperCase();
          break;
        case '2.5.29.35': {
          const aki = AsnConvert.parse(value, AuthorityKeyIdentifier);
          if (aki.keyIdentifier) {
            info.authorityKeyId = toHex(aki.keyIdentifier.buffer, ':').toUpperCase();
          }
          break;
        }
      }
    } catch {
      // A malformed extension stays listed with its raw value; the rest of the certificate is still useful.
    }
  }
  info.isCa = info.basicConstraints?.ca === true;
  return info;
}

/**
 * NotBefore and NotAfter read from the DER with the one time reader (time.ts): the schema decoder
 * reads any 12 digits and a Z as a date (the GeneralizedTime text `19020701025736Z` under a
 * UTCTime tag became 2002), drops offsets and seconds-less times to 1899. A time openssl calls a
 * "Bad time value" is refused with the reason; undefined when the structure cannot be walked
 * (BER the schema decoder tolerated), where its own dates stand.
 */
function validityFromDer(der: Uint8Array): { notBefore: Date; notAfter: Date } | string | undefined {
  const outer = readTlv(der, 0, der.length, true);
  const tbs = outer && children(der, outer, true)?.[0];
  const fields = tbs && children(der, tbs, true);
  if (!fields) {
    return undefined;
  }
  const validity = fields[fields[0]?.tag === 0xa0 ? 4 : 3];
  const times = validity?.tag === 0x30 ? children(der, validity, true) : undefined;
  if (times?.length !== 2) {
    return undefined;
  }
  const read = (t: Tlv, i: number): Date | string => {
    const text = asn1TimeText(der.subarray(t.contentStart, t.end));
    const date = t.tag === 0x17 || t.tag === 0x18 ? parseAsn1Time(t.tag, text, i ? 'down' : 'up') : undefined;
    return date ?? `${i ? 'NotAfter' : 'NotBefore'} is not a valid ${t.tag === 0x17 ? 'UTCTime' : t.tag === 0x18 ? 'GeneralizedTime' : 'time'} (${JSON.stringify(text)})`;
  };
  const notBefore = read(times[0], 0);
  const notAfter = read(times[1], 1);
  if (typeof notBefore === 'string') {
    return notBefore;
  }
  return typeof notAfter === 'string' ? notAfter : { notBefore, notAfter };
}
