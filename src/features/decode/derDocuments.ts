import vscode = require('vscode');
import { Command } from '../../commands';
import { decodedDocumentText } from '../../core/render/text';
import { Services } from '../../services';
import { Disposable } from '../../util/dispose';
import { MaterialReader, materialReader } from './documentMaterial';

/**
 * DER certificates open decoded instead of as "binary file" placeholders. A read-only custom
 * editor shows the same text as the decoded view:
 * - `pkiLens.derViewer` is the default editor for `*.der` (always binary);
 * - `pkiLens.certificateViewer` is offered for `*.crt`, `*.cer` and `*.crl` ("Reopen Editor With…"), which
 *   are usually PEM text and stay in the text editor; when one turns out to be binary, its text tab
 *   is swapped for this viewer as it opens.
 * The view is a webview without scripts; "Open as Text" runs pkiLens.showDecoded for a searchable copy.
 */

export const DER_VIEW_TYPE = 'pkiLens.derViewer';
export const CERTIFICATE_VIEW_TYPE = 'pkiLens.certificateViewer';
const SWAPPABLE = /\.(crt|cer|der|crl)$/i;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]!));
}

export function isDer(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x30 && bytes[1] >= 0x80 && bytes[1] <= 0x84;
}

class DerDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {
    // nothing held: the bytes are read again on every render
  }
}

export class DerEditorProvider extends Disposable implements vscode.CustomReadonlyEditorProvider<DerDocument> {
  constructor(private readonly services: Services, private readonly reader: MaterialReader) {
    super();
  }

  openCustomDocument(uri: vscode.Uri): DerDocument {
    return new DerDocument(uri);
  }

  async resolveCustomEditor(document: DerDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: false, enableCommandUris: [Command.ShowDecoded] };
    const render = async () => {
      panel.webview.html = await this.html(document.uri);
    };
    await render();
    // The file may be replaced (a renewal, a new export): follow it.
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(document.uri, '..'), document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1)));
    const subscriptions = [watcher, watcher.onDidChange(render), watcher.onDidCreate(render)];
    panel.onDidDispose(() => subscriptions.forEach(s => s.dispose()));
  }

  private async html(uri: vscode.Uri): Promise<string> {
    let text: string;
    try {
      const material = await this.reader.read(uri);
      const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
      text = decodedDocumentText(name, material.analysis.entries.map(entry => ({ entry })), { now: new Date(), thresholds: this.services.settings.expiry(uri), pairings: material.pairings });
    } catch (e) {
      this.services.logger.error(`DER viewer for ${uri.toString()} failed`, e);
      text = `PKI Lens could not read ${uri.toString()}: ${(e as Error).message}\n`;
    }
    // No arguments: the clicked viewer is the active tab, and a URI argument would be remapped on
    // its way through a remote (code-server) window.
    const openAsText = `command:${Command.ShowDecoded}`;
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>
  body { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); }
  pre { white-space: pre-wrap; user-select: text; }
  a { color: var(--vscode-textLink-foreground); }
</style></head>
<body><p><a href="${openAsText}">Open as Text</a> (searchable, copyable)</p><pre>${escapeHtml(text)}</pre></body></html>`;
  }
}

/**
 * A `.crt`/`.cer`/`.der` that opened in a text tab but is DER gets the viewer instead, in the same
 * place. Not when the user just asked for the text editor (the viewer closed in the same change).
 */
async function swapBinaryTabs(event: vscode.TabChangeEvent, logger: Services['logger']): Promise<void> {
  const closedViewers = new Set(event.closed.map(t => (t.input instanceof vscode.TabInputCustom ? t.input.uri.toString() : '')));
  for (const tab of event.opened) {
    const input = tab.input;
    if (!(input instanceof vscode.TabInputText) || !SWAPPABLE.test(input.uri.path) || closedViewers.has(input.uri.toString())) {
      continue;
    }
    try {
      if (vscode.workspace.textDocuments.some(d => d.uri.toString() === input.uri.toString())) {
        continue; // it opened as text, so it is text
      }
      const bytes = await vscode.workspace.fs.readFile(input.uri);
      if (!isDer(bytes)) {
        continue;
      }
      const viewType = /\.der$/i.test(input.uri.path) ? DER_VIEW_TYPE : CERTIFICATE_VIEW_TYPE;
      const { viewColumn } = tab.group;
      const preview = tab.isPreview;
      // Close first: opening a preview editor would replace the text tab and leave a stale handle to close.
      await vscode.window.tabGroups.close(tab, true);
      await vscode.commands.executeCommand('vscode.openWith', input.uri, viewType, { viewColumn, preview });
    } catch (e) {
      logger.warn(`could not open ${input.uri.toString()} decoded: ${(e as Error).message}`);
    }
  }
}

export function registerDerDocuments(context: vscode.ExtensionContext, services: Services): void {
  const provider = new DerEditorProvider(services, materialReader(context, services));
  const options = { supportsMultipleEditorsPerDocument: true };
  context.subscriptions.push(
    provider,
    vscode.window.registerCustomEditorProvider(DER_VIEW_TYPE, provider, options),
    vscode.window.registerCustomEditorProvider(CERTIFICATE_VIEW_TYPE, provider, options),
    vscode.window.tabGroups.onDidChangeTabs(e => void swapBinaryTabs(e, services.logger)),
  );
  // Tabs restored from the last session opened before activation.
  const restored = vscode.window.tabGroups.all.flatMap(g => g.tabs);
  void swapBinaryTabs({ opened: restored, closed: [], changed: [] }, services.logger);
}
