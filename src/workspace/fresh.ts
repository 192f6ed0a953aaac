import type * as vscode from 'vscode';

/** Files created during the session are looked at again this long without trusting events… */
const FRESH_TTL_MS = 10 * 60 * 1000;
/** …at most this many (a checkout creating thousands is left to the periodic reconciliation). */
const FRESH_MAX = 256;
/** A folder created during the session is listed again this long after it appeared. */
const FOLDER_RELIST_MS = 1_000;

interface Entry {
  uri: vscode.Uri;
  at: number;
  folder: boolean;
}

/**
 * What was created during the session: where watchers lose events most (a new folder is watched
 * a moment after it appears; inotify's limits bite there first). A created file is stat-ed again on
 * every revisit, so a lost delete event leaves no ghost finding; a created folder is listed once
 * more a second later, for files written into it after the first listing whose events were lost.
 */
export class FreshEntries {
  private readonly entries = new Map<string, Entry>();

  add(uri: vscode.Uri, folder: boolean): void {
    const key = uri.toString();
    if (this.entries.has(key)) {
      return;
    }
    this.entries.set(key, { uri, at: Date.now(), folder });
    if (this.entries.size > FRESH_MAX) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  /**
   * `restat` looks at a file again and says whether it is still held; `relist` lists a folder
   * again. Returns whether anything is left to look at.
   */
  async revisit(restat: (uri: vscode.Uri) => Promise<boolean>, relist: (uri: vscode.Uri) => Promise<void>): Promise<boolean> {
    const now = Date.now();
    for (const [key, entry] of [...this.entries]) {
      if (now - entry.at > FRESH_TTL_MS) {
        this.entries.delete(key);
      } else if (entry.folder) {
        if (now - entry.at >= FOLDER_RELIST_MS) {
          await relist(entry.uri);
          this.entries.delete(key); // once (after: relisting adds it again): later losses are the periodic reconciliation's
        }
      } else if (!(await restat(entry.uri))) {
        this.entries.delete(key);
      }
    }
    return this.entries.size > 0;
  }
}
