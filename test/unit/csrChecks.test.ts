// The CSR rules (csr-bad-signature, csr-key-mismatch, csr-profile, weak-key on requests) through
// `pki-lens check` — the same pipeline as the Problems panel — on requests made by `openssl req`:
// good ones (nothing said) and bad ones (a tampered signature, another key beside it, a
// kubelet-serving request with an email name or the wrong O, a client-kubelet request without
// "client auth", a client role's request asking for serverAuth only, a 1024-bit key). Signing
// refuses what the rules call errors, in the same words.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { RenewalError, signCsr } from '../../src/core/renew';
import { findCsrObjects } from '../../src/core/kube/csrObject';
import { pemOf } from '../fixtures/der';
import { openssl } from '../fixtures/openssl';
import { certDerOf, keyMaterialOf, pemMaterial } from '../fixtures/renewal';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-csr-checks-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (rel: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  return path.join(dir, rel);
};

/** `openssl req -new` into `rel` (its key into `keyRel`, default `<rel>.key` beside it); extra `-addext` values. */
function req(rel: string, subject: string, options: { addext?: string[]; key?: string; keyRel?: string } = {}): string {
  const keyFile = at(options.keyRel ?? rel.replace(/\.csr$/, '.key'));
  const newkey = options.key === 'rsa1024' ? ['-newkey', 'rsa:1024'] : options.key === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  openssl(['req', '-new', ...newkey, '-nodes', '-keyout', keyFile, '-subj', subject, ...(options.addext ?? []).flatMap(e => ['-addext', e]), '-out', at(rel)]);
  return fs.readFileSync(at(rel), 'utf8');
}

function csrObject(name: string, csrPem: string, signerName: string, usages: string[]): string {
  return `apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: ${name}\nspec:\n  request: ${Buffer.from(csrPem).toString('base64')}\n  signerName: ${signerName}\n  usages:\n${usages.map(u => `  - ${u}`).join('\n')}\n`;
}

interface Reported { code: string; severity: string; file: string; message: string }
async function check(folder: string): Promise<Reported[]> {
  let out = '';
  await main(['check', '--format', 'json', '--fail-on', 'none', folder], { out: t => (out += t), err: () => undefined });
  return (JSON.parse(out) as { findings: Reported[] }).findings;
}
const csrFindings = (all: Reported[]) => all.filter(f => f.code.startsWith('csr-') || f.code === 'weak-key');
const scratch = path.join(dir, 'scratch');

let ca: { crt: string; key: string };
before(() => {
  fs.mkdirSync(scratch, { recursive: true });
  const key = path.join(scratch, 'ca.key');
  const crt = path.join(scratch, 'ca.crt');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', '/CN=kubernetes', '-days', '30',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,digitalSignature', '-out', crt]);
  ca = { crt: fs.readFileSync(crt, 'utf8'), key: fs.readFileSync(key, 'utf8') };
});

