import { DocumentAnalysis, MaterialEntry } from '../../core/analyze';
import { sanPrefix } from '../../core/render/extensionText';
import { encodeBase64, toHex } from '../../core/x509/bytes';
import { CertificateInfo, SubjectAltName, sha1Fingerprint } from '../../core/x509/certificate';
import { PrivateKeyInfo, PublicKeyInfo } from '../../core/x509/keys';
import { DecodedObject } from '../../core/x509/material';
import { DistinguishedName, formatName } from '../../core/x509/name';
import { KEY_USAGE_NAMES } from '../../core/x509/oids';
import { TextRange, toPem } from '../../core/x509/pem';
import { sha256 } from '../../core/x509/sha';
import { kubeadmCaCertHash, spkiFingerprint } from '../../core/x509/spki';
import { certificateScts } from '../../core/x509/sct';
import type { JwkInfo } from '../../core/x509/jwk';

/**
 * What `pki-lens inspect --format json` prints: one record per certificate, request, CRL or key
 * (or per thing that could not be decoded), built from the same `analyzeText`/`analyzeBinary`
 * results the decoded view renders. Field spellings follow openssl where scripts compare with it:
 * names as `-nameopt RFC2253` prints them, SANs as `-ext subjectAltName` prints them. Pure: the
 * corpus agreement test calls it directly.
 */

/** 1-based, as `pki-lens check` and editors' `file:line:column` count. */
export interface Position {
  line: number;
  character: number;
}

export interface InspectRange {
  start: Position;
  end: Position;
}

/** The kubeconfig field (a path carrier) through which a file was read. */
export interface Via {
  file: string;
  carrier: string;
}

interface Located {
  file: string;
  /** Where the object sits in the file; null for a DER file, which has no lines. */
  range: InspectRange | null;
  /** The YAML/JSON path of the carrier holding it (`users[0].user.client-certificate-data`). */
  carrier?: string;
  /** The PEM label, or "DER". */
  label: string;
  via?: Via;
  /** The keystore or PKCS#7 bundle holding it: format and, for a store, the alias and entry type keytool prints. */
  keystore?: { format: string; alias?: string; entry?: string };
}

export interface PublicKeyRecord {
  algorithm: string;
  bits?: number;
  curve?: string;
  description: string;
  /** SHA-256 of the DER SubjectPublicKeyInfo: equal for a certificate, its request and its key. */
  sha256Fingerprint: string;
  /** The same digest as a pin: lower-case hex (`sha256sum`), and base64 (HPKP `pin-sha256`). */
  spkiSha256: string;
  spkiSha256Base64: string;
}

export interface CertificateRecord extends Located {
  type: 'certificate';
  version: number;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string | null;
  notAfter: string | null;
  subjectAltNames: string[];
  extendedKeyUsage: string[];
  keyUsage: string[];
  basicConstraints: { ca: boolean; pathLength?: number; critical: boolean } | null;
  subjectKeyId?: string;
  authorityKeyId?: string;
  publicKey: PublicKeyRecord;
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  sha256Fingerprint: string;
  sha1Fingerprint: string;
  /** On a CA: `sha256:<hex of its SPKI>`, for `kubeadm join --discovery-token-ca-cert-hash`. */
  kubeadmCaCertHash?: string;
  /** The embedded SCT list (RFC 6962), when the certificate has one; `sctError` when it does not decode. */
  scts?: { version: number; logId: string; logName: string | null; timestamp: string; signatureAlgorithm: string }[];
  sctError?: string;
  selfIssued: boolean;
  pem: string;
}

export interface CsrRecord extends Located {
  type: 'csr';
  subject: string;
  publicKey: PublicKeyRecord;
  signatureAlgorithm: string;
  attributes: string[];
  pem?: string;
}

export interface CrlRecord extends Located {
  type: 'crl';
  issuer: string;
  thisUpdate: string | null;
  nextUpdate: string | null;
  revokedCount: number;
  signatureAlgorithm: string;
  pem?: string;
}

/** A private key is described, never shown: no field holds key material. */
export interface PrivateKeyRecord extends Located {
  type: 'privateKey';
  format: string;
  encrypted: boolean;
  encryption?: string;
  algorithm: string;
  bits?: number;
  curve?: string;
  description: string;
  /** The public half's fingerprint, when it can be derived (never for an encrypted key). */
  publicKey: PublicKeyRecord | null;
}

export interface PublicKeyOnlyRecord extends Located, PublicKeyRecord {
  type: 'publicKey';
  pem: string;
}

/** A JSON Web Key: RFC 7638 thumbprint (base64url), whether private members are present (never their values). */
export interface JwkRecord extends Located, Pick<JwkInfo, 'kty' | 'crv' | 'bits' | 'kid' | 'use' | 'alg'> {
  type: 'jwk';
  thumbprint: string | null;
  hasPrivateMembers: boolean;
  publicKey: PublicKeyRecord | null;
}

export interface ErrorRecord extends Located {
  type: 'error';
  message: string;
}

