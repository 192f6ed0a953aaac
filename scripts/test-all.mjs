// The one test command (`npm test`, which .ci/run calls): build, type-check, unit tests, then every
// integration suite in a real VS Code on its own freshly generated workspace, then the UI journeys.
// Prints a closing "N passed, N failed" line over the stages.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WS = path.join(ROOT, 'test-results', 'ws');
const only = process.argv.slice(2); // e.g. `npm test -- unit decode` runs just those stages

/** Integration suites: which mocha files run, in which generated workspace. */
const SUITES = [
  { name: 'decode', suites: ['parity', 'hover', 'decode'], folder: 'carriers', manifests: ['carriers', 'keys'] },
  { name: 'problems', suites: ['parity', 'problems', 'tree', 'rehearsal', 'relink'], folder: 'kubeadm', manifests: ['kubeadm'] },
  { name: 'healthy', suites: ['parity', 'healthy'], folder: 'kubeadm-healthy', manifests: ['kubeadm-healthy'] },
  { name: 'multiroot', suites: ['multiroot'], folder: 'kubeadm-healthy', manifests: ['kubeadm-healthy'], workspace: multiRootWorkspace },
  // Renewal writes files: each suite gets a fresh tree of its own.
  { name: 'renew', suites: ['renew'], folder: 'kubeadm-healthy', manifests: ['kubeadm-healthy'] },
  { name: 'renew-errors', suites: ['renewErrors'], folder: 'kubeadm-healthy', manifests: ['kubeadm-healthy'] },
  { name: 'server-name', suites: ['serverName'], folder: 'server-name', manifests: ['server-name'] },
  { name: 'keystores', suites: ['keystores'], folder: 'keystores', manifests: ['keystores'] },
  { name: 'rules', suites: ['rules'], folder: 'kubeadm-healthy', manifests: ['kubeadm-healthy'], workspace: rulesWorkspace },
  // Repairs beyond renewal (issue 14): SAN Quick Fix and stale copies write files, so a tree of their own.
  { name: 'repairs', suites: ['repairs', 'repairsCsr'], folder: 'server-name', manifests: ['server-name'], outsideKubeconfig: 'covered.conf' },
  // The probe suite starts its TLS servers on 127.0.0.1 and writes the workspace naming them.
  { name: 'probe', suites: ['probe'], folder: 'probe', manifests: ['probe'] },
];

/**
 * Two roots for the hygiene rules and per-folder rule settings (test/integration/rules.test.ts):
 * the healthy kubeadm tree, and an empty second folder whose .vscode/settings.json switches
 * san-missing off. Returns the .code-workspace file.
 */
function rulesWorkspace(root, env) {
  const second = path.join(WS, 'lints-root');
  fs.mkdirSync(path.join(second, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(second, '.vscode', 'settings.json'), JSON.stringify({ 'pkiLens.rules.san-missing': 'off' }, null, 2));
  const file = path.join(WS, 'rules.code-workspace');
  fs.writeFileSync(file, JSON.stringify({ folders: [{ path: root }, { path: second }] }, null, 2));
  env.PKI_LENS_LINTS_ROOT = second;
  return file;
}

/**
 * A two-folder workspace: the healthy kubeadm tree, and a second root to which the etcd server
 * certificate and key are moved, away from their CA in the first root; each root has its own
 * pkiLens.expiry.warningDays. Returns the .code-workspace file.
 */
function multiRootWorkspace(root, env) {
  const second = path.join(WS, 'second-root');
  fs.mkdirSync(second, { recursive: true });
  for (const f of ['server.crt', 'server.key']) {
    fs.renameSync(path.join(root, 'pki', 'etcd', f), path.join(second, `etcd-${f}`));
  }
  // Folder settings differ per root (test/integration/multiroot.test.ts judges the same certificate by each).
  for (const [folder, warningDays] of [[root, 90], [second, 30]]) {
    fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'pkiLens.expiry.warningDays': warningDays }, null, 2));
  }
  const file = path.join(WS, 'multiroot.code-workspace');
  fs.writeFileSync(file, JSON.stringify({ folders: [{ path: root }, { path: second }] }, null, 2));
  env.PKI_LENS_SECOND_ROOT = second;
  return file;
}

