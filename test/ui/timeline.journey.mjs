// Journey 5: the expiry timeline and the expiry table, in the real workbench, on the seeded kubeadm
// workspace. What the webview draws is judged against openssl: one bar per distinct certificate
// (SHA-256 fingerprints from `openssl x509`), each bar's state from openssl's dates, each CA above
// the certificates `openssl verify` says it signed, and the now line. A click on a bar opens its file
// at the range; hidden meanwhile, the panel shows on its return a certificate written while it was
// hidden. Renew on the expiring bar, confirmed in the preview, moves the bar. The table sorts,
// filters and copies; the tree's lines fit the default sidebar width. Screenshots light and dark.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/vscode/runtime.mjs';
import { openWorkbench, runCommand, screenshot, waitUntil } from '../../scripts/vscode/ui.mjs';
import { generate, publish } from './fixtures.mjs';

const DAY = 86400000;

/** openssl with `input` on stdin: { status, stdout, stderr }. */
const opensslStatus = (args, input) => spawnSync('openssl', args, { input, encoding: 'utf8' });
function opensslText(args, input) {
  const r = opensslStatus(args, input);
  assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Every certificate of the workspace as PEM: files, and base64 `*-data` values of kubeconfigs. */
function certificatesIn(root) {
  const pems = [];
  const blocks = text => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const walk = dir => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { walk(p); continue; }
      const text = fs.readFileSync(p, 'latin1');
      pems.push(...blocks(text));
      for (const m of text.matchAll(/-data:\s*([A-Za-z0-9+/=]{40,})/g)) {
        pems.push(...blocks(Buffer.from(m[1], 'base64').toString('latin1')));
      }
    }
  };
  walk(root);
  const byFingerprint = new Map();
  for (const pem of pems) {
    const r = opensslStatus(['x509', '-noout', '-fingerprint', '-sha256', '-dates'], pem);
    if (r.status !== 0) { continue; } // a truncated certificate (scheduler.conf): no bar, as openssl cannot read it either
    const fp = /Fingerprint=([0-9A-F:]+)/.exec(r.stdout)[1].replace(/:/g, '').toLowerCase();
    const notBefore = Date.parse(/notBefore=(.*)/.exec(r.stdout)[1]);
    const notAfter = Date.parse(/notAfter=(.*)/.exec(r.stdout)[1]);
    byFingerprint.set(fp, { pem, notBefore, notAfter });
  }
  return byFingerprint;
}

/** The state the timeline must show, from openssl's dates and the default thresholds (30 days, 80 % of the lifetime). */
function expectedState({ notBefore, notAfter }, now) {
  if (now < notBefore) { return 'not-yet-valid'; }
  if (now > notAfter) { return 'expired'; }
  return notAfter - now <= 30 * DAY || (now - notBefore) / (notAfter - notBefore) >= 0.8 ? 'expiring' : 'valid';
}

/** The webview's document: the frame (nested in the workbench's iframes) whose #app has a model. */
async function webview(page, view) {
  return waitUntil(async () => {
    for (const f of page.frames()) {
      const app = f.locator(`#app[data-total][data-view="${view}"]`);
      if (await app.count().catch(() => 0)) { return f; }
    }
    return null;
  }, { timeout: 60000, what: `the ${view} webview` });
}

// Row ids are the fingerprints as PKI Lens writes them (AB:CD:…); compared in openssl's hex, lower case.
const rowsOf = async frame => (await frame.locator('#timeline .row').evaluateAll(els => els.map(e => ({
  id: e.dataset.id, label: e.dataset.label, state: e.dataset.state, depth: Number(e.dataset.depth), ca: e.dataset.ca === 'true',
  index: Number(e.dataset.index), notAfter: Number(e.querySelector('.bar').dataset.notAfter), renew: !!e.querySelector('.renew'),
})))).map(r => ({ ...r, id: r.id.replace(/:/g, '').toLowerCase() })).sort((a, b) => a.index - b.index);

