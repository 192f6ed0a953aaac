// Journey 3: Command palette → "PKI Lens: Renew Certificate…" → pick the expiring certificate →
// confirm the preview: the file changes on disk, a backup appears, and the Problems entry disappears.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/vscode/runtime.mjs';
import { filterProblems, openWorkbench, readProblems, runCommand, screenshot, waitUntil } from '../../scripts/vscode/ui.mjs';
import { generate, publish } from './fixtures.mjs';

describe('journey 3: renew an expiring certificate from the command palette', () => {
  it('renews it on disk with a backup, and its Problems entry disappears', async () => {
    const m = generate('kubeadm');
    const expiring = m.seeded.find(s => s.code === 'cert-expiring');
    assert.ok(expiring, 'the seeded tree has an expiring certificate');
    const file = path.join(m.root, expiring.file);
    const before = fs.readFileSync(file);
    const name = path.basename(file);
    const cn = m.files[expiring.file].blocks[0].certificate.cn[0];
    const wb = await openWorkbench({ folder: m.root, extensionDevelopmentPath: REPO_ROOT, label: 'journey3' });
    let ok = false;
    try {
      const { page } = wb;
      await readProblems(page, { until: rows => rows.some(r => r.includes('PKI Lens')), timeout: 60000 });
      await filterProblems(page, 'cert-expiring');
      await readProblems(page, { until: rows => rows.some(r => r.includes(name)), timeout: 30000 });

      await runCommand(page, 'PKI Lens: Renew Certificate…');
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      const row = rows.filter({ hasText: cn }).filter({ hasText: 'expires in' }).first();
      await row.waitFor({ timeout: 20000 });
      publish(await screenshot(page, 'journey3-pick'));
      await row.click();

      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 20000 });
      const preview = await dialog.innerText();
      assert.ok(preview.includes(cn), `the preview names the certificate:\n${preview}`);
      publish(await screenshot(page, 'journey3-preview'));
      await dialog.locator('.monaco-button', { hasText: /^Renew$/ }).click();

      await waitUntil(() => !fs.readFileSync(file).equals(before), { timeout: 30000, what: `${name} rewritten on disk` });
      const backups = fs.readdirSync(path.dirname(file)).filter(f => f.startsWith(`${name}.`) && f.endsWith('.bak'));
      assert.equal(backups.length, 1, `one backup beside ${name}: ${backups}`);
      assert.ok(fs.readFileSync(path.join(path.dirname(file), backups[0])).equals(before), 'the backup holds the old bytes');

      await readProblems(page, { until: r => !r.some(t => t.includes(name)), timeout: 30000 });
      await filterProblems(page, '');
      const after = await readProblems(page, { until: r => r.some(t => t.includes('PKI Lens')), timeout: 30000 });
      assert.ok(after.some(t => t.includes('cert-expired')), 'the other seeded problems are still listed');
      publish(await screenshot(page, 'journey3-renewed'));
      ok = true;
    } finally {
      if (!ok) {
        await screenshot(wb.page, 'journey3-failed').catch(() => {});
      }
      await wb.close({ keep: !ok });
    }
  });
});
