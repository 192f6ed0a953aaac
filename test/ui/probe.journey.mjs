// Journey: Probe Endpoints in the real workbench. Real TLS servers on 127.0.0.1 and a workspace made
// by openssl (test/fixtures/probeLab.ts, compiled); the user runs the command from the palette and
// reads the result document and the Problems panel, where the stale kube-apiserver is named.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/vscode/runtime.mjs';
import { filterProblems, openWorkbench, readProblems, runCommand, screenshot } from '../../scripts/vscode/ui.mjs';
import { publish } from './fixtures.mjs';

const { startProbeLab } = createRequire(import.meta.url)(path.join(REPO_ROOT, 'out', 'test', 'fixtures', 'probeLab.js'));

describe('journey: probe the endpoints the workspace names', () => {
  it('shows what is served and names the component to restart', async () => {
    const root = path.join(REPO_ROOT, 'test-results', 'ui-ws', 'probe');
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    const lab = await startProbeLab(root);
    const wb = await openWorkbench({ folder: root, extensionDevelopmentPath: REPO_ROOT, label: 'probe', settings: { 'pkiLens.probe.timeoutMs': 1500 } });
    let ok = false;
    try {
      const { page } = wb;
      await runCommand(page, 'PKI Lens: Probe Endpoints');
      const rows = await readProblems(page, { until: r => r.join('\n').includes('restart kube-apiserver'), timeout: 60000 });
      assert.match(rows.join('\n'), /kube-apiserver is serving serial/);
      publish(await screenshot(page, 'probe-result'));
      await runCommand(page, 'View: Toggle Maximized Panel');
      await filterProblems(page, 'served');
      const served = await readProblems(page, { until: r => /does not cover 127\.0\.0\.1/.test(r.join('\n')), timeout: 30000 });
      assert.match(served.join('\n'), /expired 3 days ago/);
      publish(await screenshot(page, 'probe-problems'));
      ok = true;
    } finally {
      if (!ok) {
        await screenshot(wb.page, 'probe-failed').catch(() => {});
      }
      await wb.close({ keep: !ok });
      await lab.close();
    }
  });
});
