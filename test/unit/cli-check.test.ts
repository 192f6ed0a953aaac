// `pki-lens check` on the demo workspace openssl made: the kubeadm-style table, a non-zero exit
// because of the expired certificate, and JSON listing exactly the manifest's seeded problems —
// the same findings the extension's Problems panel shows for that workspace.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { Manifest, generateDemo } from '../fixtures/generate';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-cli-check-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let demo: Manifest;

async function check(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['check', ...args], { out: t => (out += t), err: t => (err += t) });
  return { code, out, err };
}

const pairs = (items: { code: string; file: string }[]) => items.map(i => `${i.code} ${i.file}`).sort();

describe('pki-lens check', () => {
  before(() => {
    demo = generateDemo(path.join(tmp, 'demo'));
  });

  it('prints the kubeadm-style table and fails because of the expired certificate', async () => {
    const { code, out } = await check(demo.root);
    assert.equal(code, 1, out);
    const lines = out.split('\n');
    const header = lines.find(l => l.startsWith('CERTIFICATE '));
    assert.ok(header, out);
    assert.match(header, /^CERTIFICATE\s+EXPIRES\s+RESIDUAL TIME\s+CERTIFICATE AUTHORITY\s+EXTERNALLY MANAGED$/);
    assert.ok(lines.some(l => /^CERTIFICATE AUTHORITY\s+EXPIRES\s+RESIDUAL TIME\s+EXTERNALLY MANAGED$/.test(l)), 'a table of CAs follows');
    const expiredRow = lines.find(l => l.startsWith('pki/apiserver-kubelet-client.crt '));
    assert.ok(expiredRow, out);
    assert.match(expiredRow, /expired \d+d ago\s+pki\/ca\.crt\s+no$/);
    assert.match(out, /^\s+ERROR\s+cert-expired\s+pki\/apiserver-kubelet-client\.crt:1:1\s+Certificate CN=kube-apiserver-kubelet-client expired/m);
    assert.ok(lines.some(l => /^pki\/ca\.crt\s+\w{3} \d{2}, \d{4} \d{2}:\d{2} UTC\s+\d+y\s+no$/.test(l)), 'the cluster CA is listed with its key at hand');
  });

  it('JSON lists the same findings as the manifest seeded (and the Problems panel shows)', async () => {
    const { code, out } = await check('--format', 'json', demo.root);
    assert.equal(code, 1);
    const json = JSON.parse(out) as { findings: { code: string; severity: string; file: string; line: number; column: number; message: string }[] };
    assert.deepEqual(pairs(json.findings), pairs(demo.seeded));
    for (const f of json.findings) {
      assert.ok(f.line >= 1 && f.column >= 1 && f.message.length > 10, JSON.stringify(f));
      assert.ok(fs.existsSync(path.join(demo.root, f.file)), `${f.file} is a path inside the scanned folder`);
    }
    const decode = json.findings.find(f => f.code === 'decode-error');
    assert.ok(decode && decode.file === 'scheduler.conf' && decode.line > 1, 'carrier findings point at the value, not the file start');
  });

  it('SARIF 2.1.0 carries one result per finding, with rules and relative locations', async () => {
    const { code, out } = await check('--format', 'sarif', demo.root);
    assert.equal(code, 1);
    const sarif = JSON.parse(out);
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'PKI Lens');
    const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
    assert.deepEqual(
      run.results.map((r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => `${r.ruleId} ${decodeURI(r.locations[0].physicalLocation.artifactLocation.uri)}`).sort(),
      pairs(demo.seeded),
    );
    for (const r of run.results) {
      assert.equal(r.ruleId, ruleIds[r.ruleIndex]);
      assert.ok(['error', 'warning', 'note'].includes(r.level));
      assert.equal(r.locations[0].physicalLocation.artifactLocation.uriBaseId, 'ROOT0');
    }
    assert.match(run.originalUriBaseIds.ROOT0.uri, /^file:\/\/.*\/$/);
  });

  it('reports a kubeadm certificate from the wrong CA (profile-issuer) with the component\'s words, and where it should come from', async () => {
    const { out } = await check('--format', 'json', demo.root);
    const json = JSON.parse(out) as { findings: { code: string; severity: string; file: string; message: string }[] };
    const wrong = json.findings.filter(f => f.code === 'profile-issuer');
    assert.deepEqual(wrong.map(f => `${f.severity} ${f.file}`), ['error pki/etcd/peer.crt']);
    assert.match(wrong[0].message, /issued by CN=kubernetes \(pki\/ca\.crt\), not by the etcd CA \(pki\/etcd\/ca\.crt\) — the other etcd members \(--peer-trusted-ca-file\) will say: x509: certificate signed by unknown authority$/);
    const table = await check(path.join(demo.root, 'pki', 'etcd', 'peer.crt'), path.join(demo.root, 'pki', 'etcd', 'ca.crt'), path.join(demo.root, 'pki', 'ca.crt'));
    assert.equal(table.code, 1, 'an error finding fails the check');
    assert.match(table.out, /^\s+ERROR\s+profile-issuer\s+\S*peer\.crt:1:1\s+The etcd peer certificate is issued by CN=kubernetes/m);
  });

  it('--fail-on decides the exit code; bad arguments exit 2', async () => {
    assert.equal((await check('--fail-on', 'none', demo.root)).code, 0);
    assert.equal((await check('--fail-on', 'warning', path.join(demo.root, 'pki', 'apiserver.crt'))).code, 1, 'the expiring API server certificate is a warning');
    assert.equal((await check('--fail-on', 'error', path.join(demo.root, 'manifests'))).code, 0, 'the healthy manifests alone have no errors');
    assert.equal((await check('--format', 'xml', demo.root)).code, 2);
    assert.equal((await check('--fail-on', 'fatal', demo.root)).code, 2);
    assert.equal((await check()).code, 2);
    assert.equal((await check(path.join(tmp, 'missing'))).code, 2);
  });

  it('runs as a process with the same exit status', () => {
    const cli = path.join(__dirname, '..', '..', 'src', 'cli', 'main.js');
    const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', demo.root], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(JSON.parse(r.stdout).findings.length, demo.seeded.length);
  });
});
