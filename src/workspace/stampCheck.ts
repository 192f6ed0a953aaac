// Whether every file a restore depends on stands as recorded (lastFindings.ts): the stamps of the
// files the last session's findings point into, checked against the disk. Nothing of VS Code here
// (the URIs' paths come from the caller), so a unit test drives it on real files.
import { stat, statSync } from 'node:fs';
import { stampOf, stampText } from './knownFiles';

/**
 * Slices in which the stamp check asks the thread pool for its stats: longer than the scan's (8 ms)
 * and still under the 50 ms the host may be held.
 */
const STAMP_SLICE_MS = 25;

/**
 * How many files the stamp check stats synchronously, in the task that decoded the file's last slice
 * (lastFindings.ts), before it hands the rest to the thread pool: the 1,102 files of 10,000
 * certificates' findings took 14 ms this way in a starting window, where the pool took 95–124 ms
 * (its answers wait for the turns of a host the window's start holds). Counted in files, not
 * milliseconds: with 30 ms of the clock, a reload whose window kept the host's CPU busy (VS Code's
 * JSON and TypeScript features starting beside it) stat'ed only part of them here, and waited
 * 578 ms for the pool's answers to the rest. 2,048 stats are 10–25 ms of work; at 100,000 files
 * the rest go to the pool.
 */
export const SYNC_STAMPS = 2048;

/**
 * A file whose stamp differs from the one recorded (or that is gone, or whose URI `fsPathOf` cannot
 * read), or undefined when none does. The first `syncFiles` synchronously; what is left is asked
 * of the thread pool at once (in slices, for 100,000-file workspaces) and each answer is judged as
 * it comes.
 */
export function changedFile(files: readonly [string, string][], fsPathOf: (uri: string) => string | undefined, syncFiles = SYNC_STAMPS): Promise<string | undefined> {
  const sync = Math.min(files.length, syncFiles);
  for (let i = 0; i < sync; i++) {
    const [uri, recorded] = files[i];
    const fsPath = fsPathOf(uri);
    let stamp: string | undefined;
    try {
      stamp = fsPath === undefined ? undefined : stampText(stampOf(statSync(fsPath), uri));
    } catch {
      // gone
    }
    if (stamp !== recorded) {
      return Promise.resolve(uri);
    }
  }
  return changedInPool(files.slice(sync), fsPathOf);
}

/** `changedFile` for what is left, by the thread pool. */
function changedInPool(files: readonly [string, string][], fsPathOf: (uri: string) => string | undefined): Promise<string | undefined> {
  return new Promise(resolve => {
    let waiting = files.length;
    let settled = false;
    const answer = (changed: string | undefined) => {
      if (!settled && (changed !== undefined || --waiting === 0)) {
        settled = true;
        resolve(changed);
      }
    };
    if (!waiting) {
      resolve(undefined);
      return;
    }
    const ask = async () => {
      let slice = Date.now();
      for (const [uri, recorded] of files) {
        if (settled) {
          return;
        }
        const fsPath = fsPathOf(uri);
        if (fsPath === undefined) {
          answer(uri);
          return;
        }
        stat(fsPath, (error, stats) => answer(error || stampText(stampOf(stats, uri)) !== recorded ? uri : undefined));
        if (Date.now() - slice > STAMP_SLICE_MS) {
          await new Promise(r => setImmediate(r));
          slice = Date.now();
        }
      }
    };
    void ask();
  });
}
