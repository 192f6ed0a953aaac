// The measurements of `npm run bench`, one per process (scripts/bench.mjs bundles this file with
// esbuild and runs `node worker.cjs <task> ...`), each printing one JSON object on stdout.
//
//   generate <dir> [certificates kubeconfigs unrelated]
//                              the 10,000-certificate workspace (test/fixtures/bench.ts), or one of these sizes
//   baseline <dir>             read the scan's candidate files, parse every certificate with node:crypto
//   scan <dir> [rounds]        the core pipeline, cold then warm (src/cli/diskScanner.ts over src/core/pipeline/pipeline.ts);
//                              then that many rescans after one file's material changed, the file restored between
//   openssl <dir> <n>          a shell loop of `openssl x509 -noout -enddate` over n certificate files
//   hover <dir> <out.kubeconfig> <iterations>
//                              hover and CodeLens work on a 5 MB kubeconfig with 500 certificates
//   activate <bundle> <package.json>
//                              require the bundle under a stand-in `vscode` module (its settings read as
//                              package.json declares them) and call activate()
//   name-constraints <n>       verifyChain of 4,096 vs 64 SANs under a CA with n name constraints
//   serve <dir> <scrapes>      `pki-lens serve` over the workspace: that many /metrics scrapes over HTTP, a warm rescan every 100
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import Module from 'node:module';
import * as path from 'node:path';
import { DocumentAnalysis, MaterialEntry } from '../../src/core/analyze';
import { DEFAULT_THRESHOLDS } from '../../src/core/x509/expiry';
import { pairKeysInDocument } from '../../src/core/inventory/pairing';
import { renderEntry } from '../../src/core/render/hover';
import { entrySummary } from '../../src/core/render/summary';
import { timelineModel } from '../../src/core/render/timeline';
import { DiskScanner } from '../../src/cli/diskScanner';
import { provideNodeCrypto } from '../../src/util/nodeCrypto';
import { LineIndex } from '../../src/core/pipeline/lineIndex';
import { AnalysisCache, mayHoldMaterial } from '../../src/core/pipeline/analysisCache';
// Not test/fixtures/generate.ts: bundled, its command-line entry would take over this process.
import { writeBench } from '../../test/fixtures/bench';
import { ChainLab, DAY, LabCert, caExt, constrainedChain } from '../../test/fixtures/chains';
import { decodePemBlocks } from '../../src/core/x509/material';
import { findPemBlocks } from '../../src/core/x509/pem';
import { verifyChain } from '../../src/core/verify';
import { startServer } from '../../src/cli/serve/serve';
import { keystoreBench } from './keystore';

type Json = Record<string, unknown>;

function emit(result: Json): void {
  process.stdout.write(JSON.stringify(result) + '\n');
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// ------------------------------------------------------------------ generate

async function generate(dir: string, sizes: string[]): Promise<void> {
  // The sizes generateBench (test/fixtures/generate.ts) uses, unless given (`npm run bench -- --large`).
  const [certificates = 10_000, kubeconfigs = 1_000, unrelated = 40_000] = sizes.map(Number);
  const manifest = await writeBench(dir, { certificates, kubeconfigs, unrelated });
  emit({ manifest: manifest.manifestPath, counts: manifest.counts, timingsMs: manifest.timingsMs });
}

// ------------------------------------------------------------------ baseline

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const DATA_FIELD = /(?:certificate-authority-data|client-certificate-data):\s*(\S+)/g;

/**
 * What a hand-written scanner does with node:crypto: read every file the scan would read and
 * parse every certificate in it once (PEM blocks, DER files, base64 kubeconfig fields), touching
 * the fields an expiry check needs.
 */
async function baseline(dir: string): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const files = await new DiskScanner().listCandidates(dir);
  const listed = performance.now();
  let certificates = 0;
  let failed = 0;
  const parse = (input: string | Buffer) => {
    try {
      const cert = new X509Certificate(input);
      if (cert.validTo && cert.subject) {
        certificates++;
      }
    } catch {
      failed++;
    }
  };
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    if (bytes.length > 1 && bytes[0] === 0x30 && bytes[1] >= 0x80) {
      parse(bytes);
      continue;
    }
    const text = bytes.toString('utf8');
    for (const m of text.match(PEM_CERT) ?? []) {
      parse(m);
    }
    for (const m of text.matchAll(DATA_FIELD)) {
      const inner = Buffer.from(m[1], 'base64').toString('utf8');
      for (const pem of inner.match(PEM_CERT) ?? []) {
        parse(pem);
      }
    }
  }
  emit({ wallMs: performance.now() - t0, cpuMs: cpuMs(c0), listMs: listed - t0, files: files.length, certificates, failed });
}

