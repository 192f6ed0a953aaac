import vscode = require('vscode');
import { DocumentAnalysis, MaterialEntry } from '../../core/analyze';
import { pairKeysInDocument } from '../../core/inventory/pairing';
import { renderEntry } from '../../core/render/hover';
import { mayHoldMaterial } from '../../core/pipeline/analysisCache';
import { Services } from '../../services';
import { DOCUMENTS } from '../../documents';
import { pairWithSiblingFiles } from './documentMaterial';
import { coversOffset } from './targets';

/** The entry under a position: the PEM block, or a carrier's key or value. */
export function entryAt(analysis: DocumentAnalysis, offset: number): MaterialEntry | undefined {
  return analysis.entries.find(e => coversOffset(e, offset));
}

export class PkiHoverProvider implements vscode.HoverProvider {
  constructor(private readonly services: Pick<Services, 'cache' | 'logger' | 'settings'>) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    try {
      const text = document.getText();
      if (!mayHoldMaterial(text)) {
        return undefined;
      }
      const analysis = await this.services.cache.analyze(text, document.fileName);
      const entry = entryAt(analysis, document.offsetAt(position));
      if (!entry) {
        return undefined;
      }
      const pairings = pairKeysInDocument(analysis);
      if (!entry.carrier) {
        await pairWithSiblingFiles(document.uri, entry.objects.filter(o => o.privateKey && !pairings.has(o)), pairings, this.services);
      }
      const thresholds = this.services.settings.expiry(document.uri);
      const markdown = new vscode.MarkdownString(renderEntry(entry, { now: new Date(), thresholds, pairings }), true);
      const start = entry.carrier ? Math.min(entry.carrier.keyRange.start, entry.range.start) : entry.range.start;
      return new vscode.Hover(markdown, new vscode.Range(document.positionAt(start), document.positionAt(entry.range.end)));
    } catch (e) {
      // A hover must never surface an exception; the log keeps the reason for a bug report.
      this.services.logger.error('hover failed', e);
      return undefined;
    }
  }
}

export function registerHover(context: vscode.ExtensionContext, services: Services): void {
  context.subscriptions.push(vscode.languages.registerHoverProvider(DOCUMENTS, new PkiHoverProvider(services)));
}
