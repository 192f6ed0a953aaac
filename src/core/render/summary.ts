import { MaterialEntry } from '../analyze';
import { CertificateInfo } from '../x509/certificate';
import { ExpiryThresholds, ValidityState, validityState } from '../x509/expiry';
import { KeyAlgorithm, PrivateKeyInfo, PublicKeyInfo } from '../x509/keys';
import { DecodedObject } from '../x509/material';
import { shortName } from '../x509/name';
import { KeyPairing } from './hover';
import { formatDate, validityPhrase } from './time';

/**
 * One-line summaries of PKI material for CodeLens titles and outline entries. Pure: the
 * `$(icon)` markers are VS Code theme-icon syntax, plain text everywhere else.
 */

export interface SummaryContext {
  now: Date;
  thresholds: ExpiryThresholds;
  /** The certificate each private key belongs to (or fails to), when known. */
  pairings?: Map<DecodedObject, KeyPairing>;
}

/** State markers shown in front of a summary; a valid certificate needs none. */
export const STATE_ICON: Record<ValidityState, string> = {
  valid: '',
  expiring: '$(warning)',
  expired: '$(error)',
  'not-yet-valid': '$(clock)',
};

const STATE_RANK: Record<ValidityState, number> = { valid: 0, 'not-yet-valid': 1, expiring: 2, expired: 3 };

function withIcon(icon: string, text: string): string {
  return icon ? `${icon} ${text}` : text;
}

/** "EC P-256", "RSA 2048", "Ed25519": how operators name key types. */
export function keyTypeText(key: { algorithm: KeyAlgorithm; bits?: number; curve?: string }): string {
  switch (key.algorithm) {
    case 'EC': return `EC ${key.curve ?? '(unknown curve)'}`;
    case 'RSA': case 'RSA-PSS': case 'DSA': return key.bits ? `${key.algorithm} ${key.bits}` : key.algorithm;
    case 'unknown': return 'unknown algorithm';
    default: return key.algorithm;
  }
}

/** `CN=kube-apiserver · issuer CN=kubernetes · expires in 364 days`, with a state marker when it matters. */
export function certificateSummary(cert: CertificateInfo, ctx: SummaryContext): string {
  const state = validityState(cert, ctx.now, ctx.thresholds);
  const parts = [shortName(cert.subject)];
  if (cert.isCa) {
    parts.push('CA');
  }
  parts.push(cert.selfIssued ? 'self-issued' : `issuer ${shortName(cert.issuer)}`);
  parts.push(validityPhrase(cert.notBefore, cert.notAfter, ctx.now));
  return withIcon(STATE_ICON[state], parts.join(' · '));
}

/** `EC P-256 private key · matches CN=kubernetes-admin`; never anything of the key itself. */
export function privateKeySummary(key: PrivateKeyInfo, pairing: KeyPairing | undefined): string {
  const type = key.algorithm === 'unknown' && key.encrypted ? 'encrypted private key' : `${keyTypeText(key)} private key${key.encrypted ? ' (encrypted)' : ''}`;
  if (pairing) {
    return pairing.matches
      ? `${type} · matches ${pairing.subject}`
      : `$(error) ${type} · does not match ${pairing.subject} (${pairing.where})`;
  }
  return key.encrypted && key.encryption ? `${type} · ${key.encryption}` : type;
}

export function publicKeySummary(key: PublicKeyInfo): string {
  return `${keyTypeText(key)} public key`;
}

/** The summary of one decoded object, whatever it is. */
export function objectSummary(obj: DecodedObject, ctx: SummaryContext): string {
  if (obj.error) {
    return `$(error) cannot decode ${obj.label === 'DER' ? 'DER' : obj.label}: ${obj.error}`;
  }
  if (obj.certificate) {
    return certificateSummary(obj.certificate, ctx);
  }
  if (obj.privateKey) {
    return privateKeySummary(obj.privateKey, ctx.pairings?.get(obj));
  }
  if (obj.publicKey) {
    return publicKeySummary(obj.publicKey);
  }
  if (obj.csr) {
    return `certificate request ${shortName(obj.csr.subject)} · ${keyTypeText(obj.csr.publicKey)}`;
  }
  if (obj.crl) {
    const next = obj.crl.nextUpdate;
    const stale = next !== undefined && next.getTime() < ctx.now.getTime();
    const when = next ? `${stale ? 'stale since' : 'next update'} ${formatDate(next)}` : 'no next update';
    return withIcon(stale ? '$(warning)' : '', `CRL from ${shortName(obj.crl.issuer)} · ${obj.crl.revoked} revoked · ${when}`);
  }
  return obj.label;
}

const KIND_WORDS: Record<string, [string, string]> = {
  certificate: ['certificate', 'certificates'],
  'private-key': ['private key', 'private keys'],
  'public-key': ['public key', 'public keys'],
  csr: ['certificate request', 'certificate requests'],
  crl: ['CRL', 'CRLs'],
};

function countText(objects: DecodedObject[]): string {
  const counts = new Map<string, number>();
  for (const o of objects) {
    const kind = o.error ? 'undecodable' : o.kind;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([kind, n]) => {
    const words = KIND_WORDS[kind] ?? ['undecodable block', 'undecodable blocks'];
    return `${n} ${n === 1 ? words[0] : words[1]}`;
  }).join(', ');
}

