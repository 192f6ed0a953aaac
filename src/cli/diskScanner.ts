/**
 * `pki-lens check`'s host for the core pipeline (core/pipeline/pipeline.ts) over Node's file
 * system, also used by the bench: list candidates with the scan globs, stat, read, analyse through
 * the content-keyed `AnalysisCache`, keep files with material (one per real file), follow kubeconfig
 * path references, then link and check through the pipeline as the workspace index does.
 */
import fs = require('node:fs');
import path = require('node:path');
import { pathToFileURL } from 'node:url';
import { DocumentAnalysis } from '../core/analyze';
import { CheckOptions, Finding } from '../core/checks';
import { Inventory } from '../core/inventory/inventory';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, DEFAULT_MAX_FILE_SIZE_KB } from '../core/pipeline/scanDefaults';
import { AnalysisCache } from '../core/pipeline/analysisCache';
import { PipelineHost, checkInventory, linkFiles } from '../core/pipeline/pipeline';
import { UsageError } from './command';
import { withFields } from '../core/collections';
import { sameData } from '../core/sameData';
import { walkFolder } from '../workspace/folderWalk';
import { FolderListings } from '../workspace/folderListings';
import { LocalFile, openLocalFile, statLocalFile } from '../util/localFile';
import { inodeIdentity } from '../workspace/knownFiles';

export interface ScanSettings {
  include: readonly string[];
  exclude: readonly string[];
  maxFileSizeKB: number;
}

export const DEFAULT_SCAN_SETTINGS: ScanSettings = { include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE, maxFileSizeKB: DEFAULT_MAX_FILE_SIZE_KB };

/** One file the scan read and kept (it holds material). */
export interface ScannedFile {
  /** Absolute path as found (a symlink keeps its own name). */
  path: string;
  /** The real file (its device and inode; its real path where there is no inode): a symlink and its target are one file. */
  identity: string;
  /** `/`-separated path inside its root; prefixed with the root's name when several folders are scanned. */
  relativePath: string;
  /** Which root it was found under (index into `ScanResult.roots`), and its path relative to that root. */
  root: number;
  rootRelative: string;
  uri: string;
  symlink: boolean;
  mtime: number;
  size: number;
  /** Undefined for binary (DER) files. */
  text?: string;
  analysis: DocumentAnalysis;
}

export interface ScanRoot {
  path: string;
  directory: boolean;
}

export interface ScanStats {
  /** Milliseconds spent listing, reading and analysing, linking (`buildInventory`) and checking (`runChecks`). */
  timings: { list: number; analyze: number; inventory: number; checks: number };
  candidates: number;
  /** Files actually read in this scan (the rest were unchanged since the previous scan, or over the cap). */
  read: number;
  /** Files found by walking a folder that were over the size cap, so not read (named files are always read). */
  tooLarge: number;
  /** Files listed but not readable (permission denied, vanished between listing and reading). */
  unreadable: number;
  materialFiles: number;
}

export interface ScanResult {
  roots: ScanRoot[];
  /** Every folder walked (excluded ones are not), for a host that watches them (`pki-lens serve`). */
  directories: string[];
  files: ScannedFile[];
  inventory: Inventory;
  findings: Finding[];
  now: Date;
  stats: ScanStats;
}

interface Held {
  mtime: number;
  size: number;
  file?: ScannedFile;
  /** The scan that last listed it (`DiskScanner.scans`): what the latest scan did not list is let go. */
  listed: number;
}

/**
 * Scans paths with the workspace index's rules: folders walked with the globs, their files over
 * the cap skipped (and counted); files named on the command line read whatever their size.
 * A second `scan` re-reads only files whose size or mtime changed, as the extension's rescan does.
 */
