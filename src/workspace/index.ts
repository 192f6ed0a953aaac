import vscode = require('vscode');
import { Logger } from '../util/logger';
import { Disposable } from '../util/dispose';
import { AnalysisCache, mayHoldMaterial } from '../core/pipeline/analysisCache';
import { forEachConcurrent, withScanProgress } from './async';
import { afterFirst, goFirst, nextTurn, yieldToEventLoop } from './turns';
import { timeSlices } from '../core/slices';
import { BuildOptions, Finding, SLICE_MS, buildLocalFindings } from './build';
import { EarlyFindings, EarlyFindingsStream } from './earlyFindings';
import { FolderScope, ListedFile, STARTING_SLICE_MS, folderScope, listCandidates, listEveryFolder, relativeTo, scopeFor } from './discovery';
import { HeadStart } from './headStart';
import { ExtraFiles } from './extraFiles';
import { currentIdentity } from './files';
import { warmCore } from './coreWarmUp';
import { FreshEntries } from './fresh';
import { EMPTY_ANALYSIS, IndexedFile } from './model';
import { PkiLensConfiguration } from '../settings';
import type { DiskEventSink, EditorTextSink, IndexSnapshot, Reconcilable } from './ports';
import { Rebuilds } from './rebuilds';
import { threadCpu, threadCpuMsSince } from '../util/threadCpu';
import { FirstScanGate } from './scanGate';
import { RecordStore } from './records';
import type { KnownEmptyFiles } from './knownFiles';
import type { RestoredFinding } from './lastFindings';

export { IndexedFile } from './model';
export type { EarlyFindings } from './earlyFindings';
export type { RestoredFinding } from './lastFindings';
export type { IndexSnapshot } from './ports';

/** Reads in flight during a scan: file reads overlap, parsing stays on one thread. */
const READ_CONCURRENCY = 16;
/**
 * The bridge from VS Code to core: discovers candidate files in every workspace folder, reads
 * them (cached by content through `AnalysisCache`), takes an open editor's text over the disk,
 * and rebuilds inventory and findings after every change. Never throws into the host.
 */
export class WorkspaceIndex extends Disposable implements DiskEventSink, EditorTextSink, Reconcilable {
  private readonly records: RecordStore;
  /** Created during the session: where watchers lose events most, so looked at again (revisitFresh). */
  private readonly fresh = new FreshEntries();
  private scopes: FolderScope[] = [];
  /** `pkiLens.scan.extraKubeconfigs` outside every workspace folder. */
  private readonly extras: ExtraFiles;
  private scanCts: vscode.CancellationTokenSource | undefined;
  private readonly rebuilds: Rebuilds;
  private firstScan: Promise<void> | undefined;
  /** What the first scan waits for: a reload's restore, which the desktop's last findings hand it (scanGate.ts). */
  readonly firstScanGate = new FirstScanGate();
  /** Fires after each (re)build that was not superseded by a newer one. */
  readonly onDidChange: vscode.Event<IndexSnapshot>;
  private readonly onDidFindEarlyEmitter = this._register(new vscode.EventEmitter<EarlyFindings>());
  /** Before the first build: findings of files read so far, by the rules that judge a file alone (earlyFindings.ts). */
  readonly onDidFindEarly = this.onDidFindEarlyEmitter.event;
  /** What the first scan showed early, and when (Date.now()): for the tests and the bench. */
  readonly earlyFindings: { at: number; findings: readonly Finding[] }[] = [];
  private readonly onDidRestoreEmitter = this._register(new vscode.EventEmitter<readonly RestoredFinding[]>());
  /** Before the first build: the last session's findings, where they still hold (lastFindings.ts). */
  readonly onDidRestore = this.onDidRestoreEmitter.event;
  /** What this start restored, and when (Date.now()): for the tests and the bench. */
  restored: { at: number; findings: readonly RestoredFinding[] } | undefined;
  /** How many files the first scan took to read while it listed (headStart.ts), once it listed: for the tests. */
  headStartFiles: number | undefined;

