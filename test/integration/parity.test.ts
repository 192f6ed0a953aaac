// Issue 11's acceptance: the Problems panel and `pki-lens check --format json` list the same findings
// (code, file, range, severity, message, related locations) for the same generated workspace. Runs
// first in the decode (carriers), problems (kubeadm with seeded faults) and healthy suites, on the
// tree as generated, before other tests write to it.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { waitFor } from './helpers';
import { cli, problemsPanel, sorted } from './panelAndCli';
import { pkiApi } from './pkiWorkspace';

describe('parity: Problems panel = pki-lens check --format json', () => {
  it('lists the same findings, at the same places, in the same words', async function () {
    this.timeout(120_000);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 1, 'one folder open');
    const root = folders[0].uri.fsPath;
    const snapshot = await (await pkiApi()).services.index.ready();
    const fromCli = cli(root);
    assert.ok(fromCli.status === 0 || fromCli.status === 1, `check exited ${fromCli.status}: ${fromCli.stderr}`);
    assert.strictEqual(fromCli.findings.length, snapshot.findings.length, 'as many findings as the index holds');
    const expected = sorted(fromCli.findings);
    // The panel fills from the index's snapshot through an event; wait for it, then compare in full.
    let panel: string[] = [];
    try {
      await waitFor('the Problems panel to list what check lists', () => {
        panel = sorted(problemsPanel(root));
        return panel.length === expected.length && panel.every((f, i) => f === expected[i]);
      }, 60_000);
    } catch {
      // fall through: the deep comparison below shows the difference
    }
    assert.deepStrictEqual(panel, expected);
  });
});
