import vscode = require('vscode');
import { RULES_URL } from '../../core/checks/rulesUrl';
import { TextRange } from '../../core/x509/pem';
import { Services } from '../../services';
import { Disposable } from '../../util/dispose';
import type { Finding } from '../../workspace/build';
import type { EarlyFindings, IndexSnapshot, RestoredFinding } from '../../workspace/index';
import type { Span } from '../../workspace/lastFindings';
import type { IndexedFile } from '../../workspace/model';
import { EMPTY_LINE_INDEX } from '../../workspace/lineIndex';
import { goFirst, nextTurn } from '../../workspace/turns';
import { maybePause, runInSlices, runStraight, timeSlices } from '../../core/slices';
import { PanelItem, PanelQueue } from './panelQueue';

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
 * Everything goes to the panel through one queue, a share per turn of the host (panelQueue.ts).
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
  /**
   * Per file, the findings its diagnostics were last made from, the files they were placed in (the
   * file's own and each related location's, whose texts give the lines) and the diagnostics'
   * signature. A build whose findings for a file are equal, placed in the same texts, while the panel
   * still shows that signature, makes no diagnostics for it: a relink of the bench workspace made all
   * 1,101 again (a range, a location and a related entry each, then a JSON signature per file) to send two.
   */
  private readonly placed = new Map<string, { findings: readonly Finding[]; files: readonly (IndexedFile | undefined)[]; signature: string }>();
  /** The build whose diagnostics were last queued, to tell a republished build (the same findings, see workspace/rebuilds.ts). */
  private queued: IndexSnapshot | undefined;
  private readonly queue = new PanelQueue<vscode.Uri, vscode.Diagnostic>(items => this.send(items), nextTurn);
  /** The queue's draining goes before the scan's and builds' next slices (workspace/async.ts `goFirst`). */
  private goingFirst = false;

  constructor(private readonly services: Services) {
    super();
    // Nothing sent after the collection is gone: what waits is dropped, and whatever is still being
    // made into diagnostics (a build's, restored findings) finds itself superseded at its next turn.
    this._register({ dispose: () => {
      this.published = Number.POSITIVE_INFINITY;
      this.queue.replace([]);
    } });
    this._register(services.index.onDidChange(s => this.publish(s)));
    this._register(services.index.onDidFindEarly(e => this.publishEarly(e)));
    this._register(services.index.onDidRestore(f => void this.publishRestored(f)));
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
      const items: PanelItem<vscode.Uri, vscode.Diagnostic>[] = [];
      for (const [uri, diagnostics] of runStraight(diagnosticsByUri(batch.byUri, batch.findings))) {
        if (!this.restored.has(uri)) {
          items.push(panelItem(uri, batch.byUri.get(uri)?.uri ?? vscode.Uri.parse(uri), diagnostics, 'later'));
          this.earlyShown = true;
        }
      }
      this.enqueue(items);
    } catch (e) {
      this.services.logger.error('publishing early findings failed', e);
    }
  }

  /** The last session's findings (workspace/lastFindings.ts), before anything of this start is shown. */
  private async publishRestored(findings: readonly RestoredFinding[]): Promise<void> {
    if (this.published > 0 || this.earlyShown) {
      return;
    }
    try {
      const byUri = runStraight(findingsByUri(findings));
      byUri.forEach((_, uri) => this.restored.add(uri));
      const uris = new Map<string, vscode.Uri>();
      const uriOf = (uri: string) => uris.get(uri) ?? uris.set(uri, vscode.Uri.parse(uri)).get(uri)!;
      // Made into diagnostics a slice at a time, each slice's part queued as it is made: 11,000
      // findings took 0.5 s to make, and a part of 1,000 held the host for 80 ms at 100,000 files.
      const { pause } = timeSlices(nextTurn, PLACE_SLICE_MS);
      let part: PanelItem<vscode.Uri, vscode.Diagnostic>[] = [];
      for (const [uri, list] of byUri) {
        const diagnostics = list.map(f => diagnostic(f, spanRange(f.range), f.related.map(r => new vscode.Location(uriOf(r.uri), spanRange(r.range)))));
        part.push(panelItem(uri, uriOf(uri), diagnostics, 'later'));
        const turn = pause();
        if (turn) {
          this.enqueue(part);
          part = [];
          await turn;
          if (this.published > 0) {
            return; // a build was shown meanwhile: it is complete, and newer
          }
        }
      }
      this.enqueue(part);
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
    void this.place(snapshot).catch(e => this.services.logger.error('publishing diagnostics failed', e));
  }

  /**
   * A build's findings made into diagnostics and queued for the panel, in slices (at 110,000 files,
   * placing 11,000 findings held the host for 70 ms or more); given up when a newer build arrives,
   * which then compares with the last build queued, not this one.
   */
  private async place(snapshot: IndexSnapshot): Promise<void> {
    const { pause } = timeSlices(nextTurn, PLACE_SLICE_MS);
    const superseded = () => this.published !== snapshot.generation;
    const last = this.queued;
    // A republished build (the same findings, see workspace/rebuilds.ts) on texts some files changed
    // around the same material: only a file holding a finding placed in one of those files (itself
    // or a related location) can change what the panel shows.
    const moved = last?.findings === snapshot.findings ? (uri: string) => snapshot.byUri.get(uri) !== last.byUri.get(uri) : undefined;
    const findings: Finding[] = [];
    if (moved) {
      const files = new Set<string>();
      for (const f of snapshot.findings) {
        if (moved(f.uri) || f.related.some(r => moved(r.uri))) {
          files.add(f.uri);
        }
      }
      findings.push(...snapshot.findings.filter(f => files.has(f.uri)));
    }
    const byUri = await runInSlices(findingsByUri(moved ? findings : snapshot.findings), pause);
    const changed: PanelItem<vscode.Uri, vscode.Diagnostic>[] = [];
    for (const [uri, list] of byUri) {
      const files = placedIn(snapshot.byUri, list);
      const last = this.placed.get(uri);
      if (!last || this.shown.get(uri) !== last.signature || !sameFindings(last.findings, list) || !sameItems(last.files, files)) {
        const item = panelItem(uri, snapshot.byUri.get(uri)?.uri ?? vscode.Uri.parse(uri), list.map(f => toDiagnostic(snapshot.byUri, f)));
        this.placed.set(uri, { findings: list, files, signature: item.signature! });
        if (this.shown.get(uri) !== item.signature) {
          changed.push(item);
        }
      }
      const turn = maybePause(pause);
      if (turn) {
        await turn;
      }
      if (superseded()) {
        return;
      }
    }
    if (superseded()) {
      return;
    }
    this.queued = snapshot;
    if (moved) {
      // After what still waits (the last build's other files, unchanged since): these files' newer findings.
      this.enqueue(changed);
      return;
    }
    const stale: vscode.Uri[] = [];
    this.collection.forEach(uri => {
      if (!byUri.has(uri.toString())) {
        stale.push(uri);
      }
    });
    stale.forEach(uri => {
      this.collection.delete(uri);
      this.shown.delete(uri.toString());
      this.placed.delete(uri.toString());
    });
    // Whatever earlier sends still wait for is older than this complete build: compared with what the panel holds, replaced.
    this.enqueue(changed, 'replace');
  }

  /** Into the queue (after what waits, or instead of it); what does not go out at once goes before the scan's next slices. */
  private enqueue(items: PanelItem<vscode.Uri, vscode.Diagnostic>[], how: 'add' | 'replace' = 'add'): void {
    if (how === 'replace') {
      this.queue.replace(items);
    } else {
      this.queue.add(items);
    }
    if (!this.queue.empty && !this.goingFirst) {
      this.goingFirst = true;
      goFirst((async () => {
        while (!this.queue.empty) {
          await this.queue.sent();
        }
        this.goingFirst = false;
      })());
    }
  }

  /** A share of the queue into the panel: one call, one change event (listeners recount on each). */
  private send(items: readonly PanelItem<vscode.Uri, vscode.Diagnostic>[]): void {
    try {
      this.collection.set(items.map(item => [item.uri, item.diagnostics]));
      for (const item of items) {
        this.shown.set(item.key, item.signature ?? signature(item.diagnostics));
      }
    } catch (e) {
      this.services.logger.error('publishing diagnostics failed', e);
    }
  }

}

