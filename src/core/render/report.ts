/**
 * The expiry report in the shape of `kubeadm certs check-expiration`: a table of certificates,
 * then a table of certificate authorities. Pure text in, text out.
 */

export interface ExpiryReportRow {
  /** `admin.conf`, `apiserver`, `etcd-server`, or a workspace path outside a kubeadm layout. */
  name: string;
  notBefore: Date;
  notAfter: Date;
  /** The issuing CA's row name, `self-signed`, or the issuer's name with `(not in workspace)`. */
  authority: string;
  externallyManaged: boolean;
}

export interface ExpiryReportCa {
  name: string;
  notBefore: Date;
  notAfter: Date;
  externallyManaged: boolean;
}

export interface ExpiryReportInput {
  now: Date;
  certificates: ExpiryReportRow[];
  authorities: ExpiryReportCa[];
  /** Places that should hold a certificate but do not decode: `scheduler.conf users[0].user.client-certificate-data: …`. */
  undecodable?: string[];
  /** A line under the title, e.g. the workspace folders covered. */
  subtitle?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** kubeadm's date: Go layout `Jan 02, 2006 15:04 MST`, in UTC. */
export function kubeadmDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())}, ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/**
 * Residual time as Kubernetes' ShortHumanDuration writes it (`45s`, `12m`, `5h`, `364d`, `9y`);
 * where kubeadm prints `<invalid>` for a past date we say what happened.
 */
export function residualTime(notBefore: Date, notAfter: Date, now: Date): string {
  if (now.getTime() < notBefore.getTime()) {
    return `not valid for ${shortHumanDuration(notBefore.getTime() - now.getTime())}`;
  }
  const ms = notAfter.getTime() - now.getTime();
  return ms < 0 ? `expired ${shortHumanDuration(-ms)} ago` : shortHumanDuration(ms);
}

export function shortHumanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) {
    return `${seconds}s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes}m`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return `${hours}h`;
  }
  if (hours < 24 * 365) {
    return `${Math.floor(hours / 24)}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** Columns padded like Go's tabwriter with kubeadm's settings (minwidth 10, padding 3 blanks). */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, col) => Math.max(10, ...rows.map(r => r[col].length + 3)));
  return rows.map(r => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]))).join('').trimEnd()).join('\n');
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function renderExpiryReport(input: ExpiryReportInput): string {
  const out: string[] = [`PKI Lens expiry report — ${kubeadmDate(input.now)}`];
  if (input.subtitle) {
    out.push(input.subtitle);
  }
  out.push('');
  const certs = [...input.certificates].sort(byName);
  if (certs.length) {
    out.push(table([
      ['CERTIFICATE', 'EXPIRES', 'RESIDUAL TIME', 'CERTIFICATE AUTHORITY', 'EXTERNALLY MANAGED'],
      ...certs.map(r => [r.name, kubeadmDate(r.notAfter), residualTime(r.notBefore, r.notAfter, input.now), r.authority, yesNo(r.externallyManaged)]),
    ]));
  } else {
    out.push('No leaf certificates found.');
  }
  out.push('');
  const cas = [...input.authorities].sort(byName);
  if (cas.length) {
    out.push(table([
      ['CERTIFICATE AUTHORITY', 'EXPIRES', 'RESIDUAL TIME', 'EXTERNALLY MANAGED'],
      ...cas.map(r => [r.name, kubeadmDate(r.notAfter), residualTime(r.notBefore, r.notAfter, input.now), yesNo(r.externallyManaged)]),
    ]));
  } else {
    out.push('No certificate authorities found.');
  }
  if (input.undecodable?.length) {
    out.push('', 'COULD NOT BE DECODED', ...input.undecodable.map(u => `  ${u}`));
  }
  out.push('', 'A CA is externally managed when its private key is not in the workspace; its certificates cannot be renewed here.');
  return out.join('\n') + '\n';
}
