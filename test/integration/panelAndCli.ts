// The Problems panel and `pki-lens check --format json` in one shape, for suites that compare them
// (parity: the two roads agree; cache: a start from the persistent cache agrees with a cold scan).
import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './helpers';
import { rel } from './pkiWorkspace';

interface Place {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Listed extends Place {
  code: string;
  severity: string;
  message: string;
  related: (Place & { message: string })[];
}

const SEVERITY: Record<number, string> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** A VS Code range as the CLI writes it: 1-based lines and columns. */
function place(root: string, uri: vscode.Uri, range: vscode.Range): Place {
  return { file: rel(root, uri), line: range.start.line + 1, column: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

export function problemsPanel(root: string): Listed[] {
  return vscode.languages.getDiagnostics().flatMap(([uri, list]) => list.filter(d => d.source === 'PKI Lens').map(d => ({
    code: typeof d.code === 'object' ? String(d.code.value) : String(d.code),
    severity: SEVERITY[d.severity],
    ...place(root, uri, d.range),
    message: d.message,
    related: (d.relatedInformation ?? []).map(r => ({ ...place(root, r.location.uri, r.location.range), message: r.message })),
  })));
}

export function cli(root: string): { status: number | null; findings: Listed[]; stderr: string } {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  const r = spawnSync(process.execPath, [path.join(ext.extensionPath, 'dist', 'cli.js'), 'check', '--format', 'json', root], {
    encoding: 'utf8',
    // In the desktop VS Code the extension host's executable is Electron: run it as plain Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, findings: r.status === 0 || r.status === 1 ? (JSON.parse(r.stdout) as { findings: Listed[] }).findings : [], stderr: r.stderr };
}

export const sorted = (list: Listed[]) => list.map(f => JSON.stringify(f)).sort();
