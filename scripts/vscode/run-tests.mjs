// Runs an extension's integration tests (the module given as extensionTestsPath, exporting
// run(): Promise<void>, as for @vscode/test-electron) in a real VS Code: code-server's Node extension
// host, with the web workbench loaded in headless chromium.
//
// CLI:  node scripts/vscode/run-tests.mjs --extensionDevelopmentPath=DIR --extensionTestsPath=FILE
//                                         [--timeout=MS] [--label=NAME] [FOLDER]
// Exit code: 0 tests passed, 1 tests failed (or the test module failed to load), 2 harness error/timeout.
import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, ensureRuntime } from './runtime.mjs';
import { log, interrupted, startCodeServer, launchChromium, workbenchUrl } from './workbench.mjs';
import { hostLogComplaints, hostLogFolders } from './hostLog.mjs';

const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
const SCREENSHOTS = path.join(RESULTS_DIR, 'screenshots');
const VERBOSE = !!process.env.PKI_LENS_VERBOSE;
// Workbench chatter that is not test output (shown with PKI_LENS_VERBOSE=1).
const NOISE = new RegExp([
  'gallery as it is disabled', 'AccountPolicyGate', 'additional builtin extensions', 'debugger listening',
  '^Resolv(ing|ed) connection token', '^Creating a socket', '\\[reconnection-grace-time\\]', '^\\[Service Worker\\]', '^\\[AgentHost',
].join('|'), 'i');

/**
 * Runs the tests and resolves with the exit code (0 pass, 1 fail, 2 harness error/timeout); never rejects.
 * env reaches the extension host (process.env there) through code-server's environment.
 * settings: extra user settings. label: names the screenshot and the kept data dir.
 * A failed run's data dir (code-server.log, vscode-logs/, …) is kept under test-results/; a passing one is deleted.
 * Passing tests fail the run when the extension host logged a warning or an error of PKI Lens's (hostLog.mjs).
 * reuseDataDir: a data dir to start in and keep; with the same `port` as before this is a window reload
 * (the web workbench names a workspace's storage after its URI, which holds the server's port).
 */
