// The compiled `pki-lens` CLI, spawned as a user would: exit codes 0/1/2, text and JSON output.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ChainLab, DAY, LabCert, SECOND, caExt, leafExt } from '../fixtures/chains';

/** out/test/unit/cli.test.js -> out/src/cli/main.js */
const MAIN = path.resolve(__dirname, '../../src/cli/main.js');

function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

let lab: ChainLab;
let root: LabCert;
let intermediate: LabCert;
let leaf: LabCert;
let client: LabCert;
const files: Record<string, string> = {};

before(() => {
  lab = new ChainLab();
  const now = Date.now();
  root = lab.issue({ subject: '/CN=kubernetes', notBefore: new Date(now - DAY), notAfter: new Date(now + 3650 * DAY), ext: caExt() });
  intermediate = lab.issue({ subject: '/CN=cluster-intermediate', issuer: root, notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY), ext: caExt({ aki: true }) });
  leaf = lab.issue({ subject: '/CN=kube-apiserver', issuer: intermediate, notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY), ext: leafExt({ eku: ['serverAuth'], san: ['DNS:kubernetes', 'IP:10.96.0.1'] }) });
  client = lab.issue({ subject: '/O=kubeadm:cluster-admins/CN=kubernetes-admin', issuer: root, notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY), ext: leafExt({ eku: ['clientAuth'] }) });
  files.root = lab.file('ca.crt', root.pem);
  files.int = lab.file('intermediate.crt', intermediate.pem);
  files.leaf = lab.file('apiserver.crt', leaf.pem);
  files.fullchain = lab.file('fullchain.pem', leaf.pem + intermediate.pem);
  files.leafDer = lab.file('apiserver.der', lab.der(leaf));
  files.client = lab.file('admin.crt', client.pem);
  files.notCert = lab.file('notes.txt', 'no certificate in here\n');
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  files.kubeconfig = lab.file('admin.conf', [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kubernetes',
    '  cluster:',
    '    server: https://10.96.0.1:6443',
    `    certificate-authority-data: ${b64(root.pem)}`,
    'users:',
    '- name: kubernetes-admin',
    '  user:',
    `    client-certificate-data: ${b64(client.pem)}`,
    'contexts:',
    '- name: kubernetes-admin@kubernetes',
    '  context: {cluster: kubernetes, user: kubernetes-admin}',
    'current-context: kubernetes-admin@kubernetes',
    '',
  ].join('\n'));
});

after(() => lab.dispose());

