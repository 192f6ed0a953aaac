// Renewal graded by openssl and by a real TLS handshake, never by our own parser alone.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { findCarriers } from '../../src/core/kube/carriers';
import { TextEdit, applyEdits, base64OfText, carrierValueEdit, kubeconfigEdits, pemBlockEdit, pemFileEdits } from '../../src/core/kube/kubeconfigEdit';
import { findPemBlocks } from '../../src/core/x509/pem';
import { RenewalError, RenewalResult, authorityKeyIdNamesSerial, renewCa, renewCertificate } from '../../src/core/renew';
import { Workbench, days, kubeadmCaExt, kubeadmLeafExt, minutes } from '../fixtures/ca';
import { generateKubeadm } from '../fixtures/generate';
import { openssl } from '../fixtures/openssl';
import {
  certDerOf, extensionsExceptAki, issueRichLeaf, keptFacts, keyMaterialOf, publicKeyOfCert, publicKeyOfKey, verify, x509,
} from '../fixtures/renewal';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-renew-'));
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

function enddate(pem: string): Date {
  return new Date(x509(pem, '-enddate').replace(/^notAfter=/, ''));
}

function serial(pem: string): string {
  return x509(pem, '-serial').replace(/^serial=/, '');
}

function signatureAlgorithm(pem: string): string {
  return /Signature Algorithm: (\S+)/.exec(openssl(['x509', '-noout', '-text'], { input: pem }))![1];
}

/** The checks every renewal must pass, by openssl. */
function assertRenewed(oldPem: string, result: RenewalResult, caPem: string): void {
  const v = verify(bench, caPem, result.certificatePem);
  assert.ok(v.ok, `openssl verify: ${v.output}`);
  assert.deepEqual(keptFacts(result.certificatePem), keptFacts(oldPem), 'subject, SANs, KU, EKU, basicConstraints');
  assert.notEqual(serial(result.certificatePem), serial(oldPem), 'serial differs');
  assert.equal(serial(result.certificatePem), result.serialNumber, 'reported serial is the encoded one');
  assert.equal(enddate(result.certificatePem).getTime(), result.notAfter.getTime(), 'reported NotAfter is the encoded one');
  assert.ok(enddate(result.certificatePem) > enddate(oldPem), 'NotAfter moved later');
  assert.equal(x509(result.certificatePem, '-issuer', '-nameopt', 'RFC2253,dump_all,dump_der'),
    x509(caPem, '-subject', '-nameopt', 'RFC2253,dump_all,dump_der').replace(/^subject=/, 'issuer='), 'issuer = CA subject, same encoding');
}

