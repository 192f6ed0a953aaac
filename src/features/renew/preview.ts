import vscode = require('vscode');
import { formatDate } from '../../core/render/time';
import { shortName } from '../../core/x509/name';
import { Disposable } from '../../util/dispose';
import { displayPath } from './keys';
import type { FilePlan } from './filePlan';
import type { RenewalJob } from './plan';
import { labelOf } from './targets';

/**
 * The preview shown before anything is written: old versus new for every certificate (subject,
 * SANs, validity, serial, key reused or rotated, CA) and every file that changes. A modal
 * question with the summary as its detail, Renew or Cancel; the whole text on demand in a
 * read-only document. One preview for a whole batch.
 */

const SCHEME = 'pki-lens-renewal';
const PREVIEW_URI = vscode.Uri.from({ scheme: SCHEME, path: '/Renewal preview.md' });
/** Certificates described in the modal itself; the full preview lists them all. */
const MODAL_LIMIT = 4;

function serial(s: string): string {
  return s.length > 20 ? `${s.slice(0, 16)}…` : s;
}

function span(from: Date, to: Date): string {
  return `${formatDate(from)} → ${formatDate(to)}`;
}

/** The lines describing one job, for the modal and for the document alike. */
export function describeJob(job: RenewalJob): string[] {
  const c = job.result.changes;
  const kept = (changed: boolean) => (changed ? '' : ' (kept)');
  const lines = [
    `${job.selfSigned ? 'CA ' : ''}${labelOf(job.node)} — ${job.node.where}`,
    `  Subject: ${c.subject.new || '(empty)'}${kept(c.subject.changed)}`,
  ];
  if (c.subjectAltNames.new.length || c.subjectAltNames.old.length) {
    lines.push(`  SANs: ${c.subjectAltNames.new.join(', ') || '(none)'}${kept(c.subjectAltNames.changed)}`);
    const added = c.subjectAltNames.new.filter(n => !c.subjectAltNames.old.includes(n));
    const removed = c.subjectAltNames.old.filter(n => !c.subjectAltNames.new.includes(n));
    if (added.length || removed.length) {
      lines.push(`  SANs changed: ${[added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean).join('; ')}`);
    }
  }
  lines.push(
    `  Validity, old: ${span(c.notBefore.old, c.notAfter.old)}`,
    `  Validity, new: ${span(c.notBefore.new, c.notAfter.new)}`,
    `  Serial: ${serial(c.serialNumber.old)} → ${serial(c.serialNumber.new)}`,
  );
  if (job.policy === 'rotate') {
    lines.push(`  Key: rotated — new ${c.publicKey.new} written to ${job.keyNode?.where ?? '?'} (mode 0600)`);
  } else {
    lines.push(`  Key: reused — ${c.publicKey.new}${job.matchingKey ? ` (${job.matchingKey.where})` : ''}`);
  }
  const ca = job.ca;
  const caFiles = [ca.certificateUri && displayPath(ca.certificateUri), ca.keyUri && `key ${displayPath(ca.keyUri)}`].filter(Boolean).join(', ');
  lines.push(job.selfSigned
    ? `  Signed by: itself, same key${caFiles ? ` (${caFiles})` : ''}`
    : `  CA: ${shortName(ca.certificate.subject)}${caFiles ? ` (${caFiles})` : ''}`);
  if (job.copies.length) {
    lines.push(`  Copies updated too: ${job.copies.map(n => n.where).join(', ')}`);
  }
  if (job.result.clampMessage) {
    lines.push(`  ⚠ ${job.result.clampMessage}`);
  }
  for (const note of job.notes) {
    lines.push(`  ⚠ ${note}`);
  }
  return lines;
}

function describeFiles(files: readonly FilePlan[], backupFolder: string): string[] {
  const where = backupFolder ? `in ${backupFolder}` : 'next to it as <name>.<UTC timestamp>.bak';
  return [
    `Files written (each backed up first, ${where}; mode and owner kept):`,
    ...files.map(f => `  ${f.relativePath}${f.privateMaterial ? ' (new private key: not readable by group or others)' : ''}`),
  ];
}

export function previewText(jobs: readonly RenewalJob[], files: readonly FilePlan[], skipped: readonly { where: string; reason: string }[], backupFolder: string): string {
  const parts = [jobs.map(describeJob).map(l => l.join('\n')).join('\n\n'), describeFiles(files, backupFolder).join('\n')];
  if (skipped.length) {
    parts.push(['Left alone:', ...skipped.map(s => `  ${s.where}: ${s.reason}`)].join('\n'));
  }
  return parts.join('\n\n');
}

/** Read-only document showing the full preview. */
export class RenewalPreviewDocument extends Disposable implements vscode.TextDocumentContentProvider {
  private text = '';
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(SCHEME, this));
  }

  provideTextDocumentContent(): string {
    return this.text;
  }

  async show(text: string): Promise<void> {
    this.text = `# PKI Lens: renewal preview\n\nNothing has been written yet.\n\n\`\`\`text\n${text}\n\`\`\`\n`;
    this.changed.fire(PREVIEW_URI);
    const doc = await vscode.workspace.openTextDocument(PREVIEW_URI);
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
  }
}

/** Ask before writing. True: go ahead. */
export async function confirmRenewal(
  jobs: readonly RenewalJob[], files: readonly FilePlan[], skipped: readonly { where: string; reason: string }[],
  backupFolder: string, document: RenewalPreviewDocument,
): Promise<boolean> {
  const title = jobs.length === 1
    ? `Renew ${jobs[0].selfSigned ? 'CA ' : ''}${labelOf(jobs[0].node)}?`
    : `Renew ${jobs.length} certificates?`;
  const shown = jobs.slice(0, MODAL_LIMIT).map(j => describeJob(j).join('\n'));
  if (jobs.length > MODAL_LIMIT) {
    shown.push(`… and ${jobs.length - MODAL_LIMIT} more (Show Full Preview)`);
  }
  const detail = [shown.join('\n\n'), describeFiles(files, backupFolder).join('\n'),
    ...(skipped.length ? [`Left alone: ${skipped.length} (Show Full Preview)`] : [])].join('\n\n');
  for (;;) {
    const choice = await vscode.window.showWarningMessage(title, { modal: true, detail }, 'Renew', 'Show Full Preview');
    if (choice !== 'Show Full Preview') {
      return choice === 'Renew';
    }
    await document.show(previewText(jobs, files, skipped, backupFolder));
  }
}
