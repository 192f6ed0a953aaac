import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Manifest } from '../fixtures/manifest';
export { waitFor } from '../waitFor';

export const EXTENSION_ID = 'pki-lens.pki-lens';

/** The manifest of a generated fixture tree, handed over by the test launcher through the environment. */
export function manifest(name: string): Manifest {
  const variable = `PKI_LENS_MANIFEST_${name.toUpperCase().replace(/-/g, '_')}`;
  const file = process.env[variable];
  assert.ok(file, `${variable} is not set`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
}

export async function activate(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  await ext.activate();
}

export async function open(root: string, rel: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(root, ...rel.split('/'))));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** The position of the first occurrence of `needle` (after `from`), plus `delta` characters. */
export function positionOf(doc: vscode.TextDocument, needle: string, delta = 0, from = 0): vscode.Position {
  const offset = doc.getText().indexOf(needle, from);
  assert.ok(offset >= 0, `${needle} not found in ${doc.fileName}`);
  return doc.positionAt(offset + delta);
}

/** All hover text at a position, through the real hover pipeline (every provider, as the editor asks). */
export async function hoverText(doc: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
  return (hovers ?? []).flatMap(h => h.contents.map(c => (typeof c === 'string' ? c : c.value))).join('\n');
}

