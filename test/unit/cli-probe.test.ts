// `pki-lens probe` against real TLS servers on 127.0.0.1 (openssl s_server and Node's tls) and a
// workspace openssl made (test/fixtures/probeLab.ts): each situation gets exactly its finding,
// the drift names the component and both serials, and no client certificate is ever sent.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { manifestEndpoints } from '../../src/core/probe/manifests';
import { ProbeLab, startProbeLab } from '../fixtures/probeLab';
import { waitFor } from '../waitFor';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-cli-probe-'));
let lab: ProbeLab;

async function probe(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['probe', ...args], { out: t => (out += t), err: t => (err += t) });
  return { code, out, err };
}

interface JsonEndpoint {
  url: string;
  serverName: string;
  reachable: boolean;
  failure: { kind: string; message: string } | null;
  locations: { file: string; line: number; column: number }[];
  servedChain: { subject: string; serial: string; notAfter: string; sha256: string }[];
  verified: boolean | null;
  errors: string[];
  workspaceCertificate: { file: string; serial: string; sha256: string } | null;
  drift: boolean;
  findings: { code: string; severity: string; message: string }[];
}

/** 1-based line of `needle` in a workspace file. */
function lineOf(file: string, needle: string): number {
  const text = fs.readFileSync(path.join(lab.root, file), 'utf8');
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} in ${file}`);
  return text.slice(0, at).split('\n').length;
}

describe('pki-lens probe', () => {
  before(async () => {
    const root = path.join(tmp, 'ws');
    fs.mkdirSync(root);
    lab = await startProbeLab(root);
  });
  after(async () => {
    await lab?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('gives each endpoint exactly its finding, at the server: value or manifest flag (JSON)', async () => {
    const { code, out, err } = await probe('--format', 'json', '--timeout', '1500', lab.root);
    assert.equal(code, 1, err);
    const endpoints = (JSON.parse(out) as { endpoints: JsonEndpoint[] }).endpoints;
    assert.equal(endpoints.length, lab.cases.length, out);
    for (const c of lab.cases) {
      const e = endpoints.find(x => x.url === `https://127.0.0.1:${c.port}`);
      assert.ok(e, `${c.name}: endpoint probed`);
      assert.deepEqual(e.findings.map(f => f.code), c.code ? [c.code] : [], `${c.name}: ${JSON.stringify(e.findings)}`);
      for (const f of e.findings) {
        assert.match(f.message, c.says, c.name);
      }
      assert.deepEqual(e.locations, [{ file: c.file, line: lineOf(c.file, c.anchor), column: e.locations[0].column }], c.name);
      assert.equal(e.reachable, c.code !== 'endpoint-unreachable', c.name);
    }
    const byName = (name: string) => endpoints.find(x => x.url.endsWith(`:${lab.cases.find(c => c.name === name)!.port}`))!;
    const drift = byName('drift');
    assert.equal(drift.drift, true);
    assert.equal(drift.verified, true, 'the old certificate still verifies: only its being stale is wrong');
    assert.equal(drift.servedChain[0].serial, lab.oldSerial);
    assert.equal(drift.servedChain[0].sha256, lab.oldSha256, 'the served leaf is the old certificate, by openssl\'s fingerprint');
    assert.equal(drift.workspaceCertificate?.file, 'pki/apiserver.crt');
    assert.equal(drift.workspaceCertificate?.serial, lab.renewedSerial);
    assert.notEqual(drift.workspaceCertificate?.sha256, lab.oldSha256);
    const healthy = byName('healthy');
    assert.equal(healthy.verified, true);
    assert.equal(healthy.drift, false);
    assert.equal(healthy.servedChain[0].serial, lab.renewedSerial);
    assert.equal(byName('expired').verified, false);
    assert.match(byName('expired').errors[0], /^x509: certificate has expired or is not yet valid: current time .* is after /);
    assert.equal(byName('silent').failure?.kind, 'timeout');
    assert.match(byName('silent').failure!.message, /within 1500 ms/);
    assert.equal(byName('closed').failure?.kind, 'refused');
    assert.equal(byName('garbage').failure?.kind, 'not-tls');
  });

  it('sends no client certificate to a server that asks for one', async () => {
    const before = lab.clientCertificates.length;
    const name = lab.cases.find(c => c.name === 'name')!;
    await probe('--format', 'json', `https://127.0.0.1:${name.port}`);
    await waitFor('the server to record the handshake', () => lab.clientCertificates.length > before);
    assert.ok(lab.clientCertificates.length >= 2, 'both Node servers were probed');
    assert.deepEqual([...new Set(lab.clientCertificates)], ['none']);
  });

  it('names the component to restart in text', async () => {
    const { code, out } = await probe('--timeout', '1500', path.join(lab.root, 'manifests'), path.join(lab.root, 'pki'));
    assert.equal(code, 1, out);
    assert.match(out, /restart kube-apiserver \(move its manifest out of \/etc\/kubernetes\/manifests and back/);
    assert.match(out, new RegExp(`leaf: CN=kube-apiserver\\n\\s+serial ${lab.oldSerial}`));
  });

  it('judges a URL by --ca and --server-name, and exits 0 when it verifies', async () => {
    const name = lab.cases.find(c => c.name === 'name')!;
    const url = `https://127.0.0.1:${name.port}`;
    const ca = path.join(lab.root, 'lab', 'ca.crt');
    const wrong = await probe('--format', 'json', '--ca', ca, url);
    assert.equal(wrong.code, 1);
    assert.deepEqual((JSON.parse(wrong.out) as { endpoints: JsonEndpoint[] }).endpoints[0].findings.map(f => f.code), ['served-name-mismatch']);
    const right = await probe('--format', 'json', '--ca', ca, '--server-name', 'elsewhere.probe.test', url);
    assert.equal(right.code, 0, right.out);
    const e = (JSON.parse(right.out) as { endpoints: JsonEndpoint[] }).endpoints[0];
    assert.equal(e.serverName, 'elsewhere.probe.test');
    assert.equal(e.verified, true);
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await probe()).code, 2);
    assert.equal((await probe('http://127.0.0.1:80')).code, 2);
    assert.equal((await probe('--timeout', 'soon', 'https://127.0.0.1:1')).code, 2);
    assert.equal((await probe(path.join(lab.root, 'lab'))).code, 2, 'a folder naming no endpoint');
  });
});

