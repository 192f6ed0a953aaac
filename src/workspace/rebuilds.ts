import vscode = require('vscode');
import { Disposable } from '../util/dispose';
import { Logger, nullLogger } from '../util/logger';
import { threadCpu, threadCpuMsSince } from '../util/threadCpu';
import { yieldToEventLoop } from './turns';
import { BuildOptions, BuildSuperseded, SLICE_MS, buildWorkspace, filesByUri } from './build';
import { Pause, stoppable, timeSlices } from '../core/slices';
import type { IndexedFile } from './model';
import type { IndexSnapshot } from './ports';
import { RecordStore } from './records';
import { REHEARSAL_MIN_FILES, RehearsalResult, rehearse } from './rehearsal';

/**
 * Coalesces bursts of changes (a `git checkout`, a renewal writing four files) into one rebuild.
 * Short: VS Code's watcher already delivers a burst's events together, and a build a later event
 * makes obsolete stops at its next turn (BuildSuperseded); every millisecond here is one a person
 * waits after a save (it was 60).
 */
const REBUILD_DELAY_MS = 20;

/**
 * When and how the index's files become a snapshot: builds numbered by generation (a newer one
 * supersedes any still running), scheduled after changes, and skipped when no change touched
 * material (the last build's links and findings still hold).
 */
