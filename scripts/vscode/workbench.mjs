// Starts a real VS Code workbench: code-server (VS Code's server) on 127.0.0.1 and headless chromium
// (driven by playwright-core) pointed at it. Used by run-tests.mjs (integration tests) and ui.mjs (UI journeys).
// Every run gets its own data dir so nothing is written to $HOME, and every child process is killed
// when this process exits or is interrupted.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { runtimePaths } from './runtime.mjs';

export const log = (...a) => console.error(`[vscode ${new Date().toISOString().slice(11, 23)}]`, ...a);

// ---- cleanup: async closers for signals, synchronous killers for 'exit' (which can't await) ----
const closers = new Set();
const killers = new Set();
let hooked = false;
let interruptedBy = null;
/** The signal that is shutting this process down, or null. A run that ends meanwhile has no valid result. */
export const interrupted = () => interruptedBy;
function hookProcessExit() {
  if (hooked) { return; }
  hooked = true;
  process.on('exit', () => { for (const k of killers) { try { k(); } catch { /* already gone */ } } });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      // A second signal (Ctrl+C twice, or a launcher forwarding the one the terminal already sent):
      // exit at once; the 'exit' hooks here and in playwright still kill every child.
      if (interruptedBy) { process.exit(128 + os.constants.signals[sig]); }
      interruptedBy = sig;
      log(`${sig}: shutting down chromium and VS Code`);
      // Newest first: the browser goes before the server, otherwise the workbench sees its extension
      // host vanish and reports the test run as finished.
      const closeAll = async () => { for (const c of [...closers].reverse()) { await c().catch(() => {}); } };
      await Promise.race([closeAll(), new Promise(r => setTimeout(r, 8000).unref())]);
      process.exit(128 + os.constants.signals[sig]);
    });
  }
}
/** Registers cleanup for something this process started; returns a function that unregisters it. */
function track(close, kill) {
  hookProcessExit();
  closers.add(close);
  if (kill) { killers.add(kill); }
  return () => { closers.delete(close); if (kill) { killers.delete(kill); } };
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// VS Code (vscode-ipc-<uuid>.sock, 52 chars) and chromium (org.chromium.Chromium.XXXXXX/SingletonSocket,
// 41 chars) create unix sockets in the temp dir; socket paths are limited to 107 bytes, so a deep data
// dir gets its temp dir under the system temp dir instead (owned: the caller removes it).
function tmpDirFor(dataDir) {
  const inside = path.join(dataDir, 'tmp');
  if (inside.length <= 50) { fs.mkdirSync(inside, { recursive: true }); return { dir: inside, owned: false }; }
  return { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-')), owned: true };
}

/** Environment that keeps code-server's config, data, caches and temp files inside the run's data dir. */
function isolatedEnv(dataDir, tmp) {
  return {
    TMPDIR: tmp,
    XDG_CONFIG_HOME: path.join(dataDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(dataDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(dataDir, 'xdg-cache'),
    EXTENSIONS_GALLERY: '{}', // no marketplace: otherwise code-server queries open-vsx.org
  };
}

function dirArgs(dataDir) {
  return ['--user-data-dir', path.join(dataDir, 'user-data'), '--extensions-dir', path.join(dataDir, 'extensions'),
    '--config', path.join(dataDir, 'config.yaml')];
}

// A quiet, predictable workbench: no welcome page, trust prompt, update checks, AI panels or preview tabs.
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.editor.enablePreview': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'editor.hover.delay': 100,
  // Tests never read the real ~/.kube/config (the setting's default); the repairs suite names a temp copy.
  'pkiLens.scan.extraKubeconfigs': [],
  'window.restoreWindows': 'none',
  // Tests edit documents and revert them: nothing may write an edited buffer to disk behind their back.
  'files.autoSave': 'off',
};

/**
 * Starts code-server on 127.0.0.1:port with auth off and its own user-data/extensions/XDG/TMPDIR
 * under dataDir. `env` is added to code-server's environment, which the extension host inherits.
 * `settings` is merged over the quiet defaults into the user settings.json.
 * smokeTestDriver: needed for ?payload= development/test paths (a built web workbench ignores them
 * otherwise); its side effect is that notification toasts are hidden (they stay in the notification centre).
 * Resolves once the server listens: { url, port, dataDir, child, logFile, stop() }.
 */
export async function startCodeServer({ port, dataDir, folder, env = {}, smokeTestDriver = true, settings = {}, extraArgs = [], startTimeoutMs = 60000 }) {
  const rt = runtimePaths();
  port ??= await freePort();
  fs.mkdirSync(path.join(dataDir, 'user-data', 'User'), { recursive: true });
  fs.mkdirSync(path.join(dataDir, 'extensions'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'user-data', 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2) + '\n');
  const tmp = tmpDirFor(dataDir);
  const logFile = path.join(dataDir, 'code-server.log');
  const args = [rt.codeServerEntry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--disable-proxy', ...dirArgs(dataDir),
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...extraArgs, ...(folder ? [folder] : [])];
  // detached = own process group, so stop() also reaches the extension host and the other helpers.
  const child = spawn(rt.node24, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...isolatedEnv(dataDir, tmp.dir), ...env, PATH: `${path.dirname(rt.node24)}:${process.env.PATH}` },
  });
  const watchdog = startWatchdog(child.pid);
  const killGroup = sig => {
    try { process.kill(-child.pid, sig); } catch { /* group gone */ }
    if (sig === 'SIGKILL') { try { watchdog.kill('SIGKILL'); } catch { /* gone */ } }
  };
  const exited = new Promise(r => child.once('exit', r));
  const removeTmp = () => { if (tmp.owned) { fs.rmSync(tmp.dir, { recursive: true, force: true }); } };
  let untrack = () => {};
  const stop = async () => {
    untrack();
    if (child.exitCode === null && child.signalCode === null) {
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    killGroup('SIGKILL'); // stragglers whose parent already left
    removeTmp();
  };
  untrack = track(stop, () => { killGroup('SIGKILL'); removeTmp(); });

  const out = fs.createWriteStream(logFile);
  child.once('exit', () => out.end());
  let seen = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`code-server did not listen within ${startTimeoutMs} ms`)), startTimeoutMs);
    let started = false;
    const fail = e => {
      if (started) { return; } // a later exit is the caller's business (stop(), or its own exit watch)
      clearTimeout(timer);
      stop().finally(() => reject(new Error(`${e.message}; log ${logFile}:\n${seen.slice(-3000)}`)));
    };
    const onData = d => {
      out.write(d);
      if (seen.length < 100000) { seen += d; }
      if (!started && seen.includes('HTTP server listening on')) { started = true; clearTimeout(timer); resolve(); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', fail);
    child.once('exit', code => fail(new Error(`code-server exited early (code ${code})`)));
  });
  return { url: `http://127.0.0.1:${port}/`, port, dataDir, child, logFile, stop };
}

