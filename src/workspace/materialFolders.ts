// Which folders PKI Lens's own watch follows (ownWatch.ts): those holding material, after each build.
import vscode = require('vscode');
import { Logger } from '../util/logger';
import type { WorkspaceIndex } from './index';
import type { IndexedFile } from './model';
import { OwnFolderWatch } from './ownWatch';
import type { WorkspaceWatcher } from './watcher';

/**
 * PKI Lens's own watch of the folders holding material (ownWatch.ts), following each build's files.
 * Linux only: inotify is cheap, and VS Code's watcher draws on the same watches there; elsewhere
 * VS Code's watcher alone (on Windows a folder with an open watch handle cannot be renamed).
 */
export function followMaterialFolders(context: vscode.ExtensionContext, index: WorkspaceIndex, watcher: WorkspaceWatcher, logger: Logger): OwnFolderWatch | undefined {
  if (process.platform !== 'linux') {
    return undefined;
  }
  let failures = 0;
  const own = new OwnFolderWatch(entries => void watcher.ownChanged(entries), folder => {
    if (failures++ < 3) {
      logger.info(`own watch: ${folder} cannot be watched; VS Code's watcher still reports it`);
    }
  });
  // In a task of its own after the build's listeners (the Problems panel first); the folders are made again
  // only when files came or went (8–16 ms of the extension host at 11,000 files, a pass over their paths 1 ms).
  let followed: readonly IndexedFile[] | undefined;
  let logged = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const follow = () => {
    timer = undefined;
    const files = index.snapshot?.files;
    if (!files || sameFiles(files, followed)) {
      return; // the same files (a relink after a file's material changed hands out a new list of them): the same folders
    }
    followed = files;
    const { watched, over } = own.watch(materialFolders(files, (vscode.workspace.workspaceFolders ?? []).map(f => f.uri)));
    const line = `own watch: ${watched} folders with material watched${over ? ` (${over} more left to VS Code's watcher)` : ''}`;
    if (line !== logged) {
      logger.info((logged = line));
    }
  };
  context.subscriptions.push(own, { dispose: () => clearTimeout(timer) }, index.onDidChange(() => {
    timer ??= setTimeout(follow, 0);
  }));
  return own;
}

/** The same files in the same order, by path: a pass of string comparisons, not a set of folders made again. */
function sameFiles(a: readonly IndexedFile[], b: readonly IndexedFile[] | undefined): boolean {
  if (a === b) {
    return true;
  }
  if (!b || a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i].uri.path !== b[i].uri.path) {
      return false;
    }
  }
  return true;
}

/**
 * The folders the own watch follows (ownWatch.ts): those holding a file with material read from a
 * local disk inside a workspace folder (an extra kubeconfig outside them has a watcher of its own,
 * extraFiles.ts).
 */
export function materialFolders(files: readonly IndexedFile[], roots: readonly vscode.Uri[]): string[] {
  const folders = new Set<string>();
  // Files come in path order, most of them beside the one before: its folder is taken again without a
  // new string (a slice per file for 11,000 files, after every build, was 8–16 ms of the extension host).
  let last = '';
  for (const file of files) {
    if (file.uri.scheme !== 'file' || file.origin !== 'disk') {
      continue;
    }
    const filePath = file.uri.path;
    const slash = filePath.lastIndexOf('/');
    if (slash !== last.length || !filePath.startsWith(last)) {
      last = filePath.slice(0, slash);
      folders.add(last);
    }
  }
  const bases = roots.filter(r => r.scheme === 'file').map(r => r.path.replace(/\/+$/, ''));
  return [...folders].filter(f => bases.some(b => f === b || f.startsWith(`${b}/`))).map(f => vscode.Uri.file(f).fsPath);
}
