// Journey 5: kubectl dials an IP the API server certificate lacks → the Quick Fix "Add IP:10.0.0.5
// to … and re-issue…" → the preview → the certificate on disk carries the new name (openssl), a
// backup appears, and the Problems entry disappears.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/vscode/runtime.mjs';
import { filterProblems, openFile, openWorkbench, quickFix, readProblems, screenshot, waitUntil } from '../../scripts/vscode/ui.mjs';
import { generate, publish } from './fixtures.mjs';

describe('journey 5: add the dialled IP to the API server certificate from a Quick Fix', () => {
  it('re-issues pki/apiserver.crt with the new SAN and the finding disappears', async () => {
    const m = generate('server-name');
    const crt = path.join(m.root, 'pki', 'apiserver.crt');
    const before = fs.readFileSync(crt);
    const wb = await openWorkbench({ folder: m.root, extensionDevelopmentPath: REPO_ROOT, label: 'journey5' });
    let ok = false;
    try {
      const { page } = wb;
      await readProblems(page, { until: rows => rows.some(r => r.includes('uncovered-ip.conf')), timeout: 60000 });
      await openFile(page, 'uncovered-ip.conf');
      // The cursor onto the server: value, where the diagnostic is.
      await page.locator('.part.editor .monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+F');
      await page.keyboard.type('10.0.0.5:6443');
      await page.keyboard.press('Escape');
      const fix = await quickFix(page, 'Add IP:10.0.0.5');
      publish(await screenshot(page, 'journey5-san-quickfix'));
      await fix.click();

      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30000 });
      const preview = await dialog.innerText();
      assert.match(preview, /SANs changed: added IP:10\.0\.0\.5/, preview);
      publish(await screenshot(page, 'journey5-san-preview'));
      await dialog.locator('.monaco-button', { hasText: /^Renew$/ }).click();

      await waitUntil(() => !fs.readFileSync(crt).equals(before), { timeout: 30000, what: 'apiserver.crt rewritten on disk' });
      const sans = execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName', '-in', crt], { encoding: 'utf8' });
      assert.match(sans, /IP Address:10\.0\.0\.5/);
      const backups = fs.readdirSync(path.dirname(crt)).filter(f => f.startsWith('apiserver.crt.') && f.endsWith('.bak'));
      assert.equal(backups.length, 1, `one backup: ${backups}`);
      assert.ok(fs.readFileSync(path.join(path.dirname(crt), backups[0])).equals(before), 'the backup holds the old bytes');

      await filterProblems(page, 'kubeconfig-server-name');
      await readProblems(page, { until: rows => rows.some(r => r.includes('PKI Lens')) && !rows.some(r => r.includes('uncovered-ip.conf')), timeout: 30000 });
      publish(await screenshot(page, 'journey5-san-fixed'));
      ok = true;
    } finally {
      if (!ok) {
        await screenshot(wb.page, 'journey5-failed').catch(() => {});
      }
      await wb.close({ keep: !ok });
    }
  });
});