describe('pki-lens verify: exit codes', () => {
  it('exits 0 when the chain verifies', () => {
    const r = cli('verify', '--ca', files.root, '--untrusted', files.int, '--host', 'kubernetes', files.leaf);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^OK: CN=kube-apiserver/);
    assert.match(r.stdout, /chains to trusted CN=kubernetes/);
  });

  it('takes the intermediates from the rest of the leaf file (fullchain)', () => {
    const r = cli('verify', '--ca', files.root, files.fullchain);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('reads DER as well as PEM', () => {
    const r = cli('verify', '--ca', files.root, '--untrusted', files.int, files.leafDer);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('exits 1 with Go\'s words when it does not verify', () => {
    const r = cli('verify', '--ca', files.root, '--untrusted', files.int, '--host', '10.0.0.5', files.leaf);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^FAILED: CN=kube-apiserver/);
    assert.ok(r.stdout.includes('x509: certificate is valid for 10.96.0.1, not 10.0.0.5'), r.stdout);
  });

  it('exits 1 for a missing intermediate', () => {
    const r = cli('verify', '--ca', files.root, files.leaf);
    assert.equal(r.status, 1);
    assert.ok(r.stdout.includes('x509: certificate signed by unknown authority'), r.stdout);
  });

  it('checks serverAuth by default and the purpose given otherwise', () => {
    assert.equal(cli('verify', '--ca', files.root, files.client).status, 1);
    assert.equal(cli('verify', '--ca', files.root, '--purpose', 'clientAuth', files.client).status, 0);
    assert.equal(cli('verify', '--ca', files.root, '--purpose=any', files.client).status, 0);
  });

  it('reads a kubeconfig: certificate-authority-data for --ca, client-certificate-data as the leaf', () => {
    const asClient = cli('verify', '--ca', files.kubeconfig, '--purpose', 'clientAuth', '--format', 'json', files.kubeconfig);
    assert.equal(asClient.status, 0, asClient.stdout + asClient.stderr);
    assert.deepEqual(JSON.parse(asClient.stdout).path.map((p: { subject: string }) => p.subject), ['CN=kubernetes-admin,O=kubeadm:cluster-admins', 'CN=kubernetes']);
    const server = cli('verify', '--ca', files.kubeconfig, '--host', '10.96.0.1', files.fullchain);
    assert.equal(server.status, 0, server.stdout + server.stderr);
  });

  it('exits 2 on usage errors, with the synopsis on stderr', () => {
    const cases: string[][] = [
      [],
      ['frobnicate'],
      ['verify'],
      ['verify', '--ca', files.root],
      ['verify', files.leaf],
      ['verify', '--ca', files.root, '--purpose', 'codeSigning', files.leaf],
      ['verify', '--ca', files.root, '--format', 'yaml', files.leaf],
      ['verify', '--ca', files.root, '--at', 'yesterday', files.leaf],
      ['verify', '--ca', files.root, '--bogus', files.leaf],
      ['verify', '--ca', files.root, files.leaf, files.leaf],
      ['verify', '--ca', path.join(lab.dir, 'missing.crt'), files.leaf],
      ['verify', '--ca', files.root, files.notCert],
    ];
    for (const args of cases) {
      const r = cli(...args);
      assert.equal(r.status, 2, `${args.join(' ')} -> ${r.status}\n${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '', `nothing on stdout for ${args.join(' ')}`);
      assert.match(r.stderr, /Usage: pki-lens/);
    }
    assert.match(cli('verify', '--ca', path.join(lab.dir, 'missing.crt'), files.leaf).stderr, /cannot read .*missing\.crt: no such file/);
    assert.match(cli('verify', '--ca', files.root, files.notCert).stderr, /no certificate found in/);
  });

  it('prints help with exit 0', () => {
    const top = cli('--help');
    assert.equal(top.status, 0);
    assert.match(top.stdout, /verify\s+predict what Go TLS clients/);
    const sub = cli('verify', '--help');
    assert.equal(sub.status, 0);
    assert.match(sub.stdout, /--untrusted FILE/);
  });
});

describe('pki-lens verify --format json', () => {
  it('describes a success', () => {
    const r = cli('verify', '--ca', files.root, '--untrusted', files.int, '--format', 'json', '--host', 'KUBERNETES', files.leaf);
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.ok, true);
    assert.equal(json.goError, null);
    assert.deepEqual(json.errors, []);
    assert.equal(json.trusted, true);
    assert.equal(json.purpose, 'serverAuth');
    assert.equal(json.host, 'KUBERNETES');
    assert.deepEqual(json.path.map((p: { role: string; subject: string }) => [p.role, p.subject]), [['leaf', 'CN=kube-apiserver'], ['intermediate', 'CN=cluster-intermediate'], ['root', 'CN=kubernetes']]);
    assert.equal(json.path[0].notAfter, iso(leaf.notAfter));
    assert.ok(json.checks.every((c: { ok: boolean }) => c.ok));
  });

  it('describes a failure with Go\'s error first and --at applied', () => {
    const at = new Date(leaf.notAfter.getTime() + SECOND);
    const r = cli('verify', '--ca', files.root, '--untrusted', files.int, '--format', 'json', '--at', iso(at), '--host', 'etcd', files.leaf);
    assert.equal(r.status, 1, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.ok, false);
    assert.equal(json.at, iso(at));
    const expired = `x509: certificate has expired or is not yet valid: current time ${iso(at)} is after ${iso(leaf.notAfter)}`;
    assert.equal(json.goError, expired);
    assert.deepEqual(json.errors, [expired, 'x509: certificate is valid for kubernetes, not etcd']);
    const failed = json.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { name: string; certificate: number }) => [c.name, c.certificate]);
    assert.deepEqual(failed, [['validity', 0], ['hostname', 0]]);
  });

  it('takes an --at without an offset as UTC', () => {
    const at = new Date(leaf.notAfter.getTime() + SECOND);
    const r = cli('verify', '--ca', files.root, '--untrusted', files.int, '--format', 'json', '--at', iso(at).replace('Z', ''), files.leaf);
    assert.equal(JSON.parse(r.stdout).at, iso(at));
  });

  it('reads a CA bundle with several certificates', () => {
    const other = lab.issue({ subject: '/CN=other-ca', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY), ext: caExt() });
    const bundle = lab.file('bundle.crt', other.pem + root.pem);
    const r = cli('verify', '--ca', bundle, '--format', 'json', files.fullchain);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).path.length, 3);
    assert.ok(fs.existsSync(bundle));
  });
});
