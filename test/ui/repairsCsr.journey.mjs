// Journeys 6 and 7 (issue 14): a stale copy of the admin kubeconfig and its Quick Fix, and a CSR
// with its CodeLens, signed from its node in the PKI tree. What a person sees in the real workbench; the results judged by
// openssl on disk. The fixture is openssl-made (server-name); covered.conf is renewed beforehand
// with `pki-lens renew` (the same core and writer), which leaves the other kubeconfigs holding the
// old admin certificate.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/vscode/runtime.mjs';
import { filterProblems, openFile, openWorkbench, quickFix, readProblems, runCommand, screenshot, waitUntil } from '../../scripts/vscode/ui.mjs';
import { generate, publish } from './fixtures.mjs';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const clientData = text => /client-certificate-data: (\S+)/.exec(text)[1];

/** Puts the cursor on the first match of `text` in the active editor (the find widget selects it). */
async function selectText(page, text) {
  await page.locator('.part.editor .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+F');
  await page.keyboard.type(text);
  await page.keyboard.press('Escape');
}

/**
 * The kubeconfig-stale-copy markers the Problems panel lists under `file`. Its rows are flat: a file
 * row ("name\n<count>") and then that file's markers. The panel's text filter is fuzzy (a long
 * message of another rule can match "kubeconfig-stale-copy"), so a file's row alone proves nothing.
 */
function staleMarkersOf(rows, file) {
  let current;
  let count = 0;
  for (const row of rows) {
    const fileRow = /^([^\n]+)\n\d+$/.exec(row);
    if (fileRow) { current = fileRow[1]; continue; }
    if (current === file && row.includes('kubeconfig-stale-copy')) { count++; }
  }
  return count;
}

describe('journey 6: a stale copy of admin.conf, found and fixed with "Update from …"', () => {
  it('the copy gets kubeconfig-stale-copy; the Quick Fix replaces its client certificate; the finding is gone', async () => {
    const m = generate('server-name');
    execFileSync(process.execPath, [CLI, 'renew', '--ca', 'pki/ca.crt', '--ca-key', 'pki/ca.key', 'covered.conf'], { cwd: m.root, encoding: 'utf8' });
    for (const f of fs.readdirSync(m.root).filter(f => f.endsWith('.bak'))) {
      fs.rmSync(path.join(m.root, f)); // the renewal's backup: not part of the scene
    }
    const copy = path.join(m.root, 'uncovered-dns.conf');
    const before = fs.readFileSync(copy, 'utf8');
    const renewed = clientData(fs.readFileSync(path.join(m.root, 'covered.conf'), 'utf8'));
    assert.notEqual(clientData(before), renewed, 'the copy holds the old certificate');
    const wb = await openWorkbench({ folder: m.root, extensionDevelopmentPath: REPO_ROOT, label: 'journey6' });
    let ok = false;
    try {
      const { page } = wb;
      await filterProblems(page, 'kubeconfig-stale-copy');
      await readProblems(page, { until: rows => staleMarkersOf(rows, 'uncovered-dns.conf') === 1, timeout: 60000 });
      await openFile(page, 'uncovered-dns.conf');
      await selectText(page, 'client-certificate-data: LS0t');
      const fix = await quickFix(page, 'Update from covered.conf');
      publish(await screenshot(page, 'journey6-stale-quickfix'));
      await fix.click();

      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30000 });
      assert.match(await dialog.innerText(), /Replace client-certificate-data of user "kubernetes-admin" in uncovered-dns\.conf with covered\.conf's\? A backup of the file is kept\./);
      await dialog.locator('.monaco-button', { hasText: /^Update$/ }).click();

      await waitUntil(() => clientData(fs.readFileSync(copy, 'utf8')) === renewed, { timeout: 30000, what: 'the copy updated on disk' });
      const pem = Buffer.from(renewed, 'base64').toString();
      assert.match(execFileSync('openssl', ['verify', '-CAfile', path.join(m.root, 'pki', 'ca.crt')], { input: pem, encoding: 'utf8' }), /OK/);
      const changed = fs.readFileSync(copy, 'utf8').split('\n').filter((l, i) => l !== before.split('\n')[i]);
      assert.deepEqual(changed.map(l => l.trim().split(':')[0]), ['client-certificate-data'], 'only that value changed');
      const backups = fs.readdirSync(m.root).filter(f => f.startsWith('uncovered-dns.conf.') && f.endsWith('.bak'));
      assert.equal(backups.length, 1, `one backup: ${backups}`);
      assert.equal(fs.readFileSync(path.join(m.root, backups[0]), 'utf8'), before, 'the backup holds the old bytes');

      await readProblems(page, { until: rows => staleMarkersOf(rows, 'uncovered-dns.conf') === 0 && rows.some(r => r.includes('kubeconfig-stale-copy')), timeout: 30000 });
      publish(await screenshot(page, 'journey6-stale-fixed'));
      ok = true;
    } finally {
      if (!ok) {
        await screenshot(wb.page, 'journey6-failed').catch(() => {});
      }
      await wb.close({ keep: !ok });
    }
  });
});

