import * as vscode from 'vscode';
import { Disposable } from '../util/dispose';
import { Logger } from '../util/logger';
import type { WorkspaceIndex } from './index';

/**
 * Keeps the index current with the disk. One recursive watcher per workspace folder on every file:
 * include/exclude are applied by the index, and a folder moved in or deleted arrives as a single
 * event for the folder, which only a watcher on everything sees.
 */
export class WorkspaceWatcher extends Disposable {
  private watchers: vscode.Disposable[] = [];

  constructor(private readonly index: WorkspaceIndex, private readonly logger: Logger) {
    super();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.watchFolders()));
    this._register({ dispose: () => this.disposeWatchers() });
    this.watchFolders();
  }

  private watchFolders(): void {
    this.disposeWatchers();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
      watcher.onDidCreate(uri => void this.changed(uri, true));
      watcher.onDidChange(uri => void this.changed(uri, false));
      watcher.onDidDelete(uri => void this.index.diskDeleted(uri).catch(e => this.logger.error('handling a deletion failed', e)));
      this.watchers.push(watcher);
    }
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
