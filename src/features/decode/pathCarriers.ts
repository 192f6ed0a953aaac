import vscode = require('vscode');
import { renderEntry } from '../../core/render/hover';
import { DOCUMENTS } from '../../documents';
import { Services } from '../../services';
import { MaterialReader, materialReader } from './documentMaterial';

/**
 * kubeconfig `certificate-authority`, `client-certificate` and `client-key` paths (see
 * pathResolution.ts) in the hover: what the referenced file holds, or why it cannot be read. The
 * lens, outline and decoded view get the same resolution through documentMaterial.ts.
 */

export class PathCarrierHoverProvider implements vscode.HoverProvider {
  constructor(private readonly services: Services, private readonly reader: MaterialReader) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    try {
      const text = document.getText();
      if (!/certificate-authority|client-certificate|client-key/.test(text)) {
        return undefined;
      }
      const analysis = await this.services.cache.analyze(text, document.fileName);
      const offset = document.offsetAt(position);
      const index = analysis.entries.findIndex(e => e.carrier?.encoding === 'path' && offset >= e.carrier.keyRange.start && offset <= e.range.end);
      if (index < 0) {
        return undefined;
      }
      const material = await this.reader.enrich(document.uri, analysis);
      const resolved = material.analysis.entries[index];
      const target = material.targets.get(resolved);
      const where = target ? `\n\n_Read from_ \`${target.scheme === 'file' ? target.fsPath : target.toString()}\`` : '';
      // The generic hover already titles the carrier; this one adds what the file holds.
      const body = renderEntry({ ...resolved, carrier: undefined }, { now: new Date(), thresholds: this.services.settings.expiry(document.uri), pairings: material.pairings });
      const entry = analysis.entries[index];
      return new vscode.Hover(new vscode.MarkdownString(body + where, true), new vscode.Range(document.positionAt(entry.range.start), document.positionAt(entry.range.end)));
    } catch (e) {
      this.services.logger.error('path carrier hover failed', e);
      return undefined;
    }
  }
}

export function registerPathCarriers(context: vscode.ExtensionContext, services: Services): void {
  context.subscriptions.push(vscode.languages.registerHoverProvider(DOCUMENTS, new PathCarrierHoverProvider(services, materialReader(context, services))));
}
