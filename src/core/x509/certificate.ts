import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier, BasicConstraints, Certificate, ExtendedKeyUsage, GeneralName, KeyUsage,
  SubjectAlternativeName, SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { digest, toHex } from './bytes';
import { children, readTlv } from './der';
import { decodeCertificateFast, serialHex } from './fastCertificate';
import { sha1, sha256 } from './sha';
import { DistinguishedName, formatName, nameFromAsn } from './name';
import { EXTENDED_KEY_USAGES, KEY_USAGE_NAMES, extensionName, signatureAlgorithmName } from './oids';
import { PublicKeyInfo, publicKeyFromAsn } from './keys';

export type SanType = 'DNS' | 'IP' | 'email' | 'URI' | 'DirName' | 'RID' | 'othername';

export interface SubjectAltName {
  type: SanType;
  value: string;
}

export interface ExtendedKeyUsageInfo {
  oid: string;
  /** serverAuth, clientAuth… or the OID when unknown. */
  short: string;
  /** "TLS Web Server Authentication (serverAuth)" — the openssl long name with the short one. */
  label: string;
}

export interface ExtensionInfo {
  oid: string;
  name: string;
  critical: boolean;
  /** The extension value (extnValue contents) in hex, for extensions we show raw. */
  valueHex: string;
}

/** Everything the extension shows or checks about one X.509 certificate. */
export interface CertificateInfo {
  version: number;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  /** Serial as uppercase hex, as `openssl x509 -serial` prints it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  subjectAltNames: SubjectAltName[];
  keyUsage?: string[];
  extendedKeyUsage?: ExtendedKeyUsageInfo[];
  basicConstraints?: { ca: boolean; pathLength?: number; critical: boolean };
  subjectKeyId?: string;
  authorityKeyId?: string;
  fingerprints: { sha256: string; sha1: string };
  publicKey: PublicKeyInfo;
  signatureAlgorithm: { oid: string; name: string };
  extensions: ExtensionInfo[];
  /** Subject and issuer names are the same bytes: a self-issued (usually self-signed) certificate. */
  selfIssued: boolean;
  isCa: boolean;
  der: Uint8Array;
}

function formatFingerprint(bytes: Uint8Array): string {
  return toHex(bytes, ':').toUpperCase();
}

/**
 * IA5String values are read one byte a character; names that are really UTF-8 (an IDN written
 * unencoded, against RFC 5280) read as UTF-8, as openssl shows them, instead of as mojibake.
 */
function ia5Text(value: string): string {
  if (!/[\u0080-\u00ff]/.test(value) || /[^\u0000-\u00ff]/.test(value)) {
    return value;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(value, c => c.charCodeAt(0)));
  } catch {
    return value;
  }
}

function generalName(n: GeneralName): SubjectAltName {
  if (n.dNSName !== undefined) { return { type: 'DNS', value: ia5Text(n.dNSName) }; }
  if (n.iPAddress !== undefined) { return { type: 'IP', value: formatIp(n.iPAddress) }; }
  if (n.rfc822Name !== undefined) { return { type: 'email', value: ia5Text(n.rfc822Name) }; }
  if (n.uniformResourceIdentifier !== undefined) { return { type: 'URI', value: ia5Text(n.uniformResourceIdentifier) }; }
  if (n.directoryName !== undefined) { return { type: 'DirName', value: formatName(nameFromAsn(n.directoryName).rdns) }; }
  if (n.registeredID !== undefined) { return { type: 'RID', value: n.registeredID }; }
  if (n.otherName !== undefined) { return { type: 'othername', value: `${n.otherName.typeId}:<unsupported>` }; }
  return { type: 'othername', value: '<unsupported>' };
}

/** IPv6 as openssl prints it: eight uncompressed groups without leading zeros, upper case. */
function formatIp(ip: string): string {
  if (!ip.includes(':')) {
    return ip;
  }
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const fill = tail !== undefined ? Array(8 - headGroups.length - tailGroups.length).fill('0') : [];
  return [...headGroups, ...fill, ...tailGroups].map(g => (parseInt(g, 16) || 0).toString(16).toUpperCase()).join(':');
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
    return { ...fast, fingerprints: { sha256: formatFingerprint(sha256Digest ?? sha256(der)), sha1: formatFingerprint(sha1(der)) } };
  }
  return decodeCertificateAsn1(der);
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
  const badTime = invalidValidityTime(der);
  if (badTime) {
    throw new Error(`not a valid certificate: ${badTime}`);
  }
  const tbs = cert.tbsCertificate;
  const info: CertificateInfo = {
    version: tbs.version + 1,
    subject: nameFromAsn(tbs.subject),
    issuer: nameFromAsn(tbs.issuer),
    serialNumber: serialHex(new Uint8Array(tbs.serialNumber)),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    subjectAltNames: [],
    fingerprints: {
      sha256: formatFingerprint(await digest('SHA-256', der)),
      sha1: formatFingerprint(await digest('SHA-1', der)),
    },
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
          info.subjectAltNames = Array.from(AsnConvert.parse(value, SubjectAlternativeName), generalName);
          break;
        case '2.5.29.15':
          info.keyUsage = keyUsageNames(AsnConvert.parse(value, KeyUsage));
          break;
        case '2.5.29.37':
          info.extendedKeyUsage = Array.from(AsnConvert.parse(value, ExtendedKeyUsage), oid => {
            const known = EXTENDED_KEY_USAGES[oid];
            return known ? { oid, short: known.short, label: `${known.long} (${known.short})` } : { oid, short: oid, label: oid };
          });
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

const UTC_TIME = /^\d{10}(\d{2})?(Z|[+-]\d{4})$/;
const GENERALIZED_TIME = /^\d{10}(\d{2}(\d{2}([.,]\d+)?)?)?(Z|[+-]\d{2}(\d{2})?)?$/;

/**
 * The schema decoder reads any 12 digits and a Z inside a time as a date (so the GeneralizedTime
 * text `19020701025736Z` under a UTCTime tag becomes 2002); openssl calls such a time "Bad time
 * value". Say so instead of showing an invented date.
 */
function invalidValidityTime(der: Uint8Array): string | undefined {
  const outer = readTlv(der, 0);
  const tbs = outer && children(der, outer)?.[0];
  const fields = tbs && children(der, tbs);
  if (!fields) {
    return undefined;
  }
  const validity = fields[fields[0]?.tag === 0xa0 ? 4 : 3];
  const times = validity?.tag === 0x30 ? children(der, validity) : undefined;
  for (const [i, t] of (times ?? []).entries()) {
    const text = String.fromCharCode(...der.subarray(t.contentStart, t.end));
    const ok = t.tag === 0x17 ? UTC_TIME.test(text) : t.tag === 0x18 ? GENERALIZED_TIME.test(text) : true;
    if (!ok) {
      return `${i ? 'NotAfter' : 'NotBefore'} is not a valid ${t.tag === 0x17 ? 'UTCTime' : 'GeneralizedTime'} (${JSON.stringify(text)})`;
    }
  }
  return undefined;
}

