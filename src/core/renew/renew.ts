import { bytesEqual, digest, encodeBase64, toArrayBuffer, toHex } from '../x509/bytes';
import { CertificateInfo, decodeCertificate } from '../x509/certificate';
import {
  GeneratedKey, KeyError, PrivateKeyEncoding, PrivateKeyMaterial, SigningKey, encodePrivateKeyPem, encodingForLabel,
  generateKeyLike, importSigningKey, signParams, verifyImportParams,
} from '../x509/keygen';
import { PublicKeyInfo, completePublicKey, describePrivateKey } from '../x509/keys';
import { extensionName } from '../x509/oids';
import { toPem } from '../x509/pem';
import { Tlv, expectChildren as children, expectTlv as readTlv } from '../x509/der';
import { verifySignedData } from '../x509/signature';
import { DAY } from '../x509/time';

/**
 * Re-issuing certificates. The new TBSCertificate is assembled from the old certificate's raw DER
 * (subject Name, SubjectPublicKeyInfo when the key is kept, every extension) and the CA's subject
 * Name, so nothing is re-encoded: what the old certificate said, byte for byte, the new one says.
 */

export type RenewalErrorCode =
  | 'invalid-input'
  | 'ca-key-mismatch'
  | 'not-a-ca'
  | 'ca-expired'
  | 'ca-not-yet-valid'
  | 'not-issued-by-ca'
  | 'is-the-ca'
  | 'not-self-signed'
  | 'key-mismatch'
  | 'encrypted-key'
  | 'unsupported-key'
  | 'invalid-key';

/** Why a renewal was refused; the message is written for the operator. */
export class RenewalError extends Error {
  constructor(readonly code: RenewalErrorCode, message: string) {
    super(message);
    this.name = 'RenewalError';
  }
}

/** What happens to the certificate's key pair. */
export type KeyPolicy =
  /** Keep the certificate's public key. When the private key is given it must belong to the certificate. */
  | { policy: 'reuse'; privateKey?: PrivateKeyMaterial }
  /**
   * A new key of the same algorithm and size. The new key is written as `format`, else in the
   * format of the key it replaces (`previousKeyLabel`: `RSA PRIVATE KEY` keeps PKCS#1 as kubeadm
   * writes it, `EC PRIVATE KEY` keeps SEC1 as the kubelet writes it), else PKCS#8.
   */
  | { policy: 'rotate'; format?: PrivateKeyEncoding; previousKeyLabel?: string };

export interface RenewCertificateOptions {
  /** DER of the certificate to renew. */
  certificate: Uint8Array;
  /** DER of the issuing CA's certificate. */
  caCertificate: Uint8Array;
  /** The CA's private key (decrypted DER with its PEM label) or a WebCrypto signing key. */
  caKey: PrivateKeyMaterial | CryptoKey;
  key: KeyPolicy;
  /** Defaults to the current time. */
  now?: Date;
  /** Lifetime of the new certificate; defaults to the old certificate's lifetime. */
  validityDays?: number;
  /** Re-issue under a CA that did not sign the old certificate (moving to a new CA). */
  allowDifferentIssuer?: boolean;
}

export interface RenewCaOptions {
  caCertificate: Uint8Array;
  caKey: PrivateKeyMaterial | CryptoKey;
  now?: Date;
  /** Defaults to the old CA certificate's lifetime. */
  validityDays?: number;
}

/** One field of the preview: the value before and after. */
export interface FieldChange<T> {
  old: T;
  new: T;
  changed: boolean;
}

