// The expiry timeline's model (core/render/timeline.ts), the tree's compact labels and the table's
// Markdown/CSV exports, on material openssl made: CA rows above their leaves, states and warning
// windows by per-resource thresholds, kubeconfig users named as in the tree. (Its cost on 10,000
// certificates is measured by `npm run bench`.)
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { Inventory, InventoryInput, buildInventory } from '../../src/core/inventory/inventory';
import { shortUserName } from '../../src/core/render/labels';
import { kubeadmDate, residualTime } from '../../src/core/render/report';
import { expiryReportFromInventory } from '../../src/core/render/reportInput';
import { reportCsv, reportMarkdown } from '../../src/core/render/reportTable';
import { compactValidity } from '../../src/core/render/time';
import { TimelineRow, timelineModel, warningStart } from '../../src/core/render/timeline';
import { DEFAULT_THRESHOLDS, ExpiryThresholds } from '../../src/core/x509/expiry';
import { Issued, Workbench, days, kubeadmCaExt, kubeadmLeafExt, minutes } from '../fixtures/ca';
import { b64, kubeadmKubeconfig } from '../fixtures/kubeconfig';

const bench = new Workbench();
after(() => bench.dispose());

const now = Date.now();
const at = (ms: number) => new Date(now + ms);
const ca = (cn: string, lifetimeDays: number): Issued =>
  bench.issue({ subject: `/CN=${cn}`, key: bench.newKey('p256'), ext: kubeadmCaExt(cn), notBefore: at(-days(10)), notAfter: at(days(lifetimeDays)) });
const leaf = (cn: string, issuer: Issued, fromDays: number, toDays: number, subject = `/CN=${cn}`): Issued =>
  bench.issue({ subject, key: bench.newKey('p256'), issuer, ext: kubeadmLeafExt(['clientAuth']), notBefore: at(days(fromDays)), notAfter: at(days(toDays)) });

async function inventoryOf(files: Record<string, string>): Promise<Inventory> {
  const inputs: InventoryInput[] = [];
  for (const [rel, text] of Object.entries(files)) {
    inputs.push({ uri: `mem:/${rel}`, relativePath: rel, analysis: await analyzeText(text, { fileName: rel }) });
  }
  return buildInventory(inputs);
}

// A kubeadm-like tree: a CA that expires before one of its leaves, an expired, an expiring, a not yet
// valid leaf, a kubelet kubeconfig user, a second CA whose key is absent, and an orphan.
const root = ca('kubernetes', 100);
const other = ca('etcd-ca', 3650);
const outlives = leaf('outlives-its-ca', root, -1, 200);
const expired = leaf('expired-leaf', root, -400, -3);
const expiring = leaf('expiring-leaf', root, -300, 10);
const future = leaf('future-leaf', root, 2, 300);
const node = leaf('system:node:cp-1', root, -1, 300, '/O=system:nodes/CN=system:node:cp-1');
const etcdLeaf = leaf('etcd-server', other, -1, 5);
const strangerCa = ca('stranger', 3650);
const orphan = leaf('orphan', strangerCa, -1, 20);
const files = {
  'pki/ca.crt': root.pem, 'pki/ca.key': root.key.pkcs8,
  'pki/etcd/ca.crt': other.pem,
  'pki/outlives.crt': outlives.pem, 'pki/expired.crt': expired.pem, 'pki/expiring.crt': expiring.pem, 'pki/future.crt': future.pem,
  'pki/etcd/server.crt': etcdLeaf.pem, 'orphan.crt': orphan.pem,
  'kubelet.conf': kubeadmKubeconfig({ user: 'system:node:cp-1', server: 'https://127.0.0.1:6443', caData: b64(root.pem), certData: b64(node.pem), keyData: b64(node.key.pkcs8) }),
};
const byLabel = (rows: TimelineRow[], label: string) => {
  const r = rows.find(x => x.label === label);
  assert.ok(r, `${label} among ${rows.map(x => x.label).join(', ')}`);
  return r;
};

