// `pki-lens renew` and `pki-lens sign` on openssl-made kubeadm trees: --dry-run writes nothing (tree
// hash), writes keep backups equal to the old bytes and change only the intended values, bad input
// is refused with its reason and nothing written. Judged by openssl and a real TLS handshake.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { generateKubeadm } from '../fixtures/generate';
import { openssl, opensslBuffer, opensslStatus } from '../fixtures/openssl';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-cli-repairs-'));
const seeded = path.join(tmp, 'seeded');
const healthy = path.join(tmp, 'healthy');
let copies = 0;

before(() => {
  generateKubeadm(seeded, { seeded: true });
  generateKubeadm(healthy, { seeded: false });
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: t => (out += t), err: t => (err += t) });
  return { code, out, err };
}

/** A private copy of a tree, modes kept. */
function copyOf(tree: string): string {
  const dir = path.join(tmp, `copy-${++copies}`);
  fs.cpSync(tree, dir, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  return dir;
}

/** Every path, mode and byte of a tree. */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const s = fs.lstatSync(p);
      h.update(`${path.relative(dir, p)}\0${s.mode}\0`);
      if (s.isDirectory()) {
        walk(p);
      } else if (s.isSymbolicLink()) {
        h.update(fs.readlinkSync(p));
      } else {
        h.update(fs.readFileSync(p));
      }
    }
  };
  walk(dir);
  return h.digest('hex');
}

const backupsOf = (file: string) => fs.readdirSync(path.dirname(file)).filter(n => n.startsWith(`${path.basename(file)}.`) && n.endsWith('.bak')).map(n => path.join(path.dirname(file), n));
const verifies = (ca: string, cert: string) => opensslStatus(['verify', '-CAfile', ca, cert]).status === 0;
const pubkeyOfCert = (file: string) => openssl(['x509', '-noout', '-pubkey', '-in', file]);
const pubkeyOfKey = (file: string) => openssl(['pkey', '-pubout', '-in', file]);