export type InspectRecord = CertificateRecord | CsrRecord | CrlRecord | PrivateKeyRecord | PublicKeyOnlyRecord | JwkRecord | ErrorRecord;

/** 1-based positions of offsets in one text; line starts found once, each lookup a binary search. */
export function positionsOf(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return offset => {
    const o = Math.max(0, Math.min(offset, text.length));
    let lo = 0;
    for (let hi = starts.length - 1; lo < hi;) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) { lo = mid; } else { hi = mid - 1; }
    }
    return { line: lo + 1, character: o - starts[lo] + 1 };
  };
}

/** ISO 8601 UTC, whole seconds unless the certificate says more; null for a date that is not one. */
export function isoDate(d: Date | undefined): string | null {
  if (!d || Number.isNaN(d.getTime())) {
    return null;
  }
  return d.toISOString().replace(/\.000Z$/, 'Z');
}

/** RFC 4514 as `openssl -nameopt RFC2253` prints it (non-ASCII as escaped UTF-8 bytes). */
export function rfc2253(name: DistinguishedName): string {
  return formatName(name.rdns, { escapeNonAscii: true });
}

/**
 * A SAN as `openssl x509 -ext subjectAltName` prints it (the decoded view's `sanPrefix`): `DNS:…`,
 * `IP Address:…`, `email:…`, `URI:…`. The core keeps a DirName as RFC 4514 text; openssl prints
 * its one-line form (`/CN=x/O=y`, most general first). Text with escapes or multi-valued RDNs has
 * no faithful one-line form and stays as is.
 */
