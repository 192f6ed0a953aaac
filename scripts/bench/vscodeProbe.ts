// The in-editor half of `npm run bench` (scripts/bench/vscode.mjs): loaded by the real VS Code as its
// extensionTestsPath, next to the production bundle on the bench workspace. It times, from the moment
// PKI Lens's activate() was entered, until the Problems panel holds every finding the CLI scan of the
// same run found; in the first start also a warm rescan after one file changed; and all along the
// longest gap of a 10 ms timer in the extension host (a task that long blocked every extension).
// Writes one JSON object to PKI_LENS_BENCH_OUT.
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import * as vscode from 'vscode';
import type { PkiLensApi } from '../../src/extension';

const probeLoadedAt = Date.now();
const rssAtLoad = process.memoryUsage().rss;
let lastTick = performance.now();
let longestGap = 0;
/** When (Date.now()) the longest gap ended: to find, in the extension's log, what held the host. */
let longestGapEndedAt = 0;
let gapWindow = 0;
/**
 * What a gap was made of, from the kernel's account of the extension host's main thread (Linux
 * /proc/<pid>/task/<pid>/schedstat): on a CPU (the host's own work: every extension's code, the
 * collector's part on this thread), runnable but waiting for a CPU (the window's other processes,
 * Chromium and VS Code's server, on the same two cores), and the rest, neither (blocked in the kernel).
 * A gap the thread spent waiting for a CPU is not one a change to the extension can shorten.
 */
interface GapParts { runMs: number; waitMs: number; blockedMs: number }
let longestGapParts: GapParts | undefined;
let gapWindowParts: GapParts | undefined;
const schedstat = `/proc/${process.pid}/task/${process.pid}/schedstat`;
function threadClock(): { runNs: number; waitNs: number } | undefined {
  try {
    const [runNs, waitNs] = fs.readFileSync(schedstat, 'latin1').split(' ').map(Number);
    return { runNs, waitNs };
  } catch {
    return undefined; // not Linux: the gaps are reported whole
  }
}
let lastClock = threadClock();
/** With PKI_LENS_BENCH_PROFILE: every gap over 40 ms, on the profiler's clock (µs), saved beside each profile. */
let gaps: { startUs: number; endUs: number; parts?: GapParts }[] = [];
const ticker = setInterval(() => {
  const now = performance.now();
  const gap = now - lastTick;
  const clock = threadClock();
  const parts = clock && lastClock && partsOf(gap, clock.runNs - lastClock.runNs, clock.waitNs - lastClock.waitNs);
  lastClock = clock;
  if (profileDir && gap > 40) {
    const endUs = Number(process.hrtime.bigint() / 1000n);
    gaps.push({ startUs: endUs - Math.round(gap * 1000), endUs, parts });
  }
  if (gap > longestGap) {
    longestGapEndedAt = Date.now();
    longestGap = gap;
    longestGapParts = parts;
  }
  if (gap > gapWindow) {
    gapWindow = gap;
    gapWindowParts = parts;
  }
  lastTick = now;
}, 10);

function partsOf(gapMs: number, runNs: number, waitNs: number): GapParts {
  const runMs = Math.round(runNs / 1e6);
  const waitMs = Math.round(waitNs / 1e6);
  return { runMs, waitMs, blockedMs: Math.max(0, Math.round(gapMs) - runMs - waitMs) };
}

/** A new window of gaps (one phase): the longest since, and what it was made of. */
function newGapWindow(): void {
  gapWindow = 0;
  gapWindowParts = undefined;
}

// PKI_LENS_BENCH_PROFILE=<dir>: CPU profiles of the extension host's thread, from the probe's load
// to the first build (<dir>/<phase>.cpuprofile), over the one-file changes (<dir>/one-file.cpuprofile, one-file-material.cpuprofile,
// and one-file-material-again.cpuprofile over its four repeats, the relink's code compiled by then)
// and the full rescan (full-rescan.cpuprofile);
// open them in Chrome DevTools: what held the host.
const profileDir = process.env.PKI_LENS_BENCH_PROFILE;
const profiler = profileDir ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  void startProfile();
}

