import { CertificateInfo } from '../x509/certificate';
import { ExpiryThresholds, ValidityState, validityState } from '../x509/expiry';
import { PrivateKeyInfo, PublicKeyInfo } from '../x509/keys';
import { DecodedObject } from '../x509/material';
import type { JwkInfo } from '../x509/jwk';
import { spkiFingerprint } from '../x509/spki';
import { certificateScts } from '../x509/sct';
import { MaterialEntry } from '../analyze';
import { keystoreLines } from './keystoreText';
import { formatDate, validityPhrase } from './time';

/** What the hover knows about a key's partner certificate. */
export interface KeyPairing {
  /** Where the partner certificate is, e.g. "users[0].user.client-certificate-data" or "admin.crt". */
  where: string;
  subject: string;
  matches: boolean;
}

export interface HoverContext {
  now: Date;
  thresholds: ExpiryThresholds;
  /** Pairing for each private key object, by object index in the entry. */
  pairings?: Map<DecodedObject, KeyPairing>;
}

const STATE_BADGE: Record<ValidityState, string> = {
  valid: '$(pass) valid',
  expiring: '$(warning) **expiring**',
  expired: '$(error) **EXPIRED**',
  'not-yet-valid': '$(error) **NOT YET VALID**',
};

/** Escape text for Markdown so names like `O=system:masters` or `*.example.com` show as written. */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, ch => `\\${ch}`);
}

function row(label: string, value: string): string {
  return `| ${label} | ${value} |`;
}

export function renderCertificate(cert: CertificateInfo, ctx: HoverContext, heading: string): string {
  const state = validityState(cert, ctx.now, ctx.thresholds);
  const lines = [
    `**${heading}** — ${STATE_BADGE[state]}, ${validityPhrase(cert.notBefore, cert.notAfter, ctx.now)}`,
    '',
    '| | |',
    '|---|---|',
    row('Subject', md(cert.subject.text || '(empty)')),
    row('Issuer', md(cert.issuer.text || '(empty)') + (cert.selfIssued ? ' _(self-issued)_' : '')),
    row('Valid', `${formatDate(cert.notBefore)} → ${formatDate(cert.notAfter)}`),
  ];
  if (cert.subjectAltNames.length) {
    lines.push(row('SANs', cert.subjectAltNames.map(s => md(`${s.type}:${s.value}`)).join(', ')));
  }
  if (cert.keyUsage) {
    lines.push(row('Key Usage', md(cert.keyUsage.join(', '))));
  }
  if (cert.extendedKeyUsage) {
    lines.push(row('Extended Key Usage', md(cert.extendedKeyUsage.map(e => e.label).join(', '))));
  }
  if (cert.basicConstraints) {
    const bc = cert.basicConstraints;
    lines.push(row('Basic Constraints', `CA:${bc.ca ? 'TRUE' : 'FALSE'}${bc.pathLength !== undefined ? `, pathlen:${bc.pathLength}` : ''}${bc.critical ? ' (critical)' : ''}`));
  }
  lines.push(
    row('Public Key', md(cert.publicKey.description)),
    row('Signature', md(cert.signatureAlgorithm.name)),
    row('Serial', `\`${cert.serialNumber}\``),
    row('SHA-256', `\`${cert.fingerprints.sha256}\``),
    ...sctRow(cert),
    row('SPKI SHA-256', `\`${spkiFingerprint(cert.publicKey).sha256Base64}\` (pin) · \`${spkiFingerprint(cert.publicKey).sha256Hex}\``),
  );
  return lines.join('\n');
}

/** One line for the embedded SCTs: how many, which logs, when the first was issued. */
function sctRow(cert: CertificateInfo): string[] {
  const result = certificateScts(cert);
  if (!result) {
    return [];
  }
  if ('error' in result) {
    return [row('SCTs', `$(warning) ${md(result.error)}`)];
  }
  const logs = result.scts.map(s => s.logName ?? `log ${s.logIdBase64.slice(0, 8)}…`);
  const first = result.scts.reduce<Date | undefined>((a, s) => (!a || s.timestamp < a ? s.timestamp : a), undefined);
  return [row('SCTs', `${result.scts.length}: ${md(logs.join(', '))}${first ? ` — logged ${formatDate(first)}` : ''}`)];
}

