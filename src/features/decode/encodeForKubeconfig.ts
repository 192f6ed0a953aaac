import vscode = require('vscode');
import { Command } from '../../commands';
import { encodeBase64, utf8Bytes } from '../../core/x509/bytes';
import { findPemBlocks } from '../../core/x509/pem';
import { Services } from '../../services';

/**
 * `pkiLens.encodeForKubeconfig`: the selected PEM becomes the single base64 line a kubeconfig's
 * `*-data` field (or a Secret's `data`) expects. The selection is replaced, because the usual
 * move is pasting PEM where the value belongs and converting it in place; when the PEM fills a
 * YAML block scalar (`key: |`), the block indicator goes too, leaving `key: LS0t…`. A read-only
 * editor (a decoded view, a diff) gets the value copied to the clipboard instead.
 * Resolves to `{ base64, replaced, copied }`, or undefined when the selection holds no PEM.
 */

export interface EncodedSelection {
  base64: string;
  replaced: boolean;
  copied: boolean;
}

/** PEM blocks of the selection, re-indented to column 0, LF line ends, one trailing newline each. */
export function normalizedPem(text: string): string | undefined {
  const blocks = findPemBlocks(text).filter(b => !b.error);
  if (!blocks.length) {
    return undefined;
  }
  return blocks.map(b => text.slice(b.range.start, b.range.end).split(/\r?\n/).map(l => l.trim()).join('\n') + '\n').join('');
}

/** The range to replace: the selection, widened to a YAML block scalar's `|` when the PEM is all of it. */
function replacementRange(document: vscode.TextDocument, selection: vscode.Range): vscode.Range {
  let end = selection.end;
  if (end.character === 0 && end.line > selection.start.line) {
    end = document.lineAt(end.line - 1).range.end; // keep the line break after the selection
  }
  const startLine = document.lineAt(selection.start.line);
  const beforeSelection = startLine.text.slice(0, selection.start.character);
  if (selection.start.line === 0 || beforeSelection.trim() !== '') {
    return new vscode.Range(selection.start, end);
  }
  const header = /^(.*?:[ \t]+)([|>][-+0-9]*)[ \t]*(#.*)?$/.exec(document.lineAt(selection.start.line - 1).text);
  const indent = startLine.firstNonWhitespaceCharacterIndex;
  const next = end.line + 1 < document.lineCount ? document.lineAt(end.line + 1) : undefined;
  const blockEnds = !next || next.isEmptyOrWhitespace || next.firstNonWhitespaceCharacterIndex < indent;
  if (!header || !blockEnds) {
    return new vscode.Range(selection.start, end);
  }
  return new vscode.Range(new vscode.Position(selection.start.line - 1, header[1].length), end);
}

async function encodeForKubeconfig(): Promise<EncodedSelection | undefined> {
  const editor = vscode.window.activeTextEditor;
  const selection = editor?.selection;
  if (!editor || !selection || selection.isEmpty) {
    void vscode.window.showInformationMessage('PKI Lens: select the PEM text to encode first.');
    return undefined;
  }
  const pem = normalizedPem(editor.document.getText(selection));
  if (!pem) {
    void vscode.window.showWarningMessage('PKI Lens: the selection holds no complete PEM block (-----BEGIN … -----END …).');
    return undefined;
  }
  const base64 = encodeBase64(utf8Bytes(pem));
  const readOnly = editor.document.uri.scheme !== 'file' && editor.document.uri.scheme !== 'untitled' && editor.document.uri.scheme !== 'vscode-remote' && editor.document.uri.scheme !== 'vscode-vfs';
  if (!readOnly) {
    const range = replacementRange(editor.document, selection);
    if (await editor.edit(edit => edit.replace(range, base64))) {
      return { base64, replaced: true, copied: false };
    }
  }
  await vscode.env.clipboard.writeText(base64);
  vscode.window.setStatusBarMessage('$(check) Copied the base64 value for a kubeconfig', 3000);
  return { base64, replaced: false, copied: true };
}

export function registerEncodeForKubeconfig(context: vscode.ExtensionContext, services: Services): void {
  context.subscriptions.push(vscode.commands.registerCommand(Command.EncodeForKubeconfig, async () => {
    try {
      return await encodeForKubeconfig();
    } catch (e) {
      services.logger.error('encode for kubeconfig failed', e);
      void vscode.window.showErrorMessage(`PKI Lens: could not encode the selection: ${(e as Error).message}`);
      return undefined;
    }
  }));
}
