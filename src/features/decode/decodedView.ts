import vscode = require('vscode');
import { Command } from '../../commands';
import { TextContext, TextSection, decodedDocumentText } from '../../core/render/text';
import { Services } from '../../services';
import { Disposable } from '../../util/dispose';
import { LineIndex } from '../../workspace/lineIndex';
import { MaterialReader, materialReader } from './documentMaterial';
import { EntryRef, resolveTarget } from './targets';

/**
 * `pkiLens.showDecoded`: a read-only virtual document (scheme `pki-lens`) with what openssl's
 * `-text` would print for the block or carrier under the cursor, or for the whole file. The view
 * follows its source: edits to the document (or the file on disk) re-render it.
 */

export const DECODED_SCHEME = 'pki-lens';

interface ViewQuery extends EntryRef {
  source: string;
}

function fileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1) || uri.toString();
}

/** The URI of a decoded view: readable in the tab title, the source and entry in the query. */
export function decodedUri(source: vscode.Uri, what: string | undefined, ref: EntryRef): vscode.Uri {
  const label = `${fileName(source)}${what ? ` · ${what}` : ''} (decoded)`.replace(/[/\\]/g, '∕');
  const query: ViewQuery = { source: source.toString(), ...ref };
  return vscode.Uri.from({ scheme: DECODED_SCHEME, path: `/${label}`, query: JSON.stringify(query) });
}

/** The source document and entry a decoded view shows. */
export function decodedSource(uri: vscode.Uri): { uri: vscode.Uri; ref: EntryRef } | undefined {
  if (uri.scheme !== DECODED_SCHEME) {
    return undefined;
  }
  try {
    const q = JSON.parse(uri.query) as ViewQuery;
    return { uri: vscode.Uri.parse(q.source), ref: { index: q.index, object: q.object, carrier: q.carrier } };
  } catch {
    return undefined;
  }
}

export class DecodedViewProvider extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly services: Services, private readonly reader: MaterialReader) {
    super();
    this._register(vscode.workspace.onDidChangeTextDocument(e => this.sourceChanged(e.document.uri)));
    this._register(reader.onDidChangeFiles(() => this.openViews().forEach(v => this.schedule(v))));
    this._register({ dispose: () => this.pending.forEach(t => clearTimeout(t)) });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = decodedSource(uri);
    if (!source) {
      return 'PKI Lens: this decoded view no longer knows its source.\n';
    }
    try {
      const target = await resolveTarget(this.reader, [source.uri, source.ref]);
      if (!target) {
        return `PKI Lens: ${source.uri.toString()} cannot be read.\n`;
      }
      const { material } = target;
      const lines = material.text !== undefined ? LineIndex.of(material.text) : undefined;
      const ctx: TextContext = {
        now: new Date(),
        thresholds: this.services.settings.expiry(source.uri),
        pairings: material.pairings,
        lineOf: lines ? offset => lines.position(offset).line + 1 : undefined,
      };
      const targetPath = (u?: vscode.Uri) => (u ? (u.scheme === 'file' ? u.fsPath : u.toString()) : undefined);
      const sections: TextSection[] = target.entry
        ? [{ entry: target.entry, object: target.object, target: targetPath(material.targets.get(target.entry)) }]
        : material.analysis.entries.map(entry => ({ entry, target: targetPath(material.targets.get(entry)) }));
      return decodedDocumentText(fileName(source.uri), sections, ctx);
    } catch (e) {
      this.services.logger.error(`decoded view of ${source.uri.toString()} failed`, e);
      return `PKI Lens could not decode ${source.uri.toString()}: ${(e as Error).message}\n`;
    }
  }

  private openViews(): vscode.Uri[] {
    return vscode.workspace.textDocuments.filter(d => d.uri.scheme === DECODED_SCHEME).map(d => d.uri);
  }

  private sourceChanged(uri: vscode.Uri): void {
    if (uri.scheme === DECODED_SCHEME) {
      return;
    }
    const key = uri.toString();
    this.openViews().filter(v => decodedSource(v)?.uri.toString() === key).forEach(v => this.schedule(v));
  }

  /** Typing in the source re-renders the view once the typing pauses. */
  private schedule(view: vscode.Uri): void {
    const key = view.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      this.changed.fire(view);
    }, 300));
  }
}

/** Open the decoded view for the arguments (see targets.ts); resolves to the view's URI. */
async function showDecoded(reader: MaterialReader, args: unknown[]): Promise<vscode.Uri | undefined> {
  const target = await resolveTarget(reader, args, decodedSource);
  if (!target) {
    void vscode.window.showInformationMessage('PKI Lens: open a file holding certificates or keys first.');
    return undefined;
  }
  const { material, entry, index, object } = target;
  let what: string | undefined;
  let ref: EntryRef = {};
  if (entry) {
    // A carrier is also named by its path, which survives edits above it.
    ref = { index, object, carrier: entry.carrier?.path };
    what = entry.carrier?.path ?? (material.analysis.entries.length > 1 ? `block ${index! + 1}` : undefined);
    if (object !== undefined) {
      what = `${what ?? 'entry'} #${object + 1}`;
    }
  }
  const uri = decodedUri(material.uri, what, ref);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
  return uri;
}

export function registerDecodedView(context: vscode.ExtensionContext, services: Services): void {
  const reader = materialReader(context, services);
  const provider = new DecodedViewProvider(services, reader);
  context.subscriptions.push(
    provider,
    vscode.workspace.registerTextDocumentContentProvider(DECODED_SCHEME, provider),
    vscode.commands.registerCommand(Command.ShowDecoded, async (...args: unknown[]) => {
      try {
        return await showDecoded(reader, args);
      } catch (e) {
        services.logger.error('show decoded failed', e);
        void vscode.window.showErrorMessage(`PKI Lens: could not show the decoded view: ${(e as Error).message}`);
        return undefined;
      }
    }),
  );
}