export class DiskScanner {
  /**
   * What the last scan took from each file, by root and then by the path under it as the walk gives
   * it. The walk hands the same path strings again for folders that did not change (their listings
   * are kept, FolderListings), so a rescan's lookups hash nothing and compare strings by identity;
   * keyed by the absolute path, made again for every candidate at every rescan, the lookups and a
   * set of the paths seen were a fifth of a rescan's time (27,010 candidates: about 125 ms of 650 in
   * a profile taken beside another process).
   */
  private readonly held = new Map<string, Map<string, Held>>();
  private scans = 0;
  /** What the walks took from each folder: a rescan reads only the folders that changed (workspace/folderListings.ts). */
  private readonly listings = new FolderListings();
  /** The last scan's links, reused when nothing was re-read and no file came or went (as the index skips its rebuild). */
  private linked: { files: readonly ScannedFile[]; inventory: Inventory } | undefined;
  private checked: { inventory: Inventory; optionsKey: string | undefined; now: Date; findings: Finding[] } | undefined;
  readonly cache: AnalysisCache;

  private readonly host: Pick<PipelineHost<ScannedFile>, 'describe' | 'onCheckFailure'>;

  /** `onCheckFailure` hears of a rule that threw (its findings are dropped, the others kept). */
  constructor(private readonly settings: ScanSettings = DEFAULT_SCAN_SETTINGS, cache?: AnalysisCache, onCheckFailure: PipelineHost<ScannedFile>['onCheckFailure'] = () => undefined) {
    this.host = { describe: file => ({ uri: file.uri, relativePath: file.relativePath }), onCheckFailure };
    this.cache = cache ?? new AnalysisCache(100_000);
  }

  async scan(paths: readonly string[], checkOptions: CheckOptions = {}): Promise<ScanResult> {
    const roots = paths.map(p => {
      const abs = path.resolve(p);
      let stat: fs.Stats;
      try {
        stat = fs.statSync(abs);
      } catch (e) {
        throw new UsageError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
      }
      return { path: abs, directory: stat.isDirectory() };
    });
    const directories = roots.filter(r => r.directory).length;
    const stats: ScanStats = { timings: { list: 0, analyze: 0, inventory: 0, checks: 0 }, candidates: 0, read: 0, tooLarge: 0, unreadable: 0, materialFiles: 0 };
    let mark = performance.now();
    const lap = (phase: keyof ScanStats['timings']) => {
      const now = performance.now();
      stats.timings[phase] += now - mark;
      mark = now;
    };
    const scan = ++this.scans;
    // Only several roots can list one path twice (`check dir dir/sub`): a set of paths only then.
    const seen = roots.length > 1 ? new Set<string>() : undefined;
    const kept: ScannedFile[] = [];
    const directoriesWalked: string[] = [];
    for (const [index, root] of roots.entries()) {
      const candidates = root.directory ? await this.walk(root.path, directoriesWalked) : [{ abs: root.path, rel: path.basename(root.path) }];
      lap('list');
      let heldHere = this.held.get(root.path);
      if (!heldHere) {
        this.held.set(root.path, (heldHere = new Map()));
      }
      for (const { abs, rel: rootRelative } of candidates) {
        if (seen) {
          if (seen.has(abs)) {
            continue;
          }
          seen.add(abs);
        }
        stats.candidates++;
        const relativePath = root.directory
          ? (directories > 1 ? `${path.basename(root.path)}/${rootRelative}` : rootRelative)
          : displayPath(abs);
        // An unchanged file is its held record, without a turn through the async read: a warm rescan
        // of 27,010 candidates spent about a third of its stat phase awaiting reads it did not make.
        // A walked file not held yet is about to be read: opened once, its stat taken from the open
        // file (util/localFile.ts). A path named on the command line may be a pipe: stat, then read.
        const held = heldHere.get(rootRelative);
        const stamp = held || !root.directory ? statLocalFile(abs) : openLocalFile(abs, this.settings.maxFileSizeKB * 1024);
        const previous = stamp && held;
        let file: ScannedFile | undefined;
        if (!stamp) {
          heldHere.delete(rootRelative); // gone (or unreadable) since it was listed: nothing held for it
        } else if (previous && previous.mtime === stamp.stat.mtimeMs && previous.size === stamp.stat.size) {
          previous.listed = scan;
          file = previous.file && placed(previous.file, index, rootRelative, relativePath);
        } else {
          file = await this.load(abs, stamp, previous, heldHere, index, rootRelative, relativePath, stats, !root.directory, scan);
        }
        if (file) {
          kept.push(file);
        }
      }
      lap('analyze');
    }
    // What this scan did not list is gone, or under a root it was not asked for.
    const scanned = new Set(roots.map(r => r.path));
    for (const [rootPath, heldHere] of this.held) {
      if (!scanned.has(rootPath)) {
        this.held.delete(rootPath);
        continue;
      }
      for (const [rel, held] of heldHere) {
        if (held.listed !== scan) {
          heldHere.delete(rel);
        }
      }
    }
    const files = reported(kept);
    stats.materialFiles = files.length;
    const unchanged = this.linked !== undefined && sameFiles(this.linked.files, files);
    const inventory = unchanged ? this.linked!.inventory : await this.link(files);
    this.linked = { files, inventory };
    lap('inventory');
    const now = checkOptions.now ?? new Date();
    // Findings only move with the clock: an unchanged inventory re-checked within a minute gives the same list.
    // Per-folder rule settings are a function, which no key captures: with them, always re-check.
    const optionsKey = checkOptions.rulesFor ? undefined : JSON.stringify({ ...checkOptions, now: undefined });
    const previous = this.checked;
    const findings = previous && previous.inventory === inventory && optionsKey !== undefined && previous.optionsKey === optionsKey && Math.abs(now.getTime() - previous.now.getTime()) < 60_000
      ? previous.findings
      : checkInventory(inventory, { ...checkOptions, now }, this.host);
    this.checked = { inventory, optionsKey, now: previous?.findings === findings ? previous.now : now, findings };
    lap('checks');
    return { roots, directories: directoriesWalked, files, inventory, findings, now, stats };
  }

