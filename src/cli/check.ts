import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DocumentAnalysis, analyzeBinary, decodeFileText } from '../core/analyze';
import { CHECK_CODES, CheckCode, CheckOptions, Finding, RULES_URL, Severity, runChecks } from '../core/checks';
import { Inventory, ResolvedPathCarrier, buildInventory, inventoryInputs, resolvePathCarriers as resolveCarriers } from '../core/inventory/inventory';
import { TextRange } from '../core/x509/pem';
import { renderExpiryReport } from '../core/render/report';
import { expiryReportFromInventory } from '../core/render/reportInput';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, DEFAULT_MAX_FILE_SIZE_KB } from '../core/pipeline/scanDefaults';
import { AnalysisCache, mayHoldMaterial } from '../core/pipeline/analysisCache';
import { PathFilter, globToRegExp } from '../core/pipeline/glob';
import { CliIo, Command, EXIT_FAILED, EXIT_OK, UsageError, oneOf, parseCommandLine } from './command';

const SYNOPSIS = `Usage: pki-lens check [--format table|json|sarif] [--fail-on error|warning|information|none]
                      DIR|FILE...
`;

const USAGE = `${SYNOPSIS}
Scans folders, kubeconfigs and certificate files the way the PKI Lens extension scans a
workspace (same include/exclude globs, size cap, rules and messages) and reports what it finds.

  --format F     table (default): a \`kubeadm certs check-expiration\`-style table of
                 certificates and CAs, then the findings
                 json: the findings (code, severity, file, line, message), as the Problems panel
                 shows them
                 sarif: SARIF 2.1.0, for code-scanning dashboards
  --fail-on S    exit 1 when a finding of severity S or above exists (default: error);
                 none never fails

Folders are walked with the extension's default globs:
  include ${DEFAULT_INCLUDE.join(' ')}
  exclude ${DEFAULT_EXCLUDE.join(' ')}
and files over ${DEFAULT_MAX_FILE_SIZE_KB} KB are skipped. Files named on the command line are always read.

Exit status: 0 no findings at or above --fail-on, 1 there are, 2 usage or input error.
`;

const FORMATS = ['table', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = ['error', 'warning', 'information', 'none'] as const;
type FailOn = (typeof FAIL_ON)[number];
const RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1 };

/** Where each rule is explained: the README's section named after the code (as the Problems panel links). */

export const checkCommand: Command = {
  name: 'check',
  summary: 'scan folders and kubeconfigs like the extension; table, JSON or SARIF; exit 1 on findings',
  synopsis: SYNOPSIS,
  usage: USAGE,
  run,
};

// ------------------------------------------------------------------ scanning

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
  /** Real path: a symlink and its target are one file. */
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
  tooLarge: number;
  materialFiles: number;
}

export interface ScanResult {
  roots: ScanRoot[];
  files: ScannedFile[];
  inventory: Inventory;
  findings: Finding[];
  now: Date;
  stats: ScanStats;
}

const EMPTY_ANALYSIS: DocumentAnalysis = Object.freeze({ entries: [], kubeconfigs: [], syntaxErrors: [] }) as unknown as DocumentAnalysis;

interface Held {
  mtime: number;
  size: number;
  file?: ScannedFile;
}

/**
 * The workspace index's pipeline over Node's file system, for the command line and the benchmark:
 * list candidates with the scan globs, stat, skip files over the cap, read, decide text or DER,
 * analyse through the content-keyed `AnalysisCache`, keep files with material (one per real
 * file), resolve kubeconfig path references, link (`buildInventory`) and check (`runChecks`).
 * A second `scan` re-reads only files whose size or mtime changed, as the extension's rescan does.
 */
export class DiskScanner {
  private readonly held = new Map<string, Held>();
  /** The last scan's links, reused when nothing was re-read and no file came or went (as the index skips its rebuild). */
  private linked: { files: readonly ScannedFile[]; inventory: Inventory } | undefined;
  private checked: { inventory: Inventory; optionsKey: string; now: Date; findings: Finding[] } | undefined;
  private readonly filter: PathFilter;
  private readonly excluded: RegExp[];
  readonly cache: AnalysisCache;

