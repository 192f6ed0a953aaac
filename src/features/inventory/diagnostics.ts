import * as vscode from 'vscode';
import { RULES_URL } from '../../core/checks';
import { TextRange } from '../../core/x509/pem';
import { Services } from '../../services';
import { Disposable } from '../../util/dispose';
import type { Finding } from '../../workspace/build';
import type { EarlyFindings, IndexSnapshot, RestoredFinding } from '../../workspace/index';
import type { Span } from '../../workspace/lastFindings';
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
  /** Files whose last-session findings are shown (until the first build): early findings, a subset, leave them be. */
  private readonly restored = new Set<string>();
  private earlyShown = false;
  /**
   * What the Problems panel holds per file, as a signature (see `signature`): a build sends only the
   * files whose findings changed. Sending all 1,101 findings of the bench workspace again after a
   * one-file change held the host for 40–80 ms (each is serialised for the renderer) and had the
   * panel redraw everything; after a reload, the build that confirms the restored findings sends nothing.
   */
  private readonly shown = new Map<string, string>();
  /** The snapshot last published, to tell a republished build (the same findings, see workspace/rebuilds.ts). */
  private last: IndexSnapshot | undefined;

  constructor(private readonly services: Services) {
    super();
    this._register(services.index.onDidChange(s => this.publish(s)));
    this._register(services.index.onDidFindEarly(e => this.publishEarly(e)));
    this._register(services.index.onDidRestore(f => this.publishRestored(f)));
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
        if (!this.restored.has(uri)) {
          this.collection.set(batch.byUri.get(uri)?.uri ?? vscode.Uri.parse(uri), diagnostics);
          this.shown.set(uri, signature(diagnostics));
          this.earlyShown = true;
        }
      }
    } catch (e) {
      this.services.logger.error('publishing early findings failed', e);
    }
  }

  /** The last session's findings (workspace/lastFindings.ts), before anything of this start is shown. */
  private publishRestored(findings: readonly RestoredFinding[]): void {
    if (this.published > 0 || this.earlyShown) {
      return;
    }
    try {
      const byUri = new Map<string, vscode.Diagnostic[]>();
      for (const finding of findings) {
        const list = byUri.get(finding.uri) ?? [];
        list.push(diagnostic(finding, spanRange(finding.range), finding.related.map(r => new vscode.Location(vscode.Uri.parse(r.uri), spanRange(r.range)))));
        byUri.set(finding.uri, list);
      }
      // One call for every file: one change event, not one per file (listeners recount on each).
      this.collection.set([...byUri].map(([uri, diagnostics]) => [vscode.Uri.parse(uri), diagnostics]));
      byUri.forEach((diagnostics, uri) => {
        this.restored.add(uri);
        this.shown.set(uri, signature(diagnostics));
      });
    } catch (e) {
      this.services.logger.error('publishing the last findings failed', e);
    }
  }

  private publish(snapshot: IndexSnapshot): void {
    if (snapshot.generation <= this.published) {
      return;
    }
    this.published = snapshot.generation;
    this.restored.clear();
    const last = this.last;
    this.last = snapshot;
    try {
      if (last?.findings === snapshot.findings) {
        this.publishMoved(last, snapshot);
        return;
      }
      const byUri = diagnosticsByUri(snapshot.byUri, snapshot.findings);
      const stale: vscode.Uri[] = [];
      this.collection.forEach(uri => {
        if (!byUri.has(uri.toString())) {
          stale.push(uri);
        }
      });
      stale.forEach(uri => {
        this.collection.delete(uri);
        this.shown.delete(uri.toString());
      });
      const changed: [vscode.Uri, vscode.Diagnostic[]][] = [];
      for (const [uri, diagnostics] of byUri) {
        const now = signature(diagnostics);
        if (this.shown.get(uri) !== now) {
          this.shown.set(uri, now);
          changed.push([snapshot.byUri.get(uri)?.uri ?? vscode.Uri.parse(uri), diagnostics]);
        }
      }
      // One call for every changed file: one change event, not one per file (listeners recount on each).
      if (changed.length) {
        this.collection.set(changed);
      }
    } catch (e) {
      this.services.logger.error('publishing diagnostics failed', e);
    }
  }

  /**
   * The last build's findings again, on texts some files changed around the same material: only a
   * file holding a finding placed in one of those files (itself or a related location) can change
   * what the panel shows. At 110,000 files, placing all 11,000 findings again was most of the wait.
   */
  private publishMoved(last: IndexSnapshot, snapshot: IndexSnapshot): void {
    const moved = (uri: string) => snapshot.byUri.get(uri) !== last.byUri.get(uri);
    const files = new Set(snapshot.findings.filter(f => moved(f.uri) || f.related.some(r => moved(r.uri))).map(f => f.uri));
    const changed: [vscode.Uri, vscode.Diagnostic[]][] = [];
    for (const [uri, diagnostics] of diagnosticsByUri(snapshot.byUri, snapshot.findings.filter(f => files.has(f.uri)))) {
      const now = signature(diagnostics);
      if (this.shown.get(uri) !== now) {
        this.shown.set(uri, now);
        changed.push([snapshot.byUri.get(uri)?.uri ?? vscode.Uri.parse(uri), diagnostics]);
      }
    }
    if (changed.length) {
      this.collection.set(changed);
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
  return diagnostic(finding, rangeOf(files, finding.uri, finding.range),
    finding.related.map(r => new vscode.Location(files.get(r.uri)?.uri ?? vscode.Uri.parse(r.uri), rangeOf(files, r.uri, r.range))));
}

/** A finding as the Problems panel shows it, placed (`related` in the order of `finding.related`). */
function diagnostic(finding: Pick<Finding, 'code' | 'severity' | 'message'> & { related: { message: string }[] }, range: vscode.Range, related: vscode.Location[]): vscode.Diagnostic {
  const result = new vscode.Diagnostic(range, finding.message, SEVERITY[finding.severity]);
  result.source = 'PKI Lens';
  result.code = { value: finding.code, target: vscode.Uri.parse(`${RULES_URL}${finding.code}`) };
  result.relatedInformation = finding.related.map((r, i) => new vscode.DiagnosticRelatedInformation(related[i], r.message));
  return result;
}

/**
 * Everything of a file's diagnostics the Problems panel shows (severity, code, message, range,
 * related locations and their messages), in order: equal signatures, nothing to send.
 */
function signature(diagnostics: readonly vscode.Diagnostic[]): string {
  const place = (r: vscode.Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
  return JSON.stringify(diagnostics.map(d => [d.severity, typeof d.code === 'object' ? d.code.value : d.code, d.message, place(d.range),
    (d.relatedInformation ?? []).map(r => [r.location.uri.toString(), place(r.location.range), r.message])]));
}

function spanRange([startLine, startCharacter, endLine, endCharacter]: Span): vscode.Range {
  return new vscode.Range(startLine, startCharacter, endLine, endCharacter);
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