// ------------------------------------------------------------------ scan

async function scan(dir: string, materialRounds: number): Promise<void> {
  const scanner = new DiskScanner();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const cold = await scanner.scan([dir]);
  const coldWall = performance.now() - t0;
  const coldCpu = cpuMs(c0);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const warm = await scanner.scan([dir]);
  const warmWall = performance.now() - t1;
  const warmCpu = cpuMs(c1);
  const byCode: Record<string, number> = {};
  for (const f of cold.findings) {
    byCode[f.code] = (byCode[f.code] ?? 0) + 1;
  }
  // What holding the scanned workspace costs, as the extension host would hold it between scans.
  const heapMB = Math.round(process.memoryUsage().heapUsed / 1048576);
  const growthMB = Math.round((process.memoryUsage().rss - before.rss) / 1048576);
  const timeline = timelineCost(warm.inventory);
  const material = materialRounds > 0 ? await materialRescans(scanner, dir, warm, materialRounds) : undefined;
  emit({
    cold: { wallMs: coldWall, cpuMs: coldCpu, timings: cold.stats.timings, stats: { ...cold.stats, timings: undefined }, inventory: cold.inventory.stats },
    warm: { wallMs: warmWall, cpuMs: warmCpu, timings: warm.stats.timings, read: warm.stats.read, inventory: warm.inventory.stats },
    records: cold.inventory.records.size,
    findings: cold.findings.length,
    findingsByCode: byCode,
    sameFindings: warm.findings.length === cold.findings.length,
    heapMB,
    growthMB,
    timeline,
    material,
  });
}

/**
 * The CLI's rescan after one file's material changed, as `pki-lens serve` rescans after a save: the
 * certificate of another file appended to the first certificate file (the change the VS Code line
 * makes), every candidate stat'ed, that file read again, everything relinked and checked; the file
 * restored (and rescanned, untimed) between rounds, and its bytes and mtime as they were at the end,
 * so the editor's lines after this one find the workspace as generated. The same relink the
 * extension runs, without the editor around it.
 */
async function materialRescans(scanner: DiskScanner, dir: string, warm: Awaited<ReturnType<DiskScanner['scan']>>, rounds: number) {
  const certificateFiles = warm.files.filter(f => f.relativePath.endsWith('.crt'));
  const [file, other] = certificateFiles;
  const original = fs.readFileSync(file.path);
  const stat = fs.statSync(file.path);
  const changed = Buffer.concat([original, Buffer.from('\n'), fs.readFileSync(other.path)]);
  const wallMs: number[] = [];
  const linkMs: number[] = [];
  const checksMs: number[] = [];
  const stamp = (bytes: Buffer, seconds: number) => {
    fs.writeFileSync(file.path, bytes);
    fs.utimesSync(file.path, seconds, seconds);
  };
  try {
    for (let i = 0; i < rounds; i++) {
      // A new mtime each time, whatever the file system's clock grain: the scan must see each write.
      stamp(changed, stat.mtimeMs / 1000 + 2 * i + 1);
      const t0 = performance.now();
      const result = await scanner.scan([dir]);
      wallMs.push(performance.now() - t0);
      linkMs.push(result.stats.timings.inventory);
      checksMs.push(result.stats.timings.checks);
      if (result.stats.read !== 1 || result.inventory.fileByUri.get(file.uri)?.certificates.length !== 2) {
        throw new Error(`the rescan after ${file.relativePath} changed read ${result.stats.read} files and did not link its appended certificate`);
      }
      stamp(original, stat.mtimeMs / 1000 + 2 * i + 2);
      await scanner.scan([dir]);
    }
  } finally {
    fs.writeFileSync(file.path, original);
    fs.utimesSync(file.path, stat.atime, stat.mtime);
  }
  return { file: file.relativePath, rounds, wallMs, linkMs, checksMs };
}