export function sanString(san: SubjectAltName): string {
  if (san.type === 'DirName' && san.value && !/[\\"+]/.test(san.value)) {
    return `${sanPrefix(san.type)}:/${san.value.split(',').reverse().join('/')}`;
  }
  return `${sanPrefix(san.type)}:${san.value}`;
}

/** RFC 5280 / openssl config spellings of the key usage bits, in the core's bit order. */
const KEY_USAGE_SHORT: Record<(typeof KEY_USAGE_NAMES)[number], string> = {
  'Digital Signature': 'digitalSignature',
  'Non Repudiation': 'nonRepudiation',
  'Key Encipherment': 'keyEncipherment',
  'Data Encipherment': 'dataEncipherment',
  'Key Agreement': 'keyAgreement',
  'Certificate Sign': 'keyCertSign',
  'CRL Sign': 'cRLSign',
  'Encipher Only': 'encipherOnly',
  'Decipher Only': 'decipherOnly',
};

function fingerprint(bytes: Uint8Array): string {
  return toHex(sha256(bytes), ':').toUpperCase();
}

function sctFields(cert: CertificateInfo): Pick<CertificateRecord, 'scts' | 'sctError'> {
  const result = certificateScts(cert);
  if (!result) {
    return {};
  }
  if ('error' in result) {
    return { sctError: result.error };
  }
  return {
    scts: result.scts.map(s => ({ version: s.version + 1, logId: s.logIdBase64, logName: s.logName ?? null, timestamp: s.timestamp.toISOString(), signatureAlgorithm: s.signatureAlgorithm })),
  };
}

function publicKeyRecord(key: PublicKeyInfo): PublicKeyRecord {
  return {
    algorithm: key.algorithm,
    ...(key.bits !== undefined ? { bits: key.bits } : {}),
    ...(key.curve !== undefined ? { curve: key.curve } : {}),
    description: key.description,
    sha256Fingerprint: fingerprint(key.spki),
    spkiSha256: spkiFingerprint(key).sha256Hex,
    spkiSha256Base64: spkiFingerprint(key).sha256Base64,
  };
}

function pemOf(label: string, der: Uint8Array | undefined): string | undefined {
  return der ? toPem(label, encodeBase64(der)) : undefined;
}

export function certificateRecord(cert: CertificateInfo, where: Located): CertificateRecord {
  return {
    type: 'certificate',
    ...where,
    version: cert.version,
    subject: rfc2253(cert.subject),
    issuer: rfc2253(cert.issuer),
    serialNumber: cert.serialNumber,
    notBefore: isoDate(cert.notBefore),
    notAfter: isoDate(cert.notAfter),
    subjectAltNames: cert.subjectAltNames.map(sanString),
    extendedKeyUsage: (cert.extendedKeyUsage ?? []).map(e => e.short),
    keyUsage: (cert.keyUsage ?? []).map(k => KEY_USAGE_SHORT[k as keyof typeof KEY_USAGE_SHORT] ?? k),
    basicConstraints: cert.basicConstraints ?? null,
    ...(cert.subjectKeyId ? { subjectKeyId: cert.subjectKeyId } : {}),
    ...(cert.authorityKeyId ? { authorityKeyId: cert.authorityKeyId } : {}),
    publicKey: publicKeyRecord(cert.publicKey),
    signatureAlgorithm: cert.signatureAlgorithm.name,
    signatureAlgorithmOid: cert.signatureAlgorithm.oid,
    sha256Fingerprint: cert.fingerprints.sha256,
    sha1Fingerprint: sha1Fingerprint(cert),
    ...(cert.isCa ? { kubeadmCaCertHash: kubeadmCaCertHash(cert.publicKey) } : {}),
    ...sctFields(cert),
    selfIssued: cert.selfIssued,
    pem: pemOf('CERTIFICATE', cert.der)!,
  };
}

function privateKeyRecord(key: PrivateKeyInfo, where: Located): PrivateKeyRecord {
  // Field by field, so that nothing a future PrivateKeyInfo gains can reach the output unreviewed.
  return {
    type: 'privateKey',
    ...where,
    format: key.format,
    encrypted: key.encrypted,
    ...(key.encryption ? { encryption: key.encryption } : {}),
    algorithm: key.algorithm,
    ...(key.bits !== undefined ? { bits: key.bits } : {}),
    ...(key.curve !== undefined ? { curve: key.curve } : {}),
    description: key.description,
    publicKey: key.publicKey ? publicKeyRecord(key.publicKey) : null,
  };
}

/** The record of one decoded object. */
export function objectRecord(obj: DecodedObject, where: Located): InspectRecord {
  if (obj.error) {
    return { type: 'error', ...where, message: obj.error };
  }
  if (obj.certificate) {
    return certificateRecord(obj.certificate, where);
  }
  if (obj.privateKey) {
    return privateKeyRecord(obj.privateKey, where);
  }
  if (obj.jwk) {
    // Field by field: only the public facts of a JSON Web Key, never a private member.
    const { kty, crv, bits, kid, use, alg, thumbprint, hasPrivate } = obj.jwk;
    return {
      type: 'jwk', ...where, kty, ...(crv ? { crv } : {}), ...(bits ? { bits } : {}), ...(kid ? { kid } : {}), ...(use ? { use } : {}), ...(alg ? { alg } : {}),
      thumbprint: thumbprint ?? null, hasPrivateMembers: hasPrivate, publicKey: obj.publicKey ? publicKeyRecord(obj.publicKey) : null,
    };
  }
  if (obj.publicKey) {
    return { type: 'publicKey', ...where, ...publicKeyRecord(obj.publicKey), pem: pemOf('PUBLIC KEY', obj.publicKey.spki)! };
  }
  if (obj.csr) {
    const pem = pemOf('CERTIFICATE REQUEST', obj.der);
    return { type: 'csr', ...where, subject: rfc2253(obj.csr.subject), publicKey: publicKeyRecord(obj.csr.publicKey), signatureAlgorithm: obj.csr.signatureAlgorithm, attributes: obj.csr.attributes, ...(pem ? { pem } : {}) };
  }
  if (obj.crl) {
    const pem = pemOf('X509 CRL', obj.der);
    return {
      type: 'crl', ...where, issuer: rfc2253(obj.crl.issuer), thisUpdate: isoDate(obj.crl.thisUpdate), nextUpdate: isoDate(obj.crl.nextUpdate),
      revokedCount: obj.crl.revoked, signatureAlgorithm: obj.crl.signatureAlgorithm, ...(pem ? { pem } : {}),
    };
  }
  return { type: 'error', ...where, message: `${obj.label}: nothing PKI Lens can show` };
}

/**
 * Every record of a file's analysis, in file order. `text` is what the file was read as (undefined
 * for DER, whose records have no range). Entries that failed as a whole become error records.
 */
export function inspectRecords(file: string, analysis: DocumentAnalysis, text: string | undefined): InspectRecord[] {
  const at = text === undefined ? undefined : positionsOf(text);
  const rangeOf = (r: TextRange): InspectRange | null => (at ? { start: at(r.start), end: at(r.end) } : null);
  const out: InspectRecord[] = [];
  for (const entry of analysis.entries) {
    const base = (label: string, range: TextRange) => ({ file, range: rangeOf(range), ...carrierOf(entry), label });
    if (entry.error) {
      out.push({ type: 'error', ...base(entry.carrier?.encoding === 'base64' ? 'base64' : 'PEM', entry.range), message: entry.error });
    }
    const store = entry.keystore;
    if (store?.locked && store.format === 'PKCS#12') {
      // A store whose content stays locked is reported, never skipped: inspect exits 1 and names it.
      // (A JKS store's certificates are in the clear: like keytool -list, it is listed with its integrity unverified.)
      out.push({ type: 'error', ...base(store.format, entry.range), keystore: { format: store.format }, message: `${store.format} keystore is locked: ${store.locked} (give it with --password-file FILE or PKI_LENS_PASSWORD)` });
    }
    entry.objects.forEach((obj, i) => {
      const holder = store?.entries.find(e => e.objects.includes(i));
      const keystore = store ? { keystore: { format: store.format, ...(holder?.alias !== undefined ? { alias: holder.alias } : {}), ...(holder && store.format !== 'PKCS#7' ? { entry: holder.type } : {}) } } : {};
      out.push(objectRecord(obj, { ...base(obj.label, obj.range), ...keystore }));
    });
  }
  return out;
}

function carrierOf(entry: MaterialEntry): { carrier?: string } {
  return entry.carrier ? { carrier: entry.carrier.path } : {};
}
