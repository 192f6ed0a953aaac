import vscode = require('vscode');
import { Disposable } from '../util/dispose';
import { Logger } from '../util/logger';
import type { Reconcilable } from './ports';

/** A full reconciliation (walk and stat, nothing re-read unless its size or mtime moved) runs at most this often… */
export const MIN_RECONCILE_INTERVAL_MS = 5_000;
/** …and waits this many times as long as the last one took: a walk of 200 ms waits 10 s, so sweeps stay under 2 % of the host's time. */
const COST_FACTOR = 50;
/** Files and folders created during the session are looked at again this often, while there are any. */
const FRESH_INTERVAL_MS = 500;
/** Regaining focus reconciles at once, unless the last reconciliation ended this recently. */
const FOCUS_GAP_MS = 2_000;

/**
 * Makes the index converge on the disk whatever the watcher delivers. Events are the fast path;
 * this is the guarantee: files created lately (where watchers most often lose events) are stat-ed
 * again every half second, the whole workspace is walked and stat-ed in the background (bounded
 * by its own cost, see COST_FACTOR) and whenever the window regains focus (after `rm` or
 * `git checkout` in a terminal). Never two at a time; nothing blocks the editor (the walk yields
 * every few milliseconds, and unchanged files cost one stat: contents come from the cache).
 */
export class Reconciler extends Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private freshTimer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private lastEnd = 0;
  private stopped = false;

  constructor(private readonly index: Reconcilable, private readonly logger: Logger) {
    super();
    // Every build may follow a creation: start looking at fresh files again (the tick stops by itself when none is left).
    this._register(index.onDidChange(() => this.watchFresh()));
    this._register(vscode.window.onDidChangeWindowState(state => {
      if (state.focused && !this.stopped && Date.now() - this.lastEnd > FOCUS_GAP_MS) {
        void this.runNow();
      }
    }));
    this._register({ dispose: () => { this.stopped = true; clearTimeout(this.timer); clearTimeout(this.freshTimer); } });
  }

  /** Begin the periodic reconciliation (once the first scan has finished). */
  start(): void {
    this.schedule(MIN_RECONCILE_INTERVAL_MS);
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.runNow(), delay);
    }
  }

  private runNow(): Promise<void> {
    if (this.running) {
      return this.running;
    }
    clearTimeout(this.timer);
    const started = Date.now();
    this.running = this.index.reconcile()
      .catch(e => this.logger.error('reconciling the index with the disk failed', e))
      .finally(() => {
        this.running = undefined;
        this.lastEnd = Date.now();
        this.schedule(Math.max(MIN_RECONCILE_INTERVAL_MS, (this.lastEnd - started) * COST_FACTOR));
      });
    return this.running;
  }

  private watchFresh(): void {
    if (this.freshTimer !== undefined || this.stopped) {
      return;
    }
    const tick = async () => {
      let more = false;
      try {
        more = await this.index.revisitFresh();
      } catch (e) {
        this.logger.error('looking again at new files failed', e);
      }
      this.freshTimer = more && !this.stopped ? setTimeout(() => void tick(), FRESH_INTERVAL_MS) : undefined;
    };
    this.freshTimer = setTimeout(() => void tick(), FRESH_INTERVAL_MS);
  }
}
