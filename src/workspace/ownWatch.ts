// PKI Lens's own watch of the local folders that hold material, beside VS Code's file watcher.
//
// VS Code's watcher gathers the kernel's events for 75 ms before it sends them on (its parcel
// watcher's FILE_CHANGES_HANDLER_DELAY), then they cross to the extension host: in the bench a
// write reached PKI Lens 0.09–0.13 s after it happened, which alone is the whole ≤ 0.05× target of a
// file saved again. The kernel (inotify, through Node's fs.watch) hands the same change to the
// extension host within a millisecond. So the folders where certificates, keys and kubeconfigs sit,
// and only those (a folder's own entries, not recursive), are watched here too, and their events go
// the way VS Code's do (watcher.ts). VS Code's watcher stays on for every file: it is the one that
// sees a folder come or go and anything outside these folders, and the reconciler (reconcile.ts)
// converges on the disk whatever either misses.
//
// Nothing of VS Code here (a unit test drives it on a real folder).
import { type FSWatcher, watch } from 'node:fs';
import path = require('node:path');

/**
 * At most this many folders are watched (the bench workspace's material sits in 112, a kubeadm node's
 * in 3). Each is one inotify watch out of the user's limit, which VS Code's own watcher draws on for
 * every folder of the workspace: a large workspace keeps its watches for VS Code rather than lose
 * events there. Past the limit, the first folders in path order are watched and the rest are VS Code's.
 */
export const MAX_OWN_FOLDERS = 256;

/**
 * Events are gathered this long from the first before they are handed on: a file written in several
 * writes (a 5 MB kubeconfig in 64 KB pieces) is one event per write, and each handed on is a read and an
 * analysis. Far under VS Code's 75 ms; a writer slower than this still converges, the last event's read winning.
 */
export const OWN_EVENT_DELAY_MS = 10;

/** How long after an event of this watch VS Code's event for the same file is taken for the same change. */
export const SAME_CHANGE_MS = 2000;

/** Where the kernel's events come from: Node's fs.watch, or a stand-in for a test. */
export type WatchFolder = (folder: string, onEntry: (name: string, kind: EntryEvent) => void, onError: () => void) => { close(): void };

/** fs.watch's two words: an entry came, went or was renamed ('rename'), or its content or attributes changed ('change'). */
export type EntryEvent = 'rename' | 'change';

const nodeWatch: WatchFolder = (folder, onEntry, onError) => {
  const watcher: FSWatcher = watch(folder, { persistent: false }, (kind, name) => {
    if (name) {
      onEntry(name.toString(), kind === 'rename' ? 'rename' : 'change');
    }
  });
  watcher.on('error', onError);
  return watcher;
};

/** An entry of a watched folder that changed: `renamed` when it came, went or was renamed (what it is now, the caller asks the disk). */
export interface ChangedEntry {
  fsPath: string;
  renamed: boolean;
}

/**
 * Watches folders (absolute local paths) and hands on the entries that changed in them, gathered
 * for `delayMs`. `watch` answers what is watched now: the folders given, up to `limit`.
 */
export class OwnFolderWatch {
  private readonly watching = new Map<string, { close(): void }>();
  private pending = new Map<string, boolean>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly onChanged: (entries: ChangedEntry[]) => void,
    private readonly onFailed: (folder: string) => void = () => undefined,
    private readonly limit = MAX_OWN_FOLDERS,
    private readonly delayMs = OWN_EVENT_DELAY_MS,
    private readonly watchFolder: WatchFolder = nodeWatch,
  ) {}

  /** Watch exactly these folders (up to the limit, in path order): new ones are added, those no longer named closed. */
  watch(folders: Iterable<string>): { watched: number; over: number } {
    const wanted = [...new Set(folders)].sort();
    const kept = new Set(this.disposed ? [] : wanted.slice(0, this.limit));
    for (const [folder, watcher] of this.watching) {
      if (!kept.has(folder)) {
        watcher.close();
        this.watching.delete(folder);
      }
    }
    for (const folder of kept) {
      if (!this.watching.has(folder)) {
        this.add(folder);
      }
    }
    return { watched: this.watching.size, over: Math.max(0, wanted.length - this.limit) };
  }

  /** The folders watched now. */
  folders(): string[] {
    return [...this.watching.keys()];
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.watch([]);
  }

  private add(folder: string): void {
    const failed = () => {
      this.watching.get(folder)?.close();
      this.watching.delete(folder);
      this.onFailed(folder);
    };
    try {
      this.watching.set(folder, this.watchFolder(folder, (name, kind) => this.entryChanged(path.join(folder, name), kind === 'rename'), failed));
    } catch {
      this.onFailed(folder); // gone already, or the user's watch limit is reached: VS Code's watcher still sees it
    }
  }

  private entryChanged(fsPath: string, renamed: boolean): void {
    if (this.disposed) {
      return;
    }
    this.pending.set(fsPath, renamed || !!this.pending.get(fsPath));
    // From the first event, not the last: a steady stream of writes is still handed on every delayMs.
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const entries = [...this.pending].map(([fsPath, renamed]) => ({ fsPath, renamed }));
      this.pending = new Map();
      this.onChanged(entries);
    }, this.delayMs);
  }
}

/**
 * The files this watch reported lately, so VS Code's event for the same change, which comes
 * 0.1–0.5 s later, is not a second read (and a second relink that would stop the first one
 * halfway). Sound while the watch is on: any later write to the file is an event of its own here.
 */
export class RecentChanges {
  private readonly at = new Map<string, number>();

  constructor(private readonly windowMs = SAME_CHANGE_MS, private readonly clock: () => number = Date.now) {}

  note(key: string): void {
    const now = this.clock();
    if (this.at.size >= 1024) {
      for (const [k, t] of this.at) {
        if (now - t > this.windowMs) {
          this.at.delete(k);
        }
      }
    }
    this.at.set(key, now);
  }

  /** True when this watch reported `key` within the window. */
  covers(key: string): boolean {
    const t = this.at.get(key);
    return t !== undefined && this.clock() - t <= this.windowMs;
  }
}