  constructor(private readonly settings: ScanSettings = DEFAULT_SCAN_SETTINGS, cache?: AnalysisCache) {
    this.filter = new PathFilter(settings.include, settings.exclude);
    this.excluded = settings.exclude.map(globToRegExp);
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
    const stats: ScanStats = { timings: { list: 0, analyze: 0, inventory: 0, checks: 0 }, candidates: 0, read: 0, tooLarge: 0, materialFiles: 0 };
    let mark = performance.now();
    const lap = (phase: keyof ScanStats['timings']) => {
      const now = performance.now();
      stats.timings[phase] += now - mark;
      mark = now;
    };
    const seen = new Set<string>();
    const kept: ScannedFile[] = [];
    for (const [index, root] of roots.entries()) {
      const candidates = root.directory ? this.walk(root.path) : [{ abs: root.path, rel: path.basename(root.path) }];
      lap('list');
      for (const { abs, rel: rootRelative } of candidates) {
        if (seen.has(abs)) {
          continue;
        }
        seen.add(abs);
        stats.candidates++;
        const relativePath = root.directory
          ? (directories > 1 ? `${path.basename(root.path)}/${rootRelative}` : rootRelative)
          : displayPath(abs);
        const file = await this.load(abs, index, rootRelative, relativePath, stats);
        if (file) {
          kept.push(file);
        }
      }
      lap('analyze');
    }
    for (const key of [...this.held.keys()]) {
      if (!seen.has(key)) {
        this.held.delete(key);
      }
    }
    const files = reported(kept);
    stats.materialFiles = files.length;
    const unchanged = stats.read === 0 && this.linked !== undefined && sameFiles(this.linked.files, files);
    const inventory = unchanged ? this.linked!.inventory : await this.link(files);
    this.linked = { files, inventory };
    lap('inventory');
    const now = checkOptions.now ?? new Date();
    // Findings only move with the clock: an unchanged inventory re-checked within a minute gives the same list.
    const optionsKey = JSON.stringify({ ...checkOptions, now: undefined });
    const previous = this.checked;
    const findings = previous && previous.inventory === inventory && previous.optionsKey === optionsKey && Math.abs(now.getTime() - previous.now.getTime()) < 60_000
      ? previous.findings
      : runChecks(inventory, { ...checkOptions, now });
    this.checked = { inventory, optionsKey, now: previous?.findings === findings ? previous.now : now, findings };
    lap('checks');
    return { roots, files, inventory, findings, now, stats };
  }

  private link(files: readonly ScannedFile[]): Promise<Inventory> {
    const inputs = inventoryInputs(files, file => ({ uri: file.uri, relativePath: file.relativePath }));
    return buildInventory(inputs, { resolvedPaths: resolvePathCarriers(files) });
  }

  /** Candidate files under a folder: excluded folders are never walked; symlinked folders are followed once. */
  listCandidates(root: string): string[] {
    return this.walk(root).map(c => c.abs);
  }