  /**
   * `known`: files an earlier session found empty, so a reload need not read them (desktop only).
   * `home`: the home folder, for `pkiLens.scan.extraKubeconfigs`; the browser has none and reads no extra file.
   */
  constructor(private readonly cache: AnalysisCache, private readonly logger: Logger, private readonly settings: PkiLensConfiguration, known?: KnownEmptyFiles, home?: string) {
    super();
    this.records = new RecordStore(cache, known);
    this.extras = this._register(new ExtraFiles(home, this));
    this.rebuilds = this._register(new Rebuilds(this.records, logger, (now, resolve) => this.buildOptions(now, resolve), () => this.scanCts ? this.ready() : undefined));
    this.onDidChange = this.rebuilds.onDidChange;
    this._register({ dispose: () => this.scanCts?.cancel() });
  }

  /** The latest snapshot, or undefined before the first build finished. */
  get snapshot(): IndexSnapshot | undefined {
    return this.rebuilds.current;
  }

  /** The relink's rehearsal after the first build (rehearsal.ts), once started: for the tests and the bench. */
  get rehearsal(): Rebuilds['rehearsal'] { return this.rebuilds.rehearsal; }

  /** The last session's findings, shown until the first build replaces them; ignored once a build is done (it is newer). */
  showRestored(findings: readonly RestoredFinding[]): void {
    if (!this.rebuilds.current) {
      this.restored = { at: Date.now(), findings };
      this.onDidRestoreEmitter.fire(findings);
    }
  }

  /** Resolves with a snapshot once the first full scan has been built (for tests, the report, the tree). */
  async ready(): Promise<IndexSnapshot> {
    await (this.firstScan ??= this.rescan());
    return this.rebuilds.current ?? this.waitForChange();
  }

  /** Settles once no build is running: what background work waits for (see Rebuilds.idle). */
  buildsSettled(): Promise<void> { return this.rebuilds.idle(); }

  /** Resolves with the next snapshot that is built. */
  waitForChange(): Promise<IndexSnapshot> {
    return new Promise(resolve => {
      const sub = this.onDidChange(s => (sub.dispose(), resolve(s)));
    });
  }

  /** What the index holds for a URI now (newer than the snapshot while a rebuild is pending). */
  file(uri: vscode.Uri): IndexedFile | undefined { return this.records.get(uri.toString()); }

  /** Would a scan read this URI? (in a workspace folder, passes include/exclude) */
  inScope(uri: vscode.Uri): boolean { return this.readLimit(uri) !== undefined; }

  /** The size limit a scan reads `uri` with: its folder's, or the workspace's for an extra kubeconfig; undefined when out of scope. */
  private readLimit(uri: vscode.Uri): number | undefined {
    return scopeFor(this.scopes, uri)?.maxBytes ?? this.extras.maxBytes(uri);
  }

  /** Start (or restart) a full scan. `force` re-reads files whose size and mtime did not change. */
  rescan(force = false): Promise<void> {
    const scan = this.scan(force, false).catch(e => this.logger.error('workspace scan failed', e));
    this.firstScan ??= scan;
    return scan;
  }

  /**
   * The same walk in the background, without progress: converges on the disk whatever the watcher
   * delivered. Unchanged files cost one stat; a rebuild follows only when something changed.
   */
  async reconcile(): Promise<void> {
    if (this.scanCts || !this.rebuilds.current) {
      return; // a scan is running (it converges too), or the first one has not finished
    }
    await this.scan(false, true).catch(e => this.logger.error('reconciling with the disk failed', e));
  }

