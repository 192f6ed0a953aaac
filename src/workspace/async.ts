import vscode = require('vscode');
import { type Pause, maybePause, timeSlices } from '../core/slices';
import { yieldToEventLoop } from './turns';

/**
 * Run `fn` over `items` with at most `limit` in flight (file reads overlap; parsing does not block
 * the host), handing the host a turn whenever the workers together have run for `slices` ms without a
 * break (one shared slice, see core/slices.ts), or at the turns of the pause given (the caller's
 * slices, shared with `fn`). Stops early when `cancelled()` turns true.
 */
export async function forEachConcurrent<T>(items: readonly T[], limit: number, cancelled: () => boolean, fn: (item: T, index: number) => Promise<void>, slices: number | Pause = 8): Promise<void> {
  let next = 0;
  const pause = typeof slices === 'number' ? timeSlices(yieldToEventLoop, slices).pause : slices;
  const worker = async () => {
    while (next < items.length && !cancelled()) {
      const i = next++;
      await fn(items[i], i);
      const turn = maybePause(pause);
      if (turn) {
        await turn;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** A scan in the window's progress area, cancellable there (which cancels `cts`). */
export async function withScanProgress(cts: vscode.CancellationTokenSource, body: (report: (message: string) => void) => Promise<void>): Promise<void> {
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PKI Lens', cancellable: true }, async (progress, token) => {
    const sub = token.onCancellationRequested(() => cts.cancel());
    try {
      await body(message => progress.report({ message }));
    } finally {
      sub.dispose();
    }
  });
}
