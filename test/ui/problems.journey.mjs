// Journey 2: open a kubeadm-style workspace without opening any file; the Problems panel lists the
// expired and expiring certificates with their files and messages, the PKI tree shows them with
// their state, and the status bar item counts them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/vscode/runtime.mjs';
import { filterProblems, openWorkbench, readProblems, runCommand, screenshot, waitUntil } from '../../scripts/vscode/ui.mjs';
import { generate, publish } from './fixtures.mjs';

const basename = p => p.split('/').pop();

describe('journey 2: the Problems panel and the PKI tree, with no file opened', () => {
  it('lists expired and expiring certificates, shows them in the tree and counts them in the status bar', async () => {
    const m = generate('kubeadm');
    const expired = m.seeded.filter(s => s.code === 'cert-expired');
    const expiring = m.seeded.filter(s => s.code === 'cert-expiring');
    assert.ok(expired.length && expiring.length, 'the seeded tree has expired and expiring certificates');
    const wb = await openWorkbench({ folder: m.root, extensionDevelopmentPath: REPO_ROOT, label: 'journey2' });
    let ok = false;
    try {
      const { page } = wb;
      // Problems: wait for PKI Lens findings, then filter the (virtualised) list to what expires, as a user would.
      await readProblems(page, { until: r => r.some(t => /PKI Lens/.test(t)), timeout: 60000 });
      await runCommand(page, 'View: Toggle Maximized Panel');
      await filterProblems(page, 'expire');
      // Files whose findings say nothing of expiry: the filter has taken once they are gone (the list
      // shows everything until it does, and the screenshot must show what a person sees after typing).
      const unrelated = m.seeded.filter(s => s.code === 'key-mismatch' || s.code === 'decode-error').map(s => basename(s.file));
      assert.ok(unrelated.length >= 2, 'the seeded tree has findings the filter hides');
      const rows = await readProblems(page, {
        until: r => {
          const t = r.join('\n');
          return [...expired, ...expiring].every(s => t.includes(basename(s.file))) && unrelated.every(f => !t.includes(f));
        },
        timeout: 30000,
      });
      const text = rows.join('\n');
      for (const s of [...expired, ...expiring]) {
        assert.ok(text.includes(basename(s.file)), `Problems lists ${s.file}:\n${text}`);
      }
      for (const f of unrelated) {
        assert.ok(!text.includes(f), `the filter hides ${f}:\n${text}`);
      }
      assert.match(text, /x509: certificate has expired or is not yet valid/);
      assert.match(text, /expires on .* \(in \d+ days/);
      publish(await screenshot(page, 'journey2-problems'));

      // The PKI Lens view: every top-level group expanded shows the expired/expiring certificates with their state.
      await page.locator('.activitybar [aria-label^="PKI Lens"]').first().click();
      const tree = page.locator('[id="workbench.view.extension.pkiLens"] .monaco-list-row, .pane-body .monaco-list-row');
      await tree.first().waitFor({ timeout: 30000 });
      const treeText = await waitUntil(async () => {
        const all = (await tree.allInnerTexts()).join('\n');
        return /expired \d+ d\b/.test(all) && /(?<!expired |valid in )\b\d+ d\b/.test(all) ? all : null;
      }, { timeout: 30000, what: 'tree rows with expiry states' });
      assert.match(treeText, /kubernetes/);
      publish(await screenshot(page, 'journey2-tree'));

      // Status bar: "PKI: N expired · M expiring".
      const status = await waitUntil(async () => {
        const t = (await page.locator('.statusbar-item').allInnerTexts()).find(s => s.includes('PKI:'));
        return t && /expired/.test(t) && /expiring/.test(t) ? t : null;
      }, { timeout: 20000, what: 'the PKI status bar item' });
      const counted = Number(/(\d+) expired/.exec(status)[1]);
      assert.ok(counted >= 1, `status bar: ${status}`);
      ok = true;
    } finally {
      if (!ok) {
        await screenshot(wb.page, 'journey2-failed').catch(() => {});
      }
      await wb.close({ keep: !ok });
    }
  });
});