/**
 * Opening the expiry timeline: the model from the linked inventory and the message that carries it
 * to the webview (structured clone of the same data, measured as JSON). The webview draws only the
 * rows in view, so its own cost does not grow with the workspace.
 */
function timelineCost(inventory: Parameters<typeof timelineModel>[0]): { modelMs: number; messageMs: number; rows: number; messageMB: number } {
  const t0 = performance.now();
  const model = timelineModel(inventory, new Date(), () => DEFAULT_THRESHOLDS);
  const t1 = performance.now();
  const message = JSON.stringify({ type: 'model', model });
  return { modelMs: t1 - t0, messageMs: performance.now() - t1, rows: model.rows.length, messageMB: message.length / 1048576 };
}

// ------------------------------------------------------------------ openssl loop

async function opensslLoop(dir: string, n: number): Promise<void> {
  const all = (await new DiskScanner().listCandidates(dir)).filter(f => /\/certs\/.*\.(crt|pem|der)$/.test(f));
  const step = Math.max(1, Math.floor(all.length / n));
  const sample = all.filter((_, i) => i % step === 0).slice(0, n);
  const list = path.join(path.dirname(dir), 'openssl-sample.txt');
  fs.writeFileSync(list, sample.join('\n') + '\n');
  // What an operator scripts today; the system trust store is loaded as in any plain openssl run.
  const script = `while read -r f; do case "$f" in *.der) openssl x509 -noout -enddate -inform DER -in "$f";; *) openssl x509 -noout -enddate -in "$f";; esac; done < "${list}" > /dev/null`;
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  const wallMs = performance.now() - t0;
  emit({ status: r.status, sample: sample.length, certificateFiles: all.length, wallMs, perFileMs: wallMs / sample.length, extrapolatedMs: (wallMs / sample.length) * all.length });
}

// ------------------------------------------------------------------ hover and CodeLens

/** A kubeconfig of ~5 MB: the root CA as cluster CA and 499 users, each with a client certificate and key from the bench pool. */
function bigKubeconfig(dir: string): string {
  const certs: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (certs.length >= 499) {
        return;
      }
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (p.endsWith('.crt')) {
        certs.push(p);
      }
    }
  };
  walk(path.join(dir, 'certs'));
  const keys = fs.readdirSync(path.join(dir, 'keys')).sort().map(f => fs.readFileSync(path.join(dir, 'keys', f)));
  const b64 = (b: Buffer) => b.toString('base64');
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: big', '  cluster:', '    server: https://10.0.0.1:6443',
    `    certificate-authority-data: ${b64(fs.readFileSync(path.join(dir, 'ca', 'root.crt')))}`, 'users:'];
  certs.forEach((f, i) => lines.push(`- name: user-${i}`, '  user:', `    client-certificate-data: ${b64(fs.readFileSync(f))}`, `    client-key-data: ${b64(keys[i % keys.length])}`));
  lines.push('contexts:');
  certs.forEach((_, i) => lines.push(`- name: ctx-${i}`, '  context:', '    cluster: big', `    user: user-${i}`));
  lines.push('current-context: ctx-0');
  const body = lines.join('\n') + '\n';
  // Comments bring it to 5 MB, as long annotations and exec sections do in real files.
  const filler = `# ${'x'.repeat(1022)}\n`;
  const fill = Math.max(0, Math.ceil((5 * 1048576 - body.length) / filler.length));
  return body.replace('users:\n', `users:\n${filler.repeat(fill)}`);
}

/** The hover provider's work once the document's analysis is cached (src/features/decode/hover.ts). */
async function hoverOnce(cache: AnalysisCache, text: string, offset: number): Promise<string | undefined> {
  if (!mayHoldMaterial(text)) {
    return undefined;
  }
  const analysis = await cache.analyze(text, 'big.kubeconfig');
  const entry = analysis.entries.find(e => {
    const start = e.carrier ? Math.min(e.carrier.keyRange.start, e.range.start) : e.range.start;
    return offset >= start && offset <= e.range.end;
  });
  if (!entry) {
    return undefined;
  }
  return renderEntry(entry, { now: new Date(), thresholds: DEFAULT_THRESHOLDS, pairings: pairKeysInDocument(analysis) });
}

