import * as vscode from 'vscode';
import { DocumentAnalysis, analyzeBinary } from '../core/analyze';
import { Logger } from '../util/logger';
import { Disposable } from '../util/dispose';
import { AnalysisCache, mayHoldMaterial } from '../core/pipeline/analysisCache';
import { forEachConcurrent } from './async';
import { BuildOptions, BuildResult, buildWorkspace } from './build';
import { FolderScope, folderScope, listCandidates, relativeTo, scopeFor } from './discovery';
import { currentIdentity, readCandidate } from './files';
import { decodeFileText } from '../core/analyze';
import { EMPTY_ANALYSIS, FileOrigin, IndexedFile } from './model';
import { PkiLensConfiguration } from '../settings';
import { DocumentOverlays } from './overlays';
import { WorkspaceWatcher } from './watcher';

export { IndexedFile } from './model';

/** One consistent view of the workspace's PKI: the files, the linked inventory and the findings. */
export interface IndexSnapshot extends BuildResult {
  /** Increases with every rebuild; consumers drop anything older than what they have shown. */
  readonly generation: number;
  /** Files with material, one per real file (a symlink and its target count once). */
  readonly files: readonly IndexedFile[];
  /** `files` by URI string (the `uri` of inventory inputs and findings). */
  readonly byUri: ReadonlyMap<string, IndexedFile>;
  readonly now: Date;
  /** The expiry thresholds of the folder a file (URI string) is in: what its findings were judged by. */
  readonly thresholdsFor: BuildOptions['thresholdsFor'];
}

/** Reads in flight during a scan: file reads overlap, parsing stays on one thread. */
const READ_CONCURRENCY = 16;
/** Coalesces bursts of changes (a `git checkout`, a renewal writing four files) into one rebuild. */
const REBUILD_DELAY_MS = 60;

/**
 * The bridge from VS Code to core: discovers candidate files in every workspace folder, reads
 * them (cached by content through `AnalysisCache`), takes an open editor's text over the disk,
 * and rebuilds inventory and findings after every change. Never throws into the host.
 */
export class WorkspaceIndex extends Disposable {
  private readonly records = new Map<string, IndexedFile>();
  /** Latest load per URI: a slow read that finishes after a newer one must not win. */
  private readonly loadSeq = new Map<string, number>();
  private seq = 0;
  private scopes: FolderScope[] = [];
  private scanCts: vscode.CancellationTokenSource | undefined;
  private rebuildTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  /** Records changed since the last rebuild started. */
  private dirty = false;
  private current: IndexSnapshot | undefined;
  private firstScan: Promise<void> | undefined;
  private readonly onDidChangeEmitter = this._register(new vscode.EventEmitter<IndexSnapshot>());
  /** Fires after each (re)build that was not superseded by a newer one. */
  readonly onDidChange = this.onDidChangeEmitter.event;

  constructor(private readonly cache: AnalysisCache, private readonly logger: Logger, private readonly settings: PkiLensConfiguration) {
    super();
    this._register({ dispose: () => { this.scanCts?.cancel(); clearTimeout(this.rebuildTimer); } });
  }

  /** The latest snapshot, or undefined before the first build finished. */
  get snapshot(): IndexSnapshot | undefined {
    return this.current;
  }

  /** Resolves with a snapshot once the first full scan has been built (for tests, the report, the tree). */
  async ready(): Promise<IndexSnapshot> {
    await (this.firstScan ??= this.rescan());
    return this.current ?? this.waitForChange();
  }

  /** Resolves with the next snapshot that is built. */
  waitForChange(): Promise<IndexSnapshot> {
    return new Promise(resolve => {
      const sub = this.onDidChange(s => {
        sub.dispose();
        resolve(s);
      });
    });
  }

  /** What the index holds for a URI now (newer than the snapshot while a rebuild is pending). */
  file(uri: vscode.Uri): IndexedFile | undefined {
    return this.records.get(uri.toString());
  }

  /** Would a scan read this URI? (in a workspace folder, passes include/exclude) */
  inScope(uri: vscode.Uri): boolean {
    return scopeFor(this.scopes, uri) !== undefined;
  }