/** Old versus new, for the preview shown before anything is written. */
export interface RenewalChanges {
  subject: FieldChange<string>;
  issuer: FieldChange<string>;
  /** `DNS:kubernetes`, `IP:10.96.0.1`… in certificate order. */
  subjectAltNames: FieldChange<string[]>;
  notBefore: FieldChange<Date>;
  notAfter: FieldChange<Date>;
  serialNumber: FieldChange<string>;
  /** Key description and SHA-256 of the SubjectPublicKeyInfo, e.g. `RSA 2048 (SHA-256 3F:A1…)`. */
  publicKey: FieldChange<string> & { policy: 'reuse' | 'rotate' };
  signatureAlgorithm: FieldChange<string>;
  subjectKeyId: FieldChange<string | undefined>;
  authorityKeyId: FieldChange<string | undefined>;
  /** Extension names: copied unchanged, rewritten (AKI, SKI), added (AKI where there was none), left out (SCTs). */
  extensions: { kept: string[]; replaced: string[]; added: string[]; dropped: string[] };
  /** The CA that signs the new certificate. */
  ca: { subject: string; serialNumber: string; notAfter: Date; subjectKeyId?: string };
  /** How the old certificate relates to this CA. */
  issuedByCa: 'verified' | 'same-name' | 'different-issuer';
  /** One line per changed field, for a quick preview. */
  summary: string[];
}

export interface RenewalResult {
  certificateDer: Uint8Array;
  /** PEM with LF line endings and a final newline. */
  certificatePem: string;
  /** The new certificate, decoded. */
  certificate: CertificateInfo;
  keyPolicy: 'reuse' | 'rotate';
  /** The new private key (rotate only). Private material: write it, never log it. */
  privateKeyPem?: string;
  privateKeyFormat?: PrivateKeyEncoding;
  /** Uppercase hex, as `openssl x509 -serial` prints it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** NotAfter was cut to the CA's NotAfter. */
  clamped: boolean;
  clampMessage?: string;
  /** `sha256WithRSAEncryption`, `ecdsa-with-SHA384`, `ED25519`… */
  signatureAlgorithm: string;
  /** Things the operator should know that did not stop the renewal. */
  warnings: string[];
  changes: RenewalChanges;
}

const MINUTE = 60_000;
const BACKDATE = 5 * MINUTE;

const OID_SKI = '2.5.29.14';
const OID_AKI = '2.5.29.35';
/** Signed certificate timestamps and the CT poison belong to one precise TBSCertificate; they cannot carry over. */
const NON_TRANSFERABLE = new Set(['1.3.6.1.4.1.11129.2.4.2', '1.3.6.1.4.1.11129.2.4.3']);
/** Extensions that point at the previous issuer's services. */
const ISSUER_POINTERS = new Set(['1.3.6.1.5.5.7.1.1', '2.5.29.31']);

