// Repairs beyond renewal, judged by openssl: SANs changed on the one re-issue road, CSRs signed
// with kubeadm's profiles, refusals with their reason.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RenewalError, renewCertificate, signCsr } from '../../src/core/renew';
import { findCsrObjects } from '../../src/core/kube/csrObject';
import { Workbench } from '../fixtures/ca';
import { generateKubeadm } from '../fixtures/generate';
import { openssl } from '../fixtures/openssl';
import { certDerOf, keyMaterialOf, pemMaterial, publicKeyOfCert, verify, x509 } from '../fixtures/renewal';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-repairs-'));
const tree = path.join(tmp, 'kubernetes');
let bench: Workbench;
const read = (rel: string) => fs.readFileSync(path.join(tree, rel), 'utf8');

before(() => {
  generateKubeadm(tree, { seeded: false });
  bench = new Workbench();
});

after(() => {
  bench?.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function sans(pem: string): string[] {
  return x509(pem, '-ext', 'subjectAltName').split('\n').slice(1).join(',').split(',').map(s => s.trim().replace('IP Address:', 'IP:')).filter(Boolean);
}

/** `openssl x509 -text` without the lines re-issue may change, for "every other extension stays". */
function otherExtensions(pem: string): string {
  return x509(pem, '-ext', 'keyUsage,extendedKeyUsage,basicConstraints,subjectKeyIdentifier');
}

async function refused(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof RenewalError, `a RenewalError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

/** A CSR made by `openssl req` with a new key; `san` as openssl's subjectAltName value. */
function opensslCsr(subject: string, san?: string, alg: 'rsa' | 'ec' = 'ec'): { csr: string; key: string } {
  const keyFile = bench.scratch('csr.key', '');
  const csrFile = bench.scratch('req.csr', '');
  const newkey = alg === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  openssl(['req', '-new', ...newkey, '-nodes', '-keyout', keyFile, '-subj', subject, ...(san ? ['-addext', `subjectAltName=${san}`] : []), '-out', csrFile]);
  return { csr: fs.readFileSync(csrFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
}

const kubeadmCa = () => ({ caCertificate: certDerOf(read('pki/ca.crt')), caKey: keyMaterialOf(read('pki/ca.key')) });

describe('re-issue with changed SANs', () => {
  it('adds an IP and a DNS name to apiserver.crt, keeping the key, subject and every other extension', async () => {
    const old = read('pki/apiserver.crt');
    const result = await renewCertificate({
      certificate: certDerOf(old), ...kubeadmCa(), key: { policy: 'reuse', privateKey: keyMaterialOf(read('pki/apiserver.key')) },
      subjectAltNames: { add: ['IP:10.0.0.5', 'api.example.test'] },
    });
    const v = verify(bench, read('pki/ca.crt'), result.certificatePem);
    assert.ok(v.ok, v.output);
    assert.deepEqual(sans(result.certificatePem), [...sans(old), 'IP:10.0.0.5', 'DNS:api.example.test']);
    assert.equal(publicKeyOfCert(result.certificatePem), publicKeyOfCert(old));
    assert.equal(x509(result.certificatePem, '-subject'), x509(old, '-subject'));
    assert.equal(otherExtensions(result.certificatePem), otherExtensions(old));
    assert.ok(result.changes.summary.some(l => /Subject Alternative Names: .* → .*IP:10\.0\.0\.5/.test(l)), result.changes.summary.join('\n'));
    assert.ok(result.changes.extensions.replaced.includes('X509v3 Subject Alternative Name'), JSON.stringify(result.changes.extensions));
  });

  it('adds an IPv6 address as openssl spells it, and a name already there only once', async () => {
    const old = read('pki/apiserver.crt');
    const result = await renewCertificate({ certificate: certDerOf(old), ...kubeadmCa(), key: { policy: 'reuse' }, subjectAltNames: { add: ['fd00::1', 'DNS:KUBERNETES', 'IP:10.96.0.1'] } });
    assert.deepEqual(sans(result.certificatePem), [...sans(old), 'IP:FD00:0:0:0:0:0:0:1']);
  });

  it('removes a name and refuses to remove one that is not there', async () => {
    const old = read('pki/apiserver.crt');
    const first = sans(old)[0];
    const result = await renewCertificate({ certificate: certDerOf(old), ...kubeadmCa(), key: { policy: 'reuse' }, subjectAltNames: { remove: [first] } });
    assert.deepEqual(sans(result.certificatePem), sans(old).slice(1));
    await refused(renewCertificate({ certificate: certDerOf(old), ...kubeadmCa(), key: { policy: 'reuse' }, subjectAltNames: { remove: ['DNS:not-there.example'] } }),
      'invalid-name', /DNS:not-there\.example is not among/);
  });

  for (const [bad, why] of [['IP:10.0.0.300', /not a valid IP address/], ['10.0.0.300', /not a valid IP address/], ['IP:10.0.0.0/24', /no CIDR/], ['DNS:bad name', /not a valid DNS name/], ['DNS:a.*.example', /not a valid DNS name/], ['DNS:bücher.example', /xn--/]] as const) {
    it(`refuses the invalid entry ${bad}`, async () => {
      await refused(renewCertificate({ certificate: certDerOf(read('pki/apiserver.crt')), ...kubeadmCa(), key: { policy: 'reuse' }, subjectAltNames: { add: [bad] } }),
        'invalid-name', why);
    });
  }

  it('refuses a name the CA\'s name constraints forbid, with the reason', async () => {
    const caKey = bench.scratch('nc-ca.key', '');
    const caFile = bench.scratch('nc-ca.crt', '');
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-subj', '/CN=constrained-ca', '-days', '30',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,digitalSignature',
      '-addext', 'nameConstraints=critical,permitted;DNS:.cluster.internal,permitted;IP:10.0.0.0/255.0.0.0', '-out', caFile]);
    const leaf = opensslCsr('/CN=svc', 'DNS:api.cluster.internal');
    const options = { caCertificate: certDerOf(fs.readFileSync(caFile, 'utf8')), caKey: keyMaterialOf(fs.readFileSync(caKey, 'utf8')) };
    const signed = await signCsr({ csr: pemMaterial(leaf.csr).der, ...options });
    await refused(renewCertificate({ certificate: signed.certificateDer, ...options, key: { policy: 'reuse' }, subjectAltNames: { add: ['DNS:evil.example.com'] } }),
      'name-forbidden', /constrained-ca may not issue this name: .*DNS name "evil\.example\.com" is not permitted by any constraint/);
    const ok = await renewCertificate({ certificate: signed.certificateDer, ...options, key: { policy: 'reuse' }, subjectAltNames: { add: ['IP:10.1.2.3'] } });
    assert.ok(verify(bench, fs.readFileSync(caFile, 'utf8'), ok.certificatePem).ok, 'openssl accepts the permitted name');
    await refused(signCsr({ csr: pemMaterial(opensslCsr('/CN=x', 'IP:192.168.1.1').csr).der, ...options }), 'name-forbidden', /IP address "192\.168\.1\.1" is not permitted/);
  });
});

/** kubeadm's table (KUBERNETES-PKI.md §1): the CSR file, its subject and names, the EKU openssl must print. */
const ROLES: { file: string; subject: string; san?: string; eku: string }[] = [
  { file: 'pki/apiserver.csr', subject: '/CN=kube-apiserver', san: 'DNS:kubernetes,DNS:kubernetes.default,IP:10.96.0.1', eku: 'TLS Web Server Authentication' },
  { file: 'pki/apiserver-kubelet-client.csr', subject: '/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client', eku: 'TLS Web Client Authentication' },
  { file: 'pki/front-proxy-client.csr', subject: '/CN=front-proxy-client', eku: 'TLS Web Client Authentication' },
  { file: 'pki/etcd/server.csr', subject: '/CN=cp-1', san: 'DNS:cp-1,DNS:localhost,IP:127.0.0.1', eku: 'TLS Web Server Authentication, TLS Web Client Authentication' },
  { file: 'pki/etcd/peer.csr', subject: '/CN=cp-1', san: 'DNS:cp-1,DNS:localhost,IP:127.0.0.1', eku: 'TLS Web Server Authentication, TLS Web Client Authentication' },
  { file: 'pki/etcd/healthcheck-client.csr', subject: '/CN=kube-etcd-healthcheck-client', eku: 'TLS Web Client Authentication' },
  { file: 'pki/apiserver-etcd-client.csr', subject: '/CN=kube-apiserver-etcd-client', eku: 'TLS Web Client Authentication' },
  { file: 'admin.conf.csr', subject: '/O=kubeadm:cluster-admins/CN=kubernetes-admin', eku: 'TLS Web Client Authentication' },
  { file: 'controller-manager.conf.csr', subject: '/CN=system:kube-controller-manager', eku: 'TLS Web Client Authentication' },
  { file: 'scheduler.conf.csr', subject: '/CN=system:kube-scheduler', eku: 'TLS Web Client Authentication' },
  { file: 'kubelet.conf.csr', subject: '/O=system:nodes/CN=system:node:cp-1', eku: 'TLS Web Client Authentication' },
];

describe('signCsr', () => {
  for (const role of ROLES) {
    it(`signs ${role.file} with kubeadm's profile (openssl verify, EKU, KU, CA:FALSE)`, async () => {
      const ca = role.file.startsWith('pki/etcd/') || role.file === 'pki/apiserver-etcd-client.csr' ? 'pki/etcd/ca' : role.file === 'pki/front-proxy-client.csr' ? 'pki/front-proxy-ca' : 'pki/ca';
      const { csr } = opensslCsr(role.subject, role.san, role.file.includes('apiserver.csr') ? 'rsa' : 'ec');
      const signed = await signCsr({ csr: pemMaterial(csr).der, caCertificate: certDerOf(read(`${ca}.crt`)), caKey: keyMaterialOf(read(`${ca}.key`)), path: role.file });
      const v = verify(bench, read(`${ca}.crt`), signed.certificatePem);
      assert.ok(v.ok, v.output);
      const ext = x509(signed.certificatePem, '-ext', 'keyUsage,extendedKeyUsage,basicConstraints');
      assert.match(ext, new RegExp(`Extended Key Usage: *\\n *${role.eku}\\s*(\\n|$)`));
      assert.match(ext, /Key Usage: critical\n *Digital Signature, Key Encipherment\n/);
      assert.match(ext, /Basic Constraints: critical\n *CA:FALSE/);
      assert.equal(x509(signed.certificatePem, '-subject'), openssl(['req', '-noout', '-subject'], { input: csr }).trim());
      assert.equal(x509(signed.certificatePem, '-pubkey'), openssl(['req', '-noout', '-pubkey'], { input: csr }).trim());
      assert.deepEqual(role.san ? sans(signed.certificatePem) : [], role.san ? role.san.split(',') : []);
      assert.deepEqual(signed.warnings, []);
    });
  }

  it('auto: a system:node: subject with DNS/IP names is a kubelet serving certificate', async () => {
    const { csr } = opensslCsr('/O=system:nodes/CN=system:node:worker-1', 'DNS:worker-1,IP:192.168.0.11');
    const signed = await signCsr({ csr: pemMaterial(csr).der, ...kubeadmCa() });
    assert.equal(signed.profile.name, 'server');
    assert.match(x509(signed.certificatePem, '-ext', 'extendedKeyUsage'), /TLS Web Server Authentication\s*$/);
  });

  it('clamps the validity to the CA and signs a CertificateSigningRequest object with its signer and expirationSeconds', async () => {
    const { csr } = opensslCsr('/O=system:nodes/CN=system:node:worker-2', 'DNS:worker-2,IP:192.168.0.12');
    const yaml = `apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: csr-worker-2\nspec:\n  request: ${Buffer.from(csr).toString('base64')}\n  signerName: kubernetes.io/kubelet-serving\n  expirationSeconds: 86400\n  usages:\n  - digital signature\n  - server auth\n`;
    const [object] = findCsrObjects(yaml);
    assert.equal(object.name, 'csr-worker-2');
    assert.ok(object.request.ok);
    const signed = await signCsr({ csr: object.request.der, ...kubeadmCa(), signerName: object.signerName, usages: object.usages, expirationSeconds: object.expirationSeconds });
    assert.ok(verify(bench, read('pki/ca.crt'), signed.certificatePem).ok);
    const lifetime = signed.certificate.notAfter.getTime() - Date.now();
    assert.ok(lifetime <= 86_400_000 && lifetime > 86_000_000, `one day, got ${lifetime} ms`);
    assert.equal(Buffer.from(signed.statusCertificate, 'base64').toString(), signed.certificatePem);
    const long = await signCsr({ csr: object.request.der, ...kubeadmCa(), validityDays: 100 * 365 });
    assert.ok(long.clamped);
    assert.equal(x509(long.certificatePem, '-enddate'), x509(read('pki/ca.crt'), '-enddate'));
  });

  it('refuses a kubelet-serving request without a node subject', async () => {
    const { csr } = opensslCsr('/CN=worker-3', 'DNS:worker-3');
    await refused(signCsr({ csr: pemMaterial(csr).der, ...kubeadmCa(), signerName: 'kubernetes.io/kubelet-serving' }), 'invalid-input', /requires the subject CN=system:node:/);
  });

  it('refuses a kube-apiserver-client-kubelet request that asks for names', async () => {
    const { csr } = opensslCsr('/O=system:nodes/CN=system:node:worker-4', 'DNS:worker-4');
    await refused(signCsr({ csr: pemMaterial(csr).der, ...kubeadmCa(), signerName: 'kubernetes.io/kube-apiserver-client-kubelet' }), 'invalid-input', /no Subject Alternative Names \(the request has .*DNS:worker-4\)/);
  });

  it('refuses a CSR whose signature does not verify, and a CA key that does not match', async () => {
    const { csr } = opensslCsr('/CN=tampered-client');
    const der = pemMaterial(csr).der.slice();
    // The subject's last byte, inside the signed part: the request no longer matches its signature.
    const at = Buffer.from(der).indexOf(Buffer.from('tampered-client')) + 1;
    der[at] ^= 0x01;
    await refused(signCsr({ csr: der, ...kubeadmCa() }), 'bad-csr-signature', /does not verify with the public key it carries/);
    await refused(signCsr({ csr: pemMaterial(csr).der, caCertificate: certDerOf(read('pki/ca.crt')), caKey: keyMaterialOf(read('pki/etcd/ca.key')) }),
      'ca-key-mismatch', /the CA key does not belong to the CA certificate/);
  });
});
