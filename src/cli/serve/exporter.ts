/**
 * The state behind `pki-lens serve`: one DiskScanner kept for the process's life, so a rescan of
 * an unchanged tree costs a directory listing and a stat per file (its content-keyed cache and
 * held files answer the rest); rescans on a timer and on file-system events; the metric text of
 * the last good scan. A scan that fails (a root vanished, an I/O error) keeps the previous
 * metrics and is counted, never fatal: a bad file is a finding, not a crash.
 */
import fs = require('node:fs');
import path = require('node:path');
import { DiskScanner } from '../diskScanner';
import { PreparedMetrics, prepareMetrics, renderMetrics } from '../formats/openmetrics';

export interface ExporterOptions {
  paths: readonly string[];
  intervalMs: number;
  /** Wait this long after the last file-system event before rescanning (a renewal writes several files). */
  settleMs?: number;
  /** Where scan failures are reported (stderr in the CLI). */
  log: (line: string) => void;
}

interface Scanned {
  prepared: PreparedMetrics;
  durationSeconds: number;
  ruleFailed: number;
}

export class Exporter {
  private readonly scanner: DiskScanner;
  private ruleFailed = 0;
  private last: Scanned | undefined;
  /** Failed scans since the last good one. */
  private failures = 0;
  private scans = 0;
  private running: Promise<void> | undefined;
  private pending = false;
  private timer: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private watchFailureLogged = false;
  private rendered: { scanned: Scanned; failures: number; second: number; text: string } | undefined;
  private stopped = false;

  constructor(private readonly options: ExporterOptions) {
    this.scanner = new DiskScanner(undefined, undefined, () => this.ruleFailed++);
  }

  /** First scan, then the timer and the watchers. Resolves once the first scan has finished (good or not). */
  async start(): Promise<void> {
    await this.rescan();
    if (this.stopped) {
      return;
    }
    this.timer = setInterval(() => void this.rescan(), this.options.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.settle);
    for (const w of this.watchers.values()) {
      w.close();
    }
    this.watchers.clear();
  }

  /** Completed scans, good or failed (tests wait on it instead of sleeping). */
  get scanCount(): number {
    return this.scans;
  }

  get healthy(): boolean {
    return this.last !== undefined;
  }

  /** Scans now; a request during a scan runs one more scan after it (never two at once). */
  rescan(): Promise<void> {
    if (this.running) {
      this.pending = true;
      return this.running;
    }
    this.running = this.scanOnce().finally(() => {
      this.running = undefined;
      if (this.pending && !this.stopped) {
        this.pending = false;
        void this.rescan();
      }
    });
    return this.running;
  }

  private async scanOnce(): Promise<void> {
    const started = performance.now();
    this.ruleFailed = 0;
    try {
      const result = await this.scanner.scan(this.options.paths);
      // An unchanged tree gives back the same inventory and findings (hence the same files): keep the prepared series.
      const held = this.last;
      const same = held !== undefined && held.prepared.result.inventory === result.inventory && held.prepared.result.findings === result.findings;
      const prepared = same ? { ...held.prepared, result } : prepareMetrics(result);
      // Reused findings were not re-checked: the rules that failed are those of the scan that made them.
      const ruleFailed = same ? held.ruleFailed : this.ruleFailed;
      this.last = { prepared, durationSeconds: (performance.now() - started) / 1000, ruleFailed };
      this.failures = 0;
      this.syncWatchers(result.directories);
    } catch (e) {
      this.failures++;
      this.options.log(`scan failed (the metrics stay those of the last good scan): ${(e as Error)?.message ?? String(e)}`);
    }
    this.scans++;
  }

  /**
   * The metric text at `now`, or undefined before the first good scan. Rendered at most once per
   * second per scan, so a burst of scrapes costs one rendering.
   */
  metrics(now = new Date()): string | undefined {
    const scanned = this.last;
    if (!scanned) {
      return undefined;
    }
    const second = Math.floor(now.getTime() / 1000);
    const held = this.rendered;
    if (held && held.scanned === scanned && held.failures === this.failures && held.second === second) {
      return held.text;
    }
    const text = renderMetrics(scanned.prepared, {
      now: new Date(second * 1000),
      durationSeconds: scanned.durationSeconds,
      problems: { ruleFailed: scanned.ruleFailed, scanFailed: this.failures },
    });
    this.rendered = { scanned, failures: this.failures, second, text };
    return text;
  }

  /**
   * One non-recursive watch per folder the last scan walked (excluded folders are never watched,
   * and a folder costs one inotify watch, not one per file as a recursive fs.watch does on Linux);
   * a named file through its folder, since an atomic rename replaces the inode a file watch holds.
   * A new folder shows up as an event in its parent: the rescan walks it and it is watched from
   * then on. A watch that cannot start or fails leaves the timer.
   */
  private syncWatchers(walked: readonly string[]): void {
    if (this.stopped) {
      return;
    }
    const wanted = new Map<string, string | undefined>(walked.map(d => [d, undefined]));
    for (const p of this.options.paths) {
      const abs = path.resolve(p);
      if (!wanted.has(abs)) {
        try {
          if (!fs.statSync(abs).isDirectory()) {
            wanted.set(path.dirname(abs), path.basename(abs));
          }
        } catch {
          // vanished: the scan reports it
        }
      }
    }
    for (const [dir, watcher] of this.watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        this.watchers.delete(dir);
      }
    }
    for (const [dir, only] of wanted) {
      if (this.watchers.has(dir)) {
        continue;
      }
      try {
        const watcher = fs.watch(dir, { persistent: false }, (_event, file) => {
          if (only === undefined || file === null || file === only) {
            this.changed();
          }
        });
        watcher.on('error', e => {
          this.options.log(`watching ${dir} stopped (${e.message}); rescanning every ${this.options.intervalMs / 1000} s`);
          watcher.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, watcher);
      } catch (e) {
        if (!this.watchFailureLogged) {
          this.watchFailureLogged = true;
          this.options.log(`cannot watch ${dir} (${(e as Error).message}); rescanning every ${this.options.intervalMs / 1000} s`);
        }
      }
    }
  }

  /** Wait for the writes to settle (a renewal writes several files), then rescan once. */
  private changed(): void {
    clearTimeout(this.settle);
    this.settle = setTimeout(() => void this.rescan(), this.options.settleMs ?? 250);
  }
}