/** `3 certificates · first expires in 20 days`: the count and the nearest expiry, marked by the worst state. */
export function bundleSummary(objects: DecodedObject[], ctx: SummaryContext): string {
  const certs = objects.map(o => o.certificate).filter((c): c is CertificateInfo => !!c);
  const parts = [countText(objects)];
  let icon = objects.some(o => o.error) ? '$(error)' : '';
  if (certs.length) {
    const first = certs.reduce((a, b) => (b.notAfter.getTime() < a.notAfter.getTime() ? b : a));
    const phrase = validityPhrase(first.notBefore, first.notAfter, ctx.now);
    parts.push(phrase.startsWith('not valid') ? phrase : `first ${phrase}`);
    const worst = certs.map(c => validityState(c, ctx.now, ctx.thresholds)).reduce((a, b) => (STATE_RANK[b] > STATE_RANK[a] ? b : a));
    icon ||= STATE_ICON[worst];
  }
  const mismatch = objects.some(o => o.privateKey && ctx.pairings?.get(o)?.matches === false);
  if (mismatch) {
    parts.push('key does not match');
    icon = '$(error)';
  }
  return withIcon(icon, parts.join(' · '));
}

/** The one-line summary of an entry: its error, its only object, or its bundle. */
export function entrySummary(entry: MaterialEntry, ctx: SummaryContext): string {
  if (entry.error) {
    return `$(error) cannot decode: ${entry.error}`;
  }
  if (entry.objects.length === 0) {
    return entry.carrier?.encoding === 'path' ? `${entry.carrier.value} (not resolved)` : 'no certificate material';
  }
  if (entry.objects.length === 1) {
    return objectSummary(entry.objects[0], ctx);
  }
  return bundleSummary(entry.objects, ctx);
}

/** A hover-free tooltip for a bundle: one line per object. */
export function entryTooltip(entry: MaterialEntry, ctx: SummaryContext): string {
  const lines = entry.objects.map((o, i) => `${i + 1}. ${stripIcons(objectSummary(o, ctx))}`);
  if (entry.error) {
    lines.unshift(`cannot decode: ${entry.error}`);
  }
  return lines.join('\n');
}

/** Theme-icon markers mean nothing outside a CodeLens or a status bar. */
export function stripIcons(text: string): string {
  return text.replace(/\$\([a-z-]+\)\s?/g, '');
}

/** What the outline calls an object: `CN=etcd-ca`, `P-256`, `EC P-256 private key`. */
export function objectShortName(obj: DecodedObject): string {
  if (obj.error) {
    return '(cannot decode)';
  }
  if (obj.certificate) {
    return shortName(obj.certificate.subject);
  }
  if (obj.privateKey) {
    return `${keyTypeText(obj.privateKey)} private key${obj.privateKey.encrypted ? ' (encrypted)' : ''}`;
  }
  if (obj.publicKey) {
    return publicKeySummary(obj.publicKey);
  }
  if (obj.csr) {
    return `request ${shortName(obj.csr.subject)}`;
  }
  if (obj.crl) {
    return `CRL ${shortName(obj.crl.issuer)}`;
  }
  return '';
}

/** Outline name of a PEM block: `CERTIFICATE CN=etcd-ca`, `EC PRIVATE KEY P-256`, `PRIVATE KEY RSA 2048`. */
export function blockSymbolName(obj: DecodedObject): string {
  const label = obj.label === 'DER' ? 'CERTIFICATE (DER)' : obj.label;
  if (obj.error) {
    return `${label} (cannot decode)`;
  }
  const key = obj.privateKey ?? obj.publicKey;
  if (key) {
    // The label already says RSA or EC when the encoding is algorithm-specific.
    if (/^EC /.test(label) && key.algorithm === 'EC') {
      return `${label} ${key.curve ?? ''}`.trim();
    }
    if (/^RSA /.test(label) && key.algorithm === 'RSA') {
      return `${label} ${key.bits ?? ''}`.trim();
    }
    return key.algorithm === 'unknown' ? label : `${label} ${keyTypeText(key)}`;
  }
  if (obj.csr) {
    return `${label} ${shortName(obj.csr.subject)}`;
  }
  return `${label} ${objectShortName(obj)}`.trim();
}

/** Outline name of a carrier: `users[0].user.client-certificate-data CN=kubernetes-admin`. */
export function carrierSymbolName(entry: MaterialEntry): string {
  const path = entry.carrier?.path ?? '';
  if (entry.error) {
    return `${path} (cannot decode)`;
  }
  if (entry.objects.length === 1) {
    return `${path} ${objectShortName(entry.objects[0])}`.trim();
  }
  if (entry.objects.length > 1) {
    return `${path} ${countText(entry.objects)}`;
  }
  return path;
}

/** Secondary outline text: when a certificate expires, what a key is. */
export function objectDetail(obj: DecodedObject, ctx: SummaryContext): string {
  if (obj.certificate) {
    return stripIcons(validityPhrase(obj.certificate.notBefore, obj.certificate.notAfter, ctx.now));
  }
  if (obj.privateKey) {
    return obj.privateKey.format;
  }
  if (obj.error) {
    return obj.error;
  }
  return '';
}