/** Settles once the profiler runs; its start (150–300 ms of the thread) is not counted as a gap of the extension's. */
function startProfile(): Promise<void> {
  return new Promise(resolve => {
    if (!profiler) {
      return resolve();
    }
    profiler.post('Profiler.enable', () => profiler.post('Profiler.start', () => {
      lastTick = performance.now();
      lastClock = threadClock();
      resolve();
    }));
  });
}

function saveProfile(name: string): Promise<void> {
  return new Promise(resolve => {
    if (!profiler || !profileDir) {
      return resolve();
    }
    profiler.post('Profiler.stop', (error, result) => {
      if (!error) {
        fs.mkdirSync(profileDir, { recursive: true });
        fs.writeFileSync(`${profileDir}/${name}.cpuprofile`, JSON.stringify(result.profile));
        fs.writeFileSync(`${profileDir}/${name}.gaps.json`, JSON.stringify(gaps));
        gaps = [];
      }
      resolve();
    });
  });
}

// PKI_LENS_BENCH_HEAP=<dir>: a heap snapshot of the extension host once the Problems panel is complete
// (<dir>/<phase>.heapsnapshot, for Chrome DevTools' Memory tab): what the RSS line is made of.
async function saveHeapSnapshot(name: string): Promise<void> {
  const dir = process.env.PKI_LENS_BENCH_HEAP;
  if (!dir) {
    return;
  }
  fs.mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  const fd = fs.openSync(`${dir}/${name}.heapsnapshot`, 'w');
  session.on('HeapProfiler.addHeapSnapshotChunk', message => fs.writeSync(fd, message.params.chunk));
  await new Promise<void>(resolve => session.post('HeapProfiler.takeHeapSnapshot', undefined, () => resolve()));
  fs.closeSync(fd);
  session.disconnect();
}

/**
 * The extension host's memory after a full collection: what it holds, where the RSS also counts what
 * the scan made and dropped (V8 keeps the pages it grew to), and where the probe loads while the scan
 * already runs. VS Code's own part of the host is in it too.
 */
async function liveMemory(): Promise<NodeJS.MemoryUsage> {
  const session = new Session();
  session.connect();
  await new Promise<void>(resolve => session.post('HeapProfiler.collectGarbage', undefined, () => resolve()));
  session.disconnect();
  const usage = process.memoryUsage();
  // The collection held the host for a second or two at 100,000 files: the 10 ms timer ticks here
  // first, so that pause is not counted in the next phase's longest gap (one run counted 2.2 s there).
  await new Promise(resolve => setTimeout(resolve, 30));
  return usage;
}

/** PKI Lens's findings per file in the Problems panel, kept from each change event's files (counting all 11,000 on each event held the host for 150 ms). */
const panelCounts = new Map<string, number>();
let panelTotal = 0;
function countFiles(uris: readonly vscode.Uri[]): void {
  for (const uri of uris) {
    const n = vscode.languages.getDiagnostics(uri).filter(d => d.source === 'PKI Lens').length;
    panelTotal += n - (panelCounts.get(uri.toString()) ?? 0);
    panelCounts.set(uri.toString(), n);
  }
}
countFiles(vscode.languages.getDiagnostics().map(([uri]) => uri));
vscode.languages.onDidChangeDiagnostics(e => countFiles(e.uris));

function problemsCount(): number {
  return panelTotal;
}

/** Resolves with the time (Date.now()) the Problems panel first held `expected` findings, or undefined at the deadline. */
function whenComplete(expected: number, deadlineMs: number, onFirst: (at: number) => void): Promise<{ at?: number; count: number }> {
  return new Promise(resolve => {
    let first = false;
    const check = () => {
      const count = problemsCount();
      if (count > 0 && !first) {
        first = true;
        onFirst(Date.now());
      }
      if (count >= expected) {
        done({ at: Date.now(), count });
      }
    };
    const sub = vscode.languages.onDidChangeDiagnostics(check);
    const timer = setTimeout(() => done({ count: problemsCount() }), deadlineMs);
    const done = (r: { at?: number; count: number }) => {
      sub.dispose();
      clearTimeout(timer);
      resolve(r);
    };
    check();
  });
}

