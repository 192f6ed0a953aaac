import * as vscode from 'vscode';
import { RULES_URL } from '../../core/checks';
import { TextRange } from '../../core/x509/pem';
import { Services } from '../../services';
import { Disposable } from '../../util/dispose';
import type { Finding } from '../../workspace/build';
import type { IndexSnapshot } from '../../workspace/index';
import { EMPTY_LINE_INDEX } from '../../workspace/lineIndex';

/** Where each rule is explained: the README's section named after the code. */

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

/**
 * Publishes the index's findings to the Problems panel, for every file (open or not). The checks
 * decide (`core/checks`); this only places them: offsets become ranges through the text the
 * index read, never by opening documents. A generation counter keeps an older snapshot that
 * arrives late from overwriting a newer one.
 */
export class DiagnosticsPublisher extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('pki-lens'));
  private published = 0;

  constructor(private readonly services: Services) {
    super();
    this._register(services.index.onDidChange(s => this.publish(s)));
    const current = services.index.snapshot;
    if (current) {
      this.publish(current);
    }
  }

  private publish(snapshot: IndexSnapshot): void {
    if (snapshot.generation <= this.published) {
      return;
    }
    this.published = snapshot.generation;
    try {
      const byUri = new Map<string, vscode.Diagnostic[]>();
      for (const finding of snapshot.findings) {
        const list = byUri.get(finding.uri) ?? [];
        list.push(toDiagnostic(snapshot, finding));
        byUri.set(finding.uri, list);
      }
      const stale: vscode.Uri[] = [];
      this.collection.forEach(uri => {
        if (!byUri.has(uri.toString())) {
          stale.push(uri);
        }
      });
      stale.forEach(uri => this.collection.delete(uri));
      for (const [uri, diagnostics] of byUri) {
        this.collection.set(snapshot.byUri.get(uri)?.uri ?? vscode.Uri.parse(uri), diagnostics);
      }
    } catch (e) {
      this.services.logger.error('publishing diagnostics failed', e);
    }
  }

}

function toDiagnostic(snapshot: IndexSnapshot, finding: Finding): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(rangeIn(snapshot, finding.uri, finding.range), finding.message, SEVERITY[finding.severity]);
  diagnostic.source = 'PKI Lens';
  diagnostic.code = { value: finding.code, target: vscode.Uri.parse(`${RULES_URL}${finding.code}`) };
  diagnostic.relatedInformation = finding.related.map(r => new vscode.DiagnosticRelatedInformation(
    new vscode.Location(snapshot.byUri.get(r.uri)?.uri ?? vscode.Uri.parse(r.uri), rangeIn(snapshot, r.uri, r.range)), r.message));
  return diagnostic;
}

/**
 * Offsets are placed with the text of the snapshot they were computed from (a newer edit must not
 * shift them); an unknown file falls back to its start.
 */
export function rangeIn(snapshot: IndexSnapshot, uri: string, range: TextRange): vscode.Range {
  return (snapshot.byUri.get(uri)?.lines ?? EMPTY_LINE_INDEX).range(range);
}

export function registerDiagnostics(context: vscode.ExtensionContext, services: Services): void {
  context.subscriptions.push(new DiagnosticsPublisher(services));
}