/** The CodeLens provider's work: place a lens per entry, then title the visible ones (src/features/decode/codeLens.ts). */
async function codeLensOnce(cache: AnalysisCache, text: string, firstVisible: number, lines: LineIndex): Promise<number> {
  const analysis: DocumentAnalysis = await cache.analyze(text, 'big.kubeconfig');
  const line = (offset: number) => lines.position(offset).line;
  const lenses = analysis.entries.map((e: MaterialEntry) => ({ entry: e, line: line(e.carrier ? Math.min(e.carrier.keyRange.start, e.range.start) : e.range.start) }));
  const pairings = pairKeysInDocument(analysis);
  const ctx = { now: new Date(), thresholds: DEFAULT_THRESHOLDS, pairings };
  // A screen shows ~50 lines: the lenses resolved are those of the visible entries.
  const visible = lenses.filter(l => l.line >= firstVisible && l.line < firstVisible + 50);
  for (const l of visible) {
    entrySummary(l.entry, ctx);
  }
  return visible.length;
}

async function hover(dir: string, out: string, iterations: number): Promise<void> {
  const text = bigKubeconfig(dir);
  fs.writeFileSync(out, text);
  // The editor's document model already knows its lines: built once, not timed.
  const lines = LineIndex.of(text);
  const cache = new AnalysisCache();
  const t0 = performance.now();
  const analysis = await cache.analyze(text, 'big.kubeconfig');
  const firstParseMs = performance.now() - t0;
  const entries = analysis.entries;
  const certificates = entries.flatMap(e => e.objects).filter(o => o.certificate).length;
  const bytes = Buffer.from(text);
  const hoverMs: number[] = [];
  const lensMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    // Every request brings the document text anew (as TextDocument.getText() does); making it is not
    // timed, nor is collecting the 10 MB of strings this loop makes per round (the host makes one).
    (globalThis as { gc?: () => void }).gc?.();
    const fresh = bytes.toString('utf8');
    const entry = entries[(i * 7919) % entries.length];
    const s = performance.now();
    const md = await hoverOnce(cache, fresh, entry.range.start + 5);
    hoverMs.push(performance.now() - s);
    if (!md) {
      throw new Error('hover found no entry');
    }
    const again = bytes.toString('utf8');
    const firstVisible = lines.lineCount > 60 ? (i * 104729) % (lines.lineCount - 60) : 0;
    const l = performance.now();
    await codeLensOnce(cache, again, firstVisible, lines);
    lensMs.push(performance.now() - l);
  }
  hoverMs.sort((a, b) => a - b);
  lensMs.sort((a, b) => a - b);
  emit({
    bytes: text.length, entries: entries.length, certificates, firstParseMs,
    hover: { p50: percentile(hoverMs, 50), p95: percentile(hoverMs, 95), max: hoverMs[hoverMs.length - 1] },
    codeLens: { p50: percentile(lensMs, 50), p95: percentile(lensMs, 95), max: lensMs[lensMs.length - 1] },
    iterations,
  });
}

// ------------------------------------------------------------------ activation

/**
 * A stand-in for the `vscode` module, for this one measurement only: every API is a callable,
 * constructible proxy, events hand back disposables, one workspace folder is open (as in the window
 * a person opens: activation reads its settings, and a scan is started but never runs, since the
 * progress it runs in is a stand-in), configuration returns its defaults, and promises resolve to nothing.
 */