function sh(cmd, args, opts = {}) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

function generate(kind) {
  const out = path.join(WS, kind);
  const status = sh(process.execPath, [path.join(ROOT, 'out/test/fixtures/generate.js'), kind, out], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (status !== 0) {
    throw new Error(`fixture generator failed for ${kind}`);
  }
  return { root: out, manifest: `${out}.manifest.json` };
}

const results = [];
function stage(name, fn) {
  if (only.length && !only.some(o => name === o || name.startsWith(`${o}:`) || name.endsWith(`:${o}`))) {
    return;
  }
  const t0 = Date.now();
  let status;
  try {
    status = fn();
  } catch (e) {
    console.error(e);
    status = 1;
  }
  results.push({ name, ok: status === 0, seconds: ((Date.now() - t0) / 1000).toFixed(1) });
}

stage('build', () => sh('node', ['esbuild.mjs']) || sh('npx', ['tsc', '-p', '.', '--noEmit']));
// House rules: no import cycle, no file over 400 lines in src/, a pure core (scripts/check-structure.mjs).
stage('structure', () => sh('node', ['scripts/check-structure.mjs']));
stage('compile-tests', () => sh('npx', ['tsc', '-p', 'test/tsconfig.json']));
// The real VS Code (code-server + Node 24 from npm) is installed once, before anything needs it.
stage('runtime', () => sh(process.execPath, ['scripts/vscode/runtime.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] }));
stage('unit', () => sh(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...fs.readdirSync(path.join(ROOT, 'out/test/unit')).filter(f => f.endsWith('.test.js')).map(f => `out/test/unit/${f}`)]));

const { runSuite } = await import('./test-integration.mjs');
for (const s of SUITES) {
  if (only.length && !only.some(o => o === s.name || o === 'integration')) {
    continue;
  }
  const t0 = Date.now();
  let ok = false;
  try {
    fs.rmSync(WS, { recursive: true, force: true });
    const env = { PKI_LENS_SUITES: s.suites.join(',') };
    const trees = {};
    for (const kind of new Set([s.folder, ...s.manifests])) {
      trees[kind] = generate(kind);
      env[`PKI_LENS_MANIFEST_${kind.toUpperCase().replace(/-/g, '_')}`] = trees[kind].manifest;
    }
    const folder = s.workspace ? s.workspace(trees[s.folder].root, env) : trees[s.folder].root;
    if (s.outsideKubeconfig) {
      // pkiLens.scan.extraKubeconfigs (issue 14): a copy of the admin kubeconfig outside the folder, in a temp dir, never the real ~/.kube/config.
      const file = path.join(WS, 'outside-home', '.kube', 'config');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.copyFileSync(path.join(trees[s.folder].root, s.outsideKubeconfig), file);
      env.PKI_LENS_OUTSIDE_KUBECONFIG = file;
    }
    ok = (await runSuite({ folder, env })) === 0;
  } catch (e) {
    console.error(e);
  }
  results.push({ name: `integration:${s.name}`, ok, seconds: ((Date.now() - t0) / 1000).toFixed(1) });
}

// The persistent analysis cache across window reloads: five starts of VS Code on one user-data dir (scripts/test-cache.mjs).
stage('integration:cache', () => sh(process.execPath, ['scripts/test-cache.mjs']));

// UI journeys: what a person sees in the real workbench (screenshots land in media/screenshots for README).
stage('ui', () => sh(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1',
  ...fs.readdirSync(path.join(ROOT, 'test/ui')).filter(f => f.endsWith('.journey.mjs')).sort().map(f => `test/ui/${f}`)]));

// The browser build (dist/web/extension.js) in VS Code's web-worker extension host, via @vscode/test-web.
stage('web', () => sh(process.execPath, ['scripts/test-web.mjs']));

console.log('\nstages:');
for (const r of results) {
  console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds} s)`);
}
const failed = results.filter(r => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
