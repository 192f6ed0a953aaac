/**
 * `pki-lens check --format openmetrics` and `pki-lens serve`'s /metrics: the scan as Prometheus
 * gauges. Certificate series keep x509-certificate-exporter's names and labels where the meaning
 * is the same (`x509_cert_not_after{filepath,embedded_kind,embedded_key,subject_CN,issuer_CN,
 * serial_number…}`), so dashboards and alerts written for it keep working; PKI Lens adds the
 * kubeadm `role` label and its own `pki_lens_*` families for the rules' findings and the scan.
 *
 * Only certificate facts are written: no key material, no finding message (it may quote file text).
 * The text is valid both as OpenMetrics 1.0 and as Prometheus text 0.0.4 (gauges only, so the two
 * agree on every TYPE line; the closing `# EOF` is a comment to the older parser). Hand-written
 * because the whole format is a few escaping rules; prom-client would add a registry and global state.
 */
import path = require('node:path');
import { profileTargets } from '../../core/checks/profileTargets';
import { CertificateNode } from '../../core/inventory/inventory';
import type { ScanResult } from '../diskScanner';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
export const PROMETHEUS_TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** What the scan itself could not do, by reason (`pki_lens_scan_errors{reason}`). */
export interface ScanProblems {
  /** Rules that threw: their findings are missing from this scan. */
  ruleFailed?: number;
  /** `serve`: scans that failed outright since the last good one (the metrics are the last good scan's). */
  scanFailed?: number;
}

export interface MetricsOptions {
  /** When the expiry gauges are computed (default: the scan's own time). */
  now?: Date;
  /** Wall time of the scan, for `pki_lens_scan_duration_seconds`. */
  durationSeconds: number;
  problems?: ScanProblems;
}

type Labels = Record<string, string>;

/** Label values as the exposition formats require: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, c => (c === '\n' ? '\\n' : `\\${c}`));
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function formatValue(value: number): string {
  return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
}

/** x509-certificate-exporter writes serial numbers in decimal. */
export function decimalSerial(hex: string): string {
  const negative = hex.startsWith('-');
  const digits = negative ? hex.slice(1) : hex;
  if (!/^[0-9a-f]+$/i.test(digits)) {
    return hex;
  }
  return `${negative ? '-' : ''}${BigInt(`0x${digits}`).toString(10)}`;
}

/** The place labels: the file, and for a certificate inside a kubeconfig or Secret, which block and field. */
function placeLabels(node: CertificateNode, filePath: string): Labels {
  const owner = node.carrier?.owner;
  const embeddedKind = !owner ? ''
    : owner.kind === 'kubeconfig-user' ? 'user'
      : owner.kind === 'kubeconfig-cluster' ? 'cluster'
        : owner.kind === 'secret' ? 'secret' : 'other';
  return {
    filename: path.basename(filePath),
    filepath: filePath,
    embedded_kind: embeddedKind,
    embedded_key: node.carrier?.path ?? '',
  };
}

const HELP = {
  x509_cert_not_after: 'Unix time the certificate stops being valid (NotAfter).',
  x509_cert_not_before: 'Unix time the certificate starts being valid (NotBefore).',
  x509_cert_expired: '1 when the certificate has expired, 0 otherwise.',
  x509_cert_expires_in_seconds: 'Seconds until NotAfter; negative once expired.',
  pki_lens_finding: 'Findings of the PKI Lens rules, by code, severity and file (the value counts them).',
  x509_read_errors: 'Files or certificate blocks that could not be read or decoded in the last scan.',
  pki_lens_scan_errors: 'What the last scan could not do, by reason.',
  pki_lens_scan_duration_seconds: 'Wall time of the last scan.',
  pki_lens_last_scan_timestamp_seconds: 'Unix time of the last completed scan.',
  pki_lens_certificates: 'Distinct certificates (by SHA-256) found in the last scan.',
};
type FamilyName = keyof typeof HELP;

/**
 * What stays the same until the next scan: each certificate series' label text and dates, the
 * findings. `serve` prepares once per scan and renders per scrape (only the expiry gauges move
 * with the clock), so a burst of scrapes on a large tree costs string joins, not a re-labelling.
 */
export interface PreparedMetrics {
  result: ScanResult;
  certificates: { labels: string; notAfterMs: number }[];
  /** The x509_cert_not_after and x509_cert_not_before families, ready. */
  dates: string;
  /** The pki_lens_finding family, ready. */
  findings: string;
  decodeErrors: number;
}