describe('journey 6: the expiry timeline and table', () => {
  it('draws one bar per certificate in trust order, reveals, renews, sorts, filters and copies', async () => {
    const m = generate('kubeadm');
    const certs = certificatesIn(m.root);
    const wb = await openWorkbench({ folder: m.root, extensionDevelopmentPath: REPO_ROOT, label: 'journey5' });
    let ok = false;
    try {
      const { page, context } = wb;
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      // The extension's contributions are in once its activity bar entry is.
      await page.locator('.activitybar [aria-label^="PKI Lens"]').first().waitFor({ timeout: 60000 });
      await runCommand(page, 'PKI Lens: Show Expiry Timeline');
      let frame = await webview(page, 'timeline');
      await frame.locator('button[data-zoom="all"]').click();
      await waitUntil(async () => Number(await frame.locator('#app').getAttribute('data-total')) === certs.size
        && (await frame.locator('#timeline .row').count()) === certs.size, { timeout: 60000, what: `${certs.size} rows` });

      // One bar per distinct certificate, each in the state openssl's dates give.
      const rows = await rowsOf(frame);
      const now = Date.now();
      assert.deepEqual(new Set(rows.map(r => r.id)), new Set(certs.keys()), 'the bars are exactly the certificates openssl reads');
      for (const r of rows) {
        assert.equal(r.state, expectedState(certs.get(r.id), now), `${r.label}: state`);
        assert.equal(r.notAfter, certs.get(r.id).notAfter, `${r.label}: NotAfter`);
      }
      // Each row one level deeper than the CA above it was signed by that CA (openssl verify).
      for (const r of rows.filter(x => x.depth > 0)) {
        const parent = rows.slice(0, r.index).reverse().find(x => x.depth === r.depth - 1);
        assert.ok(parent?.ca, `${r.label} sits under a CA`);
        const caFile = path.join(wb.dataDir, `ca-${parent.index}.pem`);
        fs.writeFileSync(caFile, certs.get(parent.id).pem);
        const v = opensslStatus(['verify', '-no-CApath', '-no-CAstore', '-no_check_time', '-partial_chain', '-CAfile', caFile], certs.get(r.id).pem);
        assert.equal(v.status, 0, `${parent.label} signed ${r.label}: ${v.stdout}${v.stderr}`);
      }
      const kubernetes = rows.find(r => r.label === 'kubernetes');
      const apiserver = rows.find(r => r.label === 'kube-apiserver');
      assert.ok(kubernetes.index < apiserver.index && apiserver.depth === kubernetes.depth + 1, 'the cluster CA above the API server certificate');
      assert.equal(apiserver.state, 'expiring');
      assert.ok(apiserver.renew, 'the expiring bar has a Renew button');
      const nowAt = Number(await frame.locator('.now-line').getAttribute('data-now'));
      assert.ok(Math.abs(nowAt - now) < 10 * 60000, 'the now line is at the current time');
      assert.ok(await frame.locator('.now-line').isVisible(), 'the now line is drawn');

      // Light and dark screenshots of the timeline: whichever theme the workbench starts in, then the other.
      await frame.locator('button[data-zoom="year"]').click();
      // Geometry at a zoom where bars start before the window: each bar ends where its NotAfter lies
      // against the now line (before it when expired, after it otherwise) and starts after it when
      // not yet valid.
      const placed = await frame.evaluate(() => {
        const now = document.querySelector('.now-line').getBoundingClientRect().left;
        return [...document.querySelectorAll('#timeline .row')].map(row => {
          const r = row.querySelector('.bar').getBoundingClientRect();
          return { label: row.dataset.label, state: row.dataset.state, left: r.left - now, right: r.right - now };
        });
      });
      assert.equal(placed.length, certs.size, 'every bar is drawn at the year zoom');
      for (const b of placed) {
        if (b.state === 'expired') { assert.ok(b.right <= 1, `${b.label}: an expired bar ends before the now line (${b.right.toFixed(1)} px)`); }
        else { assert.ok(b.right > 0, `${b.label}: a ${b.state} bar ends after the now line`); }
        if (b.state === 'not-yet-valid') { assert.ok(b.left >= -1, `${b.label}: a not-yet-valid bar starts after the now line`); }
      }
      const theme = async () => ((await page.locator('.monaco-workbench').getAttribute('class')).match(/\b(vs-dark|vs|hc-black|hc-light)\b/) ?? [])[1];
      const first = await theme();
      publish(await screenshot(page, `timeline-${first === 'vs' ? 'light' : 'dark'}`));
      await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
      const second = await waitUntil(async () => { const t = await theme(); return t && t !== first ? t : null; }, { what: 'the other theme' });
      publish(await screenshot(page, `timeline-${second === 'vs' ? 'light' : 'dark'}`));
      assert.notEqual(first === 'vs', second === 'vs', 'one light and one dark screenshot');
      await frame.locator('button[data-zoom="all"]').click();

      // A click on a bar opens its file with the certificate selected.
      await frame.locator(`#timeline .row[data-label="kube-apiserver"] .bar`).click();
      await page.locator('.part.editor .tab.active', { hasText: 'apiserver.crt' }).waitFor({ timeout: 20000 });
      const selection = await waitUntil(async () => {
        const t = (await page.locator('.statusbar-item').allInnerTexts()).find(s => /Ln \d+, Col \d+ \(\d+ selected\)/.test(s));
        return t;
      }, { what: 'the certificate selected in the editor' });
      assert.match(selection, /Ln 1, Col 1 \(\d+ selected\)|Ln \d+, Col \d+ \(\d+ selected\)/);

      // Hidden behind the certificate's tab, the panel makes no model; shown again, it draws the
      // workspace as it is then: a certificate openssl wrote meanwhile has its bar, and loses it when deleted.
      const added = path.join(m.root, 'added-while-hidden.crt');
      opensslText(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(wb.dataDir, 'added.key'), '-subj', '/CN=added-while-hidden', '-days', '365', '-out', added], '');
      const addedId = /Fingerprint=([0-9A-F:]+)/.exec(opensslText(['x509', '-noout', '-fingerprint', '-sha256', '-in', added], ''))[1].replace(/:/g, '').toLowerCase();
      await page.locator('.tab', { hasText: /Expiry Timeline/ }).click();
      frame = await webview(page, 'timeline');
      await waitUntil(async () => Number(await frame.locator('#app').getAttribute('data-total')) === certs.size + 1
        && (await rowsOf(frame)).some(r => r.id === addedId), { timeout: 60000, what: 'the bar of the certificate written while the panel was hidden' });
      fs.rmSync(added);
      await waitUntil(async () => Number(await frame.locator('#app').getAttribute('data-total')) === certs.size
        && !(await rowsOf(frame)).some(r => r.id === addedId), { timeout: 60000, what: 'that bar gone with its file' });

      // Renew on the expiring bar: the preview dialog, confirmed; the bar moves to its new NotAfter.
      const file = path.join(m.root, 'pki', 'apiserver.crt');
      const before = fs.readFileSync(file);
      await page.locator('.tab', { hasText: /Expiry Timeline/ }).click();
      frame = await webview(page, 'timeline');
      await frame.locator('#timeline .row[data-label="kube-apiserver"] .renew').click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 20000 });
      assert.match(await dialog.innerText(), /kube-apiserver/);
      publish(await screenshot(page, 'timeline-renew-preview'));
      await dialog.locator('.monaco-button', { hasText: /^Renew$/ }).click();
      await waitUntil(() => !fs.readFileSync(file).equals(before), { timeout: 30000, what: 'apiserver.crt rewritten' });
      const renewed = await waitUntil(async () => {
        const r = (await rowsOf(frame)).find(x => x.label === 'kube-apiserver');
        return r && r.notAfter > apiserver.notAfter + 30 * DAY ? r : null;
      }, { timeout: 30000, what: 'the kube-apiserver bar to move' });
      const openssl = opensslText(['x509', '-noout', '-enddate'], fs.readFileSync(file, 'latin1'));
      assert.equal(renewed.notAfter, Date.parse(/notAfter=(.*)/.exec(openssl)[1]), 'the bar ends at the renewed NotAfter');
      assert.equal(renewed.state, 'valid');
      assert.ok(!renewed.renew, 'no Renew button on a valid bar');

      // The table: kubeadm's columns, sorted and filtered; the copies hold what it shows.
      await runCommand(page, 'PKI Lens: Show Expiry Table');
      frame = await webview(page, 'table');
      const headers = await frame.locator('#table-view .thead [role="columnheader"]').allInnerTexts();
      assert.deepEqual(headers.map(t => t.replace(/[ ▲▼]+$/, '').trim()).filter(Boolean), ['CERTIFICATE', 'EXPIRES', 'RESIDUAL TIME', 'CERTIFICATE AUTHORITY', 'EXTERNALLY MANAGED']);
      const column = async key => frame.locator(`#table .trow .col-${key}`).allInnerTexts();
      const expires = async () => (await column('expires')).map(Date.parse);
      await frame.locator('.thead [data-key="name"] button').click();
      await waitUntil(async () => (await frame.locator('.thead [data-key="name"]').getAttribute('aria-sort')) === 'ascending', { what: 'sorted by name' });
      const names = await column('name');
      assert.deepEqual(names, [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)), 'ascending by name');
      await frame.locator('.thead [data-key="expires"] button').click();
      let dates = await expires();
      assert.deepEqual(dates, [...dates].sort((a, b) => a - b), 'ascending by expiry');
      await frame.locator('.thead [data-key="expires"] button').click();
      await waitUntil(async () => (await frame.locator('.thead [data-key="expires"]').getAttribute('aria-sort')) === 'descending', { what: 'descending' });
      dates = await expires();
      assert.deepEqual(dates, [...dates].sort((a, b) => b - a), 'descending by expiry');

      await frame.locator('#f-state').selectOption('expired');
      const expired = [...certs.values()].filter(c => expectedState(c, Date.now()) === 'expired').length;
      await waitUntil(async () => (await frame.locator('#table .trow').count()) === expired, { what: `${expired} expired rows` });
      const states = await frame.locator('#table .trow').evaluateAll(els => els.map(e => e.dataset.state));
      assert.ok(states.every(s => s === 'expired'), `only expired rows: ${states}`);
      const shownNames = await column('name');
      await frame.locator('#copy-csv').click();
      await waitUntil(async () => /Copied \d+ rows? as CSV/.test(await frame.locator('#status').innerText()), { what: 'copied as CSV' });
      const csv = await page.evaluate(() => navigator.clipboard.readText());
      const lines = csv.trim().split(/\r\n/);
      assert.equal(lines[0], 'CERTIFICATE,EXPIRES,RESIDUAL TIME,CERTIFICATE AUTHORITY,EXTERNALLY MANAGED');
      assert.deepEqual(lines.slice(1).map(l => l.split(',')[0]), shownNames, 'the CSV holds the rows shown, in their order');
      await frame.locator('#f-state').selectOption('all');
      await frame.locator('#f-text').fill('etcd');
      await waitUntil(async () => {
        const n = await column('name');
        return n.length > 0 && n.every(x => x.includes('etcd')) ? n : null;
      }, { what: 'rows filtered by "etcd"' });
      await frame.locator('#copy-md').click();
      await waitUntil(async () => /as Markdown/.test(await frame.locator('#status').innerText()), { what: 'copied as Markdown' });
      const md = await page.evaluate(() => navigator.clipboard.readText());
      assert.match(md, /^\| CERTIFICATE \| EXPIRES \| RESIDUAL TIME \| CERTIFICATE AUTHORITY \| EXTERNALLY MANAGED \|\n\| --- /);
      assert.deepEqual(md.trim().split('\n').slice(2).map(l => l.split(' | ')[0].slice(2)), await column('name'));
      await frame.locator('#f-text').fill('');
      publish(await screenshot(page, 'expiry-table'));

      // The tree at the default sidebar width: no certificate name cut off.
      await page.locator('.activitybar [aria-label^="PKI Lens"]').first().click();
      const tree = page.locator('.pane-body .monaco-list-row');
      await waitUntil(async () => (await tree.allInnerTexts()).join('\n').includes('kube-apiserver'), { timeout: 30000, what: 'the PKI tree' });
      // A certificate row's icon is its state (pass, warning, error, circle-slash); its name must show whole.
      const cut = await tree.evaluateAll(rows => rows
        .filter(r => r.querySelector('.codicon-pass, .codicon-warning, .codicon-error, .codicon-circle-slash'))
        .map(r => [r.querySelector('.label-name'), r.querySelector('.monaco-icon-label-container')])
        .filter(([name, box]) => name && box && name.getBoundingClientRect().right > box.getBoundingClientRect().right + 0.5)
        .map(([name]) => name.textContent));
      const certificateRows = await tree.evaluateAll(rows => rows.filter(r => r.querySelector('.codicon-pass, .codicon-warning, .codicon-error, .codicon-circle-slash')).length);
      assert.ok(certificateRows >= 10, `the tree shows the certificates (${certificateRows} rows)`);
      publish(await screenshot(page, 'tree-default-width'));
      assert.deepEqual(cut, [], 'no certificate name is truncated at the default width');
      ok = true;
    } finally {
      if (!ok) {
        await screenshot(wb.page, 'journey5-failed').catch(() => {});
      }
      await wb.close({ keep: !ok });
    }
  });
});
