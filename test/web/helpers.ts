// Helpers for tests in the browser extension host: no node:assert, no fs, no process.env; the
// fixture tree and its manifest come through the folder test-web mounts (vscode-test-web://mount/).
import * as vscode from 'vscode';
import type { Manifest } from '../fixtures/manifest';
export { waitFor } from '../waitFor';

export const EXTENSION_ID = 'pki-lens.pki-lens';

export class AssertionError extends Error {}

export function ok(value: unknown, message: string): asserts value {
  if (!value) {
    throw new AssertionError(message);
  }
}

export function match(text: string, pattern: RegExp, message = ''): void {
  ok(pattern.test(text), `${message ? `${message}: ` : ''}expected ${pattern} in:\n${text}`);
}

/** The mounted folder: scripts/test-web.mjs mounts test-results/web, which holds `<tree>/` and `<tree>.manifest.json`. */
export function mountRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  ok(folder, 'test-web mounted a folder');
  return folder.uri;
}

/** The manifest the openssl-based generator wrote beside the tree, and a way to address the tree's files. */
export async function fixture(tree: string): Promise<{ manifest: Manifest; uri: (rel: string) => vscode.Uri }> {
  const root = mountRoot();
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, `${tree}.manifest.json`));
  const manifest = JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
  return { manifest, uri: rel => vscode.Uri.joinPath(root, tree, ...rel.split('/')) };
}

export async function activate(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  ok(ext, `${EXTENSION_ID} is loaded`);
  await ext.activate();
}

export async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

export function positionOf(doc: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const offset = doc.getText().indexOf(needle);
  ok(offset >= 0, `${needle} in ${doc.uri.toString()}`);
  return doc.positionAt(offset + delta);
}

/** All hover text at a position, through the real hover pipeline. */
export async function hoverText(doc: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
  return (hovers ?? []).flatMap(h => h.contents.map(c => (typeof c === 'string' ? c : c.value))).join('\n');
}

/** PKI Lens's diagnostics on a resource. */
export function pkiDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter(d => d.source === 'PKI Lens');
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}
