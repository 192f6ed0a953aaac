import vscode = require('vscode');
import { MaterialEntry } from '../../core/analyze';
import { DecodedObject } from '../../core/x509/material';
import { SummaryContext, blockSymbolName, carrierSymbolName, objectDetail } from '../../core/render/summary';
import { DOCUMENTS } from '../../documents';
import { Services } from '../../services';
import { mayHoldMaterial } from '../../core/pipeline/analysisCache';
import { MaterialReader, materialReader } from './documentMaterial';

/**
 * The outline of PEM files and of every carrier in YAML/JSON: "CERTIFICATE CN=etcd-ca",
 * "EC PRIVATE KEY P-256", "users[0].user.client-certificate-data CN=kubernetes-admin", so the
 * breadcrumbs and Go to Symbol reach material directly. VS Code merges these with the symbols of
 * other providers (the JSON language service, a YAML extension when installed).
 */

const PATH_FIELDS = /certificate-authority|client-certificate|client-key/;

function kindOf(objects: readonly DecodedObject[], error?: string): vscode.SymbolKind {
  if (error || objects.some(o => o.error)) {
    return vscode.SymbolKind.Null;
  }
  if (objects.length > 1) {
    return vscode.SymbolKind.Array;
  }
  const o = objects[0];
  if (!o) {
    return vscode.SymbolKind.Field;
  }
  if (o.privateKey) {
    return vscode.SymbolKind.Key;
  }
  if (o.publicKey) {
    return vscode.SymbolKind.Interface;
  }
  if (o.csr) {
    return vscode.SymbolKind.Event;
  }
  if (o.crl) {
    return vscode.SymbolKind.Enum;
  }
  return vscode.SymbolKind.Class;
}

export class MaterialSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly services: Services, private readonly reader: MaterialReader) {}

  async provideDocumentSymbols(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.DocumentSymbol[]> {
    try {
      const text = document.getText();
      if (!mayHoldMaterial(text) && !PATH_FIELDS.test(text)) {
        return [];
      }
      const material = await this.reader.fromDocument(document);
      if (token.isCancellationRequested) {
        return [];
      }
      const ctx: SummaryContext = { now: new Date(), thresholds: this.services.settings.expiry(document.uri) };
      return material.analysis.entries.map(entry => this.symbol(document, entry, ctx));
    } catch (e) {
      this.services.logger.error('document symbols failed', e);
      return [];
    }
  }

  private symbol(document: vscode.TextDocument, entry: MaterialEntry, ctx: SummaryContext): vscode.DocumentSymbol {
    const range = (start: number, end: number) => new vscode.Range(document.positionAt(start), document.positionAt(end));
    const carrier = entry.carrier;
    if (!carrier) {
      const obj = entry.objects[0];
      const whole = range(entry.range.start, entry.range.end);
      const beginLine = document.lineAt(whole.start.line).range.intersection(whole) ?? whole;
      return new vscode.DocumentSymbol(obj ? blockSymbolName(obj) : 'PEM block', obj ? objectDetail(obj, ctx) : '', kindOf(entry.objects, entry.error), whole, beginLine);
    }
    const whole = range(Math.min(carrier.keyRange.start, entry.range.start), entry.range.end);
    const key = range(carrier.keyRange.start, carrier.keyRange.end);
    const detail = entry.error ?? (entry.objects.length === 1 ? objectDetail(entry.objects[0], ctx) : '');
    const symbol = new vscode.DocumentSymbol(carrierSymbolName(entry) || carrier.key, detail, kindOf(entry.objects, entry.error), whole, key);
    if (entry.objects.length > 1) {
      symbol.children = entry.objects.map(o => {
        // Base64 bundles have no place per object: each child spans the value.
        const own = o.range.start >= entry.range.start && o.range.end <= entry.range.end ? o.range : entry.range;
        const r = range(own.start, own.end);
        return new vscode.DocumentSymbol(blockSymbolName(o), objectDetail(o, ctx), kindOf([o]), r, r);
      });
    }
    return symbol;
  }
}

export function registerSymbols(context: vscode.ExtensionContext, services: Services): void {
  const provider = new MaterialSymbolProvider(services, materialReader(context, services));
  context.subscriptions.push(vscode.languages.registerDocumentSymbolProvider(DOCUMENTS, provider, { label: 'PKI Lens' }));
}
