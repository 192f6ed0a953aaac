import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { CertificateList, Extensions } from '@peculiar/asn1-x509';
import { MaterialEntry } from '../analyze';
import { toHex } from '../x509/bytes';
import { CertificateInfo, sha1Fingerprint } from '../x509/certificate';
import { validityState } from '../x509/expiry';
import { PrivateKeyInfo, PublicKeyInfo } from '../x509/keys';
import { CrlInfo, CsrInfo, DecodedObject } from '../x509/material';
import { CURVES } from '../x509/oids';
import { kubeadmCaCertHash, spkiFingerprint } from '../x509/spki';
import { ExtensionLike, extensionLines } from './extensionText';
import { keystoreLines } from './keystoreText';
import { SummaryContext, keyTypeText } from './summary';
import { validityPhrase } from './time';

/**
 * The decoded view: what `openssl x509 -text -noout` (and `req`, `crl`, `pkey`) would tell, laid
 * out for reading. Every extension is listed, unknown ones as OID and hex. Private keys are
 * described (algorithm, size, format, encryption, matching certificate), never dumped.
 */

export interface TextContext extends SummaryContext {
  /** 1-based line of a document offset, to say where each entry sits. */
  lineOf?: (offset: number) => number;
}

/** One entry of the view, with where a path carrier pointed when it was resolved. */
export interface TextSection {
  entry: MaterialEntry;
  /** For `encoding: 'path'` carriers: the file the path resolved to. */
  target?: string;
  /** Show only this object of the entry (a certificate of a bundle). */
  object?: number;
}

const INDENT = '    ';

function indent(lines: string[], depth = 1): string[] {
  const pad = INDENT.repeat(depth);
  return lines.map(l => (l ? pad + l : l));
}

/** `2026-11-22 20:26:13 UTC`: exact to the second, as the validity fields are. */
export function formatDateTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function colonHex(hex: string): string {
  const negative = hex.startsWith('-');
  const digits = negative ? hex.slice(1) : hex;
  const even = digits.length % 2 ? `0${digits}` : digits;
  return (negative ? '-' : '') + (even.match(/../g) ?? []).join(':');
}

function publicKeyLines(key: PublicKeyInfo | PrivateKeyInfo): string[] {
  const lines = [`Algorithm: ${key.algorithm === 'unknown' ? key.description : key.algorithm}`];
  if (key.bits) {
    lines.push(`Key Size: ${key.bits} bit`);
  }
  if (key.curve) {
    const known = Object.values(CURVES).find(c => c.name === key.curve);
    lines.push(`Curve: ${key.curve}${known && known.openssl !== key.curve ? ` (${known.openssl})` : ''}`);
  }
  return lines;
}

function extensionBlock(title: string, extensions: ExtensionLike[], cert?: CertificateInfo): string[] {
  if (!extensions.length) {
    return [`${title}: none`];
  }
  return [`${title} (${extensions.length}):`, ...indent(extensions.flatMap(e => extensionLines(e, cert)))];
}

export function certificateText(cert: CertificateInfo, ctx: TextContext): string[] {
  const state = validityState(cert, ctx.now, ctx.thresholds);
  const stateWord = { valid: 'valid', expiring: 'EXPIRING', expired: 'EXPIRED', 'not-yet-valid': 'NOT YET VALID' }[state];
  return [
    `Certificate: ${cert.subject.text || '(empty subject)'}`,
    ...indent([
      `State: ${stateWord} — ${validityPhrase(cert.notBefore, cert.notAfter, ctx.now)}${cert.isCa ? ' · certificate authority' : ''}${cert.selfIssued ? ' · self-issued' : ''}`,
      `Version: ${cert.version} (0x${(cert.version - 1).toString(16)})`,
      `Serial Number: ${colonHex(cert.serialNumber)}`,
      `Signature Algorithm: ${cert.signatureAlgorithm.name}${cert.signatureAlgorithm.name !== cert.signatureAlgorithm.oid ? ` (${cert.signatureAlgorithm.oid})` : ''}`,
      `Issuer: ${cert.issuer.text || '(empty)'}`,
      'Validity:',
      `${INDENT}Not Before: ${formatDateTime(cert.notBefore)}`,
      `${INDENT}Not After:  ${formatDateTime(cert.notAfter)}`,
      `Subject: ${cert.subject.text || '(empty)'}`,
      'Subject Public Key Info:',
      ...indent(publicKeyLines(cert.publicKey)),
      ...extensionBlock('X509v3 Extensions', cert.extensions, cert),
      'Fingerprints:',
      `${INDENT}SHA-256: ${cert.fingerprints.sha256}`,
      `${INDENT}SHA-1:   ${sha1Fingerprint(cert)}`,
      `${INDENT}SPKI SHA-256: ${spkiFingerprint(cert.publicKey).sha256Hex}`,
      `${INDENT}SPKI SHA-256 (base64, pin-sha256): ${spkiFingerprint(cert.publicKey).sha256Base64}`,
      ...(cert.isCa ? [`${INDENT}kubeadm CA cert hash: ${kubeadmCaCertHash(cert.publicKey)}`] : []),
      `DER Size: ${cert.der.length} bytes`,
    ]),
  ];
}