  private link(files: readonly ScannedFile[]): Promise<Inventory> {
    return linkFiles(files, { ...this.host, resolvePath: pathResolver(files) });
  }

  /** Candidate files under a folder: excluded folders are never walked; symlinked folders are followed once. */
  async listCandidates(root: string): Promise<string[]> {
    return (await this.walk(root)).map(c => c.abs);
  }

  /**
   * Candidates with their `/`-separated path relative to `root`, by the workspace index's own walk
   * (workspace/folderWalk.ts): the CLI and the extension read the same files.
   */
  private async walk(root: string, folders?: string[]): Promise<{ abs: string; rel: string }[]> {
    const base = root.replace(/[\\/]+$/, '');
    const walked = await walkFolder({ base: base || path.sep, include: this.settings.include, exclude: this.settings.exclude, folders, listings: this.listings });
    return (walked ?? []).map(({ rel }) => ({ abs: `${base}${path.sep}${path.sep === '/' ? rel : rel.split('/').join(path.sep)}`, rel }));
  }

  /**
   * Read and analyse a file whose stamp changed (or that is new). `named`: the path was given on the
   * command line, so it is read whatever its size (issue 12: never "No findings" for what was not read).
   */
  private async load(abs: string, { stat, symlink, bytes: alreadyRead }: LocalFile, previous: Held | undefined, heldHere: Map<string, Held>, root: number, rootRelative: string, relativePath: string, stats: ScanStats, named: boolean, scan: number): Promise<ScannedFile | undefined> {
    const held: Held = { mtime: stat.mtimeMs, size: stat.size, file: undefined, listed: scan };
    heldHere.set(rootRelative, held);
    if (!named && stat.size > this.settings.maxFileSizeKB * 1024) {
      stats.tooLarge++;
      return undefined;
    }
    let bytes: Uint8Array;
    try {
      bytes = alreadyRead ?? fs.readFileSync(abs);
    } catch {
      heldHere.delete(rootRelative);
      stats.unreadable++;
      return undefined;
    }
    stats.read++;
    const read = await this.cache.analyzeFile(bytes, abs);
    const { text } = read;
    // Saved again around the same material (a trailing newline, a re-save): the previous analysis
    // stands for it, so the scan finds the files as it linked them and keeps the inventory (as the
    // workspace index does, workspace/records.ts).
    const before = previous?.file?.analysis;
    const analysis = before && before !== read.analysis && sameData(before, read.analysis) ? before : read.analysis;
    const file: ScannedFile = {
      path: abs, identity: abs, relativePath, root, rootRelative, uri: pathToFileURL(abs).href, symlink,
      mtime: stat.mtimeMs, size: stat.size, text, analysis,
    };
    if (hasMaterial(file)) {
      // Taken once per read, as the workspace index does: an unchanged file keeps its identity.
      file.identity = identityOf(abs, stat);
      held.file = file;
      return file;
    }
    return undefined;
  }
}

