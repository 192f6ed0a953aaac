/**
 * The facts a decoded certificate carries. Kept apart from the decoders so that the fast DER walk
 * (fastCertificate.ts) and the schema-based reference decoder (certificate.ts) share them without
 * importing each other.
 */
import type { DistinguishedName } from './name';
import type { PublicKeyInfo } from './keys';

/** The GeneralName choices, named as `openssl x509 -ext subjectAltName` prefixes them (see render/extensionText sanPrefix). */
export type SanType = 'DNS' | 'IP' | 'email' | 'URI' | 'DirName' | 'RID' | 'othername' | 'X400Name' | 'EdiPartyName';

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
  /** SHA-256 as openssl prints it; SHA-1 is made when shown (certificate.ts sha1Fingerprint). */
  fingerprints: { sha256: string };
  publicKey: PublicKeyInfo;
  signatureAlgorithm: { oid: string; name: string };
  extensions: ExtensionInfo[];
  /** Subject and issuer names are the same bytes: a self-issued (usually self-signed) certificate. */
  selfIssued: boolean;
  isCa: boolean;
  der: Uint8Array;
}