function vscodeStandIn(folder: string, packageJson: string): unknown {
  const cache = new Map<string, unknown>();
  // Settings read as VS Code reads them unset: a declared default, or, for an object of declared keys
  // (`pkiLens.rules.<code>`), every key gathered, each '' without a default.
  const declared: Record<string, { default?: unknown }> = JSON.parse(fs.readFileSync(packageJson, 'utf8')).contributes.configuration.properties;
  const defaults = (key: string, fallback: unknown): unknown => {
    if (key in declared) {
      return declared[key].default ?? fallback;
    }
    const below = Object.keys(declared).filter(k => k.startsWith(`${key}.`));
    return below.length ? Object.fromEntries(below.map(k => [k.slice(key.length + 1), declared[k].default ?? ''])) : fallback;
  };
  const uri = { scheme: 'file', authority: '', path: folder, fsPath: folder, query: '', fragment: '', toString: () => `file://${folder}` };
  const folders = [{ uri, name: path.basename(folder), index: 0 }];
  const make = (name: string, shared = true): unknown => {
    const known = shared ? cache.get(name) : undefined;
    if (known) {
      return known;
    }
    const target = function () { /* stand-in */ };
    // What the extension assigns (instances of stand-in classes get fields) is kept and read back.
    const own = new Map<string | symbol, unknown>();
    const proxy: unknown = new Proxy(target, {
      set(_t, prop, value) {
        own.set(prop, value);
        return true;
      },
      defineProperty(_t, prop, descriptor) {
        own.set(prop, descriptor.value ?? descriptor.get?.());
        return true;
      },
      get(_t, prop) {
        if (own.has(prop)) {
          return own.get(prop);
        }
        if (prop === 'then') {
          return undefined; // not a thenable: awaiting a stand-in value resolves at once
        }
        if (prop === Symbol.iterator) {
          return function* () { /* empty */ };
        }
        if (prop === Symbol.toPrimitive) {
          return () => 0;
        }
        if (prop === 'workspaceFolders') {
          return folders;
        }
        if (prop === 'textDocuments' || prop === 'visibleTextEditors' || prop === 'all') {
          return [];
        }
        if (prop === 'dispose') {
          return () => undefined;
        }
        if (prop === 'getConfiguration') {
          return (section?: string) => ({ get: (k: string, d: unknown) => defaults(section ? `${section}.${k}` : k, d), has: () => false, inspect: () => undefined, update: async () => undefined });
        }
        if (prop === 'isTrusted') {
          return true;
        }
        return make(`${name}.${String(prop)}`);
      },
      apply(_t, _this, args) {
        // Event subscriptions and registrations return disposables; factories return stand-ins.
        if (/\.(on[A-Z]\w*|register\w*|create\w*)$/.test(name) || typeof args[0] === 'function') {
          return make(`${name}()`);
        }
        if (/\.(getCommands|executeCommand|findFiles|show\w*|withProgress|readFile|writeFile|stat|readDirectory|createDirectory|delete|rename|copy|openTextDocument|applyEdit|readText|writeText|openExternal|saveAll)$/.test(name)) {
          return Promise.resolve(make(`${name}()`));
        }
        return make(`${name}()`);
      },
      construct() {
        return make(`new ${name}`, false) as object;
      },
      // esbuild's ESM interop copies a module's own names and reads the rest through its prototype.
      getPrototypeOf() {
        return new Proxy({}, { get: (_t, prop) => (proxy as Record<string | symbol, unknown>)[prop] });
      },
    });
    if (shared) {
      cache.set(name, proxy);
    }
    return proxy;
  };
  return make('vscode');
}

function activate(bundle: string, packageJson: string): void {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-bench-folder-'));
  const standIn = vscodeStandIn(folder, packageJson);
  const original = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
  // Every file of the extension activation requires besides the entry (the core bundle, if activate() reads from it), with who asked first.
  const loaded: { file: string; stack?: string }[] = [];
  (Module as unknown as { _load: unknown })._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') {
      return standIn;
    }
    if (request.startsWith('./')) {
      loaded.push({ file: request, stack: process.env.PKI_LENS_BENCH_TRACE ? new Error('loaded by').stack : undefined });
    }
    return original.call(this, request, ...rest);
  };
  const subscriptions: { dispose(): unknown }[] = [];
  // A workspace storage folder as VS Code gives one, so activation makes the persistent cache as it does there.
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-bench-storage-'));
  const context = {
    subscriptions, extensionPath: path.dirname(path.dirname(bundle)), extensionUri: standIn, globalState: standIn, workspaceState: standIn,
    storageUri: { scheme: 'file', fsPath: storage }, extension: { packageJSON: { version: '0.0.0-bench' } },
    globalStorageUri: standIn, logUri: standIn, extensionMode: 1, environmentVariableCollection: standIn,
    asAbsolutePath: (p: string) => path.join(path.dirname(path.dirname(bundle)), p),
  };
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(bundle) as { activate(ctx: unknown): unknown };
  const required = performance.now();
  let error: string | undefined;
  try {
    ext.activate(context);
  } catch (e) {
    error = (e as Error).stack ?? String(e);
  }
  const activated = performance.now();
  emit({ requireMs: required - t0, activateMs: activated - required, totalMs: activated - t0, subscriptions: subscriptions.length, loaded, error });
  setTimeout(() => {
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(folder, { recursive: true, force: true });
    process.exit(0);
  }, 10);
}