/** `later`: the signature is made when the item is sent (nothing is compared with it before). */
function panelItem(key: string, uri: vscode.Uri, diagnostics: vscode.Diagnostic[], signed: 'now' | 'later' = 'now'): PanelItem<vscode.Uri, vscode.Diagnostic> {
  const weight = diagnostics.reduce((n, d) => n + 1 + (d.relatedInformation?.length ?? 0), 0);
  return { key, uri, diagnostics, signature: signed === 'now' ? signature(diagnostics) : undefined, weight };
}

/** The link of each rule's code to its README section, made once per code. */
const CODE_TARGETS = new Map<string, vscode.Uri>();

/** Slices in which a build's findings are placed: a turn between them for the host's other work. */
const PLACE_SLICE_MS = 8;

/** The findings by the URI they are in, in their order: a step after each (see core/slices.ts). */
function* findingsByUri<F extends { uri: string }>(findings: readonly F[]): Generator<void, Map<string, F[]>, void> {
  const byUri = new Map<string, F[]>();
  for (const finding of findings) {
    const list = byUri.get(finding.uri);
    if (list) {
      list.push(finding);
    } else {
      byUri.set(finding.uri, [finding]);
    }
    yield;
  }
  return byUri;
}

/** The files whose texts place `findings` (each finding's own, then its related locations'), in order. */
function placedIn(files: ReadonlyMap<string, IndexedFile>, findings: readonly Finding[]): (IndexedFile | undefined)[] {
  const out: (IndexedFile | undefined)[] = [];
  for (const f of findings) {
    out.push(files.get(f.uri));
    for (const r of f.related) {
      out.push(files.get(r.uri));
    }
  }
  return out;
}

/** Equal in everything a diagnostic is made of (see `toDiagnostic`): code, severity, message, range, related locations. */
function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.code !== y.code || x.severity !== y.severity || x.message !== y.message || x.uri !== y.uri || x.range.start !== y.range.start || x.range.end !== y.range.end || x.related.length !== y.related.length) {
      return false;
    }
    for (let k = 0; k < x.related.length; k++) {
      const r = x.related[k];
      const q = y.related[k];
      if (r.uri !== q.uri || r.message !== q.message || r.range.start !== q.range.start || r.range.end !== q.range.end) {
        return false;
      }
    }
  }
  return true;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The findings as diagnostics, by the URI they are in: a step after each finding (see core/slices.ts). */
function* diagnosticsByUri(files: ReadonlyMap<string, IndexedFile>, findings: readonly Finding[]): Generator<void, Map<string, vscode.Diagnostic[]>, void> {
  const byUri = new Map<string, vscode.Diagnostic[]>();
  for (const finding of findings) {
    const list = byUri.get(finding.uri) ?? [];
    list.push(toDiagnostic(files, finding));
    byUri.set(finding.uri, list);
    yield;
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
  const target = CODE_TARGETS.get(finding.code) ?? CODE_TARGETS.set(finding.code, vscode.Uri.parse(`${RULES_URL}${finding.code}`)).get(finding.code)!;
  result.code = { value: finding.code, target };
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
