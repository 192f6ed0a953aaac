// Which folders PKI Lens's own watch follows (ownWatch.ts): those holding material, after each build.
import vscode = require('vscode');
import { Logger } from '../util/logger';
import type { WorkspaceIndex } from './index';
import type { IndexedFile } from './model';
import { PathFilter } from '../core/pipeline/glob';
import type { PkiLensConfiguration } from '../settings';
import { OwnFolderWatch } from './ownWatch';
import type { WorkspaceWatcher } from './watcher';

/**
 * PKI Lens's own watch of the folders holding material (ownWatch.ts), following each build's files
 * and `pkiLens.scan.ownWatch`. Linux only, where it was measured: inotify is cheap, and VS Code's
 * watcher draws on the same watches there. Elsewhere VS Code's watcher alone: on Windows an open
 * handle on a folder can keep it and its parents from being renamed; macOS was not measured here.
 */
export function followMaterialFolders(context: vscode.ExtensionContext, index: WorkspaceIndex, watcher: WorkspaceWatcher, logger: Logger, settings: PkiLensConfiguration): OwnFolderWatch | undefined {
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
    const on = settings.get().scan.ownWatch;
    const roots = (vscode.workspace.workspaceFolders ?? []).map(f => ({ uri: f.uri, excluded: watcherExclude(f.uri) }));
    const { watched, over } = own.watch(on ? materialFolders(files, roots) : []);
    const line = on ? `own watch: ${watched} folders with material watched${over ? ` (${over} more left to VS Code's watcher)` : ''}` : 'own watch: off (pkiLens.scan.ownWatch)';
    if (line !== logged) {
      logger.info((logged = line));
    }
  };
  const again = () => {
    followed = undefined;
    timer ??= setTimeout(follow, 0);
  };
  context.subscriptions.push(own, { dispose: () => clearTimeout(timer) }, index.onDidChange(() => {
    timer ??= setTimeout(follow, 0);
  }), vscode.workspace.onDidChangeConfiguration(e => {
    if (e.affectsConfiguration('pkiLens.scan.ownWatch') || e.affectsConfiguration('files.watcherExclude')) {
      again();
    }
  }));
  return own;
}

/**
 * `files.watcherExclude` of a workspace folder (patterns set to true), as a filter of folder paths
 * relative to it: what a person told VS Code not to watch, the own watch does not watch either.
 */
function watcherExclude(root: vscode.Uri): PathFilter {
  const patterns = vscode.workspace.getConfiguration('files', root).get<Record<string, boolean>>('watcherExclude') ?? {};
  return new PathFilter([], Object.keys(patterns).filter(p => patterns[p] === true));
}

/** A folder (relative to its workspace folder) the exclusions take: itself, or everything below it. */
function excludedFolder(rel: string, excluded: PathFilter): boolean {
  return rel !== '' && (excluded.excludes(rel) || excluded.excludesFolder(rel));
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

/** A workspace folder and what `files.watcherExclude` takes out of it. */
export interface WatchedRoot {
  uri: vscode.Uri;
  excluded: PathFilter;
}

/**
 * The folders the own watch follows (ownWatch.ts): those holding a file with material read from a
 * local disk inside a workspace folder and not in its `files.watcherExclude` (an extra kubeconfig
 * outside every folder has a watcher of its own, extraFiles.ts).
 */
export function materialFolders(files: readonly IndexedFile[], roots: readonly WatchedRoot[]): string[] {
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
  const bases = roots.filter(r => r.uri.scheme === 'file').map(r => ({ base: r.uri.path.replace(/\/+$/, ''), excluded: r.excluded }));
  const out: string[] = [];
  for (const folder of folders) {
    // The innermost workspace folder holding it, as its files' settings go (discovery.ts scopeFor).
    let root: { base: string; excluded: PathFilter } | undefined;
    for (const r of bases) {
      if ((folder === r.base || folder.startsWith(`${r.base}/`)) && (!root || r.base.length > root.base.length)) {
        root = r;
      }
    }
    if (root && !excludedFolder(folder.slice(root.base.length + 1), root.excluded)) {
      out.push(vscode.Uri.file(folder).fsPath);
    }
  }
  return out;
}