export class Rebuilds extends Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  /** The generation of the last build started that links (not a republish). */
  private linking = 0;
  /** The generation of the build whose links and findings `current` holds. */
  private currentLinks = 0;
  /** The build running now, if any (a newer one replaces it here as it starts). */
  private running: Promise<IndexSnapshot | undefined> | undefined;
  /** The latest snapshot, or undefined before the first build finished. */
  current: IndexSnapshot | undefined;
  /** The relink's one rehearsal after the first build (rehearsal.ts): started, then its result (for the log, the tests and the bench). */
  rehearsal: Promise<RehearsalResult> | undefined;
  private ended = false;
  private readonly onDidChangeEmitter = this._register(new vscode.EventEmitter<IndexSnapshot>());
  /** Fires after each (re)build that was not superseded by a newer one. */
  readonly onDidChange = this.onDidChangeEmitter.event;

  /**
   * `firstScanReading`: while the first scan reads, the promise of its build; a build now would
   * publish the files read so far as the whole workspace and end what a start shows meanwhile
   * (restored and early findings). VS Code reports the extension's settings as changed while it
   * starts; the scan's own build, with the settings of then, answers every such request.
   */
  constructor(
    private readonly records: RecordStore,
    private readonly logger: Logger,
    private readonly buildOptions: (now: Date, resolve: BuildOptions['resolve']) => BuildOptions,
    private readonly firstScanReading: () => Promise<IndexSnapshot> | undefined,
  ) {
    super();
    this._register({ dispose: () => { clearTimeout(this.timer); this.ended = true; } });
  }

  /**
   * Settles once no build is running. Work in the background (writing the analysis cache, a quiet
   * reconciliation) waits here at each of its turns, so a person's change is never relinked at half
   * speed beside it: at 100,000 files the cache's first write and a relink shared the host's turns,
   * and the relink took 13 s instead of 5.
   */
  async idle(): Promise<void> {
    while (this.running) {
      await this.running;
    }
  }

  /** A rebuild after file changes, once the burst has settled. */
  schedule(delay = REBUILD_DELAY_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.rebuild(true), delay);
  }

  /**
   * `reuse`: after changes of files only (not of settings or time), the last build's links and
   * findings are kept when no change since it started touched material (RecordStore.materialChanged)
   * and no newer build that links has started (a republish of the same links may have).
   */
  async rebuild(reuse: boolean): Promise<IndexSnapshot | undefined> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const reading = this.current ? undefined : this.firstScanReading();
    if (reading) {
      return reading;
    }
    const built = this.current;
    if (reuse && built && this.currentLinks === this.linking && !this.records.materialChanged) {
      return this.run((generation, pause) => this.republish(generation, built, pause));
    }
    this.records.materialChanged = false;
    return this.run(async (generation, pause) => {
      this.linking = generation;
      // The list of reported files is kept between builds (RecordStore); when it must be made again
      // (the first build, a file come or gone), in 8 ms slices like the rest of the build.
      const files = await this.records.reported(pause);
      // Any spelling of a file (a symlink's target, say) leads to the one reported for its real file;
      // made at the first kubeconfig path reference followed (most builds follow none).
      let reported: Map<string, IndexedFile> | undefined;
      const resolve = (uri: string) => {
        const record = this.records.get(uri);
        reported ??= new Map(files.map(f => [f.identity, f] as const));
        return record && reported.get(record.identity);
      };
      const snapshot = await this.build(generation, files, resolve);
      if (!this.rehearsal && files.length >= REHEARSAL_MIN_FILES) {
        // After this build is published (run's then), at the host's next turn.
        this.rehearsal = yieldToEventLoop().then(() => this.rehearse(generation, files, resolve));
      }
      return snapshot;
    });
  }

  /** Build generation `generation`'s files once more, thrown away; stopped by any newer build that links. */
  private rehearse(generation: number, files: readonly IndexedFile[], resolve: BuildOptions['resolve']): Promise<RehearsalResult> {
    const superseded = () => this.ended || this.linking !== generation;
    // Rule failures were logged by the build itself: the rehearsal's own stay quiet.
    return rehearse(files, { ...this.buildOptions(new Date(), resolve), logger: nullLogger, superseded }, this.logger);
  }

  /**
   * Runs `work` as generation `generation`, the newest: a newer one makes it stop at its next turn
   * (`pause` throws BuildSuperseded); never rejects.
   */
  private async run(work: (generation: number, pause: Pause) => Promise<IndexSnapshot>): Promise<IndexSnapshot | undefined> {
    const generation = ++this.generation;
    this.records.dirty = false;
    const superseded = () => generation !== this.generation;
    const pause = stoppable(timeSlices(yieldToEventLoop, SLICE_MS).pause, superseded, () => new BuildSuperseded());
    const run = work(generation, pause).then(snapshot => {
      if (superseded()) {
        return undefined; // a newer rebuild started meanwhile; its result is the one to show
      }
      this.current = snapshot;
      this.onDidChangeEmitter.fire(snapshot);
      return snapshot;
    }, e => {
      if (!(e instanceof BuildSuperseded)) {
        this.logger.error('building the inventory failed', e);
      }
      return undefined;
    });
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.running === run) {
        this.running = undefined;
      }
    }
  }

  /** Build generation `generation` (rejects with BuildSuperseded once a newer one started). */
  private async build(generation: number, files: readonly IndexedFile[], resolve: BuildOptions['resolve']): Promise<IndexSnapshot> {
    const now = new Date();
    const cpu = threadCpu();
    const options = { ...this.buildOptions(now, resolve), superseded: () => generation !== this.generation };
    const result = await buildWorkspace(files, options);
    if (generation !== this.generation) {
      throw new BuildSuperseded();
    }
    this.currentLinks = generation;
    // The thread's CPU beside the wall time: a build shares its turns with the host's other work,
    // and the window's processes share two cores, so a wall time alone does not say which waited.
    const cpuMs = threadCpuMsSince(cpu);
    this.logger.info(`build ${generation}: ${files.length} files, ${result.inventory.records.size} certificates, ${result.findings.length} findings in ${Date.now() - now.getTime()} ms${cpuMs !== undefined ? ` (the host's thread ran ${Math.round(cpuMs)} ms of it)` : ''}${result.longestStep?.ms ? ` (longest step ${result.longestStep.ms} ms: ${result.longestStep.step})` : ''}`);
    return { ...result, generation, files, now, thresholdsFor: options.thresholdsFor };
  }

  /**
   * The last build's inventory and findings with the files as they are now: every change since only
   * rewrote text around the same material (the same analyses, object for object, see
   * RecordStore.set), so no link and no finding moved; their offsets are placed on the new texts' lines.
   * Judged at the last build's time, as any snapshot is until the hourly rebuild. In slices: at
   * 110,000 files, mapping every file again in one piece held the host for 165 ms.
   */
  private async republish(generation: number, built: IndexSnapshot, pause: Pause): Promise<IndexSnapshot> {
    // The store's reported list, patched in place by each change since (RecordStore.patchReported):
    // no file came or went, and none changed its identity or origin (else materialChanged), so each
    // file is the store's record now, at the build's place.
    const files = await this.records.reported(pause);
    const byUri = await filesByUri(files, pause);
    this.logger.info(`build ${generation}: every changed file holds the material it held; build ${built.generation}'s links and ${built.findings.length} findings kept`);
    return { ...built, generation, files, byUri, longestStep: undefined };
  }
}