describe('timeline model', () => {
  it('puts every certificate on one row, each CA directly above what it issued', async () => {
    const inv = await inventoryOf(files);
    const m = timelineModel(inv, new Date(now), () => DEFAULT_THRESHOLDS);
    assert.equal(m.rows.length, inv.records.size, 'one row per distinct certificate');
    assert.equal(new Set(m.rows.map(r => r.id)).size, m.rows.length);
    const labels = m.rows.map(r => r.label);
    // kubernetes expires first (100 d) so it leads; its leaves follow, soonest first; then etcd-ca and its leaf; then the orphan.
    assert.deepEqual(labels, ['kubernetes', 'expired-leaf', 'expiring-leaf', 'outlives-its-ca', 'future-leaf', 'cp-1', 'etcd-ca', 'etcd-server', 'orphan']);
    const k = byLabel(m.rows, 'kubernetes');
    assert.equal(k.depth, 0);
    assert.ok(k.ca);
    for (const l of ['expired-leaf', 'outlives-its-ca', 'cp-1']) {
      assert.equal(byLabel(m.rows, l).parent, k.id);
      assert.equal(byLabel(m.rows, l).depth, 1);
    }
    assert.ok(byLabel(m.rows, 'outlives-its-ca').notAfter > k.notAfter, 'a leaf outliving its CA is visible in the data');
    assert.equal(byLabel(m.rows, 'orphan').depth, 0);
    assert.match(byLabel(m.rows, 'orphan').authority, /stranger \(not in workspace\)/);
    assert.deepEqual(m.authorities.map(a => a.label), ['kubernetes', 'etcd-ca']);
    assert.deepEqual(m.folders, ['', 'pki', 'pki/etcd']);
    assert.ok(m.first <= byLabel(m.rows, 'expired-leaf').notBefore && m.last >= byLabel(m.rows, 'future-leaf').notAfter);
  });

  it('gives each row its state, the kubeadm columns and whether it can be renewed here', async () => {
    const m = timelineModel(await inventoryOf(files), new Date(now), () => DEFAULT_THRESHOLDS);
    assert.equal(byLabel(m.rows, 'expired-leaf').state, 'expired');
    assert.equal(byLabel(m.rows, 'expiring-leaf').state, 'expiring');
    assert.equal(byLabel(m.rows, 'future-leaf').state, 'not-yet-valid');
    assert.equal(byLabel(m.rows, 'outlives-its-ca').state, 'valid');
    assert.equal(byLabel(m.rows, 'kubernetes').state, 'valid');
    const e = byLabel(m.rows, 'expiring-leaf');
    assert.equal(e.name, 'pki/expiring.crt');
    assert.equal(e.authority, 'pki/ca.crt');
    assert.equal(e.externallyManaged, false);
    assert.equal(e.renewable, true, 'its CA key is in the workspace');
    assert.match(e.residual, /^(9|10)d$/);
    assert.match(e.expires, /^[A-Z][a-z]{2} \d\d, \d{4} \d\d:\d\d UTC$/);
    const etcd = byLabel(m.rows, 'etcd-server');
    assert.equal(etcd.state, 'expiring');
    assert.equal(etcd.externallyManaged, true);
    assert.equal(etcd.renewable, false, 'the etcd CA key is not in the workspace');
    assert.equal(byLabel(m.rows, 'orphan').renewable, false);
    const kubelet = byLabel(m.rows, 'cp-1');
    assert.equal(kubelet.note, 'kubelet.conf', 'the kubeconfig file, as the tree describes it');
    assert.equal(kubelet.fullLabel, 'kubelet.conf › system:node:cp-1');
    assert.equal(kubelet.name, 'kubelet.conf');
    assert.equal(kubelet.uri, 'mem:/kubelet.conf');
    assert.ok(kubelet.end > kubelet.start);
  });

  it('fills the table with what the text report and `pki-lens check` print, row for row', async () => {
    const inv = await inventoryOf(files);
    const m = timelineModel(inv, new Date(now), () => DEFAULT_THRESHOLDS);
    const report = expiryReportFromInventory(inv, new Date(now));
    const printed = [...report.certificates.map(r => ({ ...r, ca: false })), ...report.authorities.map(r => ({ ...r, authority: undefined, ca: true }))];
    assert.equal(m.rows.length, printed.length);
    for (const p of printed) {
      const row = m.rows.find(r => r.name === p.name && r.ca === p.ca);
      assert.ok(row, `${p.name} in the table`);
      assert.equal(row.expires, kubeadmDate(p.notAfter));
      assert.equal(row.residual, residualTime(p.notBefore, p.notAfter, new Date(now)));
      assert.equal(row.externallyManaged, p.externallyManaged, `${p.name}: externally managed`);
      if (p.authority !== undefined) {
        assert.equal(row.authority, p.authority, `${p.name}: authority`);
      }
    }
  });

  it('shades the warning window by the thresholds of the folder each certificate is in', async () => {
    const loose: ExpiryThresholds = { warningDays: 30, warningLifetimePercent: 100, errorDays: 7 };
    const strict: ExpiryThresholds = { warningDays: 250, warningLifetimePercent: 100, errorDays: 7 };
    const m = timelineModel(await inventoryOf(files), new Date(now), uri => (uri.includes('/etcd/') ? strict : loose));
    const outlivesRow = byLabel(m.rows, 'outlives-its-ca');
    assert.equal(outlivesRow.warnFrom, outlivesRow.notAfter - days(30));
    assert.equal(outlivesRow.state, 'valid');
    const etcdCa = byLabel(m.rows, 'etcd-ca');
    assert.equal(etcdCa.warnFrom, etcdCa.notAfter - days(250));
    // The lifetime percentage wins when it comes first; the window never starts before NotBefore.
    assert.equal(warningStart(0, days(100), { ...DEFAULT_THRESHOLDS, warningDays: 5, warningLifetimePercent: 50 }), days(50));
    assert.equal(warningStart(0, days(10), { ...DEFAULT_THRESHOLDS, warningDays: 30 }), 0);
  });

  it('is empty for a workspace without certificates, with now as its whole span', async () => {
    const m = timelineModel(await inventoryOf({}), new Date(now), () => DEFAULT_THRESHOLDS);
    assert.deepEqual(m.rows, []);
    assert.equal(m.first, now);
    assert.equal(m.last, now);
  });
});

