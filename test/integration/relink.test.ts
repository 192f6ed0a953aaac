// Issue 18's "no correctness change", on the extension's own road: the index keeps what it can from
// build to build (analyses, stamps, folder listings, the last build when no analysis moved) and
// relinks after each change on disk. Files of the kubeadm tree are changed to another file's bytes,
// removed, or copied beside themselves, then put back; after each step the Problems panel must come
// to list exactly what `pki-lens check --format json` lists for the folder as it is (a new process:
// a build from nothing), and after each undo what it listed before. The CLI's long-lived scanner is
// held to the same, link for link, in test/unit/relinkEquivalence.test.ts.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { addCopy, changeTo, remove, spreadOver } from '../diskSteps';
import { waitFor } from './helpers';
import { cli, problemsPanel, sorted } from './panelAndCli';
import { pkiApi, rel } from './pkiWorkspace';

/** Steps over the tree: three of each kind. */
const STEPS = 9;

describe('relinks: after each change on disk, the Problems panel = a cold pki-lens check', () => {
  it('files changed, removed and added, each put back after', async function () {
    this.timeout(300_000);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 1, 'one folder open');
    const root = folders[0].uri.fsPath;
    const { index } = (await pkiApi()).services;
    const snapshot = await index.ready();
    const material = snapshot.files.map(f => rel(root, f.uri)).sort();
    assert.ok(material.length >= STEPS, `${material.length} files with material`);

    /** What a cold check lists now; then wait for the panel to list the same, and compare in full. */
    const panelCatchesUp = async (label: string, expected: string[]) => {
      let panel: string[] = [];
      try {
        await waitFor(`the Problems panel to list what check lists (${label})`, () => {
          panel = sorted(problemsPanel(root));
          return panel.length === expected.length && panel.every((f, i) => f === expected[i]);
        }, 30_000);
      } catch {
        // fall through: the deep comparison shows the difference
      }
      assert.deepStrictEqual(panel, expected, label);
    };
    const coldCheck = (label: string) => {
      const r = cli(root);
      assert.ok(r.status === 0 || r.status === 1, `${label}: check exited ${r.status}: ${r.stderr}`);
      return sorted(r.findings);
    };

    const before = coldCheck('before the steps');
    await panelCatchesUp('before the steps', before);
    // Removing or copying a file with findings changes what is found; so does writing other material in.
    const withFindings = [...new Set(problemsPanel(root).map(f => f.file))].filter(f => material.includes(f));
    const removed = spreadOver(withFindings, STEPS / 3);
    const notRemoved = withFindings.filter(f => !removed.includes(f));
    const steps: [string, 'change' | 'remove' | 'add'][] = [
      ...spreadOver(material, STEPS / 3).map(f => [f, 'change'] as [string, 'change']),
      ...removed.map(f => [f, 'remove'] as [string, 'remove']),
      ...spreadOver(notRemoved.length >= STEPS / 3 ? notRemoved : withFindings, STEPS / 3).map(f => [f, 'add'] as [string, 'add']),
    ];
    const moved = new Set<string>();
    const still: string[] = [];
    for (const [file, kind] of steps) {
      const at = material.indexOf(file);
      const others = [...material.slice(at + 1), ...material.slice(0, at)];
      const step = kind === 'change' ? await changeTo(root, file, others) : kind === 'remove' ? remove(root, file) : addCopy(root, file);
      try {
        const after = coldCheck(step.label);
        if (after.length !== before.length || after.some((f, k) => f !== before[k])) {
          moved.add(kind);
        } else {
          still.push(step.label); // a copy of kubelet.conf: its findings come from its kubeadm name, not its bytes
        }
        await panelCatchesUp(step.label, after);
      } finally {
        step.undo();
      }
      await panelCatchesUp(`${step.label}, then put back`, before);
    }
    // Each kind of step changed what is found at least once, or its comparisons prove little.
    assert.deepStrictEqual([...moved].sort(), ['add', 'change', 'remove'], `steps that changed no finding: ${still.join('; ')}`);
  });
});