  /** Start (or restart) a full scan. `force` re-reads files whose size and mtime did not change. */
  rescan(force = false): Promise<void> {
    const scan = this.scan(force).catch(e => this.logger.error('workspace scan failed', e));
    this.firstScan ??= scan;
    return scan;
  }

  private async scan(force: boolean): Promise<void> {
    this.scanCts?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.scanCts = cts;
    this.scopes = (vscode.workspace.workspaceFolders ?? []).map(folder => folderScope(folder, this.settings.get(folder.uri).scan));
    const started = Date.now();
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PKI Lens', cancellable: true }, async (progress, token) => {
      const sub = token.onCancellationRequested(() => cts.cancel());
      try {
        progress.report({ message: 'finding certificates…' });
        const work: { uri: vscode.Uri; scope: FolderScope }[] = [];
        for (const scope of this.scopes) {
          for (const uri of await listCandidates(scope, cts.token)) {
            work.push({ uri, scope });
          }
        }
        const listed = Date.now();
        const seen = new Set(work.map(w => w.uri.toString()));
        let done = 0;
        await forEachConcurrent(work, READ_CONCURRENCY, () => cts.token.isCancellationRequested, async ({ uri, scope }) => {
          await this.loadFromDisk(uri, scope.maxBytes, force);
          if (++done % 50 === 0) {
            progress.report({ message: `reading ${done}/${work.length}` });
          }
        });
        if (!cts.token.isCancellationRequested) {
          // Whatever the scan no longer finds is gone (deleted, now excluded, folder removed); open editors leave through editorClosed.
          for (const [key, file] of this.records) {
            if (!seen.has(key) && file.origin !== 'editor') {
              this.deleteRecord(key);
            }
          }
        }
        this.logger.info(`scan: ${work.length} candidate files (listed in ${listed - started} ms), ${this.materialFiles().length} with material, read in ${Date.now() - listed} ms${cts.token.isCancellationRequested ? ' (cancelled)' : ''}`);
      } finally {
        sub.dispose();
      }
    });
    if (this.scanCts === cts) {
      this.scanCts = undefined;
    }
    cts.dispose();
    // Even a cancelled scan publishes what it read. A rescan that changed nothing keeps the current
    // snapshot (the hourly clock re-judges validity); a forced refresh always rebuilds.
    if (force || this.dirty || !this.current) {
      await this.rebuildNow();
    }
  }

  /** A file was created or changed on disk (watcher). Files seen through the same real file are reloaded too. */
  async diskChanged(uri: vscode.Uri): Promise<void> {
    try {
      const scope = scopeFor(this.scopes, uri);
      if (!scope) {
        return;
      }
      await this.loadFromDisk(uri, scope.maxBytes, true);
      const identity = this.records.get(uri.toString())?.identity;
      for (const other of [...this.records.values()]) {
        if (identity !== undefined && other.identity === identity && other.uri.toString() !== uri.toString()) {
          await this.loadFromDisk(other.uri, scope.maxBytes, true);
        }
      }
      this.scheduleRebuild();
    } catch (e) {
      this.logger.error('reading a changed file failed', e);
    }
  }

  /** A file or folder was deleted (watcher): drop it and everything below it; a symlink to it is read again (and dangles). */
  async diskDeleted(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const prefix = key.endsWith('/') ? key : `${key}/`;
    // A read still in flight (the file was created a moment ago) must not bring the record back.
    for (const k of [...this.loadSeq.keys()]) {
      if ((k === key || k.startsWith(prefix)) && this.records.get(k)?.origin !== 'editor') {
        this.nextSeq(k);
      }
    }
    const gone = new Set<string>();
    for (const [k, file] of this.records) {
      if ((k === key || k.startsWith(prefix)) && file.origin !== 'editor') {
        this.deleteRecord(k);
        gone.add(file.identity);
      }
    }
    if (!gone.size) {
      return;
    }
    for (const other of [...this.records.values()]) {
      const scope = gone.has(other.identity) ? scopeFor(this.scopes, other.uri) : undefined;
      if (scope) {
        await this.loadFromDisk(other.uri, scope.maxBytes, true);
      }
    }
    this.scheduleRebuild();
  }

  /** A folder appeared (moved or copied in): its files come without events of their own. */
  async folderCreated(uri: vscode.Uri): Promise<void> {
    const scope = this.scopes.find(s => relativeTo(s.folder, uri) !== undefined);
    if (!scope) {
      return;
    }
    const sub: FolderScope = { ...scope, folder: { ...scope.folder, uri } };
    const cts = new vscode.CancellationTokenSource();
    try {
      for (const file of await listCandidates(sub, cts.token)) {
        if (this.inScope(file)) {
          await this.loadFromDisk(file, scope.maxBytes, true);
        }
      }
      this.scheduleRebuild();
    } finally {
      cts.dispose();
    }
  }

  /** An editor's text for a file in scope (open, or changed and debounced): it wins over the disk. */
  async editorText(uri: vscode.Uri, text: string): Promise<void> {
    try {
      const key = uri.toString();
      const previous = this.records.get(key);
      if (previous?.origin === 'editor' && previous.text === text) {
        return;
      }
      const seq = this.nextSeq(key);
      const analysis = mayHoldMaterial(text) ? await this.cache.analyze(text, uri.path) : EMPTY_ANALYSIS;
      const identity = currentIdentity(uri) ?? previous?.identity ?? key;
      if (this.loadSeq.get(key) !== seq) {
        return;
      }
      const file = this.makeRecord(uri, identity, previous?.symlink ?? false, previous?.mtime ?? 0, text.length, 'editor', text, analysis);
      this.setRecord(key, file);
      if (this.affectsResults(previous, file)) {
        this.scheduleRebuild(0); // typing was already debounced by the overlay
      }
    } catch (e) {
      this.logger.error('analysing an open document failed', e);
    }
  }

  /** The editor closed: the disk is the truth again (for files in scope), or the file leaves the index. */
  async editorClosed(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const previous = this.records.get(key);
    if (previous?.origin !== 'editor') {
      return;
    }
    const scope = scopeFor(this.scopes, uri);
    this.deleteRecord(key);
    if (scope) {
      await this.loadFromDisk(uri, scope.maxBytes, true);
    } else {
      this.nextSeq(key);
    }
    this.scheduleRebuild();
  }

  /** Rebuild inventory and findings now (settings changed, or a test wants a fresh snapshot). */
  async rebuildNow(): Promise<IndexSnapshot | undefined> {
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = undefined;
    const generation = ++this.generation;
    this.dirty = false;
    const files = this.reportedFiles();
    const reported = new Map(files.map(f => [f.identity, f] as const));
    // Any spelling of a file (a symlink's target, say) leads to the one reported for its real file.
    const resolve = (uri: string) => {
      const record = this.records.get(uri);
      return record && reported.get(record.identity);
    };
    const now = new Date();
    const thresholdsFor = (uri: string) => this.settings.expiry(uri); // each file by its own folder's settings
    try {
      const result = await buildWorkspace(files, { resolve, now, thresholdsFor, logger: this.logger });
      if (generation !== this.generation) {
        return undefined; // a newer rebuild started meanwhile; its result is the one to show
      }
      this.current = { ...result, generation, files, byUri: new Map(files.map(f => [f.uri.toString(), f] as const)), now, thresholdsFor };
      this.logger.info(`build ${generation}: ${files.length} files, ${result.inventory.records.size} certificates, ${result.findings.length} findings in ${Date.now() - now.getTime()} ms`);
      this.onDidChangeEmitter.fire(this.current);
      return this.current;
    } catch (e) {
      this.logger.error('building the inventory failed', e);
      return undefined;
    }
  }

  /** Every change to the records goes through here, so a rescan that found nothing new can skip the rebuild. */
  private setRecord(key: string, file: IndexedFile): void {
    this.records.set(key, file);
    this.dirty = true;
  }

  private deleteRecord(key: string): void {
    this.dirty ||= this.records.delete(key);
  }

  private scheduleRebuild(delay = REBUILD_DELAY_MS): void {
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = setTimeout(() => void this.rebuildNow(), delay);
  }

  private nextSeq(key: string): number {
    const seq = ++this.seq;
    this.loadSeq.set(key, seq);
    return seq;
  }

  private async loadFromDisk(uri: vscode.Uri, maxBytes: number, force: boolean): Promise<void> {
    const key = uri.toString();
    const previous = this.records.get(key);
    if (previous?.origin === 'editor') {
      return; // the open editor's text wins; the disk is read again when it closes
    }
    const seq = this.nextSeq(key);
    const read = await readCandidate(uri, maxBytes, force ? undefined : previous);
    if (read === 'unchanged' || this.loadSeq.get(key) !== seq) {
      return;
    }
    if (!read) {
      this.deleteRecord(key);
      return;
    }
    let text: string | undefined;
    let analysis: DocumentAnalysis = EMPTY_ANALYSIS;
    if (read.bytes) {
      text = decodeFileText(read.bytes);
      if (text === undefined) {
        analysis = await analyzeBinary(read.bytes);
      } else if (mayHoldMaterial(text)) {
        analysis = await this.cache.analyze(text, uri.path);
      }
    }
    const hasMaterial = analysis.entries.length > 0 || analysis.kubeconfigs.length > 0;
    if (this.loadSeq.get(key) !== seq || this.records.get(key)?.origin === 'editor') {
      return;
    }
    this.setRecord(key, this.makeRecord(uri, read.identity, read.symlink, read.mtime, read.size, 'disk', hasMaterial ? text : undefined, analysis));
  }

  private makeRecord(uri: vscode.Uri, identity: string, symlink: boolean, mtime: number, size: number, origin: FileOrigin, text: string | undefined, analysis: DocumentAnalysis): IndexedFile {
    return new IndexedFile(uri, identity, symlink, mtime, size, origin, text, analysis);
  }

  /** Only material matters: a changed README or values file without certificates needs no rebuild. */
  private affectsResults(previous: IndexedFile | undefined, next: IndexedFile): boolean {
    if (!previous) {
      return next.hasMaterial;
    }
    return previous.hasMaterial || next.hasMaterial ? previous.text !== next.text || previous.analysis !== next.analysis : false;
  }

  private materialFiles(): IndexedFile[] {
    return [...this.records.values()].filter(f => f.hasMaterial);
  }

  /**
   * One file per real file. A symlink (kubelet-client-current.pem) is reported rather than its
   * timestamped target: that is the name the kubelet's config and operators use, and the one that
   * stays the same across rotations; an editor's unsaved text beats both, since it is the newest.
   */
  private reportedFiles(): IndexedFile[] {
    const byIdentity = new Map<string, IndexedFile>();
    for (const file of this.materialFiles()) {
      const held = byIdentity.get(file.identity);
      if (!held || preferred(file, held)) {
        byIdentity.set(file.identity, file);
      }
    }
    return [...byIdentity.values()].sort((a, b) => compareUris(a.uri, b.uri));
  }
}