describe('CSR rules on requests made by openssl req', () => {
  it('good requests — a kubeadm tree from generate-csr and a kubelet-serving object — get no finding', async () => {
    req('good/pki/apiserver.csr', '/CN=kube-apiserver', { key: 'rsa', addext: ['subjectAltName=DNS:kubernetes,DNS:kubernetes.default,IP:10.96.0.1'] });
    req('good/pki/etcd/peer.csr', '/CN=cp-1', { addext: ['subjectAltName=DNS:cp-1,DNS:localhost,IP:127.0.0.1'] });
    req('good/pki/front-proxy-client.csr', '/CN=front-proxy-client', { addext: ['extendedKeyUsage=clientAuth'] });
    const serving = req('good/scratch/serving.csr', '/O=system:nodes/CN=system:node:worker-1', { addext: ['subjectAltName=DNS:worker-1,IP:192.168.0.11'] });
    fs.rmSync(at('good/scratch'), { recursive: true });
    fs.writeFileSync(at('good/csr-worker-1.yaml'), csrObject('csr-worker-1', serving, 'kubernetes.io/kubelet-serving', ['digital signature', 'server auth']));
    const findings = await check(path.join(dir, 'good'));
    assert.deepEqual(csrFindings(findings), []);
    // What the rules say nothing about, signing accepts: openssl verifies the certificate.
    const [object] = findCsrObjects(fs.readFileSync(at('good/csr-worker-1.yaml'), 'utf8'));
    assert.ok(object.request.ok);
    const signed = await signCsr({ csr: object.request.der, caCertificate: certDerOf(ca.crt), caKey: keyMaterialOf(ca.key), signerName: object.signerName, usages: object.usages });
    fs.writeFileSync(path.join(scratch, 'worker-1.crt'), signed.certificatePem);
    assert.match(openssl(['verify', '-CAfile', path.join(scratch, 'ca.crt'), path.join(scratch, 'worker-1.crt')]), /: OK/);
  });

  it('csr-bad-signature: a request altered after it was signed (openssl req -verify agrees), and signing refuses it in the same words', async () => {
    const pem = req('bad/pki/tampered.csr', '/CN=tampered-client');
    const der = Buffer.from(pemMaterial(pem).der);
    der[der.indexOf(Buffer.from('tampered-client')) + 1] ^= 0x01;
    const altered = pemOf('CERTIFICATE REQUEST', der);
    fs.writeFileSync(at('bad/pki/tampered.csr'), altered);
    const verdict = spawnSync('openssl', ['req', '-noout', '-verify'], { input: altered, encoding: 'utf8' });
    assert.match(`${verdict.stdout}${verdict.stderr}`, /verify failure/i, 'openssl says the signature fails');
    const findings = csrFindings(await check(path.join(dir, 'bad')));
    const f = findings.find(x => x.file === 'pki/tampered.csr');
    assert.ok(f, JSON.stringify(findings));
    assert.equal(`${f.severity} ${f.code}`, 'error csr-bad-signature');
    assert.match(f.message, /signature does not verify with the public key it carries/);
    await assert.rejects(signCsr({ csr: new Uint8Array(der), caCertificate: certDerOf(ca.crt), caKey: keyMaterialOf(ca.key) }),
      (e: unknown) => e instanceof RenewalError && e.code === 'bad-csr-signature' && /signature does not verify with the public key it carries/.test(e.message));
  });

  it('csr-key-mismatch: another key beside the request (openssl agrees)', async () => {
    req('bad/pki/front-proxy-client.csr', '/CN=front-proxy-client', { keyRel: 'bad/scratch-fp.key' });
    req('bad/pki/other.csr', '/CN=front-proxy-client', { keyRel: 'bad/pki/front-proxy-client.key' });
    fs.rmSync(at('bad/pki/other.csr'));
    fs.rmSync(at('bad/scratch-fp.key'));
    const findings = csrFindings(await check(path.join(dir, 'bad')));
    const f = findings.find(x => x.file === 'pki/front-proxy-client.csr');
    assert.ok(f, JSON.stringify(findings));
    assert.equal(`${f.severity} ${f.code}`, 'error csr-key-mismatch');
    assert.match(f.message, /carries another public key than pki\/front-proxy-client\.key beside it/);
    // openssl agrees: the request's public key is not the key file's.
    assert.notEqual(openssl(['req', '-noout', '-pubkey', '-in', at('bad/pki/front-proxy-client.csr')]), openssl(['pkey', '-pubout', '-in', at('bad/pki/front-proxy-client.key')]));
  });

  it('csr-key-mismatch on kubeadm\'s generate-csr kubeconfigs: admin.conf holds the key of admin.conf.csr (fine), scheduler.conf another (reported)', async () => {
    const kubeconfig = (keyPem: string) => `apiVersion: v1\nkind: Config\nclusters:\n- name: kubernetes\n  cluster:\n    server: https://192.168.0.10:6443\ncontexts:\n- name: admin@kubernetes\n  context:\n    cluster: kubernetes\n    user: admin\ncurrent-context: admin@kubernetes\nusers:\n- name: admin\n  user:\n    client-key-data: ${Buffer.from(keyPem).toString('base64')}\n`;
    req('conf/admin.conf.csr', '/O=kubeadm:cluster-admins/CN=kubernetes-admin', { keyRel: 'conf/admin.key.tmp' });
    req('conf/scheduler.conf.csr', '/CN=system:kube-scheduler', { keyRel: 'conf/scheduler.key.tmp' });
    req('conf/other.csr.tmp', '/CN=other', { keyRel: 'conf/other.key.tmp' });
    fs.writeFileSync(at('conf/admin.conf'), kubeconfig(fs.readFileSync(at('conf/admin.key.tmp'), 'utf8')));
    fs.writeFileSync(at('conf/scheduler.conf'), kubeconfig(fs.readFileSync(at('conf/other.key.tmp'), 'utf8')));
    for (const f of ['admin.key.tmp', 'scheduler.key.tmp', 'other.key.tmp', 'other.csr.tmp']) {
      fs.rmSync(at(`conf/${f}`));
    }
    const findings = csrFindings(await check(path.join(dir, 'conf')));
    assert.deepEqual(findings.map(f => `${f.severity} ${f.code} ${f.file}`), ['error csr-key-mismatch scheduler.conf.csr']);
    assert.match(findings[0].message, /carries another public key than scheduler\.conf users\[0\]\.user\.client-key-data beside it/);
  });

  it('csr-profile: kubelet-serving with an email name, with O=system:masters; client-kubelet without "client auth"; a client role asking for serverAuth only', async () => {
    const email = req('profile/scratch/a.csr', '/O=system:nodes/CN=system:node:worker-2', { addext: ['subjectAltName=DNS:worker-2,email:ops@example.com'] });
    const wrongO = req('profile/scratch/b.csr', '/O=system:masters/CN=system:node:worker-3', { addext: ['subjectAltName=DNS:worker-3'] });
    const client = req('profile/scratch/c.csr', '/O=system:nodes/CN=system:node:worker-4');
    fs.rmSync(at('profile/scratch'), { recursive: true });
    fs.writeFileSync(at('profile/serving.yaml'), [
      csrObject('email-name', email, 'kubernetes.io/kubelet-serving', ['digital signature', 'server auth']),
      csrObject('wrong-o', wrongO, 'kubernetes.io/kubelet-serving', ['digital signature', 'server auth']),
    ].join('---\n'));
    fs.writeFileSync(at('profile/client.yaml'), csrObject('no-client-auth', client, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'server auth']));
    req('profile/admin.conf.csr', '/O=kubeadm:cluster-admins/CN=kubernetes-admin', { addext: ['extendedKeyUsage=serverAuth'] });
    req('profile/weak.csr', '/CN=weak', { key: 'rsa1024' });
    const findings = csrFindings(await check(path.join(dir, 'profile')));
    const got = findings.map(f => `${f.severity} ${f.code} ${f.file}`).sort();
    assert.deepEqual(got, [
      'error csr-profile client.yaml',
      'error csr-profile serving.yaml',
      'error csr-profile serving.yaml',
      'warning csr-profile admin.conf.csr',
      'warning weak-key weak.csr',
    ]);
    const messages = findings.map(f => f.message).join('\n');
    assert.match(messages, /kubelet-serving allows only DNS and IP names \(the request also asks for email:ops@example\.com\)/);
    assert.match(messages, /kubelet-serving requires the subject CN=system:node:<nodeName>, O=system:nodes/);
    assert.match(messages, /kube-apiserver-client-kubelet requires spec\.usages to include "client auth"/);
    assert.match(messages, /asks for extended key usage serverAuth but is signed as client .* which needs clientAuth/);
    assert.match(messages, /RSA 1024-bit key/);
    // Signing refuses each error with the rule's words.
    for (const file of ['serving.yaml', 'client.yaml']) {
      for (const object of findCsrObjects(fs.readFileSync(at(`profile/${file}`), 'utf8'))) {
        assert.ok(object.request.ok);
        await assert.rejects(signCsr({ csr: object.request.der, caCertificate: certDerOf(ca.crt), caKey: keyMaterialOf(ca.key), signerName: object.signerName, usages: object.usages }),
          (e: unknown) => e instanceof RenewalError && findings.some(f => f.file === file && f.message.includes(e.message)));
      }
    }
  });
});
