// `pki-lens inspect`, spawned as a user would: every kind of material in PEM, DER and a kubeconfig,
// fields judged by what openssl prints for the same files, keys never shown, exit codes 0/1/2.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openssl, opensslBuffer } from '../fixtures/openssl';

/** out/test/unit/cli-inspect.test.js -> out/src/cli/main.js */
const MAIN = path.resolve(__dirname, '../../src/cli/main.js');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-inspect-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function inspect(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, 'inspect', ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function json(...files: string[]): { status: number; records: Record<string, any>[]; stderr: string } {
  const r = inspect('--format', 'json', ...files);
  return { status: r.status, records: JSON.parse(r.stdout), stderr: r.stderr };
}

const file = (name: string, content: string | Buffer) => {
  fs.writeFileSync(path.join(dir, name), content);
  return name;
};

/** What openssl says about a certificate file, in the spellings the JSON promises. */
function opensslFacts(name: string, inform = 'PEM') {
  const args = ['x509', '-in', path.join(dir, name), '-inform', inform, '-noout', '-nameopt', 'RFC2253'];
  const value = (flag: string, prefix: string) => openssl([...args, flag]).trim().slice(prefix.length);
  return {
    subject: value('-subject', 'subject='),
    issuer: value('-issuer', 'issuer='),
    serial: value('-serial', 'serial='),
    sha256: openssl([...args, '-fingerprint', '-sha256']).trim().replace(/^[^=]*=/, ''),
    san: openssl([...args, '-ext', 'subjectAltName']).split('\n')[1].trim().split(', '),
    notAfter: new Date(value('-enddate', 'notAfter=')).toISOString().replace('.000Z', 'Z'),
  };
}

let keyPem = '';
let privateHex = '';

before(() => {
  const key = path.join(dir, 'server.key');
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  keyPem = fs.readFileSync(key, 'utf8');
  // The private scalar, as openssl prints it: none of it may appear in any output.
  const text = openssl(['pkey', '-in', key, '-noout', '-text']);
  privateHex = /priv:\s*([\s\S]*?)\npub:/.exec(text)![1].replace(/[\s:]/g, '');
  openssl(['req', '-x509', '-key', key, '-out', path.join(dir, 'server.pem'), '-days', '90', '-subj', '/O=Acme, Inc./CN=api.example.test', '-utf8',
    '-addext', 'subjectAltName=DNS:api.example.test,IP:10.0.0.1,email:ops@example.test,URI:spiffe://example.test/api',
    '-addext', 'extendedKeyUsage=serverAuth,clientAuth', '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment']);
  fs.writeFileSync(path.join(dir, 'server.der'), opensslBuffer(['x509', '-in', path.join(dir, 'server.pem'), '-outform', 'DER']));
  openssl(['req', '-new', '-key', key, '-out', path.join(dir, 'server.csr'), '-subj', '/CN=csr.example.test']);
  const pem = fs.readFileSync(path.join(dir, 'server.pem'), 'utf8');
  file('admin.conf', [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kubernetes',
    '  cluster:',
    '    server: https://10.0.0.1:6443',
    `    certificate-authority-data: ${Buffer.from(pem).toString('base64')}`,
    'users:',
    '- name: admin',
    '  user:',
    `    client-key-data: ${Buffer.from(keyPem).toString('base64')}`,
    '',
  ].join('\n'));
  file('garbage.pem', '-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n');
  file('notes.txt', 'nothing PKI in here\n');
});

describe('pki-lens inspect --format json', () => {
  it('prints a PEM certificate with the fields openssl prints', () => {
    const { status, records, stderr } = json('server.pem');
    assert.equal(status, 0, stderr);
    assert.equal(records.length, 1);
    const [cert] = records;
    const facts = opensslFacts('server.pem');
    assert.equal(cert.type, 'certificate');
    assert.equal(cert.file, 'server.pem');
    assert.deepEqual(cert.range.start, { line: 1, character: 1 });
    assert.equal(cert.range.end.line, fs.readFileSync(path.join(dir, 'server.pem'), 'utf8').trimEnd().split('\n').length);
    assert.equal(cert.subject, facts.subject);
    assert.equal(cert.subject, 'CN=api.example.test,O=Acme\\, Inc.');
    assert.equal(cert.issuer, facts.issuer);
    assert.equal(cert.serialNumber, facts.serial);
    assert.equal(cert.sha256Fingerprint, facts.sha256);
    assert.equal(cert.notAfter, facts.notAfter);
    assert.match(cert.notBefore, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(cert.subjectAltNames, facts.san);
    assert.deepEqual(cert.subjectAltNames, ['DNS:api.example.test', 'IP Address:10.0.0.1', 'email:ops@example.test', 'URI:spiffe://example.test/api']);
    assert.deepEqual(cert.extendedKeyUsage, ['serverAuth', 'clientAuth']);
    assert.deepEqual(cert.keyUsage, ['digitalSignature', 'keyEncipherment']);
    assert.equal(cert.publicKey.algorithm, 'EC');
    assert.equal(cert.publicKey.curve, 'P-256');
    assert.equal(cert.signatureAlgorithm, 'ecdsa-with-SHA256');
    // The PEM is the certificate itself: openssl reads it back to the same fingerprint.
    const back = openssl(['x509', '-noout', '-fingerprint', '-sha256'], { input: cert.pem }).trim();
    assert.equal(back.replace(/^sha256 Fingerprint=/i, ''), facts.sha256);
  });

  it('prints a DER certificate without a text range, with the same fields as its PEM', () => {
    const { status, records } = json('server.der');
    assert.equal(status, 0);
    assert.equal(records.length, 1);
    assert.equal(records[0].range, null);
    assert.equal(records[0].label, 'DER');
    const facts = opensslFacts('server.der', 'DER');
    assert.equal(records[0].subject, facts.subject);
    assert.equal(records[0].sha256Fingerprint, facts.sha256);
  });

  it('finds the certificate and key of a kubeconfig, placed at their carriers', () => {
    const { status, records } = json('admin.conf');
    assert.equal(status, 0);
    assert.deepEqual(records.map(r => [r.type, r.carrier]), [
      ['certificate', 'clusters[0].cluster.certificate-authority-data'],
      ['privateKey', 'users[0].user.client-key-data'],
    ]);
    assert.equal(records[0].range.start.line, 7);
    assert.equal(records[1].range.start.line, 11);
    assert.equal(records[0].sha256Fingerprint, opensslFacts('server.pem').sha256);
    assert.equal(records[1].publicKey.sha256Fingerprint, records[0].publicKey.sha256Fingerprint, 'the key is the certificate\'s key');
  });

  it('reads the files a kubeconfig names, relative to the kubeconfig, and names the ones it cannot read', () => {
    fs.mkdirSync(path.join(dir, 'kube'), { recursive: true });
    fs.copyFileSync(path.join(dir, 'server.pem'), path.join(dir, 'kube', 'client.crt'));
    file('kube/paths.conf', ['apiVersion: v1', 'kind: Config', 'users:', '- name: u', '  user:', '    client-certificate: client.crt', '    client-key: missing.key', ''].join('\n'));
    const { status, records, stderr } = json('kube/paths.conf');
    assert.equal(status, 1);
    const cert = records.find(r => r.type === 'certificate');
    assert.ok(cert, JSON.stringify(records));
    assert.equal(cert.file, path.join('kube', 'client.crt'));
    assert.deepEqual(cert.via, { file: 'kube/paths.conf', carrier: 'users[0].user.client-certificate' });
    assert.equal(cert.sha256Fingerprint, opensslFacts('server.pem').sha256);
    assert.deepEqual(records.filter(r => r.type === 'error').map(r => [r.file, r.message]), [[path.join('kube', 'missing.key'), 'cannot read: no such file']]);
    assert.match(stderr, /kube\/paths\.conf: users\[0\]\.user\.client-key: kube\/missing\.key: cannot read: no such file/);
  });

  it('prints a CSR: subject and public key as openssl reads them', () => {
    const { status, records } = json('server.csr');
    assert.equal(status, 0);
    assert.equal(records[0].type, 'csr');
    const subject = openssl(['req', '-in', path.join(dir, 'server.csr'), '-noout', '-subject', '-nameopt', 'RFC2253']).trim().replace(/^subject=/, '');
    assert.equal(records[0].subject, subject);
    const spki = opensslBuffer(['req', '-in', path.join(dir, 'server.csr'), '-noout', '-pubkey']);
    const der = opensslBuffer(['pkey', '-pubin', '-outform', 'DER'], { input: spki });
    const fingerprint = require('node:crypto').createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g).join(':');
    assert.equal(records[0].publicKey.sha256Fingerprint, fingerprint);
  });

  it('describes a private key by type, size and public fingerprint, and never shows key material', () => {
    const r = inspect('--format', 'json', 'server.key');
    assert.equal(r.status, 0);
    const [key] = JSON.parse(r.stdout);
    assert.equal(key.type, 'privateKey');
    assert.equal(key.algorithm, 'EC');
    assert.equal(key.curve, 'P-256');
    assert.equal(key.encrypted, false);
    assert.equal(key.publicKey.sha256Fingerprint, json('server.pem').records[0].publicKey.sha256Fingerprint);
    const body = keyPem.split('\n').filter(l => l && !l.startsWith('-----'));
    for (const out of [r.stdout, inspect('server.key').stdout, inspect('--format', 'json', 'admin.conf').stdout, inspect('admin.conf').stdout]) {
      assert.ok(!out.includes('PRIVATE KEY-----'), 'no PEM armour of a private key');
      assert.ok(!out.toLowerCase().includes(privateHex.toLowerCase()), 'no private scalar');
      assert.ok(!out.toLowerCase().includes(privateHex.slice(0, 16).toLowerCase()), 'not even part of it');
      for (const line of body) {
        assert.ok(!out.includes(line), `no line of the key's base64 (${line.slice(0, 12)}…)`);
      }
      assert.ok(!out.includes(Buffer.from(keyPem).toString('base64').slice(0, 40)), 'not the carrier\'s base64 either');
    }
  });

  it('prints a CRL (a vendored real one) with the issuer and dates openssl prints', () => {
    const crl = path.resolve(__dirname, '../../../test/corpus/zlint/testdata/crlEntrustNoRevokedCerts02.pem');
    const { status, records } = json(crl);
    assert.equal(status, 0);
    assert.equal(records[0].type, 'crl');
    const lines = openssl(['crl', '-in', crl, '-noout', '-issuer', '-lastupdate', '-nextupdate', '-nameopt', 'RFC2253']).trim().split('\n');
    const field = (name: string) => lines.find(l => l.startsWith(`${name}=`))!.slice(name.length + 1);
    const iso = (d: string) => new Date(d).toISOString().replace('.000Z', 'Z');
    assert.equal(records[0].issuer, field('issuer'));
    assert.equal(records[0].thisUpdate, iso(field('lastUpdate')));
    assert.equal(records[0].nextUpdate, iso(field('nextUpdate')));
  });

  it('reads standard input for "-"', () => {
    const r = spawnSync(process.execPath, [MAIN, 'inspect', '--format', 'json', '-'], { cwd: dir, encoding: 'utf8', input: fs.readFileSync(path.join(dir, 'server.pem')) });
    assert.equal(r.status, 0, r.stderr);
    const [cert] = JSON.parse(r.stdout);
    assert.equal(cert.file, '-');
    assert.equal(cert.sha256Fingerprint, opensslFacts('server.pem').sha256);
  });

  it('names a garbage file and a file with nothing in it, prints what it could, and exits 1', () => {
    const r = inspect('--format', 'json', 'server.pem', 'garbage.pem', 'notes.txt', 'missing.pem');
    assert.equal(r.status, 1);
    const records = JSON.parse(r.stdout);
    assert.deepEqual(records.map((x: { type: string; file: string }) => [x.type, x.file]), [
      ['certificate', 'server.pem'], ['error', 'garbage.pem'], ['error', 'notes.txt'], ['error', 'missing.pem'],
    ]);
    assert.match(r.stderr, /garbage\.pem:1:1: CERTIFICATE: PEM body is .*base64/);
    assert.match(r.stderr, /notes\.txt: no certificate, key, request or CRL found/);
    assert.match(r.stderr, /missing\.pem: cannot read: no such file/);
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  });
});

describe('pki-lens inspect --format text and usage', () => {
  it('prints the decoded view of each file, the key paired with its certificate', () => {
    const r = inspect('server.pem', 'server.key', 'server.csr');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /═══ server\.pem ═══\n── CERTIFICATE block \(line 1\) ──/);
    assert.match(r.stdout, /Certificate: CN=api\.example\.test,O=Acme\\, Inc\./);
    assert.match(r.stdout, new RegExp(`SHA-256: ${opensslFacts('server.pem').sha256}`));
    assert.match(r.stdout, /DNS:api\.example\.test/);
    assert.match(r.stdout, /Private Key: EC P-256[\s\S]*Certificate: matches CN=api\.example\.test \(server\.pem\)[\s\S]*Key material is never shown/);
    assert.match(r.stdout, /Certificate Request: CN=csr\.example\.test/);
    assert.equal(inspect('--format', 'text', 'server.pem').stdout.replace(/as of .*/, ''), inspect('server.pem').stdout.replace(/as of .*/, ''));
  });

  it('exits 2 on usage errors, 0 on --help', () => {
    const none = inspect();
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no file named/);
    const bad = inspect('--format', 'xml', 'server.pem');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--format: expected one of text, json/);
    const help = inspect('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: pki-lens inspect/);
    const overview = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8' });
    assert.match(overview.stdout, /inspect\s+print the fields/);
  });
});