// ------------------------------------------------------------------ name constraints

/**
 * The name-constraint work budget holding: 4,096 SANs × n constraints against 64 SANs × n. Without
 * a budget the work is 64 times larger; with Go's 250,000-comparison budget the big case stops early.
 */
async function nameConstraints(constraints: number): Promise<void> {
  const lab = new ChainLab();
  try {
    const at = new Date();
    const root = lab.issue({ subject: '/CN=bench root', notBefore: new Date(at.getTime() - DAY), notAfter: new Date(at.getTime() + 30 * DAY), ext: caExt() });
    const decode = async (cert: LabCert) => (await decodePemBlocks(findPemBlocks(cert.pem)))[0].certificate!;
    const measure = async (sans: number) => {
      const chain = constrainedChain(lab, root, sans, constraints, at);
      const input = { leaf: await decode(chain.leaf), intermediates: [await decode(chain.ca)], roots: [await decode(root)] };
      await verifyChain(input, { at });
      let best = Infinity;
      let verdict = '';
      for (let i = 0; i < 3; i++) {
        const start = process.cpuUsage();
        const r = await verifyChain(input, { at });
        best = Math.min(best, cpuMs(start));
        verdict = r.goError ?? 'ok';
      }
      return { sans, cpuMs: best, verdict };
    };
    const few = await measure(64);
    const many = await measure(4096);
    emit({ constraints, few, many, ratio: many.cpuMs / Math.max(few.cpuMs, 0.01), unboundedRatio: 4096 / 64 });
  } finally {
    lab.dispose();
  }
}

// ------------------------------------------------------------------ main

// ------------------------------------------------------------------ serve

/**
 * `pki-lens serve` held under scrapes: memory after the first scrape is the baseline, memory after
 * the last (both after a full GC) must not grow with the number of scrapes or rescans.
 */
async function serveScrapes(dir: string, scrapes: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const server = await startServer({ paths: [dir], host: '127.0.0.1', port: 0, intervalMs: 3_600_000 }, () => undefined);
  const scrape = async () => {
    const r = await fetch(`${server.url}/metrics`);
    const text = await r.text();
    if (!r.ok) {
      throw new Error(`scrape failed: ${r.status} ${text}`);
    }
    return text;
  };
  const first = await scrape();
  gc();
  const before = process.memoryUsage();
  const times: number[] = [];
  const scansBefore = server.exporter.scanCount;
  for (let i = 1; i <= scrapes; i++) {
    const t0 = performance.now();
    await scrape();
    times.push(performance.now() - t0);
    if (i % 100 === 0) {
      await server.exporter.rescan();
    }
  }
  gc();
  const after = process.memoryUsage();
  const rescans = server.exporter.scanCount - scansBefore;
  await server.close();
  times.sort((a, b) => a - b);
  emit({
    scrapes, rescans, bytes: first.length, series: first.split('\n').filter(l => l && !l.startsWith('#')).length,
    p50: percentile(times, 50), p95: percentile(times, 95),
    heapFirstMB: before.heapUsed / 1048576, heapLastMB: after.heapUsed / 1048576,
    rssFirstMB: before.rss / 1048576, rssLastMB: after.rss / 1048576,
    heapRatio: after.heapUsed / before.heapUsed,
  });
}

async function main(argv: string[]): Promise<void> {
  const [task, ...args] = argv;
  // As every Node host of the core does at start (the CLI's main, the extension): Node's crypto for
  // what it does faster or the browser lacks. The scan line measures what `pki-lens check` runs.
  provideNodeCrypto();
  switch (task) {
    case 'generate': return generate(args[0], args.slice(1));
    case 'baseline': return baseline(args[0]);
    case 'scan': return scan(args[0], Number(args[1] ?? 0));
    case 'openssl': return opensslLoop(args[0], Number(args[1] ?? 200));
    case 'hover': return hover(args[0], args[1], Number(args[2] ?? 200));
    case 'activate': return activate(args[0], args[1]);
    case 'name-constraints': return nameConstraints(Number(args[0] ?? 1000));
    case 'serve': return serveScrapes(args[0], Number(args[1] ?? 1000));
    case 'keystore': return emit(await keystoreBench(args[0]));
    default: throw new Error(`unknown task ${task}`);
  }
}

main(process.argv.slice(2)).catch(e => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
