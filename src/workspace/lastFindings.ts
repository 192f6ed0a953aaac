// The findings of the last build, kept for the next start of the window (a reload, a restart), so
// the Problems panel is full at once instead of after the scan: the scan still runs, and its first
// build replaces what was restored (features/inventory/diagnostics.ts).
//
// A finding is restored only as it was computed, so only when it would be computed the same way:
//   - by this extension version, with the same settings and workspace folders;
//   - within the hour: the running window re-judges validity hourly (registerIndex.ts), so a
//     restored "expires in 10 days" is never staler than what a window left open shows;
//   - every file a finding or its related information points into stands as it was read (device,
//     inode, size, mtime and ctime: the stamp of knownFiles.ts, which no `touch -r` can fake), so
//     each range still falls on the same text. One changed file and nothing is restored.
// A file that changed without holding any finding (or a new file) cannot be seen without reading
// the workspace: its findings arrive with the build, seconds later, as on any start.
//
// The file (lastFindingsFile.ts) is lines of JSON followed by a line with their SHA-256 (a torn or
// damaged file is recognised, logged and ignored), written to a temporary name and renamed, 0600. It holds
// messages and positions, no key material (findings never quote a key).
import { type Stats, readFileSync, statSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import path = require('node:path');
import vscode = require('vscode');
import { maybePause, pauseEvery, timeSlices } from '../core/slices';
import type { Logger } from '../util/logger';
import { nextTurn, yieldToEventLoop } from './turns';
import { SLICE_MS } from './build';
import { removeAbandonedWrites } from './hashedFile';
import { RACY_MS, stampOf, stampText } from './knownFiles';
import { changedFile } from './stampCheck';
import { Contents, OtherFormat, RestoredFinding, Span, decodeLastFindings, writeLastFindings } from './lastFindingsFile';
import type { IndexedFile } from './model';
import type { IndexSnapshot } from './ports';
import type { FirstScanGate } from './scanGate';
import type { PkiLensConfiguration, PkiLensSettings } from '../settings';

export const LAST_FINDINGS_FILE = 'last-findings.json';
/** As old as a finding shown by a window left open may be (its hourly re-judgement). */
export const RESTORE_WITHIN_MS = 60 * 60 * 1000;

export type { RestoredFinding, Span } from './lastFindingsFile';

/** What the start found, for the log, the tests and the bench. */
export interface LastFindingsStats {
  /** shown: restored; absent: no file; version, settings, old, changed: not restorable, and why; corrupt: damaged. */
  state: 'pending' | 'absent' | 'shown' | 'version' | 'settings' | 'old' | 'changed' | 'corrupt';
  message?: string;
  restored: number;
  /** When this window last wrote the file (ms since the epoch), and how many findings it held. */
  savedAt?: number;
  savedFindings?: number;
}

export class LastFindings {
  readonly file: string;
  readonly stats: LastFindingsStats = { state: 'pending', restored: 0 };
  private saving: Promise<SaveOutcome> | undefined;
  private decide: () => void = () => undefined;
  /**
   * Settles once the start's restore is decided and, when it holds, handed to the index (whose
   * Problems panel then sends it first): the first scan starts after it (scanGate.ts).
   */
  readonly decided = new Promise<void>(resolve => (this.decide = resolve));

  constructor(folder: string, private readonly version: string, readonly logger: Logger) {
    this.file = path.join(folder, LAST_FINDINGS_FILE);
  }

  /** The last session's findings when they still hold (see the module comment); undefined, with the reason logged, otherwise. */
  async restore(settings: string, now = Date.now()): Promise<RestoredFinding[] | undefined> {
    const started = Date.now();
    void removeAbandonedWrites(this.file);
    let bytes: Buffer;
    try {
      // Synchronous, as the scan reads small files (files.ts): at activation the thread pool is busy
      // with the analysis cache's tens of megabytes, and this file (6.5 MB at 100,000 files) must not
      // queue behind them; read as bytes, each line decoded in its own turn (lastFindingsFile.ts).
      bytes = readFileSync(this.file);
    } catch {
      this.stats.state = 'absent';
      return undefined;
    }
    let contents: Contents;
    try {
      contents = await decodeLastFindings(bytes, timeSlices(nextTurn, DECODE_SLICE_MS).pause);
    } catch (e) {
      if (e instanceof OtherFormat) {
        return this.refuse('version', `last findings are in another layout (${e.message}): not shown`);
      }
      return this.refuse('corrupt', `last findings ${this.file} are damaged (${(e as Error).message}): ignored, the scan decides`);
    }
    if (contents.version !== this.version) {
      return this.refuse('version', `last findings were written by PKI Lens ${contents.version}, this is ${this.version}: not shown`);
    }
    if (contents.settings !== settings) {
      return this.refuse('settings', `last findings were computed with other ${settingsDifference(contents.settings, settings)}: not shown`);
    }
    if (now - contents.written > RESTORE_WITHIN_MS || now < contents.written) {
      return this.refuse('old', `last findings are from ${new Date(contents.written).toISOString()}, more than an hour ago: not shown`);
    }
    const read = Date.now();
    const changed = await changedFile(contents.files, fsPathOf);
    if (changed) {
      return this.refuse('changed', `last findings not shown: ${vscode.Uri.parse(changed).fsPath} changed since they were computed`);
    }
    this.stats.state = 'shown';
    this.stats.restored = contents.findings.length;
    this.logger.info(`last findings: ${contents.findings.length} shown from ${new Date(contents.written).toISOString()} while the scan confirms them (read in ${read - started} ms, ${contents.files.length} files found unchanged in ${Date.now() - read} ms)`);
    return contents.findings;
  }

  /**
   * Keep a build's findings for the next start, or remove the last ones when this build's cannot be
   * restored safely; 'racy' when a file they point into was written a moment ago (try again shortly).
   */
  save(snapshot: IndexSnapshot, settings: string): Promise<SaveOutcome> {
    this.saving ??= this.write(snapshot, settings).finally(() => {
      this.saving = undefined;
    });
    return this.saving;
  }

  /** The restore is decided (see `decided`). */
  markDecided(): void {
    this.decide();
  }

  private refuse(state: LastFindingsStats['state'], message: string): undefined {
    this.stats.state = state;
    this.stats.message = message;
    (state === 'corrupt' ? this.logger.warn : this.logger.info).call(this.logger, message);
    return undefined;
  }

  private async write(snapshot: IndexSnapshot, settings: string): Promise<SaveOutcome> {
    const files = await stampsAsRead(snapshot);
    if (!Array.isArray(files)) {
      await unlink(this.file).catch(() => undefined); // the disk moved on (or a file is being edited): the next start scans
      return files;
    }
    const span = (uri: string, range: { start: number; end: number }): Span => {
      const r = (snapshot.byUri.get(uri)?.lines)?.range(range);
      return r ? [r.start.line, r.start.character, r.end.line, r.end.character] : [0, 0, 0, 0];
    };
    // Placed one at a time as the file is written (lastFindingsFile.ts), between the host's turns.
    const findings = (function* (): Generator<RestoredFinding> {
      for (const f of snapshot.findings) {
        yield {
          code: f.code, severity: f.severity, message: f.message, uri: f.uri, range: span(f.uri, f.range),
          related: f.related.map(r => ({ uri: r.uri, range: span(r.uri, r.range), message: r.message })),
        };
      }
    })();
    try {
      const { pause } = timeSlices(yieldToEventLoop, SLICE_MS);
      this.stats.savedFindings = await writeLastFindings(this.file, { version: this.version, written: snapshot.now.getTime(), settings }, files, findings, pause);
      this.stats.savedAt = Date.now();
    } catch (e) {
      this.logger.warn(`last findings: could not write ${this.file} (${(e as Error).message})`);
    }
    return 'saved';
  }
}

/**
 * What findings depend on besides the files: the folders, and each one's thresholds, rules and scan
 * scope (not CodeLens, renewal, probe). Not `scan.extraKubeconfigs`: a machine setting, which a
 * remote window (code-server) reads one way while it starts and another once its settings are in,
 * so it would refuse every restore there; a restored finding in such a file still needs the file
 * unchanged, and the build drops it when the setting no longer names the file.
 */
export function settingsKey(folders: readonly string[], settingsOf: (folder?: string) => PkiLensSettings): string {
  const relevant = ({ expiry, rules, scan: { include, exclude, maxFileSizeKB } }: PkiLensSettings) => ({ expiry, rules, scan: { include, exclude, maxFileSizeKB } });
  return JSON.stringify([relevant(settingsOf()), ...folders.map(f => [f, relevant(settingsOf(f))])]);
}

/** For the log: "workspace folders", or which of `pkiLens.expiry`, `.rules`, `.scan` differ. */
function settingsDifference(before: string, now: string): string {
  try {
    const [a, b] = [JSON.parse(before), JSON.parse(now)] as [unknown[], unknown[]];
    const folders = (list: unknown[]) => JSON.stringify(list.slice(1).map(entry => (entry as [string])[0]));
    if (folders(a) !== folders(b)) {
      return 'workspace folders';
    }
    const sections = (list: unknown[]) => list.map((entry, i) => (i ? (entry as [string, Record<string, unknown>])[1] : entry) as Record<string, unknown>);
    const [x, y] = [sections(a), sections(b)];
    const differ = ['expiry', 'rules', 'scan'].filter(k => x.some((s, i) => JSON.stringify(s[k]) !== JSON.stringify(y[i][k])));
    return `settings (${differ.map(k => `pkiLens.${k}`).join(', ') || 'unknown'})`;
  } catch {
    return 'settings';
  }
}

/** saved; moved: a file stands otherwise than the build read it (nothing kept); racy: written a moment ago (nothing kept yet). */
export type SaveOutcome = 'saved' | 'moved' | 'racy';

/**
 * The stamp of every file the findings point into, when each stands on disk as the build read it
 * (same size and mtime; an open editor's text equal to the disk's) and settled (not written within
 * the last moments, where coarse timestamps could hide a second write).
 */
async function stampsAsRead(snapshot: IndexSnapshot): Promise<[string, string][] | 'moved' | 'racy'> {
  const { pause } = timeSlices(yieldToEventLoop, SLICE_MS);
  // The files the findings point into, gathered in steps too: 11,000 findings with their related
  // locations, gathered in one piece at 110,000 files, held the host for 38 ms and more.
  const uris = new Set<string>();
  const { findings } = snapshot;
  for (let i = 0; i < findings.length; i++) {
    uris.add(findings[i].uri);
    for (const r of findings[i].related) {
      uris.add(r.uri);
    }
    const turn = pauseEvery(pause, i, 'files of the findings');
    if (turn) {
      await turn;
    }
  }
  const now = Date.now();
  const stampOne = async (uri: string): Promise<[string, string] | 'moved' | 'racy'> => {
    const record = snapshot.byUri.get(uri);
    const fsPath = record?.uri.scheme === 'file' ? record.uri.fsPath : undefined;
    const stats = fsPath ? statOrUndefined(fsPath) : undefined;
    if (!record || !fsPath || !stats || !(await standsAsRead(record, fsPath, stats))) {
      return 'moved';
    }
    const stamp = stampOf(stats, uri);
    return now - Math.max(stamp.mtime, stamp.ctime) > RACY_MS ? [uri, stampText(stamp)] : 'racy';
  };
  // Synchronous stats in the builds' slices, as the scan's (files.ts): a local stat takes
  // microseconds. The callbacks of 256 stats in flight came back in one turn of the loop, and with
  // their checks held the host 69 ms at 100,000 files (a profiled run of the one-file save).
  const stamps: ([string, string] | 'moved' | 'racy')[] = [];
  for (const uri of uris) {
    stamps.push(await stampOne(uri));
    const turn = maybePause(pause);
    if (turn) {
      await turn;
    }
  }
  const refused = stamps.find(s => typeof s === 'string');
  return refused === undefined ? stamps as [string, string][] : stamps.includes('moved') ? 'moved' : refused as 'racy';
}

/** The local path of a URI as this window wrote it; undefined when it does not parse. */
function fsPathOf(uri: string): string | undefined {
  try {
    return vscode.Uri.parse(uri).fsPath;
  } catch {
    return undefined;
  }
}

function statOrUndefined(fsPath: string): Stats | undefined {
  try {
    return statSync(fsPath);
  } catch {
    return undefined;
  }
}

async function standsAsRead(record: IndexedFile, fsPath: string, stats: { size: number; mtimeMs: number }): Promise<boolean> {
  if (record.origin === 'editor') {
    return (await readFile(fsPath, 'utf8').catch(() => undefined)) === record.text;
  }
  return record.size === stats.size && record.mtime === Math.floor(stats.mtimeMs);
}

/**
 * Slices in which the file is decoded at a start: longer than the scan's 8 ms, so 10,000 files'
 * findings (about 10 ms of work) take no turn, which a starting window can hand back 100 ms later;
 * 100,000 files' take a few, each well under the 50 ms the host may be held.
 */
const DECODE_SLICE_MS = 20;

/** How long after a build its findings are written: a burst of builds (a checkout, typing) costs one write. */
const SAVE_DELAY_MS = 2000;

/** What the index offers this module: its builds, and a way to show restored findings before the first. */
export interface RestoringIndex {
  readonly onDidChange: vscode.Event<IndexSnapshot>;
  readonly snapshot: IndexSnapshot | undefined;
  showRestored(findings: readonly RestoredFinding[]): void;
  readonly firstScanGate: Pick<FirstScanGate, 'after'>;
}

/**
 * At start, show the last session's findings when they still hold; after every build, keep its
 * findings for the next start (once builds settle, and when the window closes).
 */
export function registerLastFindings(store: LastFindings, index: RestoringIndex, settings: PkiLensConfiguration): vscode.Disposable {
  const key = () => settingsKey((vscode.workspace.workspaceFolders ?? []).map(f => f.uri.toString()), folder => settings.get(folder));
  // The first scan starts once the restore is decided (scanGate.ts).
  index.firstScanGate.after(store.decided);
  // As soon as activation returns (it stays short), in the same turn: an immediate waited 150–250 ms
  // while a window starts, behind the other extensions activating, for work of a few tens of milliseconds.
  queueMicrotask(() => void store.restore(key()).then(
    findings => findings && index.showRestored(findings),
    e => store.logger.error('restoring the last findings failed', e)).finally(() => store.markDecided()));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const save = async () => {
    timer = undefined;
    const snapshot = index.snapshot;
    // A file written a moment ago cannot be stamped safely yet: once it has settled (unless a newer build saves first).
    if (snapshot && await store.save(snapshot, key()) === 'racy' && index.snapshot === snapshot && !timer && !disposed) {
      timer = setTimeout(() => void save(), RACY_MS);
    }
  };
  const subscription = index.onDidChange(() => {
    clearTimeout(timer);
    timer = setTimeout(() => void save(), SAVE_DELAY_MS);
  });
  return new vscode.Disposable(() => {
    disposed = true;
    subscription.dispose();
    if (timer) {
      clearTimeout(timer);
      void save();
    }
  });
}