  private async scan(force: boolean, quiet: boolean): Promise<void> {
    this.scanCts?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.scanCts = cts;
    await this.firstScanGate.pass(); // a build asked for meanwhile waits for this scan (Rebuilds' firstScanReading)
    this.scopes = (vscode.workspace.workspaceFolders ?? []).map(folder => folderScope(folder, this.settings.get(folder.uri).scan));
    this.extras.update(this.settings.get().scan, this.scopes);
    const changesBefore = this.records.changes;
    try {
      await (quiet ? this.walkAndRead(cts.token, force) : withScanProgress(cts, report => this.walkAndRead(cts.token, force, report)));
    } finally {
      if (this.scanCts === cts) {
        this.scanCts = undefined;
      }
      cts.dispose();
    }
    if (quiet) {
      this.noteUnreported('the workspace', changesBefore);
    }
    // Even a cancelled scan publishes what it read. A rescan that changed nothing keeps the current snapshot (the hourly
    // clock re-judges validity), one that changed only text around the same material republishes it (Rebuilds.rebuild).
    if (force || !this.rebuilds.current) {
      await this.rebuildNow(); // a forced refresh always rebuilds
    } else if (this.records.dirty) {
      await this.rebuilds.rebuild(true);
    }
  }

  /** List every folder's candidates and read them; `report` (progress) is absent for a quiet reconciliation, which does not log. */
  private async walkAndRead(token: vscode.CancellationToken, force: boolean, report?: (message: string) => void): Promise<void> {
    const started = Date.now();
    const cpu = threadCpu();
    report?.('finding certificates…');
    // The extra kubeconfigs join the listing as they are: a missing one is simply not read.
    // Files reached through a link are read first (earlyFindings.ts); the extra kubeconfigs, outside every folder, count as such.
    // In slices: 126,000 candidates were one task of 0.1 s. Longer ones while the window starts (discovery.ts).
    const sliceMs = this.rebuilds.current ? SLICE_MS : STARTING_SLICE_MS;
    // A quiet reconciliation lists, reads and sweeps behind any build: a person's change relinks
    // first (its walk of 126,000 candidates ran beside a relink at 100,000 files: 0.5 s of it).
    const turn = report ? yieldToEventLoop : () => this.rebuilds.idle().then(yieldToEventLoop);
    const slices = timeSlices(turn, sliceMs);
    // The first scan's readers wait for the core's code, loaded a step per turn (coreWarmUp.ts), once what goes
    // first already (a reload's restored findings on their way to the panel) is done; loaded in any case, the first
    // file read or editor opened analyses with it. Each step goes before the listing's next slice (goFirst):
    // a step and a slice run by setImmediate in the same turn of the loop were one task of 50–90 ms.
    let warmAt = 0;
    const warm = !this.rebuilds.current && this.scopes.length ? afterFirst().then(() => warmCore(nextTurn)).then(() => void (warmAt = Date.now()), e => this.logger.error('loading the core failed', e)) : undefined;
    if (warm) {
      goFirst(warm.then(() => undefined));
    }
    // Before the first build only: afterwards the Problems panel is complete and changes once, at the end.
    const early = this.rebuilds.current ? undefined : new EarlyFindingsStream(0, (files, turn) => buildLocalFindings(files, this.buildOptions(new Date(), uri => this.records.get(uri)), turn).catch(e => {
      this.logger.error('early findings failed (the complete build still comes)', e);
      return [];
    }), batch => {
      this.earlyFindings.push({ at: Date.now(), findings: batch.findings });
      this.logger.info(`early findings: ${batch.findings.length} from a batch of ${batch.byUri.size} files, checked in ${batch.checkedTo - batch.checkedFrom} ms (${batch.offeredMeanwhile} files read meanwhile), ${batch.checkedTo - started} ms after the scan started`);
      this.onDidFindEarlyEmitter.fire(batch);
    });
    // Filled as files are read (in slices): formatting 27,000 URIs at once held the host for a third of a second.
    const seen = new Set<string>();
    let done = 0;
    let firstRead = 0;
    const read = async ({ uri, maxBytes, linked }: ListedFile) => {
      await early?.checking;
      await warm;
      if (!report) {
        await this.rebuilds.idle(); // a quiet reconciliation reads behind any build: a person's change relinks first
      }
      seen.add(uri.toString());
      await this.records.loadFromDisk(uri, maxBytes, force, slices.pause);
      firstRead ||= Date.now();
      early?.offer(this.records.get(uri.toString()), linked);
    };
    // The first scan reads each folder's first files as the walk lists them (headStart.ts), unless the last session's
    // findings were restored: those are the first findings, and reads during the listing only shared its turns.
    const head = early && !this.restored ? new HeadStart(file => read(file).catch(e => this.logger.error('reading a file failed', e)), () => early.hold(), () => token.isCancellationRequested) : undefined;
    const { linked, unlinked } = await listEveryFolder(this.scopes, token, sliceMs, turn, force, head?.sample);
    linked.push(...this.extras.list().map(e => ({ ...e, linked: true })));
    early?.expectLinked(linked.length);
    this.headStartFiles ??= head?.taken.size ?? 0;
    const work = [...linked, ...unlinked];
    const listed = Date.now();
    const listedCpuMs = threadCpuMsSince(cpu);
    // After the first build, what stands as it was read is not handed to the readers (records.ts toLoad).
    const toRead = force || !this.rebuilds.current ? work : await this.records.toLoad(work, seen, slices.pause);
    await forEachConcurrent(toRead, READ_CONCURRENCY, () => token.isCancellationRequested, async file => {
      if (!head?.taken.has(file.uri.toString())) {
        await read(file);
      }
      if (++done % 50 === 0) {
        report?.(`reading ${done}/${toRead.length}`);
      }
    }, slices.pause);
    await head?.finish();
    await early?.finish();
    if (!token.isCancellationRequested) {
      await this.records.sweep(seen, uri => this.readLimit(uri), slices.pause);
    }
    if (report) {
      const firstFound = early && this.earlyFindings[0]?.at;
      const ahead = `${warmAt ? `the core loaded ${warmAt - started} ms, ` : ''}${head ? `${head.taken.size} files read while listing, ` : ''}`;
      const firsts = firstRead ? `; ${ahead}the first file read ${firstRead - started} ms${firstFound ? `, the first finding shown ${firstFound - started} ms` : ''} after the scan started` : '';
      // The thread's share beside the wall times: while a window starts, the host waits for a core behind the workbench.
      const ran = (ms: number | undefined) => (ms === undefined ? '' : `, the host's thread ran ${Math.round(ms)} ms of it`);
      this.logger.info(`scan: ${work.length} candidate files (listed in ${listed - started} ms${ran(listedCpuMs)}${firsts}), ${this.records.materialCount} with material, read in ${Date.now() - listed} ms${ran(listedCpuMs === undefined ? undefined : threadCpuMsSince(cpu)! - listedCpuMs)}${token.isCancellationRequested ? ' (cancelled)' : ''}`);
    }
  }

