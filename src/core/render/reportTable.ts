/**
 * The expiry table's exports: the rows the user sees (sorted and filtered in the view), in
 * `kubeadm certs check-expiration`'s columns, as Markdown or CSV (RFC 4180). The text report
 * (report.ts) stays the export of the whole workspace.
 */
import type { TimelineRow } from './timeline';

export const REPORT_COLUMNS = ['CERTIFICATE', 'EXPIRES', 'RESIDUAL TIME', 'CERTIFICATE AUTHORITY', 'EXTERNALLY MANAGED'] as const;

function cells(r: TimelineRow): string[] {
  return [r.name, r.expires, r.residual, r.ca ? `${r.authority} (CA)` : r.authority, r.externallyManaged ? 'yes' : 'no'];
}

/** A GitHub-flavoured Markdown table; `|` and line breaks in names are escaped so a cell stays one cell. */
export function reportMarkdown(rows: readonly TimelineRow[]): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const line = (c: readonly string[]) => `| ${c.map(esc).join(' | ')} |`;
  return [line(REPORT_COLUMNS), line(REPORT_COLUMNS.map(() => '---')), ...rows.map(r => line(cells(r)))].join('\n') + '\n';
}

/**
 * CSV with CRLF line ends; a cell with a comma, quote or line break is quoted. A cell starting with
 * `=`, `+`, `-` or `@` is prefixed with `'`, so a spreadsheet never runs a name as a formula.
 */
export function reportCsv(rows: readonly TimelineRow[]): string {
  const cell = (s: string) => {
    const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [REPORT_COLUMNS, ...rows.map(cells)].map(c => c.map(cell).join(',')).join('\r\n') + '\r\n';
}

export type ExportFormat = 'markdown' | 'csv';

export function reportExport(format: ExportFormat, rows: readonly TimelineRow[]): string {
  return format === 'csv' ? reportCsv(rows) : reportMarkdown(rows);
}
