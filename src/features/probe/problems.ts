import vscode = require('vscode');
import { RULES_URL } from '../../core/checks/rulesUrl';
import { EndpointReport, ProbeFinding } from '../../core/probe/types';
import { Disposable } from '../../util/dispose';
import { LineIndex } from '../../workspace/lineIndex';
import { ProbeResults } from './results';

const SEVERITY: Record<ProbeFinding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export const PROBE_SOURCE = 'PKI Lens probe';

/**
 * The probe's findings in the Problems panel, in a collection of their own (see ProbeResults for
 * why): replaced by the next probe, cleared with the results when a file they are about changes.
 */
export class ProbeProblems extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('pki-lens-probe'));

  constructor(results: ProbeResults) {
    super();
    this._register(results.onDidChange(() => {
      if (!results.reports.length) {
        this.collection.clear();
      }
    }));
  }

  /** Replaces what the previous probe showed. `texts`: each file's text by URI string, to place offsets. */
  publish(reports: readonly EndpointReport[], texts: ReadonlyMap<string, string | undefined>): number {
    this.collection.clear();
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
      }
    }
    for (const [uri, diagnostics] of byUri) {
      this.collection.set(vscode.Uri.parse(uri), diagnostics);
    }
    return [...byUri.values()].reduce((n, d) => n + d.length, 0);
  }
}
