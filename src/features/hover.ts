import * as vscode from 'vscode';
import { DocumentAnalysis, MaterialEntry } from '../core/analyze';
import { DecodedObject } from '../core/material';
import { pairKeysInDocument, pairWith } from '../core/pairing';
import { KeyPairing, renderEntry } from '../core/render/hover';
import { readSettings } from '../settings';
import { AnalysisCache, mayHoldMaterial } from '../workspace/analysisCache';
import { siblingCertificateUris } from '../workspace/siblings';
import { Logger } from '../util/logger';

/** The entry under a position: the PEM block, or a carrier's key or value. */
export function entryAt(analysis: DocumentAnalysis, offset: number): MaterialEntry | undefined {
  return analysis.entries.find(e => {
    const start = e.carrier ? Math.min(e.carrier.keyRange.start, e.range.start) : e.range.start;
    return offset >= start && offset <= e.range.end;
  });
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
      await this.pairWithSiblingFiles(document, entry, pairings);
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

  /** A key file (`x.key`) with no certificate of its own is compared with `x.crt` beside it. */
  private async pairWithSiblingFiles(document: vscode.TextDocument, entry: MaterialEntry, pairings: Map<DecodedObject, KeyPairing>): Promise<void> {
    const keys = entry.objects.filter(o => o.privateKey && !pairings.has(o));
    if (!keys.length || entry.carrier) {
      return;
    }
    for (const uri of await siblingCertificateUris(document.uri)) {
      const bytes = await vscode.workspace.fs.readFile(uri);
      const sibling = await this.cache.analyze(new TextDecoder().decode(bytes), uri.fsPath);
      const cert = sibling.entries.flatMap(e => e.objects).find(o => o.certificate)?.certificate;
      if (cert) {
        const where = uri.path.slice(uri.path.lastIndexOf('/') + 1);
        for (const key of keys) {
          const pairing = pairWith(key, cert, where);
          if (pairing) {
            pairings.set(key, pairing);
          }
        }
        return;
      }
    }
  }
}