describe('journey 7: sign a kubeadm CSR with the local CA (CodeLens, PKI tree)', () => {
  it('the CodeLens, the tree node\'s inline button, the CA pick, the preview, and a certificate openssl verify accepts', async () => {
    const m = generate('server-name');
    const csr = path.join(m.root, 'pki', 'front-proxy-client.csr');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(m.root, 'pki', 'front-proxy-client.key'),
      '-subj', '/CN=front-proxy-client', '-out', csr], { stdio: 'ignore' });
    const crt = path.join(m.root, 'pki', 'front-proxy-client.crt');
    const wb = await openWorkbench({ folder: m.root, extensionDevelopmentPath: REPO_ROOT, label: 'journey7' });
    let ok = false;
    try {
      const { page } = wb;
      await openFile(page, 'pki/front-proxy-client.csr');
      const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Sign with Local CA' }).first();
      await lens.waitFor({ timeout: 60000 });
      publish(await screenshot(page, 'journey7-csr-codelens'));

      // The same request in the PKI tree (under "Certificate requests"), signed from its inline button.
      await runCommand(page, 'PKI Lens: Show PKI Inventory');
      const row = page.locator('.sidebar .monaco-list-row', { hasText: 'front-proxy-client.csr' }).filter({ hasText: 'request CN=front-proxy-client' }).first();
      await row.waitFor({ timeout: 30000 });
      await row.hover();
      const sign = row.locator('.actions .action-label[aria-label^="Sign Certificate Request with Local CA"]');
      await sign.waitFor({ timeout: 10000 });
      publish(await screenshot(page, 'journey7-csr-tree'));
      await sign.click();

      // Two CAs hold their key in this workspace: pick the cluster CA.
      const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'kubernetes' }).first();
      await pick.waitFor({ timeout: 30000 });
      await pick.click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30000 });
      const preview = await dialog.innerText();
      assert.match(preview, /Profile client \(the file name: .*\): clientAuth/, preview);
      assert.match(preview, /Writes pki\/front-proxy-client\.crt/, preview);
      publish(await screenshot(page, 'journey7-csr-preview'));
      await dialog.locator('.monaco-button', { hasText: /^Sign$/ }).click();

      await waitUntil(() => fs.existsSync(crt), { timeout: 30000, what: 'pki/front-proxy-client.crt written' });
      assert.equal(execFileSync('openssl', ['verify', '-CAfile', path.join(m.root, 'pki', 'ca.crt'), crt], { encoding: 'utf8' }).trim(), `${crt}: OK`);
      assert.match(execFileSync('openssl', ['x509', '-noout', '-ext', 'extendedKeyUsage', '-in', crt], { encoding: 'utf8' }), /TLS Web Client Authentication/);
      assert.equal(execFileSync('openssl', ['x509', '-noout', '-pubkey', '-in', crt], { encoding: 'utf8' }),
        execFileSync('openssl', ['pkey', '-pubout', '-in', path.join(m.root, 'pki', 'front-proxy-client.key')], { encoding: 'utf8' }));
      ok = true;
    } finally {
      if (!ok) {
        await screenshot(wb.page, 'journey7-failed').catch(() => {});
      }
      await wb.close({ keep: !ok });
    }
  });
});
