import vscode = require('vscode');
import { Disposable } from '../util/dispose';
import type { PkiLensSettings } from '../settings';
import { FolderScope, relativeTo } from './discovery';
import { expandExtraPaths } from './extraPaths';
import type { DiskEventSink } from './ports';

export interface ExtraFile {
  uri: vscode.Uri;
  maxBytes: number;
}

/**
 * `pkiLens.scan.extraKubeconfigs`: the files outside every workspace folder the index reads too
 * (desktop only: without a home folder, as in the browser, there are none). Each is watched on its
 * own, since the folder watchers never see it and `kubectl config` rewrites `~/.kube/config` often.
 */
export class ExtraFiles extends Disposable {
  private files = new Map<string, ExtraFile>();
  private watchers: vscode.Disposable[] = [];

  constructor(private readonly home: string | undefined, private readonly sink: Pick<DiskEventSink, 'diskChanged' | 'diskDeleted'>) {
    super();
    this._register({ dispose: () => this.unwatch() });
  }

  /** Read the setting again; files inside a workspace folder are left to that folder's scan. */
  update(scan: PkiLensSettings['scan'], scopes: readonly FolderScope[]): void {
    const maxBytes = Math.max(1, scan.maxFileSizeKB) * 1024;
    const next = new Map<string, ExtraFile>();
    for (const file of this.home === undefined ? [] : expandExtraPaths(scan.extraKubeconfigs ?? [], this.home)) {
      const uri = vscode.Uri.file(file);
      if (!scopes.some(s => relativeTo(s.folder, uri) !== undefined)) {
        next.set(uri.toString(), { uri, maxBytes });
      }
    }
    const same = next.size === this.files.size && [...next.keys()].every(k => this.files.has(k));
    this.files = next;
    if (!same) {
      this.watch();
    }
  }

  /** The size limit of an extra file; undefined for any other URI. */
  maxBytes(uri: vscode.Uri): number | undefined {
    return this.files.get(uri.toString())?.maxBytes;
  }

  list(): ExtraFile[] {
    return [...this.files.values()];
  }

  private watch(): void {
    this.unwatch();
    for (const { uri } of this.files.values()) {
      const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), name));
      watcher.onDidCreate(() => void this.sink.diskChanged(uri));
      watcher.onDidChange(() => void this.sink.diskChanged(uri));
      watcher.onDidDelete(() => void this.sink.diskDeleted(uri));
      this.watchers.push(watcher);
    }
  }

  private unwatch(): void {
    this.watchers.forEach(w => w.dispose());
    this.watchers = [];
  }
}