export function renderPrivateKey(key: PrivateKeyInfo, pairing: KeyPairing | undefined, heading: string): string {
  const lines = [`**${heading}** — ${md(key.description)}${key.encrypted ? ' $(lock) **encrypted**' : ''}`, '', '| | |', '|---|---|', row('Format', md(key.format))];
  if (key.encryption) {
    lines.push(row('Encryption', md(key.encryption)));
  }
  if (pairing) {
    lines.push(row('Certificate', pairing.matches
      ? `$(pass) matches ${md(pairing.subject)} (${md(pairing.where)})`
      : `$(error) **does not match** ${md(pairing.subject)} (${md(pairing.where)}) — kubectl would say: tls: private key does not match public key`));
  } else if (key.encrypted && !key.publicKey) {
    lines.push(row('Certificate', 'cannot be checked until the key is decrypted'));
  } else if (!key.publicKey) {
    lines.push(row('Certificate', 'public key could not be derived'));
  }
  lines.push('', '_Key material is never shown._');
  return lines.join('\n');
}

/** A JSON Web Key: its public facts and RFC 7638 thumbprint; private members only counted as present. */
function renderJwk(jwk: JwkInfo, publicKey: PublicKeyInfo | undefined, heading: string): string {
  const lines = [`**${heading}** — JWK ${md(publicKey?.description ?? `${jwk.kty}${jwk.bits ? ` ${jwk.bits}-bit` : ''}`)}`, '', '| | |', '|---|---|', row('kty', md(jwk.kty))];
  if (jwk.crv) {
    lines.push(row('crv', md(jwk.crv)));
  }
  if (jwk.kid) {
    lines.push(row('kid', `\`${md(jwk.kid)}\``));
  }
  if (jwk.use || jwk.alg) {
    lines.push(row('use / alg', md([jwk.use, jwk.alg].filter(Boolean).join(' / '))));
  }
  if (jwk.thumbprint) {
    lines.push(row('Thumbprint (RFC 7638)', `\`${jwk.thumbprint}\``));
  }
  lines.push('', jwk.hasPrivate ? '_Holds private members; they are never shown._' : '_Public key only._');
  return lines.join('\n');
}

function renderPublicKey(key: PublicKeyInfo, heading: string): string {
  return `**${heading}** — ${md(key.description)}`;
}

export function renderObject(obj: DecodedObject, ctx: HoverContext, heading: string): string {
  if (obj.error) {
    return `**${heading}** — $(error) ${md(obj.error)}`;
  }
  if (obj.certificate) {
    return renderCertificate(obj.certificate, ctx, heading);
  }
  if (obj.privateKey) {
    return renderPrivateKey(obj.privateKey, ctx.pairings?.get(obj), heading);
  }
  if (obj.jwk) {
    return renderJwk(obj.jwk, obj.publicKey, heading);
  }
  if (obj.publicKey) {
    return renderPublicKey(obj.publicKey, heading);
  }
  if (obj.csr) {
    return `**${heading}** — certificate request for ${md(obj.csr.subject.text)} (${md(obj.csr.publicKey.description)})`;
  }
  if (obj.crl) {
    return `**${heading}** — CRL from ${md(obj.crl.issuer.text)}, ${obj.crl.revoked} revoked, next update ${obj.crl.nextUpdate ? formatDate(obj.crl.nextUpdate) : 'not set'}`;
  }
  return `**${heading}**`;
}

function headingFor(obj: DecodedObject, index: number, count: number): string {
  const what = obj.kind === 'certificate' ? 'Certificate' : obj.kind === 'private-key' ? 'Private key' : obj.kind === 'public-key' ? 'Public key' : obj.label;
  return count > 1 ? `${what} ${index + 1} of ${count}` : what;
}

/** The hover for one entry: every object of a bundle in its own section, or the reason it failed. */
export function renderEntry(entry: MaterialEntry, ctx: HoverContext): string {
  const title = entry.carrier ? `\`${entry.carrier.path}\`` : undefined;
  const parts: string[] = [];
  if (title) {
    parts.push(`${title}${entry.objects.length > 1 ? ` — bundle of ${entry.objects.length}` : ''}`);
  }
  if (entry.error) {
    parts.push(`$(error) **Cannot decode:** ${md(entry.error)}`);
  }
  if (entry.keystore) {
    const [first, ...rest] = keystoreLines(entry.keystore);
    parts.push([`**${md(first)}**${entry.keystore.locked ? ' $(lock) **locked**' : ''}`, '', ...rest.map(l => `- ${md(l.trim())}`)].join('\n'));
  }
  entry.objects.forEach((obj, i) => parts.push(renderObject(obj, ctx, headingFor(obj, i, entry.objects.length))));
  return parts.join('\n\n---\n\n');
}