function header(name: FamilyName): string {
  return `# HELP ${name} ${HELP[name]}\n# TYPE ${name} gauge\n`;
}

export function prepareMetrics(result: ScanResult): PreparedMetrics {
  const pathOf = new Map(result.files.map(f => [f.uri, f.path] as const));
  const roles = new Map(profileTargets(result.inventory).map(t => [t.node, t.role.id] as const));
  const seen = new Set<string>();
  const certificates: PreparedMetrics['certificates'] = [];
  let notAfter = header('x509_cert_not_after');
  let notBefore = header('x509_cert_not_before');
  for (const node of result.inventory.certificates) {
    const cert = node.certificate;
    const labels = labelText({
      ...placeLabels(node, pathOf.get(node.file.uri) ?? node.file.relativePath),
      serial_number: decimalSerial(cert.serialNumber),
      subject_CN: cert.subject.commonName ?? '',
      subject_O: cert.subject.organizations.join(','),
      issuer_CN: cert.issuer.commonName ?? '',
      issuer_O: cert.issuer.organizations.join(','),
      role: roles.get(node) ?? '',
    });
    // One series per label set, as Prometheus requires (the same certificate twice in one bundle).
    if (seen.has(labels)) {
      continue;
    }
    seen.add(labels);
    const notAfterMs = cert.notAfter.getTime();
    certificates.push({ labels, notAfterMs });
    notAfter += `x509_cert_not_after${labels} ${formatValue(notAfterMs / 1000)}\n`;
    notBefore += `x509_cert_not_before${labels} ${formatValue(cert.notBefore.getTime() / 1000)}\n`;
  }
  const counts = new Map<string, number>();
  for (const f of result.findings) {
    const key = labelText({ code: f.code, severity: f.severity, filepath: pathOf.get(f.uri) ?? f.uri });
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let findings = header('pki_lens_finding');
  for (const [labels, count] of counts) {
    findings += `pki_lens_finding${labels} ${count}\n`;
  }
  return {
    result, certificates, dates: notAfter + notBefore, findings,
    decodeErrors: result.findings.filter(f => f.code === 'decode-error').length,
  };
}

/** The metric text of a prepared scan at `options.now`. */
export function renderMetrics(prepared: PreparedMetrics, options: MetricsOptions): string {
  const { result } = prepared;
  const now = (options.now ?? result.now).getTime();
  const parts: string[] = [prepared.dates, header('x509_cert_expired')];
  for (const c of prepared.certificates) {
    parts.push(`x509_cert_expired${c.labels} ${now > c.notAfterMs ? 1 : 0}\n`);
  }
  parts.push(header('x509_cert_expires_in_seconds'));
  for (const c of prepared.certificates) {
    parts.push(`x509_cert_expires_in_seconds${c.labels} ${Math.round((c.notAfterMs - now) / 1000)}\n`);
  }
  parts.push(prepared.findings);
  const problems = options.problems ?? {};
  const reasons: [string, number][] = [
    ['unreadable', result.stats.unreadable],
    ['too_large', result.stats.tooLarge],
    ['undecodable', prepared.decodeErrors],
    ['rule_failed', problems.ruleFailed ?? 0],
    ['scan_failed', problems.scanFailed ?? 0],
  ];
  parts.push(header('x509_read_errors'), `x509_read_errors ${result.stats.unreadable + prepared.decodeErrors}\n`);
  parts.push(header('pki_lens_scan_errors'), ...reasons.map(([reason, count]) => `pki_lens_scan_errors${labelText({ reason })} ${count}\n`));
  const single: [FamilyName, number][] = [
    ['pki_lens_scan_duration_seconds', options.durationSeconds],
    ['pki_lens_last_scan_timestamp_seconds', result.now.getTime() / 1000],
    ['pki_lens_certificates', result.inventory.records.size],
  ];
  for (const [name, value] of single) {
    parts.push(header(name), `${name} ${formatValue(value)}\n`);
  }
  parts.push('# EOF\n');
  return parts.join('');
}

/** The scan as metric text (see the module comment). */
export function toOpenMetrics(result: ScanResult, options: MetricsOptions): string {
  return renderMetrics(prepareMetrics(result), options);
}
