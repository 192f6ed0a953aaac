// The persistent-cache suite (test/integration/cache.test.ts): VS Code started five times on one
// user-data dir, as a window reload keeps its workspace storage, with the world changed in between:
//   cold     no cache yet                 → a cold scan, then the cache is written
//   reload   nothing changed              → answered from the cache
//   changed  pki/apiserver.crt edited      → that file analysed again, the rest from the cache
//   rewritten  pki/apiserver.crt rewritten with the same size and its mtime set back (one signature
//            character changed, `touch -r` style) → still read again: the ctime moved (knownFiles.ts)
//   version  another extension version    → the cache refused (logged), a cold scan
// The V8 code cache of the bundles (src/util/codeCache.ts): written at 'cold', used after, refused
// once at 'changed' (main.js's damaged before it) and written again.
//   corrupt  the cache file damaged        → refused (logged), a cold scan
// The last session's findings (lastFindings.ts) are restored on 'reload' only: every other phase
// changed a file they point into, the version, or damaged their file (refused, logged).
// Every phase also compares the Problems panel with `pki-lens check` (no cache). Needs
// `npm run build && npm run compile-tests`. Exit code 0 when every phase passed.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './vscode/runtime.mjs';
import { runIntegrationTests } from './vscode/run-tests.mjs';
import { extensionCopy, findStorageFile } from './vscode/extensionCopy.mjs';
import { freePort } from './vscode/workbench.mjs';

const OUT = path.join(REPO_ROOT, 'test-results', 'cache');
const root = path.join(OUT, 'kubeadm');
const dataDir = path.join(OUT, 'vscode-data');
fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(OUT, { recursive: true });
const gen = spawnSync(process.execPath, [path.join(REPO_ROOT, 'out/test/fixtures/generate.js'), 'kubeadm', root], { stdio: ['ignore', 'ignore', 'inherit'] });
if (gen.status !== 0) { console.error('fixture generator failed'); process.exit(1); }
const CACHE_FILE = 'analysis-cache.bin';
const FINDINGS_FILE = 'last-findings.json';
const tests = path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');

/** The V8 code cache of the extension's bundles (src/util/codeCache.ts), in its global storage. */
const codeCacheDir = path.join(dataDir, 'user-data', 'User', 'globalStorage', 'pki-lens.pki-lens', 'code-cache');
const before = {
  changed: () => {
    // main.js's code cache damaged: refused (our digest), compiled, written again.
    const cache = fs.readdirSync(codeCacheDir).find(f => f.startsWith('main.js.'));
    if (!cache) { throw new Error(`no code cache of main.js in ${codeCacheDir}`); }
    const bytes = fs.readFileSync(path.join(codeCacheDir, cache));
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    fs.writeFileSync(path.join(codeCacheDir, cache), bytes);
    const file = path.join(root, 'pki', 'apiserver.crt');
    fs.appendFileSync(file, '\n');
    // A whole-second mtime a minute back: 'rewritten' must restore it exactly, and a Date or a
    // fractional number of seconds handed to utimes loses the sub-millisecond part (a float rounding).
    const t = Math.floor(Date.now() / 1000) - 60;
    fs.utimesSync(file, t, t);
  },
  rewritten: () => {
    const file = path.join(root, 'pki', 'apiserver.crt');
    const { mtimeMs, size } = fs.statSync(file); // whole seconds (set by 'changed')
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const end = lines.findIndex(line => line.startsWith('-----END CERTIFICATE'));
    const line = lines[end - 2]; // a full line of the signature: the certificate still parses, its signature no longer verifies
    lines[end - 2] = `${line.slice(0, 10)}${line[10] === 'A' ? 'B' : 'A'}${line.slice(11)}`;
    fs.writeFileSync(file, lines.join('\n'));
    fs.utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
    const after = fs.statSync(file);
    if (after.size !== size || after.mtimeMs !== mtimeMs) { throw new Error(`the rewrite changed the size or the mtime (${size} → ${after.size}, ${mtimeMs} → ${after.mtimeMs})`); }
  },
  corrupt: () => {
    // Both files the extension keeps in its storage: the analyses, and the last findings.
    for (const name of [CACHE_FILE, FINDINGS_FILE]) {
      const file = findStorageFile(dataDir, name);
      if (!file) { throw new Error(`no ${name} to damage`); }
      const bytes = fs.readFileSync(file);
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      fs.writeFileSync(file, bytes);
    }
  },
};
const failed = [];
// One port for every start: the workspace's storage is named after its URI, which holds the port.
const port = await freePort();
for (const phase of ['cold', 'reload', 'changed', 'rewritten', 'version', 'corrupt']) {
  before[phase]?.();
  const extensionDevelopmentPath = phase === 'version' ? extensionCopy(path.join(OUT, 'next-version'), { version: '0.1.1-cache-test' }) : REPO_ROOT;
  console.log(`\n— cache phase: ${phase}`);
  const code = await runIntegrationTests({
    extensionDevelopmentPath, extensionTestsPath: tests, folder: root, reuseDataDir: dataDir, port, label: `cache-${phase}`,
    env: { PKI_LENS_SUITES: 'cache', PKI_LENS_CACHE_PHASE: phase },
  });
  if (code !== 0) { failed.push(phase); }
  if (phase === 'cold' && !findStorageFile(dataDir, CACHE_FILE)) { console.error('the cold start wrote no cache file'); failed.push('cold (no file)'); }
}
console.log(failed.length ? `cache suite: failed phases ${failed.join(', ')} (data kept in ${dataDir})` : 'cache suite: 6 phases passed');
if (!failed.length) { fs.rmSync(dataDir, { recursive: true, force: true }); }
process.exit(failed.length ? 1 : 0);
