import path = require('node:path');
import type { Worker } from 'node:worker_threads';
import { DocumentAnalysis, analyzeText } from '../core/analyze';
import { Logger } from '../util/logger';
import type { Pause } from '../core/slices';
import { shareDecodedIn } from '../core/x509/material';

/** Below this size analysing inline is faster than the round trip to a worker. */
const WORKER_THRESHOLD = 256 * 1024;

/**
 * Analyses large texts in one lazily started worker thread (YAML composition and certificate
 * decoding of a multi-megabyte file take seconds of CPU), small ones inline. If the worker cannot
 * start or dies, everything falls back to inline analysis.
 */
export class WorkerAnalyzer {
  private worker: Worker | undefined;
  private broken = false;
  private disposed = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (analysis: DocumentAnalysis) => void; text: string; fileName: string; passwords?: readonly string[] }>();

  /** Texts analysed in this thread and by the worker (for the tests). */
  readonly stats = { inline: 0, worker: 0 };

  constructor(private readonly workerFile: string, private readonly logger: Logger) {}

  /** `pause`: the caller's slices, for an analysis in this thread (see core analyzeText). */
  readonly analyze = (text: string, fileName: string, passwords?: readonly string[], pause?: Pause): Promise<DocumentAnalysis> =>
    text.length < WORKER_THRESHOLD || this.broken ? this.inline(text, fileName, passwords, pause) : this.inWorker(text, fileName, passwords);

  private inline(text: string, fileName: string, passwords?: readonly string[], pause?: Pause): Promise<DocumentAnalysis> {
    this.stats.inline++;
    return analyzeText(text, { fileName, passwords, pause });
  }

  private async inWorker(text: string, fileName: string, passwords?: readonly string[]): Promise<DocumentAnalysis> {
    const worker = await this.ensureWorker();
    if (!worker) {
      return this.inline(text, fileName, passwords);
    }
    this.stats.worker++;
    const id = this.nextId++;
    return new Promise(resolve => {
      this.pending.set(id, { resolve, text, fileName, passwords });
      // Keystore passwords go to the worker thread in memory only, as the inline path uses them.
      worker.postMessage({ id, text, fileName, passwords });
    });
  }

  private async ensureWorker(): Promise<Worker | undefined> {
    if (!this.worker) {
      // node:worker_threads is loaded at the first large text, not with the extension: requiring it
      // cost about 5 ms of activation in a fresh host. A require, not import(): see util/codeCache.ts.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
      // Another first large text may have started the worker meanwhile; a disposed analyzer starts none.
      if (!this.worker && !this.broken && !this.disposed) {
        this.start(Worker);
      }
    }
    return this.worker;
  }

  private start(WorkerClass: typeof Worker): void {
    try {
      const worker = new WorkerClass(this.workerFile);
      worker.unref(); // an idle worker must never keep the extension host alive
      worker.on('message', (m: { id: number; analysis: DocumentAnalysis }) => {
        // Copied across threads: its certificates are shared again, as the decoders' are.
        shareDecodedIn(m.analysis.entries);
        this.pending.get(m.id)?.resolve(m.analysis);
        this.pending.delete(m.id);
      });
      worker.on('error', e => this.fail(e));
      worker.on('exit', code => code !== 0 && this.fail(new Error(`analysis worker exited with code ${code}`)));
      this.worker = worker;
    } catch (e) {
      this.fail(e);
    }
  }

  /** A worker failure must cost no result: redo the waiting requests inline. */
  private fail(error: unknown): void {
    this.logger.error('analysis worker failed; analysing inline from now on', error);
    this.broken = true;
    this.worker = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const request of waiting) {
      void analyzeText(request.text, { fileName: request.fileName, passwords: request.passwords }).then(request.resolve);
    }
  }

  dispose(): void {
    this.disposed = true;
    void this.worker?.terminate();
    this.worker = undefined;
  }

  static forExtension(extensionPath: string, logger: Logger): WorkerAnalyzer {
    return new WorkerAnalyzer(path.join(extensionPath, 'dist', 'analysisWorker.js'), logger);
  }
}
