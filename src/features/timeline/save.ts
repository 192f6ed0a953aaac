import vscode = require('vscode');
import { renderExpiryReport } from '../../core/render/report';
import { reportExport } from '../../core/render/reportTable';
import type { TimelineRow } from '../../core/render/timeline';
import type { IndexSnapshot } from '../../workspace/index';
import { expiryReportInput } from '../inventory/expiryReport';

const FILTERS = { CSV: ['csv'], Markdown: ['md'], 'kubeadm-style text report': ['txt'] };

/**
 * "Save as…": the rows the table shows, as CSV or Markdown by the chosen extension; `.txt` is the
 * text report of the whole workspace (the export format that stays). A new file the user named:
 * the save dialog asks before replacing one. Returns the path written, or undefined when cancelled.
 */
export async function saveReport(rows: readonly TimelineRow[], snapshot: IndexSnapshot | undefined): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'Save the expiry report',
    defaultUri: folder && vscode.Uri.joinPath(folder, 'expiry-report.csv'),
    filters: FILTERS,
  });
  if (!target) {
    return undefined;
  }
  const ext = target.path.slice(target.path.lastIndexOf('.') + 1).toLowerCase();
  const text = ext === 'txt' && snapshot ? renderExpiryReport(expiryReportInput(snapshot)) : reportExport(ext === 'md' ? 'markdown' : 'csv', rows);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  return vscode.workspace.asRelativePath(target);
}
