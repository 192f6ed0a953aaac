import vscode = require('vscode');
import { yieldToEventLoop } from './async';
import { walkFolder } from './folderWalk';
import { FolderListings } from './folderListings';
import { maybePause, timeSlices } from '../core/slices';
import type { PkiLensSettings } from '../settings';
import { PathFilter, expandBraces } from '../core/pipeline/glob';
import { namesMaterial } from '../core/pipeline/scanDefaults';

/** The scan settings of one workspace folder, compiled. */
export interface FolderScope {
  folder: vscode.WorkspaceFolder;
  include: string[];
  exclude: string[];
  maxBytes: number;
  filter: PathFilter;
}

export function folderScope(folder: vscode.WorkspaceFolder, { include, exclude, maxFileSizeKB }: PkiLensSettings['scan']): FolderScope {
  return { folder, include, exclude, maxBytes: Math.max(1, maxFileSizeKB) * 1024, filter: new PathFilter(include, exclude) };
}

/** Path of `uri` relative to `folder`, `/`-separated, or undefined when it lies outside. */
export function relativeTo(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string | undefined {
  if (uri.scheme !== folder.uri.scheme || uri.authority !== folder.uri.authority) {
    return undefined;
  }
  const base = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
  return uri.path.startsWith(base) ? uri.path.slice(base.length) : undefined;
}

/** The scope that would scan `uri`, if any: it lies in a workspace folder and passes that folder's include/exclude. */
export function scopeFor(scopes: readonly FolderScope[], uri: vscode.Uri): FolderScope | undefined {
  // The innermost folder wins in nested multi-root setups, as VS Code's getWorkspaceFolder does.
  let best: { scope: FolderScope; rel: string } | undefined;
  for (const scope of scopes) {
    const rel = relativeTo(scope.folder, uri);
    if (rel !== undefined && (!best || rel.length < best.rel.length)) {
      best = { scope, rel };
    }
  }
  return best && best.scope.filter.matches(best.rel) ? best.scope : undefined;
}

/**
 * A file a scan would read. `linked`: reached through a symlink (the file is one, or lies in a
 * symlinked folder), so another path may name the same real file and be the one reported.
 */
export interface Candidate {
  uri: vscode.Uri;
  linked: boolean;
}

/**
 * Every candidate file of a folder, in one search: the include globs are expanded and joined into
 * one `{…}` group (VS Code globs do not nest braces), since each findFiles is a full walk of the
 * folder. Excludes go to the search itself so node_modules is never walked, and are applied again
 * here in case a pattern could not be passed down.
 */
export async function listCandidates(scope: FolderScope, token: vscode.CancellationToken, sliceMs = STARTING_SLICE_MS, turn = yieldToEventLoop, listed?: ListingUse): Promise<Candidate[]> {
  if (scope.folder.uri.scheme === 'file') {
    const local = await walkLocal(scope, token, sliceMs, turn, listed);
    if (local) {
      return local;
    }
  }
  const includes = [...new Set(scope.include.flatMap(expandBraces))];
  if (!includes.length || token.isCancellationRequested) {
    return [];
  }
  const include = includes.length === 1 ? includes[0] : `{${includes.join(',')}}`;
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(scope.folder, include), joinGlobs(scope.exclude), undefined, token);
  const seen = new Map<string, vscode.Uri>();
  for (const uri of found) {
    const rel = relativeTo(scope.folder, uri);
    if (rel !== undefined && scope.filter.matches(rel)) {
      seen.set(uri.toString(), uri);
    }
  }
  // The search service does not say which matches are symlinks: none is taken for one.
  return [...seen.values()].sort(byPath).map(uri => ({ uri, linked: false }));
}

/**
 * The slices of a scan while the window starts: 25 ms, as for the reload's stamps (lastFindings.ts).
 * Then each turn handed over comes back 50–100 ms later, and the walk's ≈150 ms of work in 8 ms
 * slices waited 0.7–1.2 s; in 25 ms slices 0.5–0.6 s (two cold starts each), the first findings
 * 0.6–1.3 s sooner. A later scan (a rescan, a reconciliation) runs in the builds' 8 ms slices: beside
 * a rebuild's task (a republish after a watcher event, 31 ms) a 25 ms slice made a 56 ms gap.
 */