  /** Candidates with their `/`-separated path relative to `root`, built while walking (no path.relative per file). */
  private walk(root: string): { abs: string; rel: string }[] {
    const out: { abs: string; rel: string }[] = [];
    const visited = new Set<string>();
    const walk = (dir: string, relDir: string) => {
      let real: string;
      try {
        real = fs.realpathSync(dir || path.sep);
      } catch {
        return;
      }
      if (visited.has(real)) {
        return;
      }
      visited.add(real);
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir || path.sep, { withFileTypes: true });
      } catch {
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const abs = `${dir}${path.sep}${entry.name}`;
        const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          try {
            const s = fs.statSync(abs);
            isDir = s.isDirectory();
            isFile = s.isFile();
          } catch {
            continue; // dangling link
          }
        }
        if (isDir) {
          if (!this.excluded.some(r => r.test(`${rel}/`))) {
            walk(abs, rel);
          }
        } else if (isFile && this.filter.matches(rel)) {
          out.push({ abs, rel });
        }
      }
    };
    walk(root.replace(/[\\/]+$/, ''), '');
    return out;
  }

  private async load(abs: string, root: number, rootRelative: string, relativePath: string, stats: ScanStats): Promise<ScannedFile | undefined> {
    let stat: fs.Stats;
    let symlink = false;
    try {
      const lstat = fs.lstatSync(abs);
      symlink = lstat.isSymbolicLink();
      stat = symlink ? fs.statSync(abs) : lstat;
    } catch {
      this.held.delete(abs);
      return undefined;
    }
    const previous = this.held.get(abs);
    if (previous && previous.mtime === stat.mtimeMs && previous.size === stat.size) {
      return previous.file && { ...previous.file, root, rootRelative, relativePath };
    }
    const held: Held = { mtime: stat.mtimeMs, size: stat.size };
    this.held.set(abs, held);
    if (stat.size > this.settings.maxFileSizeKB * 1024) {
      stats.tooLarge++;
      return undefined;
    }
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(abs);
    } catch {
      this.held.delete(abs);
      return undefined;
    }
    stats.read++;
    const text = decodeFileText(bytes);
    let analysis = EMPTY_ANALYSIS;
    if (text === undefined) {
      analysis = await analyzeBinary(bytes);
    } else if (mayHoldMaterial(text)) {
      analysis = await this.cache.analyze(text, abs);
    }
    const file: ScannedFile = {
      path: abs, identity: abs, relativePath, root, rootRelative, uri: pathToFileURL(abs).href, symlink,
      mtime: stat.mtimeMs, size: stat.size, text, analysis,
    };
    if (hasMaterial(file)) {
      // Resolved once per read, as the workspace index does: an unchanged file keeps its identity.
      try {
        file.identity = fs.realpathSync(abs);
      } catch {
        // vanished meanwhile: its own path stands for it
      }
      held.file = file;
      return file;
    }
    return undefined;
  }
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
  return file.analysis.entries.length > 0 || file.analysis.kubeconfigs.length > 0;
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
function resolvePathCarriers(files: readonly ScannedFile[]): ResolvedPathCarrier[] {
  const byPath = new Map<string, ScannedFile>();
  for (const f of files) {
    byPath.set(f.path, f);
    byPath.set(f.identity, f);
  }
  return resolveCarriers(files, f => f.uri, (file, value) => {
    const target = path.resolve(path.dirname(file.path), value);
    let found = byPath.get(target);
    if (!found) {
      try {
        found = byPath.get(fs.realpathSync(target));
      } catch {
        // not there: the checks report the carrier as it stands
      }
    }
    return found?.uri;
  });
}

// ------------------------------------------------------------------ output

interface CheckArgs {
  paths: string[];
  format: Format;
  failOn: FailOn;
}

function parse(args: string[]): CheckArgs | 'help' {
  const { values, positionals } = parseCommandLine(args, {
    format: { type: 'string' },
    'fail-on': { type: 'string' },
  });
  if (values.help) {
    return 'help';
  }
  const format = oneOf('format', values.format, FORMATS, 'table');
  const failOn = oneOf('fail-on', values['fail-on'], FAIL_ON, 'error');
  if (!positionals.length) {
    throw new UsageError('missing the folders or files to check');
  }
  return { paths: positionals, format, failOn };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const opts = parse(args);
  if (opts === 'help') {
    io.out(USAGE);
    return EXIT_OK;
  }
  const result = await new DiskScanner().scan(opts.paths);
  switch (opts.format) {
    case 'json':
      io.out(JSON.stringify(toJson(result), null, 2) + '\n');
      break;
    case 'sarif':
      io.out(JSON.stringify(toSarif(result), null, 2) + '\n');
      break;
    default:
      io.out(toTable(result));
  }
  return failing(result.findings, opts.failOn).length ? EXIT_FAILED : EXIT_OK;
}

/** Findings at or above the threshold. */
export function failing(findings: readonly Finding[], failOn: FailOn): Finding[] {
  return failOn === 'none' ? [] : findings.filter(f => RANK[f.severity] >= RANK[failOn]);
}

/** 1-based line and column of offsets in the text a finding's file was read with; DER files have no lines. */
class Positions {
  private readonly starts = new Map<string, number[]>();

  constructor(private readonly byUri: Map<string, ScannedFile>) {}

