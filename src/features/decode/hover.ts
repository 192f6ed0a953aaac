import * as vscode from 'vscode';
import { DocumentAnalysis, MaterialEntry } from '../../core/analyze';
import { pairKeysInDocument } from '../../core/inventory/pairing';
import { renderEntry } from '../../core/render/hover';
import { readSettings } from '../../settings';
import { AnalysisCache, mayHoldMaterial } from '../../core/pipeline/analysisCache';
import { Logger } from '../../util/logger';
import { pairWithSiblingFiles } from './documentMaterial';
import { coversOffset } from './targets';

/** The entry under a position: the PEM block, or a carrier's key or value. */
export function entryAt(analysis: DocumentAnalysis, offset: number): MaterialEntry | undefined {
  return analysis.entries.find(e => coversOffset(e, offset));
}

export class PkiHoverProvider implements vscode.HoverProvider {
  constructor(private readonly cache: AnalysisCache, private readonly logger: Logger) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    try {
      const text = document.getText();
      if (!mayHoldMaterial(text)) {
        return undefined;
      }
      const analysis = await this.cache.analyze(text, document.fileName);
      const entry = entryAt(analysis, document.offsetAt(position));
      if (!entry) {
        return undefined;
      }
      const pairings = pairKeysInDocument(analysis);
      if (!entry.carrier) {
        await pairWithSiblingFiles(document.uri, entry.objects.filter(o => o.privateKey && !pairings.has(o)), pairings, { cache: this.cache, logger: this.logger });
      }
      const settings = readSettings(document.uri);
      const markdown = new vscode.MarkdownString(renderEntry(entry, { now: new Date(), thresholds: settings.expiry, pairings }), true);
      const start = entry.carrier ? Math.min(entry.carrier.keyRange.start, entry.range.start) : entry.range.start;
      return new vscode.Hover(markdown, new vscode.Range(document.positionAt(start), document.positionAt(entry.range.end)));
    } catch (e) {
      // A hover must never surface an exception; the log keeps the reason for a bug report.
      this.logger.error('hover failed', e);
      return undefined;
    }
  }
}
