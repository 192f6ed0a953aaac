import vscode = require('vscode');
import { Disposable } from '../util/dispose';
import { Logger } from '../util/logger';
import type { DiskEventSink } from './ports';

export type WatcherEventKind = 'create' | 'change' | 'delete';
/** True when an event must not reach the index (the test seam in withheldEvents.ts; absent in normal use). */
export type WithholdEvent = (kind: WatcherEventKind, uri: vscode.Uri) => boolean;

/**
 * Keeps the index current with the disk. One recursive watcher per workspace folder on every file:
 * include/exclude are applied by the index, and a folder moved in or deleted arrives as a single
 * event for the folder, which only a watcher on everything sees. Events are a fast path, not the
 * truth: VS Code's watcher can miss them (new folders, busy or limited inotify, network and
 * container file systems), and the reconciler makes the index converge on the disk without them.
 */
export class WorkspaceWatcher extends Disposable {
  private watchers: vscode.Disposable[] = [];

  constructor(private readonly index: DiskEventSink, private readonly logger: Logger, private readonly withhold?: WithholdEvent) {
    super();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.watchFolders()));
    this._register({ dispose: () => this.disposeWatchers() });
    this.watchFolders();
  }

  private watchFolders(): void {
    this.disposeWatchers();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
      watcher.onDidCreate(uri => this.passes('create', uri) && void this.changed(uri, true));
      watcher.onDidChange(uri => this.passes('change', uri) && void this.changed(uri, false));
      watcher.onDidDelete(uri => this.passes('delete', uri) && void this.index.diskDeleted(uri).catch(e => this.logger.error('handling a deletion failed', e)));
      this.watchers.push(watcher);
    }
  }

  private passes(kind: WatcherEventKind, uri: vscode.Uri): boolean {
    if (this.withhold?.(kind, uri)) {
      this.logger.info(`watcher: ${kind} event withheld for ${uri.toString()}`);
      return false;
    }
    return true;
  }

  private async changed(uri: vscode.Uri, created: boolean): Promise<void> {
    try {
      if (created) {
        const stat = await vscode.workspace.fs.stat(uri).then(s => s, () => undefined);
        if (stat && stat.type & vscode.FileType.Directory) {
          await this.index.folderCreated(uri);
          return;
        }
      }
      if (this.index.inScope(uri)) {
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
