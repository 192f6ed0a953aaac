import vscode = require('vscode');
import { yieldToEventLoop } from './turns';
import { type WalkedFile, walkFolder } from './folderWalk';
import { FolderListings } from './folderListings';
import { maybePause, runInSlices, timeSlices } from '../core/slices';
import { sampleRunsFirst } from '../core/collections';
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
export async function listCandidates(scope: FolderScope, token: vscode.CancellationToken, sliceMs = STARTING_SLICE_MS, turn = yieldToEventLoop, listed?: ListingUse, sample?: FolderSample): Promise<Candidate[]> {
  if (scope.folder.uri.scheme === 'file') {
    const local = await walkLocal(scope, token, sliceMs, turn, listed, sample);
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
 * What a scan may read while the listing goes on (headStart.ts): as the walk lists a folder, the
 * first `SAMPLE_ROUNDS` of its files whose names say material, in path order (the sample the complete
 * listing puts first, see `sameFolder`), and whether a link led to any file of the folder (then the
 * sample is empty). A folder searched through VS Code (not a local one) gives none.
 */
export type FolderSample = (sample: readonly ListedFile[], viaLink: boolean) => void;

/**
 * Every candidate of every folder: those reached through a link, in the folders' order and then as
 * listed; then the rest (a scan reads them in that order, see earlyFindings.ts), the files whose
 * names say certificate, key or kubeconfig first (`namesMaterial`), each of the two with the first
 * files of every folder first (`sameFolder`). `turn`: what the listing waits for between its slices
 * (a quiet reconciliation waits for a running build too, see index.ts). `sample`: each folder's
 * sample as it is listed (`FolderSample`).
 */
export async function listEveryFolder(scopes: readonly FolderScope[], token: vscode.CancellationToken, sliceMs = STARTING_SLICE_MS, turn = yieldToEventLoop, reread = false, sample?: FolderSample): Promise<{ linked: ListedFile[]; unlinked: ListedFile[] }> {
  // In slices too: 126,000 candidates made into the work list were one task of 35 ms, and the
  // collection it set off was the rest of a 121 ms gap (a profiled cold start at 100,000 files).
  const { pause } = timeSlices(turn, sliceMs);
  const linked: ListedFile[] = [];
  const named: ListedFile[] = [];
  const others: ListedFile[] = [];
  for (const scope of scopes) {
    for (const { uri, linked: viaLink } of await listCandidates(scope, token, sliceMs, turn, reread ? 'reread' : 'reuse', sample)) {
      (viaLink ? linked : namesMaterial(uri.path) ? named : others).push({ uri, maxBytes: scope.maxBytes, linked: viaLink });
      const due = maybePause(pause);
      if (due) {
        await due;
      }
    }
  }
  // Each group with a sample of every folder first (see `sameFolder`).
  const unlinked = await runInSlices(sampleRunsFirst(named, sameFolder, SAMPLE_ROUNDS, FILES_PER_STEP), pause, 'sample folders');
  for (const file of await runInSlices(sampleRunsFirst(others, sameFolder, SAMPLE_ROUNDS, FILES_PER_STEP), pause, 'sample folders')) {
    unlinked.push(file);
    const due = maybePause(pause);
    if (due) {
      await due;
    }
  }
  return { linked, unlinked };
}

/** Files grouped or handed out between two turns. */
const FILES_PER_STEP = 1024;

/**
 * The files of each folder read before the rest (see `sameFolder`): two, in case a folder's first
 * file is the one that differs (a CA beside the leaves it issued).
 */
const SAMPLE_ROUNDS = 2;

/**
 * Whether `file`, listed right after `previous`, is in the same folder. A cold start reads the first
 * files of every folder (`SAMPLE_ROUNDS`), then the rest folder after folder: findings gather by
 * folder (certificates issued together expire together; one cluster's pki/ holds the stale copies),
 * so the first file with a finding comes sooner wherever it sits. The bench workspace's first
 * expired batch is in its 18th folder: read folder after folder, 1,722 files without a finding came
 * first (0.7 s of a cold start). Only a sample, then folder after folder as before: a batch of
 * early findings then mostly holds one folder's, as before, where reading every folder a file at a
 * time to the end spread them over twice as many batches, each one more update of the Problems
 * panel. Runs of neighbours, not a map of folder strings: grouping 27,010 candidates by a string made
 * for each took 39 ms at its first run in Node, the runs 24 ms. A listing is sorted by path, so a
 * folder's files are neighbours except where a subfolder's sort between them (`a/b/x` between `a/a`
 * and `a/c`: `a/` then counts twice). The complete build is the same in any order: the index sorts
 * its files (records.ts).
 */
function sameFolder(previous: ListedFile, file: ListedFile): boolean {
  const a = previous.uri.path;
  const b = file.uri.path;
  const slash = a.lastIndexOf('/');
  return b.lastIndexOf('/') === slash && b.startsWith(a.slice(0, slash + 1));
}

function byPath(a: vscode.Uri, b: vscode.Uri): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * The same listing for a local folder, by walking it with Node's fs (folderWalk.ts): findFiles
 * hands every match through the search service (≈3–5 s for 27,000 matches in code-server), a walk
 * takes a fraction of that. Undefined when the walk cannot start (then findFiles does the job).
 */
async function walkLocal(scope: FolderScope, token: vscode.CancellationToken, sliceMs: number, turn: () => Promise<void>, listed: ListingUse | undefined, sample: FolderSample | undefined): Promise<Candidate[] | undefined> {
  const { pause } = timeSlices(turn, sliceMs);
  // The folder's URI with the path below it, not joinPath: the walk's paths are already normal (names
  // from readdir, never `.` or `..`), and joinPath's normalising took 34–326 ms of the host for 27,010
  // files where this takes 4–48 ms (the same URIs, string and fsPath, in the same start).
  const base = scope.folder.uri.path.endsWith('/') ? scope.folder.uri.path : `${scope.folder.uri.path}/`;
  const uriOf = (rel: string) => scope.folder.uri.with({ path: base + rel });
  const onFolder = sample && ((files: readonly WalkedFile[]) => sample(...folderSample(files, base, uriOf, scope.maxBytes)));
  const walk = { base: scope.folder.uri.fsPath, include: scope.include, exclude: scope.exclude, listings: listed && listings, readEveryFolder: listed === 'reread', onFolder };
  const walked = await walkFolder(walk, pause, () => token.isCancellationRequested);
  if (!walked) {
    return undefined;
  }
  const out: Candidate[] = [];
  for (const { rel, linked } of walked) {
    out.push({ uri: uriOf(rel), linked });
    const due = maybePause(pause);
    if (due) {
      await due;
    }
  }
  return out;
}

/** A folder's sample and whether a link led to it (see `FolderSample`), from its files as the walk listed them. */
function folderSample(files: readonly WalkedFile[], base: string, uriOf: (rel: string) => vscode.Uri, maxBytes: number): [ListedFile[], boolean] {
  if (files.some(f => f.linked)) {
    return [[], true];
  }
  // The first few in path order, picked in one pass: a folder may hold 40,000 files.
  const first: string[] = [];
  for (const { rel } of files) {
    if (namesMaterial(base + rel) && (first.length < SAMPLE_ROUNDS || rel < first[SAMPLE_ROUNDS - 1])) {
      const at = first.findIndex(r => rel < r);
      first.splice(at < 0 ? first.length : at, 0, rel);
      first.length = Math.min(first.length, SAMPLE_ROUNDS);
    }
  }
  return [first.map(rel => ({ uri: uriOf(rel), maxBytes, linked: false })), false];
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