describe('tree labels', () => {
  it('elides system:node: and system: and keeps other names', () => {
    assert.equal(shortUserName('system:node:cp-1'), 'cp-1');
    assert.equal(shortUserName('system:kube-scheduler'), 'kube-scheduler');
    assert.equal(shortUserName('system:node:'), 'node:', 'only the prefix that leaves a name');
    assert.equal(shortUserName('system:'), 'system:', 'nothing left to show: unchanged');
    assert.equal(shortUserName('kubernetes-admin'), 'kubernetes-admin');
  });

  it('says residual time compactly', () => {
    const d = (n: number) => new Date(now + days(n));
    assert.equal(compactValidity(d(-10), d(10.5), new Date(now)), '10 d');
    assert.equal(compactValidity(d(-10), d(-3.2), new Date(now)), 'expired 3 d');
    assert.equal(compactValidity(d(2.5), d(10), new Date(now)), 'valid in 2 d');
    assert.equal(compactValidity(d(-10), new Date(now + minutes(5 * 60 + 1)), new Date(now)), '5 h', 'under a day: hours, never "0 d"');
  });
});

describe('expiry table exports', () => {
  const row = (over: Partial<TimelineRow>): TimelineRow => ({
    id: 'x', depth: 0, label: 'l', fullLabel: 'l', name: 'pki/a.crt', where: 'pki/a.crt', folder: 'pki', ca: false, state: 'valid',
    notBefore: 0, notAfter: 1, warnFrom: 0, expires: 'Jan 01, 2027 00:00 UTC', residual: '28d', authority: 'pki/ca.crt',
    externallyManaged: false, renewable: false, uri: 'mem:/a', start: 0, end: 1, ...over,
  });

  it('writes Markdown with the kubeadm columns, escaping pipes', () => {
    const text = reportMarkdown([row({}), row({ name: 'odd|name.crt', ca: true, authority: 'self-signed', externallyManaged: true })]);
    assert.equal(text, [
      '| CERTIFICATE | EXPIRES | RESIDUAL TIME | CERTIFICATE AUTHORITY | EXTERNALLY MANAGED |',
      '| --- | --- | --- | --- | --- |',
      '| pki/a.crt | Jan 01, 2027 00:00 UTC | 28d | pki/ca.crt | no |',
      '| odd\\|name.crt | Jan 01, 2027 00:00 UTC | 28d | self-signed (CA) | yes |',
      '',
    ].join('\n'));
  });

  it('writes RFC 4180 CSV, quoting commas and quotes, defusing formulas', () => {
    const text = reportCsv([row({ name: 'a,"b".crt' }), row({ name: '=cmd.crt' })]);
    assert.equal(text, [
      'CERTIFICATE,EXPIRES,RESIDUAL TIME,CERTIFICATE AUTHORITY,EXTERNALLY MANAGED',
      '"a,""b"".crt","Jan 01, 2027 00:00 UTC",28d,pki/ca.crt,no',
      "'=cmd.crt,\"Jan 01, 2027 00:00 UTC\",28d,pki/ca.crt,no",
      '',
    ].join('\r\n'));
  });
});