/** Re-issue `certificate` from the CA, keeping its subject, SANs and extensions byte for byte. Throws RenewalError. */
export async function renewCertificate(options: RenewCertificateOptions): Promise<RenewalResult> {
  const now = checkNow(options.now);
  const old = await parse(options.certificate, 'the certificate to renew');
  const ca = await parse(options.caCertificate, 'the CA certificate');
  if (bytesEqual(options.certificate, options.caCertificate)) {
    throw new RenewalError('is-the-ca', `${old.info.subject.text} is the CA itself: renew it as a CA (same key, self-signed)`);
  }
  checkIsCa(ca.info);
  if (now.getTime() > ca.info.notAfter.getTime()) {
    throw new RenewalError('ca-expired', `the CA ${ca.info.subject.text} expired on ${ca.info.notAfter.toISOString()}; renew the CA first (same key keeps its certificates valid)`);
  }
  if (now.getTime() < ca.info.notBefore.getTime()) {
    throw new RenewalError('ca-not-yet-valid', `the CA ${ca.info.subject.text} is not valid before ${ca.info.notBefore.toISOString()}`);
  }
  const caKey = await importKey(options.caKey, 'CA');
  await checkKeyMatches(caKey, ca.info.publicKey, 'ca-key-mismatch', `the CA key does not belong to the CA certificate ${ca.info.subject.text}`);

  const warnings: string[] = [];
  const sameName = bytesEqual(old.info.issuer.der, ca.info.subject.der);
  const verified = await verifySignature(old, ca.info.publicKey);
  let issuedByCa: RenewalChanges['issuedByCa'];
  if (verified === true) {
    issuedByCa = 'verified';
  } else if (sameName && verified === undefined) {
    issuedByCa = 'same-name';
  } else if (sameName) {
    // Same name, different key: typically a CA that was re-created. Renewing moves the certificate to this one.
    issuedByCa = 'same-name';
    warnings.push(`the old certificate's signature does not verify with this CA's key: it was issued by another CA named ${ca.info.subject.text}; the new certificate chains to this CA only`);
  } else if (options.allowDifferentIssuer) {
    issuedByCa = 'different-issuer';
    warnings.push(`the old certificate was issued by ${old.info.issuer.text}; the new one is issued by ${ca.info.subject.text}`);
  } else {
    throw new RenewalError('not-issued-by-ca', `${old.info.subject.text} was issued by ${old.info.issuer.text}, not by the CA ${ca.info.subject.text} (its signature does not verify with this CA's key)`);
  }

  // Key pair.
  let spki: Uint8Array;
  let generated: GeneratedKey | undefined;
  let privateKey: { pem: string; encoding: PrivateKeyEncoding } | undefined;
  if (options.key.policy === 'reuse') {
    spki = old.raw.spki;
    if (options.key.privateKey) {
      await checkPrivateKeyMatches(options.key.privateKey, old.info.publicKey, old.info.subject.text);
    }
  } else {
    generated = await withKeyErrors(() => generateKeyLike(old.info.publicKey));
    spki = generated.spki;
    const encoding = options.key.format ?? encodingForLabel(options.key.previousKeyLabel, generated.publicKey.algorithm);
    privateKey = encodePrivateKeyPem(generated.pkcs8, encoding, generated.publicKey);
  }

  // Validity.
  const lifetime = options.validityDays !== undefined ? days(options.validityDays) : old.info.notAfter.getTime() - old.info.notBefore.getTime();
  const notBefore = new Date(now.getTime() - BACKDATE);
  let notAfter = new Date(now.getTime() + lifetime);
  let clamped = false;
  let clampMessage: string | undefined;
  if (notAfter.getTime() > ca.info.notAfter.getTime()) {
    clamped = true;
    const wanted = notAfter;
    notAfter = new Date(ca.info.notAfter.getTime());
    clampMessage = `NotAfter cut to the CA's NotAfter ${notAfter.toISOString()} (asked for ${wanted.toISOString()}): a certificate cannot outlive its CA; renew the CA ${ca.info.subject.text} to get the full lifetime`;
  }

  // Extensions: every one copied raw, AKI pointed at this CA, SKI recomputed for a new key.
  const aki = akiExtension(ca.raw.skiKeyId ?? await keyIdentifier(ca.raw.spki));
  const extensions: Uint8Array[] = [];
  const ext: RenewalChanges['extensions'] = { kept: [], replaced: [], added: [], dropped: [] };
  let hadAki = false;
  for (const e of old.raw.extensions) {
    const name = extensionName(e.oid);
    if (e.oid === OID_AKI) {
      hadAki = true;
      extensions.push(aki);
      (bytesEqual(e.der, aki) ? ext.kept : ext.replaced).push(name);
    } else if (e.oid === OID_SKI && generated) {
      extensions.push(skiExtension(await keyIdentifier(spki), e.critical));
      ext.replaced.push(name);
    } else if (NON_TRANSFERABLE.has(e.oid)) {
      ext.dropped.push(name);
    } else {
      extensions.push(e.der);
      ext.kept.push(name);
      if (issuedByCa === 'different-issuer' && ISSUER_POINTERS.has(e.oid)) {
        warnings.push(`${name} still points at the previous issuer's services`);
      }
    }
  }
  if (!hadAki) {
    extensions.push(aki);
    ext.added.push(extensionName(OID_AKI));
  }

  const der = await signCertificate({
    issuer: ca.raw.subject,
    subject: old.raw.subject,
    spki,
    notBefore,
    notAfter,
    extensions,
    signer: caKey,
    serialAvoid: [old.raw.serial],
  });
  const info = await decodeCertificate(der);
  if (await verifySignature(await parse(der, 'the new certificate'), ca.info.publicKey) !== true) {
    throw new Error('internal error: the new certificate does not verify with the CA key');
  }
  const changes = await describeChanges(old.info, info, ca.info, options.key.policy, ext, issuedByCa);
  return {
    certificateDer: der,
    certificatePem: toPem('CERTIFICATE', encodeBase64(der)),
    certificate: info,
    keyPolicy: options.key.policy,
    privateKeyPem: privateKey?.pem,
    privateKeyFormat: privateKey?.encoding,
    serialNumber: info.serialNumber,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    clamped,
    clampMessage,
    signatureAlgorithm: info.signatureAlgorithm.name,
    warnings,
    changes,
  };
}

