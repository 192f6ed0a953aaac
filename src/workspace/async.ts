import * as vscode from 'vscode';
import { maybePause, timeSlices } from '../core/slices';

/** Give the event loop a turn, so a long scan never holds the extension host for more than a few milliseconds. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise(resolve => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * Run `fn` over `items` with at most `limit` in flight (file reads overlap; parsing does not block
 * the host), handing the host a turn whenever the workers together have run for `sliceMs` without a
 * break (one shared slice, see core/slices.ts). Stops early when `cancelled()` turns true.
 */
export async function forEachConcurrent<T>(items: readonly T[], limit: number, cancelled: () => boolean, fn: (item: T, index: number) => Promise<void>, sliceMs = 8): Promise<void> {
  let next = 0;
  const { pause } = timeSlices(yieldToEventLoop, sliceMs);
  const worker = async () => {
    while (next < items.length && !cancelled()) {
      const i = next++;
      await fn(items[i], i);
      await maybePause(pause);
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
