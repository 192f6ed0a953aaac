// kubeconfig-stale-copy on openssl-made trees: admin.conf renewed (by `pki-lens renew`), its old copy
// in another folder found — a warning, an error once expired — and gone once updated with the one
// kubeconfig editor. Through the one pipeline (the CLI's disk scanner), so `check` reports it too.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { DiskScanner } from '../../src/cli/diskScanner';
import { findCarriers } from '../../src/core/kube/carriers';
import { applyEdits, kubeconfigEdits } from '../../src/core/kube/kubeconfigEdit';
import { generateKubeadm } from '../fixtures/generate';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-stale-'));
const tree = path.join(tmp, 'kubernetes');
const copy = path.join(tree, 'home/.kube/config');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const quiet = { out: () => undefined, err: () => undefined };
const staleFindings = async (now?: Date) => (await new DiskScanner().scan([tree], { now })).findings.filter(f => f.code === 'kubeconfig-stale-copy');

describe('kubeconfig-stale-copy', () => {
  before(() => {
    generateKubeadm(tree, { seeded: false });
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.copyFileSync(path.join(tree, 'admin.conf'), copy);
  });

  it('is silent while the copy is the newest', async () => {
    assert.deepEqual(await staleFindings(), []);
  });

  it('finds the old copy once admin.conf is renewed, related to admin.conf; an error once the copy has expired', async () => {
    assert.equal(await main(['renew', path.join(tree, 'admin.conf')], quiet), 0);
    const [finding, ...rest] = await staleFindings();
    assert.deepEqual(rest, []);
    assert.ok(finding.uri.endsWith('home/.kube/config'), finding.uri);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /user "kubernetes-admin" is a stale copy: admin\.conf holds a newer certificate/);
    assert.ok(finding.related[0].uri.endsWith('/admin.conf'), finding.related[0].uri);
    const text = fs.readFileSync(copy, 'utf8');
    const carrier = findCarriers(text).carriers.find(c => c.key === 'client-certificate-data')!;
    assert.deepEqual(finding.range, carrier.valueRange, 'placed on client-certificate-data');
    // A year and a minute from now the old copy is past its NotAfter, the renewed one is not.
    const later = new Date(Date.now() + 365 * 86_400_000 + 60_000);
    const [expired] = await staleFindings(later);
    assert.equal(expired.severity, 'error');
    assert.match(expired.message, /this one expired/);
  });

  it('is gone once the copy holds admin.conf\'s certificate (only that value changed)', async () => {
    const admin = fs.readFileSync(path.join(tree, 'admin.conf'), 'utf8');
    const fresh = findCarriers(admin).carriers.find(c => c.key === 'client-certificate-data')!;
    const text = fs.readFileSync(copy, 'utf8');
    const updated = applyEdits(text, kubeconfigEdits(text, { user: 'kubernetes-admin', certificatePem: Buffer.from(fresh.value, 'base64').toString() }));
    assert.equal(updated.split('\n').filter((l, i) => l !== text.split('\n')[i]).length, 1);
    fs.writeFileSync(copy, updated);
    assert.deepEqual(await staleFindings(), []);
  });
});