/**
 * Re-issue a self-signed CA with the same key, subject and extensions (SKI kept): every certificate
 * it issued keeps verifying against the new one. Only the serial, the validity and the signature change.
 */
export async function renewCa(options: RenewCaOptions): Promise<RenewalResult> {
  const now = checkNow(options.now);
  const ca = await parse(options.caCertificate, 'the CA certificate');
  if (!bytesEqual(ca.raw.subject, ca.raw.issuer)) {
    throw new RenewalError('not-self-signed', `${ca.info.subject.text} is issued by ${ca.info.issuer.text}: an intermediate CA is renewed by its own issuer (renew it as a certificate, keeping its key)`);
  }
  const caKey = await importKey(options.caKey, 'CA');
  await checkKeyMatches(caKey, ca.info.publicKey, 'ca-key-mismatch', `the CA key does not belong to the CA certificate ${ca.info.subject.text}`);
  const warnings: string[] = [];
  if (!ca.info.isCa) {
    warnings.push(`${ca.info.subject.text} is self-signed but not a CA (no basicConstraints CA:TRUE)`);
  }
  const lifetime = options.validityDays !== undefined ? days(options.validityDays) : ca.info.notAfter.getTime() - ca.info.notBefore.getTime();
  const notBefore = new Date(now.getTime() - BACKDATE);
  const notAfter = new Date(now.getTime() + lifetime);
  const ext: RenewalChanges['extensions'] = { kept: [], replaced: [], added: [], dropped: [] };
  const extensions: Uint8Array[] = [];
  for (const e of ca.raw.extensions) {
    const name = extensionName(e.oid);
    if (NON_TRANSFERABLE.has(e.oid)) {
      ext.dropped.push(name);
    } else if (e.oid === OID_AKI && akiNamesIssuerSerial(e.value)) {
      // An AKI naming the old serial would no longer match the certificate itself: openssl would not see it as self-signed.
      extensions.push(akiExtension(ca.raw.skiKeyId ?? await keyIdentifier(ca.raw.spki)));
      ext.replaced.push(name);
    } else {
      extensions.push(e.der);
      ext.kept.push(name);
    }
  }
  const der = await signCertificate({
    issuer: ca.raw.subject,
    subject: ca.raw.subject,
    spki: ca.raw.spki,
    notBefore,
    notAfter,
    extensions,
    signer: caKey,
    serialAvoid: [ca.raw.serial],
  });
  const info = await decodeCertificate(der);
  const changes = await describeChanges(ca.info, info, info, 'reuse', ext, 'verified');
  return {
    certificateDer: der,
    certificatePem: toPem('CERTIFICATE', encodeBase64(der)),
    certificate: info,
    keyPolicy: 'reuse',
    serialNumber: info.serialNumber,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    clamped: false,
    signatureAlgorithm: info.signatureAlgorithm.name,
    warnings,
    changes,
  };
}

/**
 * True when the certificate's Authority Key Identifier names its issuer's serial number
 * (`authorityKeyIdentifier = keyid, issuer:always`). Such a certificate stops chaining to its CA
 * once the CA is renewed (new serial): openssl refuses the mismatch. kubeadm names the key only.
 */