/** Resolves true at the index's next build, false at the deadline. */
function nextBuild(index: PkiLensApi['services']['index'], deadlineMs: number): Promise<boolean> {
  return new Promise(resolve => {
    const timer = setTimeout(() => { sub.dispose(); resolve(false); }, deadlineMs);
    const sub = index.onDidChange(() => { clearTimeout(timer); sub.dispose(); resolve(true); });
  });
}

/** The next build whose snapshot `holds` (false at the deadline). */
function buildWhere(index: PkiLensApi['services']['index'], holds: () => boolean, deadlineMs: number): Promise<boolean> {
  return new Promise(resolve => {
    const timer = setTimeout(() => { sub.dispose(); resolve(false); }, deadlineMs);
    const sub = index.onDidChange(() => {
      if (holds()) {
        clearTimeout(timer);
        sub.dispose();
        resolve(true);
      }
    });
  });
}

/** Certificates the current snapshot holds in the file at `uri`. */
function certificatesIn(index: PkiLensApi['services']['index'], uri: vscode.Uri): number | undefined {
  return index.snapshot?.inventory.fileByUri.get(uri.toString())?.certificates.length;
}

export async function run(): Promise<void> {
  const phase = process.env.PKI_LENS_BENCH_PHASE ?? 'cold';
  const expected = Number(process.env.PKI_LENS_BENCH_FINDINGS);
  const ext = vscode.extensions.getExtension<PkiLensApi>('pki-lens.pki-lens');
  if (!ext) {
    throw new Error('PKI Lens is not installed');
  }
  const api = ext.isActive ? ext.exports : await ext.activate();
  let firstAt: number | undefined;
  // The first build (every rule run, related locations in place): the Problems panel may hold every
  // finding before it, from the findings a start shows while still reading (workspace/earlyFindings.ts).
  // The build that ends the first scan (a build before it, say for an open editor, holds only part of the files).
  let builtAt: number | undefined;
  void api.services.index.ready().then(() => { builtAt ??= Date.now(); });
  const complete = await whenComplete(expected, 600_000, at => { firstAt = at; });
  await api.services.index.ready();
  await saveProfile(phase);
  const gapUntilComplete = longestGap;
  const partsUntilComplete = longestGapParts;
  const rssAtComplete = process.memoryUsage().rss;
  await saveHeapSnapshot(phase);
  const live = await liveMemory();
  const store = api.persistentCache;
  // The first share of what the index hands over (restored or early findings) reaches the panel in
  // the same turn, the rest a share per turn after it (features/inventory/panelQueue.ts), and the
  // probe itself starts running only a few hundred milliseconds after activation (the test runner
  // loads first): what the index recorded counts where the probe could not yet look. Where it could
  // (restored after it loaded), the panel's own count says when every finding was in.
  const { restored, earlyFindings } = api.services.index;
  const restoredAll = restored && restored.findings.length >= expected && restored.at < probeLoadedAt ? restored.at : undefined;
  const shownAt = Math.min(complete.at ?? Infinity, restoredAll ?? Infinity);
  const firstShownAt = Math.min(firstAt ?? Infinity, restored?.findings.length ? restored.at : Infinity, earlyFindings[0]?.at ?? Infinity);
  const result: Record<string, unknown> = {
    phase, expected, count: complete.count, complete: complete.at !== undefined,
    shownMs: Number.isFinite(shownAt) ? shownAt - api.activatedAt : undefined,
    builtMs: builtAt !== undefined ? builtAt - api.activatedAt : undefined,
    // Complete: every finding shown and the build done (whichever came last).
    problemsMs: Number.isFinite(shownAt) && builtAt !== undefined ? Math.max(shownAt, builtAt) - api.activatedAt : undefined,
    // A reload shows the last session's findings at once where they still hold (workspace/lastFindings.ts).
    restoredMs: api.services.index.restored ? api.services.index.restored.at - api.activatedAt : undefined,
    restored: api.services.index.restored?.findings.length ?? 0,
    lastFindings: api.lastFindings && { state: api.lastFindings.stats.state, message: api.lastFindings.stats.message },
    earlyBatches: api.services.index.earlyFindings.length,
    earlyFindings: api.services.index.earlyFindings.reduce((n, b) => n + b.findings.length, 0),
    firstFindingsMs: Number.isFinite(firstShownAt) ? firstShownAt - api.activatedAt : undefined,
    probeSawFirstMs: firstAt !== undefined ? firstAt - api.activatedAt : undefined,
    probeLoadedAfterActivationMs: probeLoadedAt - api.activatedAt,
    activationMs: api.activationMs,
    moduleLoadMs: api.moduleLoadMs,
    activationCpuMs: api.activationCpuMs,
    moduleLoadCpuMs: api.moduleLoadCpuMs,
    longestGapMs: gapUntilComplete, longestGapParts: partsUntilComplete, longestGapEndedAt: new Date(longestGapEndedAt).toISOString(),
    rssMB: Math.round(rssAtComplete / 1048576), rssGrowthSinceProbeMB: Math.round((rssAtComplete - rssAtLoad) / 1048576),
    liveHeapMB: Math.round(live.heapUsed / 1048576), liveExternalMB: Math.round(live.external / 1048576),
    cache: store && { state: store.stats.state, hits: store.stats.hits, analysed: store.stats.analysed.length, entriesOnDisk: store.stats.entriesOnDisk, verdictsOnDisk: store.stats.verdictsOnDisk, emptyFilesNotRead: store.knownEmpty.skipped, materialFilesNotRead: store.knownEmpty.trustedReads },
  };
  if (phase === 'cold') {
    const index = api.services.index;
    await index.ready();
    // The start's relink rehearsal (workspace/rehearsal.ts) runs once after the first build, in the
    // background: a person's first save after opening the workspace comes after it, so the changes below do.
    const rehearsalStarted = Date.now();
    result.rehearsal = await Promise.race([index.rehearsal ?? Promise.resolve(undefined), new Promise<undefined>(resolve => setTimeout(resolve, 60_000))]);
    result.rehearsalWaitedMs = Date.now() - rehearsalStarted;
    const file = index.snapshot!.files.find(f => f.uri.path.endsWith('.crt'))!;
    const original = fs.readFileSync(file.uri.fsPath);
    // One certificate file changed on disk (a trailing newline: the same findings), as a person saves
    // it: the watcher's event, the file read again, the rebuild (what a user waits for after a save).
    // Watchers of the probe's own on the same file: VS Code's (its event reaches the extension host when
    // a VS Code watcher of PKI Lens's would) and the kernel's (fs.watch, as PKI Lens's own watch of the
    // folders with material, workspace/ownWatch.ts), so the wait splits into the event and PKI Lens's part
    // (read, relink, checks) from the first event on.
    const name = file.uri.path.split('/').pop()!;
    const own = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(file.uri, '..'), name));
    let eventAt: number | undefined;
    let kernelAt: number | undefined;
    let vscodeEvent: () => void = () => undefined;
    const vscodeEventCame = new Promise<void>(resolve => (vscodeEvent = resolve));
    own.onDidChange(() => { eventAt ??= Date.now(); vscodeEvent(); });
    const kernel = fs.watch(vscode.Uri.joinPath(file.uri, '..').fsPath, { persistent: false }, (_kind, entry) => {
      if (entry?.toString() === name) {
        kernelAt ??= Date.now();
      }
    });
    await startProfile();
    newGapWindow();
    let t0 = Date.now();
    const rebuilt = nextBuild(index, 120_000);
    fs.appendFileSync(file.uri.fsPath, '\n');
    const builtAfterChange = (await rebuilt) ? Date.now() : undefined;
    // VS Code's event may come after the build (PKI Lens read the file on the kernel's): wait for it, to say when.
    await Promise.race([vscodeEventCame, new Promise(resolve => setTimeout(resolve, 5_000))]);
    own.dispose();
    kernel.close();
    await saveProfile('one-file');
    result.watcherMs = builtAfterChange !== undefined ? builtAfterChange - t0 : undefined;
    result.watcherEventMs = eventAt !== undefined ? eventAt - t0 : undefined;
    result.watcherKernelMs = kernelAt !== undefined ? kernelAt - t0 : undefined;
    const firstEventAt = Math.min(eventAt ?? Infinity, kernelAt ?? Infinity);
    result.watcherFromEventMs = builtAfterChange !== undefined && Number.isFinite(firstEventAt) ? builtAfterChange - firstEventAt : undefined;
    result.watcherFile = vscode.workspace.asRelativePath(file.uri);
    result.watcherLongestGapMs = gapWindow;
    result.watcherLongestGapParts = gapWindowParts;
    fs.writeFileSync(file.uri.fsPath, original);
    await nextBuild(index, 120_000);
    // The same file's material changed (another certificate appended to it: a chain), so it is
    // linked again: the trailing newline above leaves every analysis as it was (workspace/rebuilds.ts).
    const other = index.snapshot!.files.find(f => f.uri.path.endsWith('.crt') && f.uri.toString() !== file.uri.toString())!;
    await startProfile();
    newGapWindow();
    t0 = Date.now();
    const relinked = nextBuild(index, 120_000);
    fs.appendFileSync(file.uri.fsPath, `\n${fs.readFileSync(other.uri.fsPath, 'utf8')}`);
    result.watcherMaterialMs = (await relinked) ? Date.now() - t0 : undefined;
    await saveProfile('one-file-material');
    result.watcherMaterialLongestGapMs = gapWindow;
    result.watcherMaterialLongestGapParts = gapWindowParts;
    fs.writeFileSync(file.uri.fsPath, original);
    await buildWhere(index, () => certificatesIn(index, file.uri) === 1, 120_000);
    // The same change four times more, the file restored between: what a session's later saves take,
    // once V8 has compiled the relink's code (the first relink after a start runs much of it cold).
    // Each wait is for the build that holds the appended certificate, not any build (VS Code's late
    // event for the write before makes one too).
    const again: number[] = [];
    await startProfile();
    for (let i = 0; i < 4; i++) {
      t0 = Date.now();
      const built = buildWhere(index, () => certificatesIn(index, file.uri) === 2, 120_000);
      fs.appendFileSync(file.uri.fsPath, `\n${fs.readFileSync(other.uri.fsPath, 'utf8')}`);
      if (await built) {
        again.push(Date.now() - t0);
      }
      fs.writeFileSync(file.uri.fsPath, original);
      await buildWhere(index, () => certificatesIn(index, file.uri) === 1, 120_000);
    }
    await saveProfile('one-file-material-again');
    result.watcherMaterialAgainMs = again;
    // The full rescan (walk and stat every candidate, re-read what changed, rebuild), one file changed.
    fs.appendFileSync(file.uri.fsPath, '\n');
    await startProfile();
    newGapWindow();
    t0 = Date.now();
    await index.rescan();
    result.warmMs = Date.now() - t0;
    await saveProfile('full-rescan');
    result.warmLongestGapMs = gapWindow;
    result.warmLongestGapParts = gapWindowParts;
    result.warmFindings = index.snapshot?.findings.length;
    fs.writeFileSync(file.uri.fsPath, original);
    await index.rescan();
    // The next start (the reload) must find this start's cache on disk.
    const restoredAt = Date.now();
    const deadline = Date.now() + 180_000;
    const last = api.lastFindings?.stats;
    while (!(store?.stats.savedAt && store.stats.savedAt > restoredAt && last?.savedAt && last.savedAt > restoredAt) && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 200));
    }
    result.cacheSaved = !!store?.stats.savedAt;
    result.cacheEntriesSaved = store?.stats.savedEntries;
    result.lastFindingsSaved = last?.savedFindings;
  }
  if (phase === 'reload' && store?.stats.state === 'loaded') {
    // The loaded cache file's bytes are let go once the first save has looked (two seconds after the
    // builds settle, see workspace/persistentCache.ts letGoOfLoadedFile): the memory after that.
    const heldAtComplete = store.stats.loadedBytesHeld;
    const deadline = Date.now() + 60_000;
    while (store.stats.loadedBytesHeld > 0 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 100));
    }
    const after = await liveMemory();
    result.cacheBytesHeldAtCompleteMB = Math.round(heldAtComplete / 1048576);
    result.cacheBytesHeldAfterSaveMB = Math.round(store.stats.loadedBytesHeld / 1048576);
    result.liveHeapAfterSaveMB = Math.round(after.heapUsed / 1048576);
    result.liveExternalAfterSaveMB = Math.round(after.external / 1048576);
  }
  clearInterval(ticker);
  profiler?.disconnect();
  fs.writeFileSync(process.env.PKI_LENS_BENCH_OUT!, JSON.stringify(result));
}