function preferred(a: IndexedFile, b: IndexedFile): boolean {
  if (a.origin !== b.origin) {
    return a.origin === 'editor';
  }
  if (a.symlink !== b.symlink) {
    return a.symlink;
  }
  return compareUris(a.uri, b.uri) < 0;
}

function compareUris(a: vscode.Uri, b: vscode.Uri): number {
  const x = a.toString();
  const y = b.toString();
  return x < y ? -1 : x > y ? 1 : 0;
}


/**
 * Start the index: watch the disk and the editors, follow settings and folder changes, and scan
 * in the background. Activation returns at once; the first results arrive through onDidChange.
 */
export function registerWorkspaceIndex(context: vscode.ExtensionContext, index: WorkspaceIndex, logger: Logger, settings: PkiLensConfiguration): void {
  const overlays = new DocumentOverlays(index, settings);
  context.subscriptions.push(
    index,
    new WorkspaceWatcher(index, logger),
    overlays,
    vscode.workspace.onDidChangeWorkspaceFolders(() => void index.rescan()),
    settings.onDidChange(e => {
      if (e.affects('scan')) {
        void index.rescan();
      } else if (e.affects('expiry')) {
        void index.rebuildNow();
      }
    }),
  );
  // Validity moves with the clock even when no file changes: re-judge every hour.
  const clock = setInterval(() => void index.rebuildNow(), 60 * 60 * 1000);
  context.subscriptions.push({ dispose: () => clearInterval(clock) });
  void index.rescan().then(() => overlays.pushOpenDocuments());
}