export function authorityKeyIdNamesSerial(certificate: Uint8Array): boolean {
  try {
    const aki = rawCertificate(certificate).extensions.find(e => e.oid === OID_AKI);
    return aki !== undefined && akiNamesIssuerSerial(aki.value);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- checks

function checkNow(now: Date | undefined): Date {
  const t = now ?? new Date();
  if (Number.isNaN(t.getTime())) {
    throw new RenewalError('invalid-input', 'the renewal time is not a valid date');
  }
  // X.509 times have whole seconds: what we report is what is encoded.
  return new Date(Math.floor(t.getTime() / 1000) * 1000);
}

function days(n: number): number {
  if (!Number.isFinite(n) || n <= 0) {
    throw new RenewalError('invalid-input', `the validity must be a positive number of days (got ${n})`);
  }
  return Math.round(n * DAY / 1000) * 1000;
}

function checkIsCa(ca: CertificateInfo): void {
  if (!ca.basicConstraints?.ca) {
    throw new RenewalError('not-a-ca', `${ca.subject.text} is not a CA (basicConstraints CA:TRUE is missing) and cannot sign certificates`);
  }
  if (ca.keyUsage && !ca.keyUsage.includes('Certificate Sign')) {
    throw new RenewalError('not-a-ca', `${ca.subject.text} may not sign certificates (its key usage lacks keyCertSign)`);
  }
}

async function withKeyErrors<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof KeyError) {
      throw new RenewalError(e.code, e.message);
    }
    throw e;
  }
}

async function importKey(input: PrivateKeyMaterial | CryptoKey, role: string): Promise<SigningKey> {
  return withKeyErrors(async () => {
    try {
      return await importSigningKey(input);
    } catch (e) {
      if (e instanceof KeyError) {
        throw new KeyError(e.code, `${role} key: ${e.message}`);
      }
      throw e;
    }
  });
}

/** Proves the signing key belongs to the certificate: by public key when derivable, else by signing a challenge. */
async function checkKeyMatches(key: SigningKey, publicKey: PublicKeyInfo, code: RenewalErrorCode, message: string): Promise<void> {
  if (key.publicKey) {
    if (key.publicKey.id !== publicKey.id) {
      throw new RenewalError(code, `${message} (the key is ${key.publicKey.description}, the certificate's is ${publicKey.description})`);
    }
    return;
  }
  const params = verifyImportParams(publicKey, key.hash);
  if (!params || !sameFamily(key, publicKey)) {
    throw new RenewalError(code, `${message} (the key is ${key.family}, the certificate's is ${publicKey.description})`);
  }
  const challenge = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const signature = await globalThis.crypto.subtle.sign(signParams(key), key.key, challenge);
  const verifier = await globalThis.crypto.subtle.importKey('spki', toArrayBuffer(publicKey.spki), params, false, ['verify']);
  if (!await globalThis.crypto.subtle.verify(signParams(key), verifier, signature, challenge)) {
    throw new RenewalError(code, message);
  }
}

function sameFamily(key: SigningKey, publicKey: PublicKeyInfo): boolean {
  return (key.family === 'RSA' && publicKey.algorithm === 'RSA')
    || (key.family === 'ECDSA' && publicKey.algorithm === 'EC' && key.curve === publicKey.curve)
    || (key.family === 'Ed25519' && publicKey.algorithm === 'Ed25519');
}

async function checkPrivateKeyMatches(material: PrivateKeyMaterial, publicKey: PublicKeyInfo, subject: string): Promise<void> {
  let info;
  try {
    info = describePrivateKey(material.label, material.der);
  } catch (e) {
    throw new RenewalError('invalid-key', `the certificate's private key (${material.label}) cannot be read: ${(e as Error).message}`);
  }
  if (info.encrypted) {
    throw new RenewalError('encrypted-key', 'the certificate\'s private key is encrypted; decrypt it first');
  }
  const complete = await completePublicKey(info, material.label, material.der);
  if (!complete.publicKey) {
    throw new RenewalError('unsupported-key', `cannot tell whether the ${info.description} key belongs to ${subject}`);
  }
  if (complete.publicKey.id !== publicKey.id) {
    throw new RenewalError('key-mismatch', `the private key does not belong to ${subject} (the key is ${complete.publicKey.description}, the certificate's is ${publicKey.description}); renewing with it would give a certificate nobody can use`);
  }
}

