// `npm run demo`: the README's first command. On a fresh clone it installs what it needs, generates a
// kubeadm-style demo workspace with openssl (healthy, expiring, expired and broken material), and
// opens it in a real VS Code with PKI Lens loaded: desktop `code` when it is on PATH, otherwise
// code-server on 127.0.0.1 (the URL is printed). Ctrl+C stops it.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO = path.join(ROOT, '.vscode-test', 'demo');
const WORKSPACE = path.join(DEMO, 'etc-kubernetes');
const PORT = Number(process.env.PKI_LENS_DEMO_PORT || 8123);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

if (!fs.existsSync(path.join(ROOT, 'node_modules', '.package-lock.json'))) {
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
run(process.execPath, ['esbuild.mjs']);
fs.mkdirSync(DEMO, { recursive: true });
// The fixture generator is TypeScript; bundle just it (type-checking is the test command's job).
const { build } = await import('esbuild');
await build({ entryPoints: [path.join(ROOT, 'test/fixtures/generate.ts')], bundle: true, platform: 'node', outfile: path.join(DEMO, 'generate.js'), logLevel: 'warning' });
fs.rmSync(WORKSPACE, { recursive: true, force: true });
fs.rmSync(`${WORKSPACE}.manifest.json`, { force: true });
run(process.execPath, [path.join(DEMO, 'generate.js'), 'demo', WORKSPACE], { stdio: ['ignore', 'ignore', 'inherit'] });
console.log(`\ndemo workspace: ${WORKSPACE}`);

if (onPath('code') && process.env.PKI_LENS_VSCODE !== 'code-server') {
  // A desktop VS Code exists: use it, with PKI Lens as the development extension.
  run('code', ['--new-window', `--extensionDevelopmentPath=${ROOT}`, WORKSPACE]);
  process.exit(0);
}

const { ensureRuntime } = await import('./vscode/runtime.mjs');
const { startCodeServer, installVsix } = await import('./vscode/workbench.mjs');
await ensureRuntime();
// Installed as a .vsix (a production install), so notifications show as they would for a user.
run(process.execPath, ['esbuild.mjs', '--production']);
run('npx', ['vsce', 'package', '--no-dependencies', '--skip-license', '-o', path.join(DEMO, 'pki-lens.vsix')], { stdio: ['ignore', 'ignore', 'inherit'] });
const dataDir = path.join(DEMO, 'code-server');
fs.rmSync(dataDir, { recursive: true, force: true });
await installVsix(path.join(DEMO, 'pki-lens.vsix'), dataDir);
const server = await startCodeServer({
  port: PORT, dataDir, folder: WORKSPACE, smokeTestDriver: false,
  settings: { 'workbench.startupEditor': 'none', 'editor.hover.delay': 300 },
});
console.log(`\nPKI Lens demo is running in a real VS Code (code-server, 127.0.0.1 only):\n\n    ${server.url}?folder=${encodeURIComponent(WORKSPACE)}\n`);
console.log('Open it in a browser on this machine. Things to try: open admin.conf and hover certificate-authority-data;');
console.log('open the Problems panel (Ctrl+Shift+M); the PKI Lens view in the activity bar; F1 → "PKI Lens: Renew Certificate…".');
console.log('Ctrl+C stops the server.');
// workbench.mjs stops code-server on Ctrl+C; until then, keep running.
await new Promise(resolve => server.child.once('exit', resolve));