async function expectRefusal(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof RenewalError, `a RenewalError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

describe('renewCertificate', () => {
  it('renews an RSA leaf (kubeadm apiserver) keeping its key', async () => {
    const old = read('pki/apiserver.crt');
    const ca = read('pki/ca.crt');
    const result = await renewCertificate({
      certificate: certDerOf(old),
      caCertificate: certDerOf(ca),
      caKey: keyMaterialOf(read('pki/ca.key')),
      key: { policy: 'reuse', privateKey: keyMaterialOf(read('pki/apiserver.key')) },
    });
    assertRenewed(old, result, ca);
    assert.equal(publicKeyOfCert(result.certificatePem), publicKeyOfCert(old), 'same public key');
    assert.equal(result.privateKeyPem, undefined);
    assert.equal(signatureAlgorithm(result.certificatePem), 'sha256WithRSAEncryption');
    assert.equal(extensionsExceptAki(result.certificatePem), extensionsExceptAki(old), 'every extension but AKI as it was');
    assert.equal(x509(result.certificatePem, '-ext', 'authorityKeyIdentifier'), x509(old, '-ext', 'authorityKeyIdentifier'));
    // lifetime kept: now + (old NotAfter - old NotBefore), NotBefore back-dated 5 minutes
    const oldStart = new Date(x509(old, '-startdate').replace(/^notBefore=/, ''));
    const newStart = new Date(x509(result.certificatePem, '-startdate').replace(/^notBefore=/, ''));
    assert.equal(enddate(result.certificatePem).getTime() - newStart.getTime(), enddate(old).getTime() - oldStart.getTime() + minutes(5));
    assert.ok(Math.abs(Date.now() - minutes(5) - newStart.getTime()) < 10_000, 'NotBefore = now - 5 min');
    assert.equal(result.clamped, false);
    assert.equal(result.changes.issuedByCa, 'verified');
    assert.equal(result.changes.subjectAltNames.changed, false);
    assert.equal(result.changes.serialNumber.changed, true);
    assert.ok(result.changes.summary.some(l => l.startsWith('Key: reused')));
  });

  it('renews an ECDSA P-256 leaf signed by a P-256 CA with a new key in the old SEC1 format', async () => {
    const old = read('pki/etcd/server.crt');
    const ca = read('pki/etcd/ca.crt');
    const result = await renewCertificate({
      certificate: certDerOf(old),
      caCertificate: certDerOf(ca),
      caKey: keyMaterialOf(read('pki/etcd/ca.key')),
      key: { policy: 'rotate', previousKeyLabel: 'EC PRIVATE KEY' },
    });
    assertRenewed(old, result, ca);
    assert.ok(result.privateKeyPem?.startsWith('-----BEGIN EC PRIVATE KEY-----'), 'SEC1 as before');
    assert.equal(result.privateKeyFormat, 'SEC1');
    assert.equal(publicKeyOfCert(result.certificatePem), publicKeyOfKey(result.privateKeyPem!), 'certificate carries the new key');
    assert.notEqual(publicKeyOfCert(result.certificatePem), publicKeyOfCert(old), 'key rotated');
    assert.match(openssl(['pkey', '-noout', '-text'], { input: result.privateKeyPem! }), /NIST CURVE: P-256/);
    assert.equal(signatureAlgorithm(result.certificatePem), 'ecdsa-with-SHA256');
    assert.notEqual(x509(result.certificatePem, '-ext', 'subjectKeyIdentifier'), x509(old, '-ext', 'subjectKeyIdentifier') || 'none');
    assert.equal(result.changes.publicKey.changed, true);
  });

  it('renews an Ed25519 leaf under an Ed25519 CA (rotate, PKCS#8)', async () => {
    const caKey = bench.newKey('ed25519');
    const now = Date.now();
    const ca = bench.issue({ subject: '/CN=ed-ca', key: caKey, ext: kubeadmCaExt('ed-ca'), notBefore: new Date(now - minutes(5)), notAfter: new Date(now + days(3650)) });
    const leaf = bench.issue({
      subject: '/O=system:nodes/CN=system:node:ed', key: bench.newKey('ed25519'), issuer: ca,
      ext: { ...kubeadmLeafExt(['clientAuth'], ['DNS:ed.example', 'IP:10.0.0.9']), ski: true },
      notBefore: new Date(now - days(300)), notAfter: new Date(now + days(65)),
    });
    const result = await renewCertificate({
      certificate: certDerOf(leaf.pem), caCertificate: certDerOf(ca.pem), caKey: keyMaterialOf(caKey.pkcs8), key: { policy: 'rotate' },
    });
    assertRenewed(leaf.pem, result, ca.pem);
    assert.equal(signatureAlgorithm(result.certificatePem), 'ED25519');
    assert.ok(result.privateKeyPem?.startsWith('-----BEGIN PRIVATE KEY-----'));
    assert.match(openssl(['pkey', '-noout', '-text'], { input: result.privateKeyPem! }), /ED25519 Private-Key/);
    assert.equal(publicKeyOfCert(result.certificatePem), publicKeyOfKey(result.privateKeyPem!));
    // SKI recomputed the way openssl's "hash" computes it
    const ski = x509(result.certificatePem, '-ext', 'subjectKeyIdentifier');
    const keyFile = bench.scratch('new.key', result.privateKeyPem!);
    const reference = openssl(['req', '-x509', '-new', '-key', keyFile, '-subj', '/CN=ski-reference', '-days', '1', '-addext', 'subjectKeyIdentifier=hash']);
    assert.equal(ski, x509(reference, '-ext', 'subjectKeyIdentifier'));
  });

  for (const [alg, sig] of [['p384', 'ecdsa-with-SHA384'], ['p521', 'ecdsa-with-SHA512']] as const) {
    it(`signs with ${sig} for a ${alg} CA and rotates an RSA leaf keeping PKCS#1`, async () => {
      const caKey = bench.newKey(alg);
      const now = Date.now();
      const ca = bench.issue({ subject: `/CN=${alg}-ca`, key: caKey, ext: kubeadmCaExt(`${alg}-ca`), notBefore: new Date(now - minutes(5)), notAfter: new Date(now + days(3650)) });
      const leaf = bench.issue({
        subject: `/CN=${alg}-leaf`, key: bench.newKey('rsa2048'), issuer: ca, ext: kubeadmLeafExt(['serverAuth'], ['DNS:leaf']),
        notBefore: new Date(now - days(10)), notAfter: new Date(now + days(20)),
      });
      const result = await renewCertificate({
        certificate: certDerOf(leaf.pem), caCertificate: certDerOf(ca.pem), caKey: keyMaterialOf(caKey.traditional()),
        key: { policy: 'rotate', previousKeyLabel: 'RSA PRIVATE KEY' },
      });
      assertRenewed(leaf.pem, result, ca.pem);
      assert.equal(signatureAlgorithm(result.certificatePem), sig);
      assert.ok(result.privateKeyPem?.startsWith('-----BEGIN RSA PRIVATE KEY-----'));
      assert.match(openssl(['pkey', '-noout', '-text'], { input: result.privateKeyPem! }), /Private-Key: \(2048 bit/);
      assert.equal(publicKeyOfCert(result.certificatePem), publicKeyOfKey(result.privateKeyPem!));
      // lifetime 30 days kept
      assert.ok(Math.abs(enddate(result.certificatePem).getTime() - (Date.now() + days(30))) < 10_000);
    });
  }

  it('keeps every RDN, string type, SAN type and private extension byte for byte', async () => {
    const ca = bench.issue({ subject: '/CN=rich-ca', key: bench.newKey('rsa2048'), ext: kubeadmCaExt('rich-ca'), notBefore: new Date(Date.now() - minutes(5)), notAfter: new Date(Date.now() + days(3650)) });
    const leafKey = bench.newKey('p256');
    const old = issueRichLeaf(bench, ca, leafKey.file);
    const result = await renewCertificate({
      certificate: certDerOf(old), caCertificate: certDerOf(ca.pem), caKey: keyMaterialOf(ca.key.pkcs8),
      key: { policy: 'reuse', privateKey: keyMaterialOf(leafKey.pkcs8) }, validityDays: 200,
    });
    assertRenewed(old, result, ca.pem);
    assert.equal(extensionsExceptAki(result.certificatePem), extensionsExceptAki(old));
    // openssl wrote `keyid, issuer`; ours names the CA by key id only (a CA serial would break on CA renewal)
    assert.match(x509(result.certificatePem, '-ext', 'authorityKeyIdentifier'), /^X509v3 Authority Key Identifier:\s*\n\s*[0-9A-F:]+$/);
    assert.match(x509(old, '-ext', 'authorityKeyIdentifier'), /serial:/);
    assert.ok(Math.abs(enddate(result.certificatePem).getTime() - (Date.now() + days(200))) < 10_000, 'validityDays');
    const san = x509(result.certificatePem, '-ext', 'subjectAltName');
    for (const kind of ['DNS:*.rich.example.test', 'IP Address:FD00:0:0:0:0:0:0:1', 'email:ops@example.test', 'URI:spiffe://', 'Registered ID:', 'DirName:', 'othername:']) {
      assert.ok(san.includes(kind), `${kind} in ${san}`);
    }
    assert.ok(result.changes.extensions.replaced.includes('X509v3 Authority Key Identifier'));
    assert.ok(result.changes.extensions.kept.includes('1.3.6.1.4.1.99999.3'));
  });

  it('computes the AKI from the CA key when the CA has no SKI, and adds it to a leaf that had none', async () => {
    const caKey = bench.newKey('rsa2048');
    const ca = openssl(['req', '-x509', '-new', '-key', caKey.file, '-subj', '/CN=no-ski-ca', '-days', '100',
      '-addext', 'subjectKeyIdentifier=none', '-addext', 'authorityKeyIdentifier=none', '-addext', 'basicConstraints=critical,CA:TRUE']);
    assert.equal(x509(ca, '-ext', 'subjectKeyIdentifier'), '', 'fixture CA has no SKI');
    const leafKey = bench.newKey('p256');
    const csr = bench.scratch('no-aki.csr', openssl(['req', '-new', '-key', leafKey.file, '-subj', '/CN=no-aki']));
    const ext = bench.scratch('no-aki.ext', '[e]\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=none\nextendedKeyUsage=clientAuth\n');
    const leaf = openssl(['x509', '-req', '-in', csr, '-CA', bench.scratch('no-ski-ca.pem', ca), '-CAkey', caKey.file, '-days', '9', '-extfile', ext, '-extensions', 'e']);
    assert.equal(x509(leaf, '-ext', 'authorityKeyIdentifier'), '', 'fixture leaf has no AKI');
    const result = await renewCertificate({ certificate: certDerOf(leaf), caCertificate: certDerOf(ca), caKey: keyMaterialOf(caKey.pkcs8), key: { policy: 'reuse' } });
    assert.ok(verify(bench, ca, result.certificatePem).ok);
    const reference = openssl(['req', '-x509', '-new', '-key', caKey.file, '-subj', '/CN=ski-reference', '-days', '1', '-addext', 'subjectKeyIdentifier=hash']);
    assert.equal(x509(result.certificatePem, '-ext', 'authorityKeyIdentifier').split('\n')[1].trim(), x509(reference, '-ext', 'subjectKeyIdentifier').split('\n')[1].trim());
    assert.deepEqual(result.changes.extensions.added, ['X509v3 Authority Key Identifier']);
  });

  it('accepts the CA key as a WebCrypto CryptoKey', async () => {
    const caPem = read('pki/etcd/ca.crt');
    const pkcs8 = openssl(['pkcs8', '-topk8', '-nocrypt'], { input: read('pki/etcd/ca.key') });
    const key = await crypto.subtle.importKey('pkcs8', new Uint8Array(keyMaterialOf(pkcs8).der), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const old = read('pki/etcd/peer.crt');
    const result = await renewCertificate({ certificate: certDerOf(old), caCertificate: certDerOf(caPem), caKey: key, key: { policy: 'reuse' } });
    assertRenewed(old, result, caPem);
    // and a CryptoKey of another CA is refused
    const other = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    await expectRefusal(renewCertificate({ certificate: certDerOf(old), caCertificate: certDerOf(caPem), caKey: other.privateKey, key: { policy: 'reuse' } }),
      'ca-key-mismatch', /does not belong to the CA certificate/);
  });

  it('clamps NotAfter to the CA NotAfter and says so', async () => {
    const now = Date.now();
    const ca = bench.issue({ subject: '/CN=short-ca', key: bench.newKey('p256'), ext: kubeadmCaExt('short-ca'), notBefore: new Date(now - days(3000)), notAfter: new Date(now + days(30)) });
    const leaf = bench.issue({ subject: '/CN=long-leaf', key: bench.newKey('p256'), issuer: ca, ext: kubeadmLeafExt(['clientAuth']), notBefore: new Date(now - days(300)), notAfter: new Date(now + days(20)) });
    const result = await renewCertificate({ certificate: certDerOf(leaf.pem), caCertificate: certDerOf(ca.pem), caKey: keyMaterialOf(ca.key.pkcs8), key: { policy: 'reuse' }, validityDays: 365 });
    assert.equal(result.clamped, true);
    assert.match(result.clampMessage!, /cannot outlive its CA/);
    assert.equal(enddate(result.certificatePem).getTime(), enddate(ca.pem).getTime(), 'NotAfter = CA NotAfter, per openssl');
    assert.ok(verify(bench, ca.pem, result.certificatePem).ok);
  });

  describe('refusals', () => {
    it('refuses a CA key that does not belong to the CA certificate', async () => {
      await expectRefusal(renewCertificate({
        certificate: certDerOf(read('pki/apiserver.crt')), caCertificate: certDerOf(read('pki/ca.crt')),
        caKey: keyMaterialOf(read('pki/front-proxy-ca.key')), key: { policy: 'reuse' },
      }), 'ca-key-mismatch', /CA key does not belong/);
      const otherRsa = bench.newKey('rsa2048');
      await expectRefusal(renewCertificate({
        certificate: certDerOf(read('pki/apiserver.crt')), caCertificate: certDerOf(read('pki/ca.crt')),
        caKey: keyMaterialOf(otherRsa.traditional()), key: { policy: 'reuse' },
      }), 'ca-key-mismatch', /CA key does not belong/);
    });

    it('refuses an issuer that is not a CA', async () => {
      await expectRefusal(renewCertificate({
        certificate: certDerOf(read('pki/apiserver-kubelet-client.crt')), caCertificate: certDerOf(read('pki/apiserver.crt')),
        caKey: keyMaterialOf(read('pki/apiserver.key')), key: { policy: 'reuse' },
      }), 'not-a-ca', /is not a CA/);
      const now = Date.now();
      const noSign = bench.issue({ subject: '/CN=no-keycertsign', key: bench.newKey('p256'), ext: { ca: true, keyUsage: ['digitalSignature'] }, notBefore: new Date(now - minutes(5)), notAfter: new Date(now + days(100)) });
      await expectRefusal(renewCertificate({
        certificate: certDerOf(read('pki/apiserver.crt')), caCertificate: certDerOf(noSign.pem),
        caKey: keyMaterialOf(noSign.key.pkcs8), key: { policy: 'reuse' }, allowDifferentIssuer: true,
      }), 'not-a-ca', /keyCertSign/);
    });

    it('refuses an expired CA', async () => {
      const now = Date.now();
      const expired = bench.issue({ subject: '/CN=expired-ca', key: bench.newKey('p256'), ext: kubeadmCaExt('expired-ca'), notBefore: new Date(now - days(400)), notAfter: new Date(now - days(1)) });
      const leaf = bench.issue({ subject: '/CN=orphan', key: bench.newKey('p256'), issuer: expired, ext: kubeadmLeafExt(['clientAuth']), notBefore: new Date(now - days(300)), notAfter: new Date(now - days(2)) });
      await expectRefusal(renewCertificate({ certificate: certDerOf(leaf.pem), caCertificate: certDerOf(expired.pem), caKey: keyMaterialOf(expired.key.pkcs8), key: { policy: 'reuse' } }),
        'ca-expired', /expired on .*renew the CA first/);
    });

    it('refuses a certificate another CA issued, unless asked to move it', async () => {
      const old = read('pki/etcd/server.crt');
      const options = { certificate: certDerOf(old), caCertificate: certDerOf(read('pki/ca.crt')), caKey: keyMaterialOf(read('pki/ca.key')), key: { policy: 'reuse' as const } };
      await expectRefusal(renewCertificate(options), 'not-issued-by-ca', /was issued by CN=etcd-ca, not by the CA CN=kubernetes/);
      const moved = await renewCertificate({ ...options, allowDifferentIssuer: true });
      assert.ok(verify(bench, read('pki/ca.crt'), moved.certificatePem).ok);
      assert.equal(moved.changes.issuedByCa, 'different-issuer');
      assert.equal(moved.changes.issuer.changed, true);
      assert.ok(moved.warnings.some(w => /issued by CN=etcd-ca/.test(w)));
    });

    it('refuses a private key that does not belong to the certificate', async () => {
      await expectRefusal(renewCertificate({
        certificate: certDerOf(read('pki/apiserver.crt')), caCertificate: certDerOf(read('pki/ca.crt')), caKey: keyMaterialOf(read('pki/ca.key')),
        key: { policy: 'reuse', privateKey: keyMaterialOf(read('pki/sa.key')) },
      }), 'key-mismatch', /does not belong to CN=kube-apiserver/);
    });

    it('refuses to renew the CA as its own leaf', async () => {
      await expectRefusal(renewCertificate({
        certificate: certDerOf(read('pki/ca.crt')), caCertificate: certDerOf(read('pki/ca.crt')), caKey: keyMaterialOf(read('pki/ca.key')), key: { policy: 'reuse' },
      }), 'is-the-ca', /is the CA itself/);
    });
  });
});