/** A held file at its place in this scan: itself when the place is the same (no copy made per file per rescan). */
function placed(file: ScannedFile, root: number, rootRelative: string, relativePath: string): ScannedFile {
  return file.root === root && file.rootRelative === rootRelative && file.relativePath === relativePath ? file : withFields(file, { root, rootRelative, relativePath });
}

function toSlash(p: string): string {
  return p.split(path.sep).join('/');
}

/** A named file's path as the user would write it: relative to the working folder when inside it. */
function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return toSlash(rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs.replace(/^[/\\]+/, ''));
}

function hasMaterial(file: ScannedFile): boolean {
  return file.analysis.entries.length > 0 || file.analysis.kubeconfigs.length > 0 || !!file.analysis.tlsRoutes?.length || !!file.analysis.certificateSpecs?.length;
}

/** One file per real file, a symlink's own name before its target's (as the workspace index reports them). */
function reported(files: ScannedFile[]): ScannedFile[] {
  const byIdentity = new Map<string, ScannedFile>();
  for (const file of files.filter(hasMaterial)) {
    const held = byIdentity.get(file.identity);
    if (!held || (file.symlink && !held.symlink) || (file.symlink === held.symlink && file.path < held.path)) {
      byIdentity.set(file.identity, file);
    }
  }
  return [...byIdentity.values()].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
}

/** kubeconfig `client-certificate: ../pki/admin.crt`: relative to the kubeconfig's own folder, to a file the scan holds. */
function pathResolver(files: readonly ScannedFile[]): PipelineHost<ScannedFile>['resolvePath'] {
  const byPath = new Map<string, ScannedFile>();
  for (const f of files) {
    byPath.set(f.path, f);
    byPath.set(f.identity, f);
  }
  return (file, value) => {
    const target = path.resolve(path.dirname(file.path), value);
    let found = byPath.get(target);
    if (!found) {
      try {
        found = byPath.get(identityOf(target, fs.statSync(target)));
      } catch {
        // not there: the checks report the carrier as it stands
      }
    }
    return found?.uri;
  };
}

/**
 * The real file behind a path, whatever path (symlink, hard link) reaches it: its device and inode
 * from the stat the scan already took, as the workspace index names files (workspace/knownFiles.ts).
 * `realpathSync` walked every folder of the path with an lstat: 12% of a cold scan of the bench
 * workspace (11,010 files with material). Where the platform gives no inode, the real path.
 */
function identityOf(abs: string, stat: { dev: number; ino: number }): string {
  if (stat.ino) {
    return inodeIdentity(stat);
  }
  try {
    return fs.realpathSync(abs);
  } catch {
    return abs; // vanished meanwhile: its own path stands for it
  }
}

/** The files a scan linked, as this scan holds them: the same paths, real files and analyses (object for object). */
function sameFiles(a: readonly ScannedFile[], b: readonly ScannedFile[]): boolean {
  return a.length === b.length && a.every((file, i) => file.uri === b[i].uri && file.analysis === b[i].analysis && file.identity === b[i].identity
    && file.symlink === b[i].symlink && file.relativePath === b[i].relativePath);
}