  at(uri: string, offset: number): { line: number; column: number } {
    const file = this.byUri.get(uri);
    if (!file?.text) {
      return { line: 1, column: 1 };
    }
    let starts = this.starts.get(uri);
    if (!starts) {
      starts = [0];
      const text = file.text;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        starts.push(i + 1);
      }
      this.starts.set(uri, starts);
    }
    const o = Math.max(0, Math.min(offset, file.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return { line: lo + 1, column: o - starts[lo] + 1 };
  }

  region(uri: string, range: TextRange) {
    const start = this.at(uri, range.start);
    const end = this.at(uri, range.end);
    return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  }
}

function context(result: ScanResult) {
  const byUri = new Map(result.files.map(f => [f.uri, f] as const));
  return { byUri, positions: new Positions(byUri), fileOf: (uri: string) => byUri.get(uri)?.relativePath ?? uri };
}

/** The stable JSON shape of `pki-lens check --format json`: what the Problems panel lists. */
export function toJson(result: ScanResult) {
  const { positions, fileOf } = context(result);
  const count = (s: Severity) => result.findings.filter(f => f.severity === s).length;
  return {
    scanned: {
      roots: result.roots.map(r => r.path),
      candidates: result.stats.candidates,
      materialFiles: result.stats.materialFiles,
      tooLarge: result.stats.tooLarge,
      certificates: result.inventory.records.size,
    },
    now: result.now.toISOString(),
    summary: { error: count('error'), warning: count('warning'), information: count('information') },
    findings: result.findings.map(f => ({
      code: f.code,
      severity: f.severity,
      file: fileOf(f.uri),
      ...positions.region(f.uri, f.range),
      message: f.message,
      related: f.related.map(r => ({ file: fileOf(r.uri), ...positions.region(r.uri, r.range), message: r.message })),
    })),
  };
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note' };

/** SARIF 2.1.0 with one rule per check code; locations relative to the scanned folders. */
export function toSarif(result: ScanResult) {
  const { byUri, positions } = context(result);
  const codes = Object.keys(CHECK_CODES) as CheckCode[];
  const baseId = (root: number) => `ROOT${root}`;
  const location = (uri: string, range: TextRange) => {
    const file = byUri.get(uri);
    const region = positions.region(uri, range);
    const physicalLocation = file
      ? { artifactLocation: { uri: encodeURI(file.rootRelative), uriBaseId: baseId(file.root) }, region: file.text === undefined ? undefined : { startLine: region.line, startColumn: region.column, endLine: region.endLine, endColumn: region.endColumn } }
      : { artifactLocation: { uri } };
    return { physicalLocation };
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'PKI Lens',
          informationUri: 'https://github.com/pki-lens/pki-lens',
          rules: codes.map(code => ({
            id: code,
            name: code,
            shortDescription: { text: CHECK_CODES[code].description },
            helpUri: `${RULES_URL}${code}`,
            defaultConfiguration: { level: SARIF_LEVEL[CHECK_CODES[code].severity] },
          })),
        },
      },
      originalUriBaseIds: Object.fromEntries(result.roots.map((r, i) => [baseId(i), { uri: pathToFileURL(r.directory ? r.path + path.sep : path.dirname(r.path) + path.sep).href }])),
      results: result.findings.map(f => ({
        ruleId: f.code,
        ruleIndex: codes.indexOf(f.code),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [location(f.uri, f.range)],
        relatedLocations: f.related.length ? f.related.map((r, id) => ({ id, ...location(r.uri, r.range), message: { text: r.message } })) : undefined,
      })),
    }],
  };
}

/** The expiry report the extension shows (kubeadm's two tables), then every finding with its place. */
export function toTable(result: ScanResult): string {
  const { positions, fileOf } = context(result);
  const subtitle = result.roots.map(r => {
    const rel = path.relative(process.cwd(), r.path);
    return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? r.path : rel;
  }).join(', ');
  const out = [renderExpiryReport(expiryReportFromInventory(result.inventory, result.now, subtitle)).trimEnd(), ''];
  const count = (s: Severity) => result.findings.filter(f => f.severity === s).length;
  if (!result.findings.length) {
    out.push('No findings.');
  } else {
    out.push(`FINDINGS: ${count('error')} error(s), ${count('warning')} warning(s), ${count('information')} information`);
    const rows = result.findings.map(f => {
      const at = positions.at(f.uri, f.range.start);
      return [f.severity.toUpperCase(), f.code, `${fileOf(f.uri)}:${at.line}:${at.column}`, f.message];
    });
    const widths = [0, 1, 2].map(col => Math.max(...rows.map(r => r[col].length)));
    for (const r of rows) {
      out.push(`  ${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`);
    }
  }
  out.push('', `Scanned ${result.stats.candidates} file(s), ${result.stats.materialFiles} with certificates or keys${result.stats.tooLarge ? `, ${result.stats.tooLarge} over the ${DEFAULT_MAX_FILE_SIZE_KB} KB cap skipped` : ''}.`);
  return out.join('\n') + '\n';
}

function sameFiles(a: readonly ScannedFile[], b: readonly ScannedFile[]): boolean {
  return a.length === b.length && a.every((file, i) => file.uri === b[i].uri && file.analysis === b[i].analysis);
}