describe('static pod manifest endpoints', () => {
  it('reads etcd client and peer URLs, and the defaults of the controller manager', () => {
    const etcd = `spec:\n  containers:\n  - command:\n    - etcd\n    - --listen-client-urls=https://127.0.0.1:2379,https://192.168.0.10:2379\n    - --listen-peer-urls=https://192.168.0.10:2380\n    - --cert-file=/etc/kubernetes/pki/etcd/server.crt\n`;
    assert.deepEqual(manifestEndpoints('manifests/etcd.yaml', etcd).map(e => `${e.host}:${e.port} ${e.certFile ?? e.defaultRole}`), [
      '127.0.0.1:2379 /etc/kubernetes/pki/etcd/server.crt',
      '192.168.0.10:2379 /etc/kubernetes/pki/etcd/server.crt',
      '192.168.0.10:2380 etcd/peer',
    ]);
    const kcm = `spec:\n  containers:\n  - command:\n    - kube-controller-manager\n    - --bind-address=127.0.0.1\n`;
    assert.deepEqual(manifestEndpoints('etc/kubernetes/manifests/kube-controller-manager.yaml', kcm).map(e => `${e.host}:${e.port}`), ['127.0.0.1:10257']);
    assert.deepEqual(manifestEndpoints('manifests/kube-scheduler.yaml', ': not yaml ['), []);
    assert.deepEqual(manifestEndpoints('other/kube-apiserver.yaml', kcm), [], 'only under a manifests/ folder');
  });
});