/**
 * code-server runs in its own process group, which the 'exit' hook kills. If this process is killed
 * with SIGKILL no hook runs, so a tiny detached watchdog kills the group once this process is gone.
 */
function startWatchdog(pgid) {
  const code = `for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
setInterval(() => {
  try { process.kill(${process.pid}, 0); } catch { try { process.kill(-${pgid}, 'SIGKILL'); } catch {} process.exit(0); }
  try { process.kill(-${pgid}, 0); } catch { process.exit(0); }
}, 1000);`;
  const w = spawn(process.execPath, ['-e', code], { detached: true, stdio: 'ignore' });
  w.unref();
  return w;
}

/**
 * Headless chromium (CHROMIUM, default /usr/bin/chromium) with a fresh profile in profileDir.
 * The host resolver maps every name except loopback to NOTFOUND, so the page can reach only code-server.
 * Returns a playwright BrowserContext; closing it stops the browser.
 */
export async function launchChromium(profileDir, { viewport = { width: 1400, height: 900 } } = {}) {
  fs.rmSync(profileDir, { recursive: true, force: true });
  fs.mkdirSync(profileDir, { recursive: true });
  const tmp = tmpDirFor(profileDir);
  const removeTmp = () => { if (tmp.owned) { fs.rmSync(tmp.dir, { recursive: true, force: true }); } };
  let ctx;
  try {
    ctx = await chromium.launchPersistentContext(profileDir, {
      executablePath: runtimePaths().chromium,
      headless: true,
      viewport,
      // our own signal handling closes the browser together with code-server
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
      // chromium writes ~/.config/chromium/Crash Reports and temp files otherwise
      env: { ...process.env, XDG_CONFIG_HOME: path.join(profileDir, 'xdg-config'), XDG_CACHE_HOME: path.join(profileDir, 'xdg-cache'), TMPDIR: tmp.dir },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
        '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost'],
    });
  } catch (e) {
    removeTmp();
    throw e;
  }
  const untrack = track(() => ctx.close().catch(() => {}), removeTmp);
  ctx.once('close', () => { untrack(); removeTmp(); });
  return ctx;
}

/**
 * The workbench URL for a started server. The web workbench reads ?folder= and ?payload=; development
 * and test paths must be vscode-remote:// URIs of the server so the remote (Node) extension host runs them.
 * payload: extra [key, value] pairs.
 */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath, payload = [] } = {}) {
  const remote = p => `vscode-remote://127.0.0.1:${server.port}${path.resolve(p)}`;
  const entries = [];
  if (extensionDevelopmentPath) { entries.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]); }
  if (extensionTestsPath) { entries.push(['extensionTestsPath', remote(extensionTestsPath)]); }
  entries.push(['skipWelcome', 'true'], ...payload);
  const q = new URLSearchParams();
  // A .code-workspace file opens a (multi-root) workspace; anything else a single folder.
  if (folder) { q.set(folder.endsWith('.code-workspace') ? 'workspace' : 'folder', path.resolve(folder)); }
  q.set('payload', JSON.stringify(entries));
  return `${server.url}?${q}`;
}

/** Installs a .vsix into dataDir's extensions dir (offline) before startCodeServer({ dataDir }). Resolves with the CLI output. */
export async function installVsix(vsixPath, dataDir) {
  const rt = runtimePaths();
  fs.mkdirSync(dataDir, { recursive: true });
  const tmp = tmpDirFor(dataDir);
  try {
    return await new Promise((resolve, reject) => {
      execFile(rt.node24, [rt.codeServerEntry, ...dirArgs(dataDir), '--install-extension', path.resolve(vsixPath)], {
        env: { ...process.env, ...isolatedEnv(dataDir, tmp.dir), PATH: `${path.dirname(rt.node24)}:${process.env.PATH}` },
        timeout: 120000,
      }, (err, stdout, stderr) => {
        if (err) { reject(new Error(`installing ${vsixPath} failed: ${err.message}\n${stdout}${stderr}`)); } else { resolve(stdout.trim()); }
      });
    });
  } finally {
    if (tmp.owned) { fs.rmSync(tmp.dir, { recursive: true, force: true }); }
  }
}