describe('timeline webview messages', () => {
  it('accepts what the page sends and nothing else', async () => {
    const { isFromWebview } = await import('../../src/features/timeline/protocol');
    for (const ok of [{ type: 'ready' }, { type: 'reveal', id: 'AB' }, { type: 'renew', id: 'AB' }, { type: 'view', view: 'table' },
      { type: 'copy', format: 'csv', ids: ['a', 'b'] }, { type: 'save', ids: [] }, { type: 'textReport' }]) {
      assert.equal(isFromWebview(ok), true, JSON.stringify(ok));
    }
    for (const bad of [null, 'ready', {}, { type: 'reveal' }, { type: 'reveal', id: 1 }, { type: 'view', view: 'other' },
      { type: 'copy', format: 'html', ids: [] }, { type: 'copy', format: 'csv', ids: [1] }, { type: 'save' }, { type: 'run', command: 'x' }]) {
      assert.equal(isFromWebview(bad), false, JSON.stringify(bad));
    }
  });
});

describe('the timeline model in steps', () => {
  it('hands the host a turn every ROWS_PER_STEP rows at 1,100 certificates, and is the model made straight', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { writeBench } = await import('../fixtures/bench');
    const { DiskScanner } = await import('../../src/cli/diskScanner');
    const { ROWS_PER_STEP, timelineSteps } = await import('../../src/core/render/timeline');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-timeline-steps-'));
    try {
      // Distinct certificates from `openssl ca` (bench fixture), in 9 folders under 9 CAs.
      const manifest = await writeBench(dir, { certificates: 1100, kubeconfigs: 0, unrelated: 0 });
      const { inventory, now } = await new DiskScanner().scan([manifest.root]);
      const steps = timelineSteps(inventory, now, () => DEFAULT_THRESHOLDS);
      // Each step that says how many rows are made so far: never more than ROWS_PER_STEP since the last.
      const made: number[] = [0];
      let step = steps.next();
      while (!step.done) {
        if (typeof step.value === 'number') {
          made.push(step.value);
        }
        step = steps.next();
      }
      made.push(step.value.rows.length);
      const straight = timelineModel(inventory, now, () => DEFAULT_THRESHOLDS);
      assert.ok(made.length >= 4, `steps with rows: ${made.join(', ')}`);
      for (let i = 1; i < made.length; i++) {
        assert.ok(made[i] - made[i - 1] <= ROWS_PER_STEP, `rows between two steps: ${made.join(', ')}`);
      }
      assert.equal(step.value.rows.length, inventory.records.size, 'a row per distinct certificate');
      assert.ok(step.value.rows.length >= manifest.counts.distinctCertificates, `${step.value.rows.length} rows, ${manifest.counts.distinctCertificates} certificate files' certificates`);
      assert.deepEqual(step.value, straight);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
