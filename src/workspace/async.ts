import vscode = require('vscode');
import { type Pause, maybePause, timeSlices } from '../core/slices';

/** A turn of the event loop, and nothing else. */
export function nextTurn(): Promise<void> {
  return new Promise(resolve => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** What goes before the next slice of every long pass (see `goFirst`), while it runs. */
let first: Promise<void> | undefined;

/**
 * Give the event loop a turn, so a long scan never holds the extension host for more than a few
 * milliseconds; when something goes first (`goFirst`), the pass continues once it is done.
 */
export async function yieldToEventLoop(): Promise<void> {
  await nextTurn();
  while (first) {
    await first;
    await nextTurn(); // a turn of its own after it: the pass's next slice never runs on in the same task
  }
}

/**
 * `work` (which hands out turns of its own through `nextTurn`, never `yieldToEventLoop`) goes before
 * the scans' and builds' next slices until it settles. For the Problems panel's queue: between its
 * shares the host takes its turns (timers, events), but a scan's 25 ms slices and sixteen readers
 * would stretch 1,101 restored findings from 0.1 s to 0.4 s in the panel.
 */
export function goFirst(work: Promise<void>): void {
  const settled = work.catch(() => undefined);
  const all = first ? Promise.all([first, settled]).then(() => undefined) : settled;
  first = all;
  void all.then(() => {
    if (first === all) {
      first = undefined;
    }
  });
}

/** Settles once what goes first now (`goFirst`) has settled; what is added later is not waited for. */
export function afterFirst(): Promise<void> {
  return first ?? Promise.resolve();
}

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
