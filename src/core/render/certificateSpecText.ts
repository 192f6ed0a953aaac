import { CertificateSpec, parseGoDuration } from '../kube/certificateSpecs';
import { md } from './hover';

const days = (ms: number) => `${+(ms / 86_400_000).toFixed(1)} days`;

/**
 * The hover of a cert-manager Certificate: what the issued certificate will contain, and what the
 * workspace says about the Secret it is written to (`drift`: certificate-spec-drift messages).
 */
export function renderCertificateSpec(spec: CertificateSpec, secret: 'found' | 'missing', drift: readonly string[]): string {
  const duration = spec.duration ? parseGoDuration(spec.duration.value) : 90 * 86_400_000;
  const renew = spec.renewBefore ? parseGoDuration(spec.renewBefore.value) : undefined;
  const rows = [
    ['Secret', `${md(spec.namespace)}/${md(spec.secretName)}${secret === 'missing' ? ' — not in the workspace' : ''}`],
    ['Common name', spec.commonName ? md(spec.commonName.value) : '(none)'],
    ['DNS names', spec.dnsNames.map(d => md(d.value)).join(', ') || '(none)'],
    ['IP addresses', spec.ipAddresses.map(d => md(d.value)).join(', ') || '(none)'],
    ['Duration', spec.duration ? `${md(spec.duration.value)}${duration !== undefined ? ` (${days(duration)})` : ' (not a Go duration)'}` : `90 days (cert-manager's default)`],
    ['Renew before', spec.renewBefore ? `${md(spec.renewBefore.value)}${renew !== undefined ? ` (${days(renew)})` : ''}` : 'cert-manager\'s default (a third of the duration)'],
    ['Usages', spec.usages ? spec.usages.map(u => md(u.value)).join(', ') || '(none)' : 'digital signature, key encipherment (cert-manager\'s default)'],
    ['Issuer', spec.issuer ? md(spec.issuer) : '(not set)'],
  ];
  const verdict = secret === 'missing' ? '' : drift.length
    ? ['', '$(warning) **The certificate in the Secret differs:**', ...drift.map(d => `- ${md(d)}`)].join('\n')
    : '\n$(pass) The certificate in the Secret matches this spec.';
  return [`**cert-manager Certificate ${md(spec.namespace)}/${md(spec.name)}** — will issue:`, '', '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`), verdict].join('\n');
}