  /** Files and folders created during the session are looked at again (see FreshEntries); whether any is left. */
  async revisitFresh(): Promise<boolean> {
    const changesBefore = this.records.changes;
    const more = await this.fresh.revisit(async uri => {
      const maxBytes = this.readLimit(uri);
      if (maxBytes !== undefined) {
        await this.records.loadFromDisk(uri, maxBytes, false);
      }
      return maxBytes !== undefined && this.records.has(uri.toString());
    }, uri => this.folderCreated(uri));
    if (this.noteUnreported('new files', changesBefore)) {
      this.rebuilds.schedule();
    }
    return more;
  }

  /** A file was created or changed on disk (watcher). Files seen through the same real file are reloaded too. */
  async diskChanged(uri: vscode.Uri): Promise<void> {
    try {
      const maxBytes = this.readLimit(uri);
      if (maxBytes === undefined) {
        return;
      }
      if (await this.records.loadFromDisk(uri, maxBytes, true)) {
        this.fresh.add(uri, false);
      }
      const identity = this.records.get(uri.toString())?.identity;
      for (const other of identity === undefined ? [] : this.records.sameRealFile(identity)) {
        if (other.uri.toString() !== uri.toString()) {
          await this.records.loadFromDisk(other.uri, maxBytes, true);
        }
      }
      this.rebuilds.schedule();
    } catch (e) {
      this.logger.error('reading a changed file failed', e);
    }
  }

