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
import * as path from 'node:path';
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

interface Family {
  name: string;
  help: string;
  samples: Map<string, number>;
}

/** Label values as the exposition formats require: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, c => (c === '\n' ? '\\n' : `\\${c}`));
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function family(name: string, help: string): Family {
  return { name, help, samples: new Map() };
}

/** Adds a sample; a label set already present keeps its first value (one series per label set, as Prometheus requires). */
function sample(f: Family, labels: Labels, value: number): void {
  const key = labelText(labels);
  if (!f.samples.has(key)) {
    f.samples.set(key, value);
  }
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

/** The scan as metric text (see the module comment). */
export function toOpenMetrics(result: ScanResult, options: MetricsOptions): string {
  const now = (options.now ?? result.now).getTime();
  const notAfter = family('x509_cert_not_after', 'Unix time the certificate stops being valid (NotAfter).');
  const notBefore = family('x509_cert_not_before', 'Unix time the certificate starts being valid (NotBefore).');
  const expired = family('x509_cert_expired', '1 when the certificate has expired, 0 otherwise.');
  const expiresIn = family('x509_cert_expires_in_seconds', 'Seconds until NotAfter; negative once expired.');
  const finding = family('pki_lens_finding', 'Findings of the PKI Lens rules, by code, severity and file (the value counts them).');
  const readErrors = family('x509_read_errors', 'Files or certificate blocks that could not be read or decoded in the last scan.');
  const scanErrors = family('pki_lens_scan_errors', 'What the last scan could not do, by reason.');
  const duration = family('pki_lens_scan_duration_seconds', 'Wall time of the last scan.');
  const lastScan = family('pki_lens_last_scan_timestamp_seconds', 'Unix time of the last completed scan.');
  const certificates = family('pki_lens_certificates', 'Distinct certificates (by SHA-256) found in the last scan.');

  const pathOf = new Map(result.files.map(f => [f.uri, f.path] as const));
  const roles = new Map(profileTargets(result.inventory).map(t => [t.node, t.role.id] as const));
  for (const node of result.inventory.certificates) {
    const cert = node.certificate;
    const labels: Labels = {
      ...placeLabels(node, pathOf.get(node.file.uri) ?? node.file.relativePath),
      serial_number: decimalSerial(cert.serialNumber),
      subject_CN: cert.subject.commonName ?? '',
      subject_O: cert.subject.organizations.join(','),
      issuer_CN: cert.issuer.commonName ?? '',
      issuer_O: cert.issuer.organizations.join(','),
      role: roles.get(node) ?? '',
    };
    const end = cert.notAfter.getTime();
    sample(notAfter, labels, end / 1000);
    sample(notBefore, labels, cert.notBefore.getTime() / 1000);
    sample(expired, labels, now > end ? 1 : 0);
    sample(expiresIn, labels, Math.round((end - now) / 1000));
  }

  const counts = new Map<string, { labels: Labels; count: number }>();
  for (const f of result.findings) {
    const labels = { code: f.code, severity: f.severity, filepath: pathOf.get(f.uri) ?? f.uri };
    const key = labelText(labels);
    const held = counts.get(key) ?? { labels, count: 0 };
    held.count++;
    counts.set(key, held);
  }
  for (const { labels, count } of counts.values()) {
    sample(finding, labels, count);
  }

  const decodeErrors = result.findings.filter(f => f.code === 'decode-error').length;
  const problems = options.problems ?? {};
  const reasons: [string, number][] = [
    ['unreadable', result.stats.unreadable],
    ['too_large', result.stats.tooLarge],
    ['undecodable', decodeErrors],
    ['rule_failed', problems.ruleFailed ?? 0],
    ['scan_failed', problems.scanFailed ?? 0],
  ];
  for (const [reason, count] of reasons) {
    sample(scanErrors, { reason }, count);
  }
  sample(readErrors, {}, result.stats.unreadable + decodeErrors);
  sample(duration, {}, options.durationSeconds);
  sample(lastScan, {}, result.now.getTime() / 1000);
  sample(certificates, {}, result.inventory.records.size);

  const families = [notAfter, notBefore, expired, expiresIn, finding, readErrors, scanErrors, duration, lastScan, certificates];
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} gauge`);
    for (const [labels, value] of f.samples) {
      out.push(`${f.name}${labels} ${formatValue(value)}`);
    }
  }
  out.push('# EOF');
  return out.join('\n') + '\n';
}
