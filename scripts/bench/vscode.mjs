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
  const dataDir = path.join(out, 'vscode-data');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const port = await freePort();
  const results = {};
  for (const phase of ['cold', 'reload']) {
    const file = path.join(out, `vscode-${phase}.json`);
    fs.rmSync(file, { force: true });
    const code = await runIntegrationTests({
      extensionDevelopmentPath: extension, extensionTestsPath: probe, folder: workspace, reuseDataDir: dataDir, port, label: `bench-${phase}`,
      env: { PKI_LENS_BENCH_PHASE: phase, PKI_LENS_BENCH_OUT: file, PKI_LENS_BENCH_FINDINGS: String(expectedFindings) }, timeoutMs: 900_000,
    });
    results[phase] = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { error: `VS Code run exited ${code} without a result` };
    process.stderr.write(`  vscode ${phase}: ${JSON.stringify(results[phase])}\n`);
  }
  if (!process.env.PKI_LENS_KEEP_RUNS) {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}