describe('pki-lens renew', () => {
  it('--dry-run previews the expiring certificates of a tree and writes nothing', async () => {
    const before = treeHash(seeded);
    const { code, out } = await cli('renew', '--dry-run', seeded);
    assert.equal(code, 0, out);
    assert.match(out, /apiserver\.crt: CN=kube-apiserver\n {2}CA: .*pki\/ca\.crt/);
    assert.match(out, /Dry run, nothing written\. Would write: /);
    assert.equal(treeHash(seeded), before, 'the tree is byte for byte the same');
  });

  it('renews a tree like `kubeadm certs renew all`: backups hold the old bytes, only certificates change', async () => {
    const dir = copyOf(seeded);
    const apiserver = path.join(dir, 'pki/apiserver.crt');
    const old = fs.readFileSync(apiserver);
    const keyBefore = fs.readFileSync(path.join(dir, 'pki/apiserver.key'));
    const { code, out } = await cli('renew', '--format', 'json', dir);
    assert.equal(code, 0, out);
    const report = JSON.parse(out) as { renewed: { file: string }[]; written: { path: string; backup: string; mode: number }[] };
    assert.ok(report.renewed.some(r => r.file === apiserver), out);
    for (const w of report.written) {
      assert.ok(fs.existsSync(w.backup), w.backup);
    }
    const written = report.written.find(w => w.path === apiserver)!;
    assert.deepEqual(fs.readFileSync(written.backup), old, 'the backup is the old certificate, byte for byte');
    assert.ok(verifies(path.join(dir, 'pki/ca.crt'), apiserver), 'openssl verify accepts the renewed certificate');
    assert.equal(pubkeyOfCert(apiserver), pubkeyOfKey(path.join(dir, 'pki/apiserver.key')), 'same key');
    assert.deepEqual(fs.readFileSync(path.join(dir, 'pki/apiserver.key')), keyBefore, 'the key file is untouched');
    const check = await cli('check', '--format', 'json', dir);
    assert.ok(!JSON.parse(check.out).findings.some((f: { code: string; file: string }) => /^cert-(expired|expiring)/.test(f.code) && f.file === 'pki/apiserver.crt'), check.out);
  });

  it('renews one user of a kubeconfig: only its client-certificate-data value changes', async () => {
    const dir = copyOf(healthy);
    const conf = path.join(dir, 'admin.conf');
    const old = fs.readFileSync(conf, 'utf8');
    const { code, out } = await cli('renew', '--days', '90', conf);
    assert.equal(code, 0, out);
    const now = fs.readFileSync(conf, 'utf8');
    const changed = now.split('\n').filter((l, i) => l !== old.split('\n')[i]);
    assert.equal(changed.length, 1, 'one line differs');
    assert.match(changed[0], /^\s*client-certificate-data: /);
    assert.equal(fs.readFileSync(backupsOf(conf)[0], 'utf8'), old);
    const pem = Buffer.from(changed[0].split(': ')[1], 'base64').toString();
    const certFile = path.join(tmp, `admin-${copies}.crt`);
    fs.writeFileSync(certFile, pem);
    assert.ok(verifies(path.join(dir, 'pki/ca.crt'), certFile));
    assert.match(openssl(['x509', '-noout', '-enddate', '-in', certFile]), new RegExp(String(new Date(Date.now() + 90 * 86_400_000).getUTCFullYear())));
  });

  it('adds IP:127.0.0.1 to apiserver.crt: openssl shows the new and every old name, the key is kept, a TLS client dialing 127.0.0.1 verifies', async () => {
    const dir = copyOf(healthy);
    const crt = path.join(dir, 'pki/apiserver.crt');
    const sansOf = () => openssl(['x509', '-noout', '-ext', 'subjectAltName', '-in', crt]).split('\n')[1].trim();
    const oldSans = sansOf();
    const dialBefore = await handshake(dir);
    assert.match(dialBefore, /IP: 127\.0\.0\.1 is not in the cert's list/);
    const { code, out } = await cli('renew', '--add-san', 'IP:127.0.0.1', crt);
    assert.equal(code, 0, out);
    assert.equal(sansOf(), `${oldSans}, IP Address:127.0.0.1`);
    assert.equal(pubkeyOfCert(crt), pubkeyOfKey(path.join(dir, 'pki/apiserver.key')));
    assert.equal(await handshake(dir), 'authorized');
  });

  it('--key rotate writes a new key 0600 beside the certificate, both backed up', async () => {
    const dir = copyOf(healthy);
    const crt = path.join(dir, 'pki/apiserver.crt');
    const key = path.join(dir, 'pki/apiserver.key');
    const oldKey = fs.readFileSync(key);
    const { code, out } = await cli('renew', '--key', 'rotate', crt);
    assert.equal(code, 0, out);
    assert.notDeepEqual(fs.readFileSync(key), oldKey);
    assert.equal(fs.statSync(key).mode & 0o777, 0o600);
    assert.equal(pubkeyOfCert(crt), pubkeyOfKey(key), 'the certificate carries the new key');
    assert.deepEqual(fs.readFileSync(backupsOf(key)[0]), oldKey);
    assert.equal(fs.statSync(backupsOf(key)[0]).mode & 0o777, 0o600, 'the old key\'s backup stays private');
  });

  it('refuses a named kubeconfig whose CA key is nowhere near, and writes nothing', async () => {
    const dir = path.join(tmp, 'lonely', 'a', 'b');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(healthy, 'admin.conf'), path.join(dir, 'admin.conf'));
    const before = treeHash(path.join(tmp, 'lonely'));
    const { code, out } = await cli('renew', path.join(dir, 'admin.conf'));
    assert.equal(code, 1, out);
    assert.match(out, /admin\.conf \(user kubernetes-admin\): skipped, no key for its CA CN=kubernetes beside it; name the CA with --ca and --ca-key\nNothing was written\./);
    assert.equal(treeHash(path.join(tmp, 'lonely')), before);
  });

  for (const [what, args, message] of [
    ['an invalid IP', ['--add-san', 'IP:10.0.0.300', 'pki/apiserver.crt'], /IP:10\.0\.0\.300 is not a valid IP address/],
    ['a CA key that does not match', ['--ca', 'pki/ca.crt', '--ca-key', 'pki/etcd/ca.key', 'pki/apiserver.crt'], /the CA key does not belong to the CA certificate CN=kubernetes/],
    ['a name to remove that is not there', ['--remove-san', 'DNS:nowhere.example', 'pki/apiserver.crt'], /DNS:nowhere\.example is not among/],
  ] as const) {
    it(`refuses ${what} with the reason and writes nothing`, async () => {
      const dir = copyOf(healthy);
      const before = treeHash(dir);
      const { code, out } = await cli('renew', ...args.map(a => a.startsWith('pki/') ? path.join(dir, a) : a));
      assert.equal(code, 1, out);
      assert.match(out, message);
      assert.match(out, /Nothing was written\./);
      assert.equal(treeHash(dir), before);
    });
  }
});

/** A TLS server on 127.0.0.1 with the tree's apiserver certificate; the client dials the IP and trusts only the tree's CA. */
async function handshake(dir: string): Promise<string> {
  const server = tls.createServer({ cert: fs.readFileSync(path.join(dir, 'pki/apiserver.crt')), key: fs.readFileSync(path.join(dir, 'pki/apiserver.key')) }, s => s.end());
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    return await new Promise<string>(resolve => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca: fs.readFileSync(path.join(dir, 'pki/ca.crt')) }, () => {
        resolve(socket.authorized ? 'authorized' : String(socket.authorizationError));
        socket.destroy();
      });
      socket.on('error', e => resolve(e.message));
    });
  } finally {
    server.close();
  }
}