  /** A file or folder was deleted (watcher): drop it and everything below it; a symlink to it is read again (and dangles). */
  async diskDeleted(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const prefix = key.endsWith('/') ? key : `${key}/`;
    // A read still in flight (the file was created a moment ago) must not bring the record back.
    for (const k of this.records.loadKeys()) {
      if ((k === key || k.startsWith(prefix)) && this.records.get(k)?.origin !== 'editor') {
        this.records.cancelLoads(k);
      }
    }
    const gone = new Set<string>();
    for (const [k, file] of this.records.entries()) {
      if ((k === key || k.startsWith(prefix)) && file.origin !== 'editor') {
        this.records.delete(k);
        gone.add(file.identity);
      }
    }
    if (!gone.size) {
      return;
    }
    for (const other of [...gone].flatMap(identity => this.records.sameRealFile(identity))) {
      const maxBytes = this.readLimit(other.uri);
      if (maxBytes !== undefined) {
        await this.records.loadFromDisk(other.uri, maxBytes, true);
      }
    }
    this.rebuilds.schedule();
  }

  /** A folder appeared (moved or copied in): its files come without events of their own. */
  async folderCreated(uri: vscode.Uri): Promise<void> {
    const scope = this.scopes.find(s => relativeTo(s.folder, uri) !== undefined);
    if (!scope) {
      return;
    }
    const sub: FolderScope = { ...scope, folder: { ...scope.folder, uri } };
    const cts = new vscode.CancellationTokenSource();
    const changesBefore = this.records.changes;
    this.fresh.add(uri, true);
    try {
      for (const { uri: file } of await listCandidates(sub, cts.token, SLICE_MS)) {
        if (this.inScope(file)) {
          if (await this.records.loadFromDisk(file, scope.maxBytes, true)) {
            this.fresh.add(file, false);
          }
        }
      }
      if (this.records.changes !== changesBefore) {
        this.rebuilds.schedule();
      }
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
      const seq = this.records.nextSeq(key);
      const analysis = mayHoldMaterial(text) ? await this.cache.analyze(text, uri.path) : EMPTY_ANALYSIS;
      const identity = currentIdentity(uri) ?? previous?.identity ?? key;
      if (!this.records.isLatest(key, seq)) {
        return;
      }
      const file = new IndexedFile(uri, identity, previous?.symlink ?? false, previous?.mtime ?? 0, text.length, 'editor', text, analysis);
      this.records.set(key, file);
      if (this.records.affectsResults(previous, file)) {
        this.rebuilds.schedule(0); // typing was already debounced by the overlay
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
    const maxBytes = this.readLimit(uri);
    this.records.delete(key);
    if (maxBytes !== undefined) {
      await this.records.loadFromDisk(uri, maxBytes, true);
    } else {
      this.records.cancelLoads(key);
    }
    this.rebuilds.schedule();
  }

  /** Rebuild inventory and findings now (settings changed, or a test wants a fresh snapshot). */
  rebuildNow(): Promise<IndexSnapshot | undefined> {
    return this.rebuilds.rebuild(false);
  }

  /** Each file judged by its own folder's thresholds and rule settings. */
  private buildOptions(now: Date, resolve: BuildOptions['resolve']): BuildOptions {
    return { resolve, now, thresholdsFor: uri => this.settings.expiry(uri), rulesFor: uri => this.settings.rules(uri), logger: this.logger };
  }

  /** Logs changes a reconciliation found (events the watcher lost); true when there were any. */
  private noteUnreported(where: string, changesBefore: number): boolean {
    if (this.records.changes !== changesBefore) {
      this.logger.info(`reconcile (${where}): ${this.records.changes - changesBefore} changes on disk that no watcher event reported`);
    }
    return this.records.changes !== changesBefore;
  }
}