// ---------------------------------------------------------------- DER

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concat(content);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concat([new Uint8Array([tag, ...len]), body]);
}

/** INTEGER from unsigned big-endian bytes, minimal. */
function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) {
    i++;
  }
  const v = bytes.subarray(i);
  return tlv(0x02, v[0] & 0x80 ? concat([new Uint8Array([0]), v]) : v);
}

function oidBytes(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const out = [40 * arcs[0] + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const groups = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) {
      groups.unshift((v & 0x7f) | 0x80);
    }
    out.push(...groups);
  }
  return tlv(0x06, new Uint8Array(out));
}

function oidString(content: Uint8Array): string {
  const arcs: number[] = [];
  let v = 0;
  for (const b of content) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

function time(d: Date): Uint8Array {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const year = d.getUTCFullYear();
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  const text = year >= 1950 && year < 2050 ? `${p(year % 100)}${rest}` : `${p(year, 4)}${rest}`;
  return tlv(year >= 1950 && year < 2050 ? 0x17 : 0x18, new Uint8Array([...text].map(c => c.charCodeAt(0))));
}

interface RawExtension {
  oid: string;
  critical: boolean;
  /** The whole Extension SEQUENCE, as it stood in the certificate. */
  der: Uint8Array;
  /** extnValue contents. */
  value: Uint8Array;
}

/** The parts of a certificate renewal copies, as the exact bytes they were. */
interface RawCertificate {
  tbs: Uint8Array;
  serial: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  extensions: RawExtension[];
  signatureAlgorithm: Uint8Array;
  signature: Uint8Array;
  /** The SubjectKeyIdentifier's key id, when present. */
  skiKeyId?: Uint8Array;
}

interface ParsedCertificate {
  info: CertificateInfo;
  raw: RawCertificate;
}

async function parse(der: Uint8Array, what: string): Promise<ParsedCertificate> {
  try {
    return { info: await decodeCertificate(der), raw: rawCertificate(der) };
  } catch (e) {
    throw new RenewalError('invalid-input', `${what} cannot be read: ${(e as Error).message}`);
  }
}

function rawCertificate(der: Uint8Array): RawCertificate {
  const cert = readTlv(der, 0);
  const [tbsTlv, sigAlg, sigValue] = children(der, cert);
  const fields = children(der, tbsTlv);
  let i = fields[0]?.tag === 0xa0 ? 1 : 0;
  const [serial, , issuer, , subject, spki] = fields.slice(i, i + 6);
  i += 6;
  const slice = (t: Tlv) => der.slice(t.start, t.end);
  const extensions: RawExtension[] = [];
  let skiKeyId: Uint8Array | undefined;
  const extWrapper = fields.slice(i).find(t => t.tag === 0xa3);
  if (extWrapper) {
    const [list] = children(der, extWrapper);
    for (const e of children(der, list)) {
      const parts = children(der, e);
      const oid = oidString(der.subarray(parts[0].contentStart, parts[0].end));
      const critical = parts.length === 3 && parts[1].tag === 0x01 && der[parts[1].contentStart] !== 0;
      const valueTlv = parts[parts.length - 1];
      const value = der.slice(valueTlv.contentStart, valueTlv.end);
      extensions.push({ oid, critical, der: slice(e), value });
      if (oid === OID_SKI) {
        const inner = readTlv(value, 0);
        skiKeyId = value.slice(inner.contentStart, inner.end);
      }
    }
  }
  return {
    tbs: slice(tbsTlv),
    serial: der.slice(serial.contentStart, serial.end),
    issuer: slice(issuer),
    subject: slice(subject),
    spki: slice(spki),
    extensions,
    signatureAlgorithm: slice(sigAlg),
    signature: der.slice(sigValue.contentStart + 1, sigValue.end),
    skiKeyId,
  };
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits, what `subjectKeyIdentifier = hash` gives. */
async function keyIdentifier(spki: Uint8Array): Promise<Uint8Array> {
  const seq = readTlv(spki, 0);
  const bits = children(spki, seq)[1];
  return digest('SHA-1', spki.subarray(bits.contentStart + 1, bits.end));
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return tlv(0x30, oidBytes(oid), critical ? new Uint8Array([0x01, 0x01, 0xff]) : new Uint8Array(0), tlv(0x04, value));
}

function akiExtension(keyId: Uint8Array): Uint8Array {
  return extension(OID_AKI, false, tlv(0x30, tlv(0x80, keyId)));
}

/** True when an AuthorityKeyIdentifier names the issuer and serial (`authorityKeyIdentifier = keyid, issuer:always`), not just a key id. */
function akiNamesIssuerSerial(value: Uint8Array): boolean {
  try {
    const seq = readTlv(value, 0);
    return children(value, seq).some(t => t.tag !== 0x80);
  } catch {
    return false;
  }
}

function skiExtension(keyId: Uint8Array, critical: boolean): Uint8Array {
  return extension(OID_SKI, critical, tlv(0x04, keyId));
}

// ---------------------------------------------------------------- signing

const SIGNATURE_ALGORITHM_IDS: Record<string, { oid: string; nullParams: boolean }> = {
  'RSA/SHA-256': { oid: '1.2.840.113549.1.1.11', nullParams: true },
  'RSA/SHA-384': { oid: '1.2.840.113549.1.1.12', nullParams: true },
  'RSA/SHA-512': { oid: '1.2.840.113549.1.1.13', nullParams: true },
  'ECDSA/SHA-256': { oid: '1.2.840.10045.4.3.2', nullParams: false },
  'ECDSA/SHA-384': { oid: '1.2.840.10045.4.3.3', nullParams: false },
  'ECDSA/SHA-512': { oid: '1.2.840.10045.4.3.4', nullParams: false },
  'Ed25519': { oid: '1.3.101.112', nullParams: false },
};

function signatureAlgorithmFor(key: SigningKey): Uint8Array {
  const id = SIGNATURE_ALGORITHM_IDS[key.family === 'Ed25519' ? 'Ed25519' : `${key.family}/${key.hash}`];
  return tlv(0x30, oidBytes(id.oid), id.nullParams ? new Uint8Array([0x05, 0x00]) : new Uint8Array(0));
}

/** ECDSA signatures: WebCrypto speaks r||s, X.509 speaks SEQUENCE { r INTEGER, s INTEGER }. */
function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return tlv(0x30, unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half)));
}

