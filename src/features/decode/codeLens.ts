import vscode = require('vscode');
import { Command } from '../../commands';
import { DocumentAnalysis, MaterialEntry } from '../../core/analyze';
import { SummaryContext, entrySummary, entryTooltip, objectSummary, stripIcons } from '../../core/render/summary';
import { DOCUMENTS } from '../../documents';
import { Services } from '../../services';
import { Disposable } from '../../util/dispose';
import { mayHoldMaterial } from '../../core/pipeline/analysisCache';
import { MaterialReader, materialReader } from './documentMaterial';
import { EntryRef } from './targets';

/**
 * A one-line summary above every certificate, key and carrier value, so a file reads without
 * hovering. Lenses are placed from the cached analysis and titled in resolveCodeLens, so only the
 * visible ones pay for pairing, path resolution and rendering (a 5 MB manifest with hundreds of
 * certificates opens with its lenses filling in as they scroll into view).
 */

const MAX_TITLE = 160;
const PATH_FIELDS = /certificate-authority|client-certificate|client-key/;

class MaterialLens extends vscode.CodeLens {
  constructor(range: vscode.Range, readonly uri: vscode.Uri, readonly analysis: DocumentAnalysis, readonly index: number, readonly object?: number) {
    super(range);
  }
}

/** Objects of a PEM block scalar sit at their own blocks and get a lens each; a base64 bundle shares one. */
function ownRanges(entry: MaterialEntry): boolean {
  return entry.objects.length > 1 && new Set(entry.objects.map(o => o.range.start)).size === entry.objects.length && entry.objects.every(o => o.range.start !== entry.range.start);
}

function clip(title: string): string {
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title;
}

export class SummaryLensProvider extends Disposable implements vscode.CodeLensProvider<MaterialLens> {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly services: Services, private readonly reader: MaterialReader) {
    super();
    this._register(services.settings.onDidChange(e => {
      if (e.affects('codeLens') || e.affects('expiry')) {
        this.changed.fire();
      }
    }));
    // A sibling x.crt or a referenced file changed: pairings and path summaries are stale.
    this._register(reader.onDidChangeFiles(() => this.changed.fire()));
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<MaterialLens[]> {
    try {
      // Read with the document as scope, so "[yaml]": { "pkiLens.codeLens.enabled": false } applies.
      if (!this.services.settings.get(document).codeLens.enabled) {
        return [];
      }
      const text = document.getText();
      if (!mayHoldMaterial(text) && !PATH_FIELDS.test(text)) {
        return [];
      }
      const analysis = await this.services.cache.analyze(text, document.fileName);
      if (token.isCancellationRequested) {
        return [];
      }
      const lenses: MaterialLens[] = [];
      analysis.entries.forEach((entry, index) => {
        if (ownRanges(entry)) {
          entry.objects.forEach((o, object) => lenses.push(new MaterialLens(this.range(document, o.range.start, o.range.end), document.uri, analysis, index, object)));
        } else {
          const start = entry.carrier ? Math.min(entry.carrier.keyRange.start, entry.range.start) : entry.range.start;
          lenses.push(new MaterialLens(this.range(document, start, entry.range.end), document.uri, analysis, index));
        }
      });
      return lenses;
    } catch (e) {
      this.services.logger.error('code lens failed', e);
      return [];
    }
  }

  async resolveCodeLens(lens: MaterialLens): Promise<MaterialLens> {
    const ref: EntryRef = { index: lens.index, object: lens.object };
    try {
      const material = await this.reader.enrich(lens.uri, lens.analysis);
      const entry = material.analysis.entries[lens.index];
      const ctx: SummaryContext = { now: new Date(), thresholds: this.services.settings.expiry(lens.uri), pairings: material.pairings };
      let title: string;
      if (entry.carrier?.encoding === 'path' && entry.error) {
        title = `$(error) ${entry.error}`;
      } else {
        title = lens.object !== undefined ? objectSummary(entry.objects[lens.object], ctx) : entrySummary(entry, ctx);
      }
      const target = material.targets.get(entry);
      const tooltip = [
        entry.objects.length > 1 && lens.object === undefined ? entryTooltip(entry, ctx) : stripIcons(title),
        target ? `from ${target.scheme === 'file' ? target.fsPath : target.toString()}` : '',
        'Click to open the decoded view',
      ].filter(Boolean).join('\n');
      lens.command = { title: clip(title), tooltip, command: Command.ShowDecoded, arguments: [lens.uri, ref] };
    } catch (e) {
      // An unresolved lens would show an empty placeholder; say something the user can act on.
      this.services.logger.error('code lens resolve failed', e);
      lens.command = { title: 'PKI Lens: could not summarise (see the PKI Lens log)', command: Command.ShowDecoded, arguments: [lens.uri, ref] };
    }
    return lens;
  }

  private range(document: vscode.TextDocument, start: number, end: number): vscode.Range {
    return new vscode.Range(document.positionAt(start), document.positionAt(end));
  }
}

export function registerCodeLens(context: vscode.ExtensionContext, services: Services): void {
  const provider = new SummaryLensProvider(services, materialReader(context, services));
  context.subscriptions.push(provider, vscode.languages.registerCodeLensProvider(DOCUMENTS, provider));
}
