import { EndpointReport } from '../probe/types';
import { goTime } from '../verify';
import { CertificateInfo } from '../x509/certificate';
import { subjectOf } from './verification';

/** The probe's result as text: `pki-lens probe` prints it and the extension shows it as a document. */

function sans(c: CertificateInfo): string {
  return c.subjectAltNames.map(s => `${s.type}:${s.value}`).join(', ') || '(none)';
}

export function servedLines(c: CertificateInfo, leaf: boolean): string[] {
  const lines = [`    ${leaf ? 'leaf' : 'chain'}: ${subjectOf(c)}`, `      serial ${c.serialNumber}, valid ${goTime(c.notBefore)} to ${goTime(c.notAfter)}`];
  if (leaf) {
    lines.push(`      SANs ${sans(c)}`);
  }
  lines.push(`      SHA-256 ${c.fingerprints.sha256}`);
  return lines;
}

export function endpointText(r: EndpointReport): string[] {
  const e = r.endpoint;
  const lines = [`${r.problems.length ? 'FINDINGS' : 'OK'}: ${e.label} — ${e.url}${e.serverName !== e.host ? ` (server name ${e.serverName})` : ''}`];
  if (!r.reachable) {
    lines.push(`  unreachable: ${r.failure?.message}`);
  } else {
    lines.push('  served:', ...r.servedChain.flatMap((c, i) => servedLines(c, i === 0)));
    lines.push(r.verified === undefined
      ? '  chain: not judged (the workspace names no CA for this endpoint)'
      : `  chain: ${r.verified ? 'verifies' : 'does NOT verify'} for ${e.serverName} against ${e.rootsFrom ?? 'the workspace CA'}${r.errors.length ? ` — ${r.errors.join('; ')}` : ''}`);
    if (e.expected) {
      lines.push(`  workspace: ${e.expected.relativePath} (serial ${e.expected.certificate.serialNumber}) ${r.drift ? 'is NOT what is served' : 'is what is served'}`);
    }
  }
  for (const p of r.problems) {
    lines.push(`  ${p.severity} ${p.code}: ${p.message}`);
  }
  return lines;
}

export function probeReportText(reports: readonly EndpointReport[], skipped: readonly string[]): string {
  const lines = reports.flatMap(r => [...endpointText(r), '']);
  for (const s of skipped) {
    lines.push(`skipped: ${s}`);
  }
  const failing = reports.filter(r => r.problems.length).length;
  lines.push(`${reports.length} endpoint(s) probed, ${failing} with findings. No client certificate, key or token was sent.`);
  return lines.join('\n') + '\n';
}