/**
 * True when the certificate's signature verifies with the public key, false when it does not,
 * undefined when it cannot be told here (an algorithm WebCrypto does not offer, RSA-PSS included).
 */
async function verifySignature(cert: ParsedCertificate, publicKey: PublicKeyInfo): Promise<boolean | undefined> {
  const result = await verifySignedData({ oid: cert.info.signatureAlgorithm.oid, parts: { tbs: cert.raw.tbs, signature: cert.raw.signature } }, publicKey);
  return result === 'unsupported' ? undefined : result === 'valid';
}

interface CertificateTemplate {
  issuer: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  extensions: Uint8Array[];
  signer: SigningKey;
  /** Serials the new one must not repeat. */
  serialAvoid: Uint8Array[];
}

/** 16 random bytes, positive and exactly 16 bytes long once DER-encoded: 126 bits of entropy. */
function randomSerial(avoid: Uint8Array[]): Uint8Array {
  for (;;) {
    const s = globalThis.crypto.getRandomValues(new Uint8Array(16));
    s[0] = (s[0] & 0x7f) | 0x40;
    if (!avoid.some(a => bytesEqual(a, s))) {
      return s;
    }
  }
}

async function signCertificate(t: CertificateTemplate): Promise<Uint8Array> {
  const algorithm = signatureAlgorithmFor(t.signer);
  const tbs = tlv(0x30,
    tlv(0xa0, new Uint8Array([0x02, 0x01, 0x02])), // v3
    unsignedInteger(randomSerial(t.serialAvoid)),
    algorithm,
    t.issuer,
    tlv(0x30, time(t.notBefore), time(t.notAfter)),
    t.subject,
    t.spki,
    ...(t.extensions.length ? [tlv(0xa3, tlv(0x30, ...t.extensions))] : []),
  );
  let signature: Uint8Array = new Uint8Array(await globalThis.crypto.subtle.sign(signParams(t.signer), t.signer.key, toArrayBuffer(tbs)));
  if (t.signer.family === 'ECDSA') {
    signature = ecdsaRawToDer(signature);
  }
  return tlv(0x30, tbs, algorithm, tlv(0x03, new Uint8Array([0]), signature));
}