export async function runIntegrationTests({ extensionDevelopmentPath, extensionTestsPath, folder, env = {}, timeoutMs,
  settings = {}, label, reuseDataDir, port } = {}) {
  timeoutMs ??= Number(process.env.PKI_LENS_TEST_TIMEOUT_MS || 180000);
  label ??= folder ? path.basename(folder) : path.basename(extensionDevelopmentPath);
  label = label.replace(/[^\w.-]+/g, '_').slice(0, 40);
  const t0 = Date.now();
  let exitCode = 2;
  let server, ctx, dataDir, tResult, logsBefore;
  try {
    if (!extensionDevelopmentPath || !extensionTestsPath) { throw new Error('extensionDevelopmentPath and extensionTestsPath are required'); }
    await ensureRuntime();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = reuseDataDir ?? fs.mkdtempSync(path.join(RESULTS_DIR, `it-${label}-`));
    fs.mkdirSync(dataDir, { recursive: true });
    logsBefore = hostLogFolders(dataDir);
    server = await startCodeServer({ dataDir, folder, env, settings, port });
    const serverExited = new Promise(r => server.child.once('exit', c => r(`code-server exited (code ${c})`)));
    ctx = await launchChromium(path.join(dataDir, 'chromium-profile'));
    const page = ctx.pages()[0] || await ctx.newPage();

    // Both hooks must exist before the workbench loads: it looks them up when the test run starts.
    // codeAutomationExit(code, logs) is called once run() settles (0 resolved, 1 rejected/unloadable).
    let reportExit;
    const finished = new Promise(r => { reportExit = r; });
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      for (const l of Array.isArray(logs) ? logs : []) { // the workbench's own logs, for debugging
        const f = path.join(dataDir, 'vscode-logs', l.relativePath);
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, l.contents);
      }
      reportExit(Number(code));
    });
    // Extension-host console calls (mocha's reporter) arrive as printf-style argument lists.
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const msg = format(...(Array.isArray(args) ? args : [args]));
      if (!VERBOSE && NOISE.test(msg)) { return; }
      if (type === 'error' || type === 'warn') { process.stdout.write(`[exthost ${type}] ${msg}\n`); } else { process.stdout.write(`${msg}\n`); }
    });
    page.on('pageerror', e => log('page error:', e.message));
    if (VERBOSE) { page.on('console', m => log(`[browser ${m.type()}] ${m.text()}`)); }
    const crashed = new Promise(r => page.once('crash', () => r('the workbench page crashed')));

    const url = workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath });
    log(`opening ${url}`);
    await page.goto(url);
    let timer;
    const timedOut = new Promise(r => { timer = setTimeout(() => r(`no result after ${timeoutMs} ms`), timeoutMs); });
    const outcome = await Promise.race([finished, timedOut, serverExited, crashed]);
    clearTimeout(timer);
    tResult = Date.now();
    await page.screenshot({ path: path.join(SCREENSHOTS, `integration-${label}.png`) }).catch(e => log('screenshot failed:', e.message));
    // The workbench also reports an exit when it loses its extension host (server killed, Ctrl+C), so a
    // result only counts while code-server is still up and nobody is shutting this process down.
    const serverGone = server.child.exitCode !== null || server.child.signalCode !== null;
    if (typeof outcome !== 'number') { log(`harness error: ${outcome}`); exitCode = 2; } else if (serverGone || interrupted()) {
      log(`harness error: the run was cut short (${interrupted() || 'code-server exited'})`); exitCode = 2;
    } else { exitCode = outcome; }
  } catch (e) {
    log('harness error:', e.stack || e.message);
    exitCode = 2;
  } finally {
    await ctx?.close().catch(() => {});
    await server?.stop();
  }
  if (dataDir && exitCode === 0) {
    const complaints = hostLogComplaints(dataDir, logsBefore);
    if (complaints.length) {
      log(`the extension host logged ${complaints.length} warning(s) or error(s) of PKI Lens:\n${complaints.join('\n')}`);
      exitCode = 1;
    }
  }
  if (dataDir) {
    if (reuseDataDir) { /* the caller's */ } else if (exitCode === 0 && !process.env.PKI_LENS_KEEP_RUNS) { fs.rmSync(dataDir, { recursive: true, force: true }); } else { log(`run data kept in ${dataDir}`); }
  }
  const secs = ms => `${(ms / 1000).toFixed(1)} s`;
  log(`integration run "${label}" finished with exit code ${exitCode} in ${secs(Date.now() - t0)}`
    + (tResult ? ` (result after ${secs(tResult - t0)}, shutdown ${secs(Date.now() - tResult)})` : ''));
  return exitCode;
}

function parseCli(argv) {
  const o = {};
  for (const a of argv) {
    const [, key, value] = /^--([\w-]+)=(.*)$/.exec(a) || [];
    switch (key) {
      case 'extensionDevelopmentPath': o.extensionDevelopmentPath = path.resolve(value); break;
      case 'extensionTestsPath': o.extensionTestsPath = path.resolve(value); break;
      case 'timeout': o.timeoutMs = Number(value); break;
      case 'label': o.label = value; break;
      default:
        if (a.startsWith('-') || o.folder) { throw new Error(`unexpected argument ${a}`); }
        o.folder = path.resolve(a);
    }
  }
  return o;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let opts;
  try { opts = parseCli(process.argv.slice(2)); } catch (e) {
    console.error(`${e.message}\nusage: run-tests.mjs --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [--timeout=MS] [--label=NAME] [FOLDER]`);
    process.exit(2);
  }
  const code = await runIntegrationTests(opts);
  // On a signal the handler in workbench.mjs finishes cleaning up and exits with 128+signal.
  // Otherwise leave now: playwright may keep handles open although the result is known.
  if (!interrupted()) { process.exit(code); }
}
