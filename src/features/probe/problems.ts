import * as vscode from 'vscode';
import { RULES_URL } from '../../core/checks';
import { EndpointReport, ProbeFinding } from '../../core/probe/types';
import { Disposable } from '../../util/dispose';
import { LineIndex } from '../../workspace/lineIndex';

const SEVERITY: Record<ProbeFinding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export const PROBE_SOURCE = 'PKI Lens probe';

/**
 * The probe's findings in the Problems panel, in a collection of their own: they say what servers
 * served at one moment, not what the files say, so the index's rebuilds leave them alone. They are
 * replaced by the next probe and cleared as soon as any file they are about (the `server:` value's
 * kubeconfig, the manifest, the certificate that should be served) changes on disk or in an editor.
 */
export class ProbeProblems extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('pki-lens-probe'));
  private involved = new Set<string>();

  constructor() {
    super();
    this._register(vscode.workspace.onDidChangeTextDocument(e => {
      if (e.contentChanges.length) {
        this.fileChanged(e.document.uri);
      }
    }));
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/*', true, false, false));
    this._register(watcher.onDidChange(uri => this.fileChanged(uri)));
    this._register(watcher.onDidDelete(uri => this.fileChanged(uri)));
  }

  /** Replaces what the previous probe showed. `texts`: each file's text by URI string, to place offsets. */
  publish(reports: readonly EndpointReport[], texts: ReadonlyMap<string, string | undefined>): number {
    this.clear();
    const lines = new Map<string, LineIndex>();
    const range = (uri: string, r: { start: number; end: number }) => {
      let index = lines.get(uri);
      if (!index) {
        index = LineIndex.of(texts.get(uri) ?? '');
        lines.set(uri, index);
      }
      return index.range(r);
    };
    const byUri = new Map<string, vscode.Diagnostic[]>();
    for (const report of reports) {
      for (const f of report.findings) {
        const d = new vscode.Diagnostic(range(f.uri, f.range), f.message, SEVERITY[f.severity]);
        d.source = PROBE_SOURCE;
        d.code = { value: f.code, target: vscode.Uri.parse(`${RULES_URL}${f.code}`) };
        d.relatedInformation = f.related.map(r => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.parse(r.uri), range(r.uri, r.range)), r.message));
        byUri.set(f.uri, [...(byUri.get(f.uri) ?? []), d]);
        f.related.forEach(r => this.involved.add(r.uri));
      }
      report.endpoint.locations.forEach(l => this.involved.add(l.uri));
      if (report.endpoint.expected) {
        this.involved.add(report.endpoint.expected.uri);
      }
    }
    for (const [uri, diagnostics] of byUri) {
      this.collection.set(vscode.Uri.parse(uri), diagnostics);
    }
    return [...byUri.values()].reduce((n, d) => n + d.length, 0);
  }

  clear(): void {
    this.collection.clear();
    this.involved = new Set();
  }

  private fileChanged(uri: vscode.Uri): void {
    if (this.involved.has(uri.toString())) {
      this.clear();
    }
  }
}
