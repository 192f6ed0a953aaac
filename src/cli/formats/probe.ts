import { LineIndex } from '../../core/pipeline/lineIndex';
import { probeReportText } from '../../core/render/probe';
import { EndpointReport } from '../../core/probe/types';
import { goTime } from '../../core/verify';
import { CertificateInfo } from '../../core/x509/certificate';
import { subjectOf } from '../../core/render/verification';

/** `pki-lens probe` output: the stable JSON shape (one object per endpoint) and the text. */

function served(c: CertificateInfo) {
  return {
    subject: subjectOf(c),
    issuer: c.issuer.text,
    serial: c.serialNumber,
    notBefore: goTime(c.notBefore),
    notAfter: goTime(c.notAfter),
    sans: c.subjectAltNames.map(s => `${s.type}:${s.value}`),
    sha256: c.fingerprints.sha256,
  };
}

/** `texts`: each location's file text by URI, so lines are counted as `pki-lens check` counts them. */
export function probeJson(reports: readonly EndpointReport[], skipped: readonly string[], texts: ReadonlyMap<string, string | undefined>) {
  const indexes = new Map<string, LineIndex>();
  const lineOf = (uri: string, offset: number) => {
    let index = indexes.get(uri);
    if (!index) {
      index = LineIndex.of(texts.get(uri) ?? '');
      indexes.set(uri, index);
    }
    const p = index.position(offset);
    return { line: p.line + 1, column: p.character + 1 };
  };
  return {
    endpoints: reports.map(r => ({
      url: r.endpoint.url,
      serverName: r.endpoint.serverName,
      label: r.endpoint.label,
      component: r.endpoint.component ?? null,
      locations: r.endpoint.locations.map(l => ({ file: l.relativePath, ...lineOf(l.uri, l.range.start) })),
      reachable: r.reachable,
      failure: r.failure ?? null,
      servedChain: r.servedChain.map(served),
      verified: r.verified ?? null,
      caFrom: r.endpoint.rootsFrom ?? null,
      errors: r.errors,
      workspaceCertificate: r.endpoint.expected ? { file: r.endpoint.expected.relativePath, serial: r.endpoint.expected.certificate.serialNumber, sha256: r.endpoint.expected.certificate.fingerprints.sha256 } : null,
      drift: r.drift,
      findings: r.problems.map(p => ({ code: p.code, severity: p.severity, message: p.message })),
    })),
    skipped,
  };
}

export const probeText = probeReportText;
