import * as vscode from 'vscode';
import { RULES_URL } from '../../core/checks';
import { TextRange } from '../../core/x509/pem';
import { Services } from '../../services';
import { Disposable } from '../../util/dispose';
import type { Finding } from '../../workspace/build';
import type { EarlyFindings, IndexSnapshot } from '../../workspace/index';
import type { IndexedFile } from '../../workspace/model';
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
 * arrives late from overwriting a newer one. Before the first build, the findings a start can give
 * early (workspace/earlyFindings.ts) are shown file by file; the first build replaces them all.
 */
export class DiagnosticsPublisher extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('pki-lens'));
  private published = 0;

  constructor(private readonly services: Services) {
    super();
    this._register(services.index.onDidChange(s => this.publish(s)));
    this._register(services.index.onDidFindEarly(e => this.publishEarly(e)));
    const current = services.index.snapshot;
    if (current) {
      this.publish(current);
    }
  }

  /** A batch's files get their findings (each file is in one batch of a scan: set, never appended). */
  private publishEarly(batch: EarlyFindings): void {
    if (this.published > 0) {
      return; // a build was shown: it is complete, and newer
    }
    try {
      for (const [uri, diagnostics] of diagnosticsByUri(batch.byUri, batch.findings)) {
        this.collection.set(batch.byUri.get(uri)?.uri ?? vscode.Uri.parse(uri), diagnostics);
      }
    } catch (e) {
      this.services.logger.error('publishing early findings failed', e);
    }
  }

  private publish(snapshot: IndexSnapshot): void {
    if (snapshot.generation <= this.published) {
      return;
    }
    this.published = snapshot.generation;
    try {
      const byUri = diagnosticsByUri(snapshot.byUri, snapshot.findings);
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

function diagnosticsByUri(files: ReadonlyMap<string, IndexedFile>, findings: readonly Finding[]): Map<string, vscode.Diagnostic[]> {
  const byUri = new Map<string, vscode.Diagnostic[]>();
  for (const finding of findings) {
    const list = byUri.get(finding.uri) ?? [];
    list.push(toDiagnostic(files, finding));
    byUri.set(finding.uri, list);
  }
  return byUri;
}

function toDiagnostic(files: ReadonlyMap<string, IndexedFile>, finding: Finding): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(rangeOf(files, finding.uri, finding.range), finding.message, SEVERITY[finding.severity]);
  diagnostic.source = 'PKI Lens';
  diagnostic.code = { value: finding.code, target: vscode.Uri.parse(`${RULES_URL}${finding.code}`) };
  diagnostic.relatedInformation = finding.related.map(r => new vscode.DiagnosticRelatedInformation(
    new vscode.Location(files.get(r.uri)?.uri ?? vscode.Uri.parse(r.uri), rangeOf(files, r.uri, r.range)), r.message));
  return diagnostic;
}

/**
 * Offsets are placed with the text of the snapshot they were computed from (a newer edit must not
 * shift them); an unknown file falls back to its start.
 */
export function rangeIn(snapshot: IndexSnapshot, uri: string, range: TextRange): vscode.Range {
  return rangeOf(snapshot.byUri, uri, range);
}

function rangeOf(files: ReadonlyMap<string, IndexedFile>, uri: string, range: TextRange): vscode.Range {
  return (files.get(uri)?.lines ?? EMPTY_LINE_INDEX).range(range);
}

export function registerDiagnostics(context: vscode.ExtensionContext, services: Services): void {
  context.subscriptions.push(new DiagnosticsPublisher(services));
}
