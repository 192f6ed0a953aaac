// The first findings of a start, shown while the scan still reads: linking 10,000 certificates and
// running every rule waits for the last file, but an expired certificate is expired whatever else
// the workspace holds. As files are read, the rules that judge a file by itself (core/checks
// FILE_LOCAL_CHECKS, through the pipeline's `localFindings`) run on each batch, and the Problems
// panel shows what they find; the complete build then replaces everything with the same findings,
// their related locations added.
//
// Only until the first build: afterwards the panel is complete and a rescan changes it once, at its end.
// A file is held back when another path may name the same real file (a symlink, a file in a
// symlinked folder, the target of either): which spelling is reported is known only once all are
// read, and a finding must not appear under one name and then move to another.
import type { Finding } from '../core/checks';
import type { IndexedFile } from './model';
import { goFirst, nextTurn, yieldToEventLoop } from './turns';

/** Checks a batch, handing the host its turns through `turn` (core/slices.ts timeSlices). */
export type BatchCheck = (files: readonly IndexedFile[], turn: () => Promise<void>) => Promise<readonly Finding[]>;

/** A batch of early findings, and the files they point into (their line indexes are made). */
export interface EarlyFindings {
  readonly findings: readonly Finding[];
  readonly byUri: ReadonlyMap<string, IndexedFile>;
  /** When the batch's check started and ended (the clock's time), and the files offered meanwhile. */
  readonly checkedFrom: number;
  readonly checkedTo: number;
  readonly offeredMeanwhile: number;
}

/**
 * The first batch goes out as soon as a file is read; later ones when this much reading has gathered…
 * (each batch is linked and checked on its own: fewer, larger batches cost less in all)
 */
const BATCH_MS = 250;
/**
 * …but every 20 ms until one has shown a finding: the first findings are what a person waits for. At
 * 250 ms the first batch with a finding held 1,300 files (the first file alone had none), and came a
 * quarter of a second and its check later than the first certificate with a finding had been read.
 */
const SEARCHING_BATCH_MS = 20;

export class EarlyFindingsStream {
  private pending: IndexedFile[] = [];
  /** Real files reached through a link: any other path to them is held back. */
  private readonly linkedIdentities = new Set<string>();
  private readonly identities = new Set<string>();
  private linkedLeft: number;
  /** The listing met a link (see `hold`). */
  private held = false;
  private lastBatch = 0;
  /** A batch has shown findings (then batches gather for BATCH_MS). */
  private shown = false;
  private running: Promise<void> | undefined;
  private offered = 0;

  /**
   * `linked`: how many of the files to be read are reached through a link; they are read first,
   * and no batch goes out before all of them are in (see the module comment).
   */
  constructor(
    linked: number,
    private readonly check: BatchCheck,
    private readonly emit: (batch: EarlyFindings) => void,
    private readonly clock: () => number = Date.now,
  ) {
    this.linkedLeft = linked;
  }

  /**
   * The listing met a link while files were read meanwhile (headStart.ts): no batch goes out until
   * the listing has said how many files reached through a link are to be read (`expectLinked`) and
   * they are in.
   */
  hold(): void {
    this.held = true;
  }

  /** The listing is done: `count` more files reached through a link are read next, before any batch goes out. */
  expectLinked(count: number): void {
    this.linkedLeft += count;
    this.held = false;
  }

  /** A candidate was read (`file` is what the index holds for it now, if anything). */
  offer(file: IndexedFile | undefined, linked: boolean): void {
    this.offered++;
    if (linked) {
      this.linkedLeft--;
      if (file) {
        this.linkedIdentities.add(file.identity);
      }
    } else if (file?.hasMaterial && file.origin === 'disk') {
      this.pending.push(file);
    }
    if (!this.running && !this.held && this.linkedLeft <= 0 && this.pending.length && this.clock() - this.lastBatch >= (this.shown ? BATCH_MS : SEARCHING_BATCH_MS)) {
      this.running = this.send().finally(() => (this.running = undefined));
    }
  }

  /**
   * While a batch is being checked, the promise of its end. The scan's readers wait on it: reading
   * and checking share the extension host's thread, and a check handing over its turns to sixteen
   * readers came back to it 50–100 ms later each time (a batch of 2,000 files took seconds to check).
   * Reading pauses for a check instead; the work is the same, the first findings come first.
   */
  get checking(): Promise<void> | undefined {
    return this.running;
  }

  /** Reading is over: the rest goes out (before the complete build starts). */
  async finish(): Promise<void> {
    await this.running;
    if (this.pending.length) {
      await this.send();
    }
  }

  private async send(): Promise<void> {
    this.lastBatch = this.clock();
    const files: IndexedFile[] = [];
    for (const file of this.pending) {
      // A real file seen twice (a hard link, the same folder in two workspace folders): the first path only.
      if (!this.linkedIdentities.has(file.identity) && !this.identities.has(file.identity)) {
        this.identities.add(file.identity);
        files.push(file);
      }
    }
    this.pending = [];
    const offered = this.offered;
    const findings = files.length ? await this.checkNow(files) : [];
    if (findings.length) {
      this.shown = true;
      this.emit({ findings, byUri: new Map(files.map(f => [f.uri.toString(), f] as const)), checkedFrom: this.lastBatch, checkedTo: this.clock(), offeredMeanwhile: this.offered - offered });
    }
  }

  /**
   * Until a batch has shown a finding, its check goes before every other pass's next slice (the
   * listing's, the readers'): the first findings are what a person waits for. Handing its turns to
   * the listing's 25 ms slices, the first batch's 13 ms of checking took 94–160 ms of a cold start
   * (a CPU profile of `npm run bench`). It hands out turns of its own (`nextTurn`), as whatever goes
   * first must. Later batches share the host's turns as any pass does.
   */
  private checkNow(files: readonly IndexedFile[]): Promise<readonly Finding[]> {
    if (this.shown) {
      return this.check(files, yieldToEventLoop);
    }
    const checked = this.check(files, nextTurn);
    goFirst(checked.then(() => undefined));
    return checked;
  }
}