/** Extensions a CSR asks for (the PKCS#9 extensionRequest attribute), read from its DER. */
function requestedExtensions(der: Uint8Array | undefined): ExtensionLike[] {
  if (!der) {
    return [];
  }
  try {
    const csr = AsnConvert.parse(der, CertificationRequest);
    const attr = (csr.certificationRequestInfo.attributes ?? []).find(a => a.type === '1.2.840.113549.1.9.14');
    if (!attr?.values.length) {
      return [];
    }
    return AsnConvert.parse(attr.values[0], Extensions).map(e => ({ oid: e.extnID, critical: e.critical, valueHex: toHex(e.extnValue.buffer) }));
  } catch {
    return [];
  }
}

const ATTRIBUTE_NAMES: Record<string, string> = {
  '1.2.840.113549.1.9.14': 'extensionRequest',
  '1.2.840.113549.1.9.7': 'challengePassword',
  '1.2.840.113549.1.9.2': 'unstructuredName',
};

export function csrText(csr: CsrInfo, der: Uint8Array | undefined): string[] {
  return [
    `Certificate Request: ${csr.subject.text || '(empty subject)'}`,
    ...indent([
      `Subject: ${csr.subject.text || '(empty)'}`,
      'Subject Public Key Info:',
      ...indent(publicKeyLines(csr.publicKey)),
      `Signature Algorithm: ${csr.signatureAlgorithm}`,
      `Attributes: ${csr.attributes.length ? csr.attributes.map(a => (ATTRIBUTE_NAMES[a] ? `${ATTRIBUTE_NAMES[a]} (${a})` : a)).join(', ') : 'none'}`,
      ...extensionBlock('Requested Extensions', requestedExtensions(der)),
    ]),
  ];
}

const MAX_REVOKED_LISTED = 200;

function crlDetails(der: Uint8Array | undefined): { revoked: string[]; extensions: ExtensionLike[] } {
  if (!der) {
    return { revoked: [], extensions: [] };
  }
  try {
    const tbs = AsnConvert.parse(der, CertificateList).tbsCertList;
    const all = tbs.revokedCertificates ?? [];
    const revoked = all.slice(0, MAX_REVOKED_LISTED).map(r => `Serial ${colonHex(toHex(r.userCertificate).toUpperCase().replace(/^(00)+(?=.)/, ''))} revoked ${formatDateTime(r.revocationDate.getTime())}`);
    if (all.length > MAX_REVOKED_LISTED) {
      revoked.push(`… ${all.length - MAX_REVOKED_LISTED} more`);
    }
    const extensions = (tbs.crlExtensions ?? []).map(e => ({ oid: e.extnID, critical: e.critical, valueHex: toHex(e.extnValue.buffer) }));
    return { revoked, extensions };
  } catch {
    return { revoked: [], extensions: [] };
  }
}

export function crlText(crl: CrlInfo, der: Uint8Array | undefined, ctx: TextContext): string[] {
  const details = crlDetails(der);
  const stale = crl.nextUpdate !== undefined && crl.nextUpdate.getTime() < ctx.now.getTime();
  return [
    `Certificate Revocation List: ${crl.issuer.text || '(empty issuer)'}`,
    ...indent([
      `Issuer: ${crl.issuer.text || '(empty)'}`,
      `Last Update: ${formatDateTime(crl.thisUpdate)}`,
      `Next Update: ${crl.nextUpdate ? formatDateTime(crl.nextUpdate) + (stale ? ' (STALE: past its next update)' : '') : 'not set'}`,
      `Signature Algorithm: ${crl.signatureAlgorithm}`,
      ...extensionBlock('CRL Extensions', details.extensions),
      `Revoked Certificates: ${crl.revoked}`,
      ...indent(details.revoked),
    ]),
  ];
}

export function privateKeyText(key: PrivateKeyInfo, label: string, obj: DecodedObject, ctx: TextContext): string[] {
  const pairing = ctx.pairings?.get(obj);
  let certificate: string;
  if (pairing) {
    certificate = pairing.matches
      ? `matches ${pairing.subject} (${pairing.where})`
      : `DOES NOT MATCH ${pairing.subject} (${pairing.where}) — kubectl would say: tls: private key does not match public key`;
  } else if (key.encrypted && !key.publicKey) {
    certificate = 'cannot be checked until the key is decrypted';
  } else {
    certificate = key.publicKey ? 'no certificate for this key found in this file or beside it' : 'public key could not be derived';
  }
  return [
    `Private Key: ${key.encrypted && key.algorithm === 'unknown' ? 'encrypted' : keyTypeText(key)}`,
    ...indent([
      `Format: ${key.format} · PEM label ${label}`,
      ...(key.algorithm === 'unknown' ? [] : publicKeyLines(key)),
      `Encrypted: ${key.encrypted ? `yes${key.encryption ? ` (${key.encryption})` : ''}` : 'no'}`,
      `Certificate: ${certificate}`,
      'Key material is never shown.',
    ]),
  ];
}

