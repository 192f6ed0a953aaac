// The in-editor lines of `npm run bench`: the production bundle in the real VS Code, launched headless
// exactly as the integration tests do (scripts/vscode/run-tests.mjs: code-server + chromium), on the
// bench workspace. Two starts on one user-data dir and port, so the second is a window reload that
// finds the first one's persistent cache; scripts/bench/vscodeProbe.ts does the timing inside.
import fs from 'node:fs';
import path from 'node:path';
import { runIntegrationTests } from '../vscode/run-tests.mjs';
import { extensionCopy } from '../vscode/extensionCopy.mjs';
import { freePort } from '../vscode/workbench.mjs';

/** Runs both starts; resolves with { cold, reload } as the probe wrote them (or { error }). */
export async function benchInVsCode({ root, out, workspace, bundleDir, expectedFindings, build }) {
  const probe = path.join(out, 'vscode-probe.cjs');
  await build({
    entryPoints: [path.join(root, 'scripts', 'bench', 'vscodeProbe.ts')], bundle: true, platform: 'node', target: 'node18', format: 'cjs',
    outfile: probe, external: ['vscode'], logLevel: 'warning',
  });
  const extension = extensionCopy(path.join(out, 'extension'), { dist: bundleDir });
  const profileDir = process.env.PKI_LENS_BENCH_PROFILE;
  if (profileDir) {
    profileFromFirstLine(extension, profileDir);
  }
  const dataDir = path.join(out, 'vscode-data');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const port = await freePort();
  const results = {};
  for (const phase of ['cold', 'reload']) {
    const file = path.join(out, `vscode-${phase}.json`);
    fs.rmSync(file, { force: true });
    const code = await runIntegrationTests({
      extensionDevelopmentPath: extension, extensionTestsPath: probe, folder: workspace, reuseDataDir: dataDir, port, label: `bench-${phase}`,
      env: { PKI_LENS_BENCH_PHASE: phase, PKI_LENS_BENCH_OUT: file, PKI_LENS_BENCH_FINDINGS: String(expectedFindings), ...(profileDir ? { PKI_LENS_BENCH_START_PROFILE: path.join(path.resolve(profileDir), `start-${phase}.cpuprofile`) } : {}) }, timeoutMs: 900_000,
    });
    results[phase] = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { error: `VS Code run exited ${code} without a result` };
    process.stderr.write(`  vscode ${phase}: ${JSON.stringify(results[phase])}\n`);
  }
  if (!process.env.PKI_LENS_KEEP_RUNS) {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

/** How long the profile from the extension's first line runs: the cold start's first build and rehearsal, at the bench workspace's size. */
const START_PROFILE_MS = Number(process.env.PKI_LENS_BENCH_START_PROFILE_MS || 15_000);

/**
 * The copy's entry made a wrapper that starts V8's profiler on the extension host's thread before it
 * loads the extension, and writes the profile START_PROFILE_MS later or at deactivation, whichever comes
 * first (to the file the run's PKI_LENS_BENCH_START_PROFILE names): the reading of a cold start, which the probe, loaded seconds
 * after activation, does not see. Only in the bench's own copy; the extension itself has no such hook.
 */
function profileFromFirstLine(extension, profileDir) {
  fs.mkdirSync(profileDir, { recursive: true });
  const dist = path.join(extension, 'dist');
  fs.renameSync(path.join(dist, 'extension.js'), path.join(dist, 'extension-profiled.js'));
  fs.writeFileSync(path.join(dist, 'extension.js'), `const inspector = require('node:inspector');
const fs = require('node:fs');
const out = process.env.PKI_LENS_BENCH_START_PROFILE;
let stop = () => {};
if (out) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  // At the length asked for, or when VS Code deactivates the extension (a reload's run ends sooner).
  stop = () => {
    stop = () => {};
    session.post('Profiler.stop', (error, result) => {
      if (!error) { fs.writeFileSync(out, JSON.stringify(result.profile)); }
      session.disconnect();
    });
  };
  setTimeout(() => stop(), ${START_PROFILE_MS}).unref();
}
const extension = require('./extension-profiled.js');
module.exports = { ...extension, deactivate: (...args) => { stop(); return extension.deactivate(...args); } };
`);
}
