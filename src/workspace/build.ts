import vscode = require('vscode');
import { ExpiryThresholds } from '../core/x509/expiry';
import { Inventory } from '../core/inventory/inventory';
import { Finding, RuleSettings } from '../core/checks';
import { PipelineHost, localFindings, runPipeline } from '../core/pipeline/pipeline';
import { Pause, maybePause, stoppable, timeSlices } from '../core/slices';
import { yieldToEventLoop } from './turns';
import { Logger } from '../util/logger';
import { IndexedFile } from './model';

export type { Finding } from '../core/checks';

export interface BuildResult {
  inventory: Inventory;
  /** The built files by URI string (the `uri` of inventory inputs and findings). */
  byUri: ReadonlyMap<string, IndexedFile>;
  findings: readonly Finding[];
  /** The longest the build held the extension host between two turns, and doing what (for the log). */
  longestStep?: { ms: number; step: string };
}

export interface BuildOptions {
  now: Date;
  /** The thresholds of the file at a URI (each workspace folder may have its own). */
  thresholdsFor: (uri: string) => ExpiryThresholds;
  /** `pkiLens.rules.<code>` of the file at a URI (per workspace folder). */
  rulesFor?: (uri: string) => RuleSettings | undefined;
  logger: Logger;
  /** The reported file for any URI the index holds (a symlink target resolves to the symlink). */
  resolve: (uri: string) => IndexedFile | undefined;
  /** True once a newer build has started: this one stops at its next turn (`BuildSuperseded`) instead of finishing unseen. */
  superseded?: () => boolean;
}

/** A build stopped because a newer one started (files changed again while it ran). */
export class BuildSuperseded extends Error {
  constructor() {
    super('superseded by a newer build');
  }
}

/** The longest the build holds the extension host before handing it a turn. */
export const SLICE_MS = 8;

/** The core pipeline over the index's files: this only says how VS Code names, resolves and logs. */
export async function buildWorkspace(files: readonly IndexedFile[], options: BuildOptions): Promise<BuildResult> {
  const slices = timeSlices(yieldToEventLoop, SLICE_MS);
  const { superseded } = options;
  // Checked at every turn handed back: a burst of changes (a renewal writing twenty files) costs
  // the builds it made obsolete at most a slice each, not a whole pass each beside the newest.
  const pause = superseded ? stoppable(slices.pause, superseded, () => new BuildSuperseded()) : slices.pause;
  const result = await runPipeline(files, pipelineHost(options, pause), { now: options.now, thresholdsFor: options.thresholdsFor, rulesFor: options.rulesFor });
  const byUri = await filesByUri(files, pause);
  await indexLines(byUri, result.findings, pause);
  return { ...result, byUri, longestStep: slices.longest };
}

/** Files handled between two looks at the clock while `filesByUri` makes its map. */
const FILES_PER_LOOK = 256;

/** `files` by URI string, made in slices: 110,000 files at once held the host for 30–50 ms. */
export async function filesByUri(files: readonly IndexedFile[], pause: Pause): Promise<Map<string, IndexedFile>> {
  const byUri = new Map<string, IndexedFile>();
  for (let i = 0; i < files.length; i++) {
    byUri.set(files[i].uri.toString(), files[i]);
    if (i % FILES_PER_LOOK === FILES_PER_LOOK - 1) {
      const turn = maybePause(pause, 'files by URI');
      if (turn) {
        await turn;
      }
    }
  }
  return byUri;
}

/**
 * The findings the pipeline can give for some files before the rest are read (`localFindings`,
 * the rules that judge a file by itself), with their line indexes made: the first findings of a cold start.
 * `turn`: how its slices hand the host a turn (earlyFindings.ts: the first batches go first).
 */
export async function buildLocalFindings(files: readonly IndexedFile[], options: BuildOptions, turn = yieldToEventLoop): Promise<readonly Finding[]> {
  const slices = timeSlices(turn, SLICE_MS);
  const findings = await localFindings(files, pipelineHost(options, slices.pause), { now: options.now, thresholdsFor: options.thresholdsFor, rulesFor: options.rulesFor });
  await indexLines(await filesByUri(files, slices.pause), findings, slices.pause);
  return findings;
}

function pipelineHost(options: BuildOptions, pause: Pause): PipelineHost<IndexedFile> {
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const folders = (vscode.workspace.workspaceFolders ?? []).map(f => `${f.name}\n${f.uri.toString()}`).join('\n');
  return {
    describe: file => ({ uri: file.uri.toString(), relativePath: file.describedPath(folders, () => relativePath(file.uri, multiRoot)) }),
    // kubeconfig `client-certificate: ../pki/admin.crt`: relative to the kubeconfig's own folder;
    // only files the index holds can be followed, a symlink's target to whichever spelling it reports.
    resolvePath: (file, value) => {
      const target = value.startsWith('/') ? file.uri.with({ path: value }) : vscode.Uri.joinPath(file.uri, '..', value);
      return options.resolve(target.toString())?.uri.toString();
    },
    onCheckFailure: (rule, e) => options.logger.error(`check ${rule} failed`, e),
    // Linking and checking 10,000 certificates takes about a second: in slices, so the host never stalls.
    pause,
  };
}

/**
 * The line index of every file a finding points into, made now, in slices: a file a reload did not
 * read (see knownFiles.ts) is read here, rather than all at once when the Problems panel is filled.
 */
async function indexLines(byUri: ReadonlyMap<string, IndexedFile>, findings: readonly Finding[], pause: Pause): Promise<void> {
  const uris = new Set(findings.flatMap(f => [f.uri, ...f.related.map(r => r.uri)]));
  for (const uri of uris) {
    void byUri.get(uri)?.lines;
    const turn = maybePause(pause, 'line index');
    if (turn) {
      await turn;
    }
  }
}

/** `pki/ca.crt` inside its workspace folder; `<folder name>/pki/ca.crt` when several folders are open, so trees do not mix. */
export function relativePath(uri: vscode.Uri, multiRoot: boolean): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) {
    return uri.path.replace(/^\/+/, '');
  }
  const rel = uri.path.slice(folder.uri.path.replace(/\/$/, '').length + 1);
  return multiRoot ? `${folder.name}/${rel}` : rel;
}
