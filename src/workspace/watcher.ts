import vscode = require('vscode');
import { lstatSync, statSync } from 'node:fs';
import { Disposable } from '../util/dispose';
import { Logger } from '../util/logger';
import type { DiskEventSink } from './ports';
import { ChangedEntry, RecentChanges } from './ownWatch';

export type WatcherEventKind = 'create' | 'change' | 'delete';
/** Whose event: VS Code's file watcher, or PKI Lens's own watch of the folders with material (ownWatch.ts). */
export type WatcherEventSource = 'vscode' | 'own';
/** True when an event must not reach the index (the test seam in withheldEvents.ts; absent in normal use). */
export type WithholdEvent = (kind: WatcherEventKind, uri: vscode.Uri, source: WatcherEventSource) => boolean;

/** Events that reached the index, by source, and VS Code's taken for a change the own watch had reported (for the tests). */
export interface WatcherCounts {
  vscode: number;
  own: number;
  sameChange: number;
  /** The URIs of the last 16 of those, the latest last. */
  sameChangeUris: string[];
}

/**
 * Keeps the index current with the disk. One recursive watcher per workspace folder on every file:
 * include/exclude are applied by the index, and a folder moved in or deleted arrives as a single
 * event for the folder, which only a watcher on everything sees. Events are a fast path, not the
 * truth: VS Code's watcher can miss them (new folders, busy or limited inotify, network and
 * container file systems), and the reconciler makes the index converge on the disk without them.
 * The own watch's events (`ownChanged`) take the same way, sooner; VS Code's later event for a
 * change it reported is dropped (RecentChanges).
 */
export class WorkspaceWatcher extends Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly recent = new RecentChanges();
  readonly counts: WatcherCounts = { vscode: 0, own: 0, sameChange: 0, sameChangeUris: [] };
  private readonly changedEmitter = this._register(new vscode.EventEmitter<vscode.Uri>());
  /**
   * A file or folder of a workspace folder changed on disk (created, written, deleted), by whichever
   * watch saw it first: each change once, as the index is told of it. For what must follow the disk
   * beside the index (the probe's reports, which a late second event would clear after a newer probe).
   */
  readonly onDidChangeFile = this.changedEmitter.event;

  constructor(private readonly index: DiskEventSink, private readonly logger: Logger, private readonly withhold?: WithholdEvent) {
    super();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.watchFolders()));
    this._register({ dispose: () => this.disposeWatchers() });
    this.watchFolders();
  }

  /**
   * Entries of folders the own watch follows changed: handled as VS Code's events are. The disk says
   * what each is now: gone (a delete), a folder that came (a create: its files come without events
   * of their own), or a file (a change; a file that came is told from one that changed no better).
   */
  async ownChanged(entries: readonly ChangedEntry[]): Promise<void> {
    await Promise.all(entries.map(async ({ fsPath, renamed }) => {
      const uri = vscode.Uri.file(fsPath);
      const stat = localEntry(fsPath);
      const folder = stat === 'folder';
      if (folder && !renamed) {
        return; // a folder's attributes or times: nothing came or went
      }
      const kind: WatcherEventKind = !stat ? 'delete' : folder ? 'create' : 'change';
      if (!this.passes(kind, uri, 'own')) {
        return;
      }
      this.counts.own++;
      this.recent.note(uri.toString());
      this.changedEmitter.fire(uri);
      if (!stat) {
        await this.index.diskDeleted(uri).catch(e => this.logger.error('handling a deletion failed', e));
      } else {
        await this.changed(uri, folder);
      }
    }));
  }

  private watchFolders(): void {
    this.disposeWatchers();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
      watcher.onDidCreate(uri => this.fromVscode('create', uri) && void this.created(uri));
      watcher.onDidChange(uri => this.fromVscode('change', uri) && void this.changed(uri, false));
      watcher.onDidDelete(uri => this.fromVscode('delete', uri) && void this.index.diskDeleted(uri).catch(e => this.logger.error('handling a deletion failed', e)));
      this.watchers.push(watcher);
    }
  }

  /**
   * An event of VS Code's watcher to handle: not withheld, and not for a file the own watch reported
   * lately, deletions too (a file deleted and written again: VS Code's late delete would drop what
   * the own watch read back).
   */
  private fromVscode(kind: WatcherEventKind, uri: vscode.Uri): boolean {
    if (!this.passes(kind, uri, 'vscode')) {
      return false;
    }
    const key = uri.toString();
    if (this.recent.covers(key)) {
      this.counts.sameChange++;
      this.counts.sameChangeUris = [...this.counts.sameChangeUris.slice(-15), key];
      return false;
    }
    this.counts.vscode++;
    this.changedEmitter.fire(uri);
    return true;
  }

  private passes(kind: WatcherEventKind, uri: vscode.Uri, source: WatcherEventSource): boolean {
    if (this.withhold?.(kind, uri, source)) {
      this.logger.info(`watcher: ${kind} event (${source}) withheld for ${uri.toString()}`);
      return false;
    }
    return true;
  }

  private async created(uri: vscode.Uri): Promise<void> {
    const stat = await vscode.workspace.fs.stat(uri).then(s => s, () => undefined);
    await this.changed(uri, !!stat && !!(stat.type & vscode.FileType.Directory));
  }

  private async changed(uri: vscode.Uri, folder: boolean): Promise<void> {
    try {
      if (folder) {
        await this.index.folderCreated(uri);
      } else if (this.index.inScope(uri)) {
        await this.index.diskChanged(uri);
      }
    } catch (e) {
      this.logger.error('handling a file event failed', e);
    }
  }

  private disposeWatchers(): void {
    this.watchers.forEach(w => w.dispose());
    this.watchers = [];
  }
}

/**
 * What a local path is now, by the disk: one lstat (a second stat for a symlink), synchronous as the
 * scan's reads are (files.ts). Not workspace.fs.stat: in a remote window it is a round trip to the
 * server's main process, which took 56–96 ms while the bench's window was busy, and VS Code's own
 * event for the change came in the meantime. A dangling symlink is a file (its read finds it gone).
 */
function localEntry(fsPath: string): 'file' | 'folder' | undefined {
  try {
    const link = lstatSync(fsPath);
    if (link.isSymbolicLink()) {
      try {
        return statSync(fsPath).isDirectory() ? 'folder' : 'file';
      } catch {
        return 'file';
      }
    }
    return link.isDirectory() ? 'folder' : 'file';
  } catch {
    return undefined;
  }
}
