import { digest, toHex } from '../x509/bytes';
import { CertificateInfo } from '../x509/certificate';
import { PublicKeyInfo } from '../x509/keys';
import { FieldChange, RenewalChanges } from './types';

/** Old versus new, field by field, for the preview shown before anything is written. */

async function keyLabel(key: PublicKeyInfo): Promise<string> {
  const fp = toHex(await digest('SHA-256', key.spki), ':').toUpperCase();
  return `${key.description} (SHA-256 ${fp.slice(0, 23)}…)`;
}

function change<T>(old: T, now: T, same: (a: T, b: T) => boolean = (a, b) => a === b): FieldChange<T> {
  return { old, new: now, changed: !same(old, now) };
}

export async function describeChanges(
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