// ---------------------------------------------------------------- preview

async function keyLabel(key: PublicKeyInfo): Promise<string> {
  const fp = toHex(await digest('SHA-256', key.spki), ':').toUpperCase();
  return `${key.description} (SHA-256 ${fp.slice(0, 23)}…)`;
}

function change<T>(old: T, now: T, same: (a: T, b: T) => boolean = (a, b) => a === b): FieldChange<T> {
  return { old, new: now, changed: !same(old, now) };
}

async function describeChanges(
  old: CertificateInfo,
  now: CertificateInfo,
  ca: CertificateInfo,
  policy: 'reuse' | 'rotate',
  extensions: RenewalChanges['extensions'],
  issuedByCa: RenewalChanges['issuedByCa'],
): Promise<RenewalChanges> {
  const sans = (c: CertificateInfo) => c.subjectAltNames.map(s => `${s.type}:${s.value}`);
  const changes: RenewalChanges = {
    subject: change(old.subject.text, now.subject.text),
    issuer: change(old.issuer.text, now.issuer.text),
    subjectAltNames: change(sans(old), sans(now), (a, b) => a.join('\n') === b.join('\n')),
    notBefore: change(old.notBefore, now.notBefore, (a, b) => a.getTime() === b.getTime()),
    notAfter: change(old.notAfter, now.notAfter, (a, b) => a.getTime() === b.getTime()),
    serialNumber: change(old.serialNumber, now.serialNumber),
    publicKey: { ...change(await keyLabel(old.publicKey), await keyLabel(now.publicKey)), policy },
    signatureAlgorithm: change(old.signatureAlgorithm.name, now.signatureAlgorithm.name),
    subjectKeyId: change(old.subjectKeyId, now.subjectKeyId),
    authorityKeyId: change(old.authorityKeyId, now.authorityKeyId),
    extensions,
    ca: { subject: ca.subject.text, serialNumber: ca.serialNumber, notAfter: ca.notAfter, subjectKeyId: ca.subjectKeyId },
    issuedByCa,
    summary: [],
  };
  const s = changes.summary;
  const line = (label: string, c: FieldChange<unknown>, fmt: (v: unknown) => string = v => String(v ?? '(none)')) => {
    if (c.changed) {
      s.push(`${label}: ${fmt(c.old)} → ${fmt(c.new)}`);
    }
  };
  const date = (v: unknown) => (v as Date).toISOString();
  line('Subject', changes.subject);
  line('Issuer', changes.issuer);
  line('Subject Alternative Names', changes.subjectAltNames, v => (v as string[]).join(', ') || '(none)');
  line('NotBefore', changes.notBefore, date);
  line('NotAfter', changes.notAfter, date);
  line('Serial', changes.serialNumber);
  s.push(policy === 'reuse' ? `Key: reused, ${changes.publicKey.new}` : `Key: rotated, ${changes.publicKey.old} → ${changes.publicKey.new}`);
  line('Signature algorithm', changes.signatureAlgorithm);
  line('Subject Key Identifier', changes.subjectKeyId);
  line('Authority Key Identifier', changes.authorityKeyId);
  if (extensions.added.length) {
    s.push(`Added: ${extensions.added.join(', ')}`);
  }
  if (extensions.dropped.length) {
    s.push(`Left out: ${extensions.dropped.join(', ')}`);
  }
  return changes;
}