describe('renewCa', () => {
  it('re-issues the CA with the same key, subject and SKI: old leaves verify against it', async () => {
    const oldCa = read('pki/ca.crt');
    const result = await renewCa({ caCertificate: certDerOf(oldCa), caKey: keyMaterialOf(read('pki/ca.key')), validityDays: 3650 * 2 });
    const newCa = result.certificatePem;
    for (const leaf of ['pki/apiserver.crt', 'pki/apiserver-kubelet-client.crt']) {
      const v = verify(bench, newCa, read(leaf));
      assert.ok(v.ok, `${leaf} against the renewed CA: ${v.output}`);
    }
    assert.ok(verify(bench, newCa, newCa).ok, 'self-signed and valid');
    assert.deepEqual(keptFacts(newCa), keptFacts(oldCa));
    assert.equal(x509(newCa, '-ext', 'subjectKeyIdentifier'), x509(oldCa, '-ext', 'subjectKeyIdentifier'));
    assert.equal(extensionsExceptAki(newCa), extensionsExceptAki(oldCa));
    assert.equal(publicKeyOfCert(newCa), publicKeyOfCert(oldCa));
    assert.notEqual(serial(newCa), serial(oldCa));
    assert.ok(enddate(newCa) > enddate(oldCa));
    assert.equal(x509(newCa, '-issuer', '-nameopt', 'RFC2253'), x509(oldCa, '-issuer', '-nameopt', 'RFC2253'));
    // a leaf renewed under the renewed CA verifies against the old and the new CA alike
    const leaf = await renewCertificate({ certificate: certDerOf(read('pki/apiserver.crt')), caCertificate: result.certificateDer, caKey: keyMaterialOf(read('pki/ca.key')), key: { policy: 'reuse' } });
    assert.ok(verify(bench, newCa, leaf.certificatePem).ok);
    assert.ok(verify(bench, oldCa, leaf.certificatePem).ok);
  });

  it('rewrites a self-signed AKI that names the old serial, and tells which leaves pin that serial', async () => {
    const key = bench.newKey('p256');
    const ca = openssl(['req', '-x509', '-new', '-key', key.file, '-subj', '/CN=pinned-ca', '-days', '30',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign',
      '-addext', 'authorityKeyIdentifier=keyid:always,issuer:always']);
    assert.match(x509(ca, '-ext', 'authorityKeyIdentifier'), /serial:/);
    const result = await renewCa({ caCertificate: certDerOf(ca), caKey: keyMaterialOf(key.pkcs8) });
    assert.ok(verify(bench, result.certificatePem, result.certificatePem).ok, 'renewed CA is self-signed in openssl\'s eyes');
    assert.doesNotMatch(x509(result.certificatePem, '-ext', 'authorityKeyIdentifier'), /serial:/);
    assert.deepEqual(result.changes.extensions.replaced, ['X509v3 Authority Key Identifier']);
    assert.equal(authorityKeyIdNamesSerial(certDerOf(ca)), true);
    assert.equal(authorityKeyIdNamesSerial(certDerOf(read('pki/apiserver.crt'))), false);
  });

  it('renews an expired CA and refuses a key that is not its own', async () => {
    const now = Date.now();
    const expired = bench.issue({ subject: '/CN=expired-root', key: bench.newKey('p384'), ext: kubeadmCaExt('expired-root'), notBefore: new Date(now - days(400)), notAfter: new Date(now - days(1)) });
    const result = await renewCa({ caCertificate: certDerOf(expired.pem), caKey: keyMaterialOf(expired.key.traditional()) });
    assert.ok(verify(bench, result.certificatePem, result.certificatePem).ok);
    assert.equal(signatureAlgorithm(result.certificatePem), 'ecdsa-with-SHA384');
    assert.ok(Math.abs(enddate(result.certificatePem).getTime() - (Date.now() + days(399))) < 10_000, 'old lifetime');
    await expectRefusal(renewCa({ caCertificate: certDerOf(expired.pem), caKey: keyMaterialOf(bench.newKey('p384').pkcs8) }), 'ca-key-mismatch', /does not belong/);
    await expectRefusal(renewCa({ caCertificate: certDerOf(read('pki/apiserver.crt')), caKey: keyMaterialOf(read('pki/apiserver.key')) }), 'not-self-signed', /issued by CN=kubernetes/);
  });
});