export const STARTING_SLICE_MS = 25;

/** A candidate to read, with its folder's size limit. */
export interface ListedFile {
  uri: vscode.Uri;
  maxBytes: number;
  linked: boolean;
}

/**
 * Every candidate of every folder: those reached through a link, then the rest (a scan reads them
 * in that order, see earlyFindings.ts), each in the folders' order and then as listed, the rest with
 * the files whose names say certificate, key or kubeconfig first (`namesMaterial`). `turn`: what
 * the listing waits for between its slices (a quiet reconciliation waits for a running build too,
 * see index.ts).
 */
export async function listEveryFolder(scopes: readonly FolderScope[], token: vscode.CancellationToken, sliceMs = STARTING_SLICE_MS, turn = yieldToEventLoop, reread = false): Promise<{ linked: ListedFile[]; unlinked: ListedFile[] }> {
  // In slices too: 126,000 candidates made into the work list were one task of 35 ms, and the
  // collection it set off was the rest of a 121 ms gap (a profiled cold start at 100,000 files).
  const { pause } = timeSlices(turn, sliceMs);
  const linked: ListedFile[] = [];
  const named: ListedFile[] = [];
  const others: ListedFile[] = [];
  for (const scope of scopes) {
    for (const { uri, linked: viaLink } of await listCandidates(scope, token, sliceMs, turn, reread ? 'reread' : 'reuse')) {
      (viaLink ? linked : namesMaterial(uri.path) ? named : others).push({ uri, maxBytes: scope.maxBytes, linked: viaLink });
      const due = maybePause(pause);
      if (due) {
        await due;
      }
    }
  }
  for (const file of others) {
    named.push(file);
    const due = maybePause(pause);
    if (due) {
      await due;
    }
  }
  return { linked, unlinked: named };
}

function byPath(a: vscode.Uri, b: vscode.Uri): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * The same listing for a local folder, by walking it with Node's fs (folderWalk.ts): findFiles
 * hands every match through the search service (≈3–5 s for 27,000 matches in code-server), a walk
 * takes a fraction of that. Undefined when the walk cannot start (then findFiles does the job).
 */
async function walkLocal(scope: FolderScope, token: vscode.CancellationToken, sliceMs: number, turn: () => Promise<void>, listed: ListingUse | undefined): Promise<Candidate[] | undefined> {
  const { pause } = timeSlices(turn, sliceMs);
  const walk = { base: scope.folder.uri.fsPath, include: scope.include, exclude: scope.exclude, listings: listed && listings, readEveryFolder: listed === 'reread' };
  const walked = await walkFolder(walk, pause, () => token.isCancellationRequested);
  if (!walked) {
    return undefined;
  }
  // The folder's URI with the path below it, not joinPath: the walk's paths are already normal (names
  // from readdir, never `.` or `..`), and joinPath's normalising took 34–326 ms of the host for 27,010
  // files where this takes 4–48 ms (the same URIs, string and fsPath, in the same start).
  const base = scope.folder.uri.path.endsWith('/') ? scope.folder.uri.path : `${scope.folder.uri.path}/`;
  const out: Candidate[] = [];
  for (const { rel, linked } of walked) {
    out.push({ uri: scope.folder.uri.with({ path: base + rel }), linked });
    const due = maybePause(pause);
    if (due) {
      await due;
    }
  }
  return out;
}

/**
 * What the window's scans took from each folder: a rescan reads only the folders that changed since
 * (folderListings.ts); a Refresh reads every folder ('reread'). A walk of a folder just created takes none.
 */
const listings = new FolderListings();
export type ListingUse = 'reuse' | 'reread';

/** The excludes as one `{a,b,c}` glob (braces expanded first); null when there are none. */
function joinGlobs(patterns: readonly string[]): vscode.GlobPattern | null {
  const all = [...new Set(patterns.flatMap(expandBraces))];
  if (!all.length) {
    return null;
  }
  return all.length === 1 ? all[0] : `{${all.join(',')}}`;
}