export function publicKeyText(key: PublicKeyInfo, label: string): string[] {
  const format = label === 'RSA PUBLIC KEY' ? 'PKCS#1 RSAPublicKey' : 'SubjectPublicKeyInfo';
  return [`Public Key: ${keyTypeText(key)}`, ...indent([`Format: ${format} · PEM label ${label}`, ...publicKeyLines(key)])];
}

/** The text of one decoded object. */
export function objectText(obj: DecodedObject, ctx: TextContext): string[] {
  if (obj.error) {
    return [`${obj.label === 'DER' ? 'DER data' : `PEM block "${obj.label}"`}: cannot decode`, ...indent([obj.error])];
  }
  if (obj.certificate) {
    return certificateText(obj.certificate, ctx);
  }
  if (obj.privateKey) {
    return privateKeyText(obj.privateKey, obj.label, obj, ctx);
  }
  if (obj.jwk) {
    const j = obj.jwk;
    return [
      `JSON Web Key: kty ${j.kty}${j.crv ? `, crv ${j.crv}` : ''}${j.bits ? `, ${j.bits} bits` : ''}`,
      ...indent([
        ...(j.kid ? [`kid: ${j.kid}`] : []),
        ...(j.use || j.alg ? [`use / alg: ${[j.use, j.alg].filter(Boolean).join(' / ')}`] : []),
        ...(j.thumbprint ? [`Thumbprint (RFC 7638, SHA-256): ${j.thumbprint}`] : []),
        j.hasPrivate ? 'Private members: present (never shown)' : 'Private members: none',
      ]),
      ...(obj.publicKey ? publicKeyText(obj.publicKey, 'PUBLIC KEY') : []),
    ];
  }
  if (obj.publicKey) {
    return publicKeyText(obj.publicKey, obj.label);
  }
  if (obj.csr) {
    return csrText(obj.csr, obj.der);
  }
  if (obj.crl) {
    return crlText(obj.crl, obj.der, ctx);
  }
  return [`${obj.label}: nothing to show`];
}

function encodingText(section: TextSection): string | undefined {
  const carrier = section.entry.carrier;
  if (!carrier) {
    return undefined;
  }
  switch (carrier.encoding) {
    case 'path': return `path ${carrier.value}${section.target ? ` → ${section.target}` : ''}`;
    case 'pem': return 'PEM text';
    case 'base64': return section.entry.objects.some(o => o.label === 'DER') ? 'base64 of DER' : 'base64 of PEM text';
  }
}

/** One entry: where it is, how it is encoded, then each object (or why it failed). */
export function entryText(section: TextSection, ctx: TextContext): string[] {
  const { entry } = section;
  const where = ctx.lineOf ? ` (line ${ctx.lineOf(entry.carrier?.keyRange.start ?? entry.range.start)})` : '';
  const objects = section.object !== undefined && entry.objects[section.object] ? [entry.objects[section.object]] : entry.objects;
  const title = entry.carrier ? entry.carrier.path : entry.keystore ? `${entry.keystore.format} ${entry.keystore.format === 'PKCS#7' ? 'bundle' : 'keystore'}` : objects.length === 1 ? (objects[0].label === 'DER' ? 'DER data' : `${objects[0].label} block`) : 'PEM blocks';
  const lines = [`── ${title}${where} ──`];
  const encoding = encodingText(section);
  if (encoding) {
    lines.push(`Encoding: ${encoding}`);
  }
  if (entry.error) {
    lines.push(`Cannot decode: ${entry.error}`);
  }
  if (entry.keystore) {
    lines.push(...keystoreLines(entry.keystore));
  }
  if (entry.objects.length > 1) {
    lines.push(section.object !== undefined ? `Object ${section.object + 1} of ${entry.objects.length}` : `Bundle of ${entry.objects.length}`);
  }
  objects.forEach(obj => lines.push('', ...objectText(obj, ctx)));
  return lines;
}

/** The whole decoded view: a heading, then every section separated by a blank line. */
export function decodedDocumentText(title: string, sections: TextSection[], ctx: TextContext): string {
  const lines = [`PKI Lens — decoded ${title}`, `As of ${formatDateTime(ctx.now)}`, ''];
  if (!sections.length) {
    lines.push('No certificate, key, request or CRL found.');
  }
  sections.forEach((s, i) => {
    if (i) {
      lines.push('');
    }
    lines.push(...entryText(s, ctx));
  });
  return lines.join('\n') + '\n';
}