/** Every byte outside the edits' ranges is unchanged, in order. */
function assertOnlyValuesChanged(before: string, afterText: string, edits: TextEdit[]): void {
  const sorted = [...edits].sort((a, b) => a.range.start - b.range.start);
  let pos = 0;
  let shift = 0;
  for (const e of sorted) {
    assert.equal(afterText.slice(pos + shift, e.range.start + shift), before.slice(pos, e.range.start), 'bytes between edits');
    assert.equal(afterText.slice(e.range.start + shift, e.range.start + shift + e.newText.length), e.newText);
    shift += e.newText.length - (e.range.end - e.range.start);
    pos = e.range.end;
  }
  assert.equal(afterText.slice(pos + shift), before.slice(pos), 'bytes after the last edit');
}

describe('writing renewed material back', () => {
  it('replaces only client-certificate-data and client-key-data of admin.conf', async () => {
    const text = read('admin.conf');
    const user = findCarriers(text).carriers;
    const certText = Buffer.from(user.find(c => c.key === 'client-certificate-data')!.value, 'base64').toString('utf8');
    const keyText = Buffer.from(user.find(c => c.key === 'client-key-data')!.value, 'base64').toString('utf8');
    const result = await renewCertificate({
      certificate: certDerOf(certText), caCertificate: certDerOf(read('pki/ca.crt')), caKey: keyMaterialOf(read('pki/ca.key')),
      key: { policy: 'rotate', previousKeyLabel: keyMaterialOf(keyText).label },
    });
    const edits = kubeconfigEdits(text, { user: 'kubernetes-admin', certificatePem: result.certificatePem, privateKeyPem: result.privateKeyPem });
    assert.equal(edits.length, 2);
    const updated = applyEdits(text, edits);
    assertOnlyValuesChanged(text, updated, edits);
    const carriers = findCarriers(updated).carriers;
    const newCert = Buffer.from(carriers.find(c => c.key === 'client-certificate-data')!.value, 'base64').toString('utf8');
    const newKey = Buffer.from(carriers.find(c => c.key === 'client-key-data')!.value, 'base64').toString('utf8');
    assert.ok(verify(bench, read('pki/ca.crt'), newCert).ok);
    assert.equal(publicKeyOfCert(newCert), publicKeyOfKey(newKey));
    assert.ok(newKey.startsWith('-----BEGIN EC PRIVATE KEY-----'), 'kubeadm writes SEC1; so do we');
    assert.equal(x509(newCert, '-subject', '-nameopt', 'RFC2253'), 'subject=CN=kubernetes-admin,O=kubeadm:cluster-admins');
    // refreshing the CA of the user's cluster touches that value only
    const withCa = kubeconfigEdits(text, { user: 'kubernetes-admin', caPem: read('pki/ca.crt') });
    assert.equal(withCa.length, 1);
    assertOnlyValuesChanged(text, applyEdits(text, withCa), withCa);
  });

  it('keeps quotes, comments, CRLF, JSON and literal block layout', () => {
    const value = base64OfText('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const replacement = base64OfText('new certificate text that is longer than the old one, to force re-wrapping across lines\n');
    const docs = [
      `users:\r\n- name: u # the user\r\n  user:\r\n    client-certificate-data: '${value}' # quoted\r\n    client-key-data: x\r\n`,
      `users:\n- name: u\n  user:\n    client-certificate-data: "${value}"\n`,
      `{"users": [{"name": "u", "user": {"client-certificate-data": "${value}", "client-key-data": "a2V5"}}]}`,
      `users:\n- name: u\n  user:\n    client-certificate-data: |\n      ${value.match(/.{1,20}/g)!.join('\n      ')}\n    # trailing comment\n    client-key-data: a2V5\n`,
      `users:\n- name: u\n  user:\n    client-certificate-data: >-\n      ${value.slice(0, 30)}\n      ${value.slice(30)}\n`,
      `users:\n- name: u\n  user:\n    client-certificate-data: ${value}`,
    ];
    for (const doc of docs) {
      const carrier = findCarriers(doc).carriers.find(c => c.key === 'client-certificate-data')!;
      const edit = carrierValueEdit(doc, carrier, replacement);
      const updated = applyEdits(doc, [edit]);
      assertOnlyValuesChanged(doc, updated, [edit]);
      const reread = findCarriers(updated).carriers.find(c => c.key === 'client-certificate-data')!;
      assert.equal(reread.value.replace(/\s+/g, ''), replacement, `value round-trips in ${JSON.stringify(doc.slice(0, 60))}`);
      if (doc.includes('|\n')) {
        assert.ok(reread.value.split('\n').filter(Boolean).every(l => l.length <= 20), 'literal block keeps its line width');
        assert.match(updated, /\n {6}\S{20}\n {6}/);
      }
      if (doc.includes('>-')) {
        assert.ok(!reread.value.includes(' '), 'folded block becomes one line (Go base64 refuses spaces)');
      }
      if (doc.includes('\r\n')) {
        assert.ok(!/[^\r]\n/.test(updated), 'CRLF kept');
      }
    }
  });

  it('replaces the certificate and key blocks of kubelet-client-current.pem, keeping its layout', async () => {
    const text = read('kubelet/pki/kubelet-client-current.pem');
    for (const variant of [text, text.replace(/\n/g, '\r\n'), `# kubelet\n${text}\n# end\n`]) {
      const result = await renewCertificate({
        certificate: certDerOf(variant), caCertificate: certDerOf(read('pki/ca.crt')), caKey: keyMaterialOf(read('pki/ca.key')),
        key: { policy: 'rotate', previousKeyLabel: keyMaterialOf(variant).label },
      });
      const edits = pemFileEdits(variant, { oldCertificateDer: certDerOf(variant), certificatePem: result.certificatePem, privateKeyPem: result.privateKeyPem });
      assert.equal(edits.length, 2);
      const updated = applyEdits(variant, edits);
      assertOnlyValuesChanged(variant, updated, edits);
      assert.deepEqual(findPemBlocks(updated).map(b => b.label), findPemBlocks(variant).map(b => b.label), 'same blocks, same order');
      if (variant.includes('\r\n')) {
        assert.ok(!/[^\r]\n/.test(updated), 'CRLF kept');
      }
      const normalized = updated.replace(/\r\n/g, '\n');
      assert.ok(verify(bench, read('pki/ca.crt'), normalized).ok);
      assert.equal(publicKeyOfCert(normalized), publicKeyOfKey(normalized.slice(normalized.indexOf('-----BEGIN EC PRIVATE KEY'))));
    }
  });

  it('replaces a PEM block inside a YAML block scalar with its indentation', () => {
    const ca = read('pki/ca.crt').trimEnd().split('\n').map(l => `    ${l}`).join('\n');
    const doc = `apiVersion: v1\nkind: ConfigMap\ndata:\n  ca.crt: |\n${ca}\n  other: x\n`;
    const [block] = findPemBlocks(doc);
    const newPem = read('pki/etcd/ca.crt');
    const edit = pemBlockEdit(doc, block.range, newPem);
    const updated = applyEdits(doc, [edit]);
    assertOnlyValuesChanged(doc, updated, [edit]);
    const value = findCarriers(updated).carriers.find(c => c.key === 'ca.crt')!.value;
    assert.equal(value, newPem, 'the YAML value is exactly the new PEM');
  });
});

describe('a real TLS handshake with renewed certificates', () => {
  it('server and client both authorized', async () => {
    const ca = read('pki/ca.crt');
    const server = await renewCertificate({
      certificate: certDerOf(read('pki/apiserver.crt')), caCertificate: certDerOf(ca), caKey: keyMaterialOf(read('pki/ca.key')),
      key: { policy: 'reuse', privateKey: keyMaterialOf(read('pki/apiserver.key')) },
    });
    const adminCert = Buffer.from(findCarriers(read('admin.conf')).carriers.find(c => c.key === 'client-certificate-data')!.value, 'base64').toString('utf8');
    const client = await renewCertificate({
      certificate: certDerOf(adminCert), caCertificate: certDerOf(ca), caKey: keyMaterialOf(read('pki/ca.key')), key: { policy: 'rotate' },
    });
    const srv = tls.createServer({
      cert: server.certificatePem, key: read('pki/apiserver.key'), ca, requestCert: true, rejectUnauthorized: true,
    });
    const serverSide = new Promise<{ authorized: boolean; cn: string }>((resolve, reject) => {
      srv.once('secureConnection', socket => {
        resolve({ authorized: socket.authorized, cn: String(socket.getPeerCertificate().subject.CN) });
        socket.end('ok');
      });
      srv.once('tlsClientError', reject);
    });
    await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve));
    try {
      const port = (srv.address() as { port: number }).port;
      const clientSide = await new Promise<{ authorized: boolean; error?: Error | null; data: string }>((resolve, reject) => {
        const socket = tls.connect({
          host: '127.0.0.1', port, servername: 'kubernetes.default.svc', ca, cert: client.certificatePem, key: client.privateKeyPem,
        }, () => {
          let data = '';
          socket.on('data', d => { data += d; });
          socket.on('end', () => resolve({ authorized: socket.authorized, error: socket.authorizationError, data }));
        });
        socket.once('error', reject);
      });
      assert.equal(clientSide.authorized, true, `client: ${clientSide.error}`);
      assert.equal(clientSide.data, 'ok');
      const s = await serverSide;
      assert.equal(s.authorized, true);
      assert.equal(s.cn, 'kubernetes-admin');
    } finally {
      srv.close();
    }
  });
});