describe('pki-lens sign', () => {
  /** A `kubeadm certs generate-csr`-like tree: pki/<role>.csr with its key, the CA elsewhere. */
  function csrTree(): string {
    const dir = path.join(tmp, `csr-${++copies}`);
    fs.mkdirSync(path.join(dir, 'pki/etcd'), { recursive: true });
    const req = (rel: string, subject: string, san?: string) => openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', path.join(dir, rel.replace(/\.csr$/, '.key')), '-subj', subject, ...(san ? ['-addext', `subjectAltName=${san}`] : []), '-out', path.join(dir, rel)]);
    req('pki/apiserver.csr', '/CN=kube-apiserver', 'DNS:kubernetes,IP:10.96.0.1');
    req('pki/apiserver-kubelet-client.csr', '/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client');
    req('admin.conf.csr', '/O=kubeadm:cluster-admins/CN=kubernetes-admin');
    return dir;
  }

  it('signs each CSR of a generate-csr tree with its kubeadm role; openssl verifies each', async () => {
    const dir = csrTree();
    const ca = path.join(healthy, 'pki/ca.crt');
    const csrs = ['pki/apiserver.csr', 'pki/apiserver-kubelet-client.csr', 'admin.conf.csr'].map(f => path.join(dir, f));
    const { code, out } = await cli('sign', '--ca', ca, '--ca-key', path.join(healthy, 'pki/ca.key'), ...csrs);
    assert.equal(code, 0, out);
    const eku = (f: string) => openssl(['x509', '-noout', '-ext', 'extendedKeyUsage', '-in', f]).split('\n')[1].trim();
    for (const csr of csrs) {
      assert.ok(verifies(ca, csr.replace(/\.csr$/, '.crt')), csr);
    }
    assert.equal(eku(path.join(dir, 'pki/apiserver.crt')), 'TLS Web Server Authentication');
    assert.equal(eku(path.join(dir, 'pki/apiserver-kubelet-client.crt')), 'TLS Web Client Authentication');
    assert.equal(eku(path.join(dir, 'admin.conf.crt')), 'TLS Web Client Authentication');
    assert.match(out, /profile server \(the file name: the API server's serving certificate\)/);
  });

  it('signs a CertificateSigningRequest object: status.certificate printed, verified by openssl', async () => {
    const dir = path.join(tmp, `obj-${++copies}`);
    fs.mkdirSync(dir);
    const csr = openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.key'),
      '-subj', '/O=system:nodes/CN=system:node:worker-1', '-addext', 'subjectAltName=DNS:worker-1,IP:192.168.0.21']);
    const yaml = path.join(dir, 'csr.yaml');
    fs.writeFileSync(yaml, `apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: node-csr-worker-1\nspec:\n  request: ${Buffer.from(csr).toString('base64')}\n  signerName: kubernetes.io/kubelet-serving\n  usages: [digital signature, server auth]\n`);
    const before = treeHash(dir);
    const { code, out } = await cli('sign', '--format', 'json', '--ca', path.join(healthy, 'pki/ca.crt'), '--ca-key', path.join(healthy, 'pki/ca.key'), yaml);
    assert.equal(code, 0, out);
    assert.equal(treeHash(dir), before, 'an object\'s certificate is printed, not written, without --out');
    const [signed] = JSON.parse(out).signed as { statusCertificate: string; profile: string }[];
    assert.equal(signed.profile, 'server');
    const certFile = path.join(dir, 'status.crt');
    fs.writeFileSync(certFile, Buffer.from(signed.statusCertificate, 'base64'));
    assert.ok(verifies(path.join(healthy, 'pki/ca.crt'), certFile));
  });

  it('refuses a CSR with a bad signature and writes nothing', async () => {
    const dir = csrTree();
    const file = path.join(dir, 'pki/apiserver-kubelet-client.csr');
    const tampered = Buffer.from(opensslBuffer(['req', '-in', file, '-outform', 'DER']));
    tampered[tampered.indexOf(Buffer.from('kube-apiserver-kubelet-client')) + 2] ^= 1;
    fs.writeFileSync(file, `-----BEGIN CERTIFICATE REQUEST-----\n${tampered.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`);
    const before = treeHash(dir);
    const { code, out } = await cli('sign', '--ca', path.join(healthy, 'pki/ca.crt'), '--ca-key', path.join(healthy, 'pki/ca.key'), file);
    assert.equal(code, 1, out);
    assert.match(out, /signature does not verify with the public key it carries/);
    assert.equal(treeHash(dir), before);
  });
});
