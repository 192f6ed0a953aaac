// The hygiene rules (validity-not-nested, ca-constraints, san-missing, key-usage-mismatch) on
// certificates openssl makes at test time; openssl's own print and `openssl verify` say what each
// certificate is, so the rule is graded against openssl, not against our parser. The first case is
// the one a peer extension raises five warnings on: a SHA-1/RSA-1024 CA-signed certificate.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { Finding, runChecks } from '../../src/core/checks';
import { Inventory, buildInventory } from '../../src/core/inventory/inventory';
import { formatDate } from '../../src/core/render/time';
import { ChainLab, DAY, LabCert, caExt, leafExt, opensslVerify } from '../fixtures/chains';
import { b64, kubeadmKubeconfig } from '../fixtures/kubeconfig';

const lab = new ChainLab();
after(() => lab.dispose());
const now = Date.now();
const at = (days: number) => new Date(now + days * DAY);

function text(cert: LabCert): string {
  return execFileSync('openssl', ['x509', '-noout', '-text'], { input: cert.pem }).toString('utf8');
}

async function inventoryOf(files: Record<string, string>): Promise<Inventory> {
  const inputs = [];
  for (const [rel, content] of Object.entries(files)) {
    inputs.push({ uri: `mem:/${rel}`, relativePath: rel, analysis: await analyzeText(content, { fileName: rel }) });
  }
  return buildInventory(inputs);
}

const where = (inv: Inventory, f: Finding) => `${f.code} ${inv.fileByUri.get(f.uri)!.relativePath}`;
const HYGIENE = new Set(['validity-not-nested', 'ca-constraints', 'san-missing', 'key-usage-mismatch']);

describe('the peer\'s five warnings on a SHA-1 certificate from an RSA-1024 CA', () => {
  it('each has a PKI Lens counterpart, and openssl agrees on every fact', async () => {
    const ca = lab.issue({ subject: '/CN=Old RSA-1024 CA', key: lab.key('rsa1024'), notBefore: at(-1), notAfter: at(60),
      ext: ['basicConstraints = CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash'] });
    const leaf = lab.issue({ subject: '/CN=legacy.example.test', key: lab.key('rsa1024'), issuer: ca, notBefore: at(-1), notAfter: at(365), md: 'sha1',
      ext: ['basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature, keyEncipherment', 'extendedKeyUsage = serverAuth', 'authorityKeyIdentifier = keyid'] });
    // openssl's view of the same two certificates: what each warning is about.
    const leafText = text(leaf);
    const caText = text(ca);
    assert.match(leafText, /Signature Algorithm: sha1WithRSAEncryption/);
    assert.match(leafText, /Public-Key: \(1024 bit\)/);
    assert.doesNotMatch(leafText, /Subject Alternative Name/);
    assert.match(caText, /X509v3 Basic Constraints: *\n\s*CA:TRUE/, 'basicConstraints present but not critical');
    assert.ok(leaf.notAfter > ca.notAfter, 'the leaf outlives its CA');

    const inv = await inventoryOf({ 'ca.crt': ca.pem, 'legacy.crt': leaf.pem });
    const findings = runChecks(inv, { now: new Date(now) });
    assert.deepEqual(findings.map(f => where(inv, f)).sort(), [
      'ca-constraints ca.crt', // 4. basicConstraints of a CA not critical
      'san-missing legacy.crt', // 5. no subjectAltName on a server certificate
      'validity-not-nested legacy.crt', // 3. valid after its issuer expires
      'weak-key ca.crt', // 2. RSA < 2048 (the CA's key too)
      'weak-key legacy.crt', // 2. RSA < 2048
      'weak-signature legacy.crt', // 1. SHA-1 signature
    ]);
    const nested = findings.find(f => f.code === 'validity-not-nested')!;
    assert.ok(nested.message.includes(`expires on ${formatDate(ca.notAfter)}`), nested.message);
    assert.equal(nested.related[0].uri, 'mem:/ca.crt');
    assert.match(findings.find(f => f.code === 'ca-constraints')!.message, /not marked critical.*RFC 5280 §4\.2\.1\.9/);
    assert.match(findings.find(f => f.code === 'san-missing')!.message, /legacy Common Name field, use SANs instead/);
    assert.ok(findings.every(f => f.severity === 'warning'));
  });
});

describe('validity-not-nested', () => {
  it('quiet when the leaf ends before its CA; quiet when the CA is already out of date (chain-issuer-expired says it)', async () => {
    const ca = lab.issue({ subject: '/CN=ca', notBefore: at(-1), notAfter: at(100), ext: caExt() });
    const inside = lab.issue({ subject: '/CN=inside', issuer: ca, notBefore: at(-1), notAfter: at(99), ext: leafExt({ eku: ['clientAuth'] }) });
    const oldCa = lab.issue({ subject: '/CN=old', notBefore: at(-100), notAfter: at(-1), ext: caExt() });
    const orphan = lab.issue({ subject: '/CN=orphan', issuer: oldCa, notBefore: at(-10), notAfter: at(100), ext: leafExt({ eku: ['clientAuth'] }) });
    const inv = await inventoryOf({ 'ca.crt': ca.pem, 'inside.crt': inside.pem, 'old.crt': oldCa.pem, 'orphan.crt': orphan.pem });
    const codes = runChecks(inv).map(f => where(inv, f)).sort();
    assert.deepEqual(codes, ['cert-expired old.crt', 'chain-issuer-expired orphan.crt']);
  });
});

describe('ca-constraints', () => {
  it('a CA without key usage; a path length its children exceed (openssl verify agrees); a leaf with CA:TRUE', async () => {
    const noKu = lab.issue({ subject: '/CN=no-ku', notBefore: at(-1), notAfter: at(3650), ext: ['basicConstraints = critical, CA:TRUE', 'subjectKeyIdentifier = hash'] });
    const root = lab.issue({ subject: '/CN=root pathlen 0', notBefore: at(-1), notAfter: at(3650), ext: caExt({ pathlen: 0 }) });
    const sub = lab.issue({ subject: '/CN=sub', issuer: root, notBefore: at(-1), notAfter: at(3000), ext: caExt({ aki: true }) });
    const leaf = lab.issue({ subject: '/CN=leaf', issuer: sub, notBefore: at(-1), notAfter: at(300), ext: leafExt({ san: ['DNS:leaf.test'], eku: ['serverAuth'] }) });
    const caLeaf = lab.issue({ subject: '/CN=ca-leaf', issuer: sub, notBefore: at(-1), notAfter: at(300), ext: caExt({ aki: true, extra: ['subjectAltName = DNS:ca-leaf.test'] }) });
    const verdict = opensslVerify(lab, { roots: [root], untrusted: [sub], leaf });
    assert.equal(verdict.ok, false);
    assert.match(verdict.output, /path length constraint exceeded/);
    assert.doesNotMatch(text(noKu), /Key Usage/);

    const inv = await inventoryOf({ 'no-ku.crt': noKu.pem, 'root.crt': root.pem, 'sub.crt': sub.pem, 'leaf.crt': leaf.pem, 'ca-leaf.crt': caLeaf.pem });
    const findings = runChecks(inv).filter(f => HYGIENE.has(f.code));
    assert.deepEqual(findings.map(f => where(inv, f)).sort(), ['ca-constraints ca-leaf.crt', 'ca-constraints no-ku.crt', 'ca-constraints root.crt']);
    const byFile = (file: string) => findings.find(f => f.uri === `mem:/${file}`)!;
    assert.match(byFile('no-ku.crt').message, /no key usage extension/);
    assert.match(byFile('root.crt').message, /path length 0 allows no intermediate CA below it, but 1 follows \(CN=sub\)/);
    assert.equal(byFile('root.crt').related[0].uri, 'mem:/sub.crt');
    assert.match(byFile('ca-leaf.crt').message, /says CA:TRUE but is a leaf/);
  });

  it('a kubeadm role that is no CA but says CA:TRUE; keyCertSign missing is said once (chain-issuer-not-ca when it signed something)', async () => {
    const ca = lab.issue({ subject: '/CN=kubernetes', notBefore: at(-1), notAfter: at(3650), ext: caExt() });
    const apiserver = lab.issue({ subject: '/CN=kube-apiserver', issuer: ca, notBefore: at(-1), notAfter: at(365),
      ext: caExt({ aki: true, extra: ['extendedKeyUsage = serverAuth', 'subjectAltName = DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, IP:10.96.0.1'] }) });
    const noSign = lab.issue({ subject: '/CN=no-sign', notBefore: at(-1), notAfter: at(3650), ext: caExt({ keyUsage: ['digitalSignature', 'cRLSign'] }) });
    const noSignUsed = lab.issue({ subject: '/CN=no-sign-used', notBefore: at(-1), notAfter: at(3650), ext: caExt({ keyUsage: ['digitalSignature', 'cRLSign'] }) });
    const child = lab.issue({ subject: '/CN=child', issuer: noSignUsed, notBefore: at(-1), notAfter: at(300), ext: leafExt({ eku: ['clientAuth'] }) });
    const inv = await inventoryOf({ 'pki/ca.crt': ca.pem, 'pki/apiserver.crt': apiserver.pem, 'no-sign.crt': noSign.pem, 'no-sign-used.crt': noSignUsed.pem, 'child.crt': child.pem });
    const findings = runChecks(inv);
    assert.deepEqual(findings.map(f => where(inv, f)).sort(), ['ca-constraints no-sign.crt', 'ca-constraints pki/apiserver.crt', 'chain-issuer-not-ca child.crt']);
    assert.match(findings.find(f => f.uri === 'mem:/pki/apiserver.crt')!.message, /says CA:TRUE but is the API server's serving certificate/);
    assert.match(findings.find(f => f.uri === 'mem:/no-sign.crt')!.message, /lacks keyCertSign/);
  });
});

describe('san-missing', () => {
  it('serverAuth without SAN, and no EKU with a host-name CN; never a client certificate or a CA', async () => {
    const ca = lab.issue({ subject: '/CN=ca', notBefore: at(-1), notAfter: at(3650), ext: caExt() });
    const issue = (cn: string, ext: string[]) => lab.issue({ subject: `/CN=${cn}`, issuer: ca, notBefore: at(-1), notAfter: at(300), ext });
    const server = issue('server', leafExt({ eku: ['serverAuth'] }));
    const client = issue('client', leafExt({ eku: ['clientAuth'] }));
    const hostCn = issue('www.example.test', ['basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature']);
    const plainCn = issue('some-tool', ['basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature']);
    const named = issue('named', leafExt({ eku: ['serverAuth'], san: ['DNS:named.test'] }));
    for (const c of [server, client, hostCn, plainCn]) {
      assert.doesNotMatch(text(c), /Subject Alternative Name/);
    }
    const inv = await inventoryOf({ 'ca.crt': ca.pem, 'server.crt': server.pem, 'client.crt': client.pem, 'host.crt': hostCn.pem, 'plain.crt': plainCn.pem, 'named.crt': named.pem });
    const findings = runChecks(inv);
    assert.deepEqual(findings.map(f => where(inv, f)).sort(), ['san-missing host.crt', 'san-missing server.crt']);
    assert.match(findings.find(f => f.uri === 'mem:/host.crt')!.message, /named after a host \(CN=www\.example\.test\)/);
  });
});

describe('key-usage-mismatch', () => {
  it('keyEncipherment on EC outside kubeadm\'s pairing; a server key without digitalSignature; a kubeconfig client without clientAuth', async () => {
    const ca = lab.issue({ subject: '/CN=kubernetes', notBefore: at(-1), notAfter: at(3650), ext: caExt() });
    const issue = (cn: string, ext: string[], alg: 'p256' | 'rsa2048' = 'p256') => lab.issue({ subject: `/CN=${cn}`, key: lab.key(alg), issuer: ca, notBefore: at(-1), notAfter: at(300), ext });
    const san = (cn: string) => `subjectAltName = DNS:${cn}.test`;
    const ecEncipherOnly = issue('ec-encipher', ['keyUsage = critical, keyEncipherment', 'extendedKeyUsage = serverAuth', san('ec-encipher')]);
    const ecData = issue('ec-data', ['keyUsage = critical, digitalSignature, keyEncipherment, dataEncipherment', 'extendedKeyUsage = clientAuth']);
    const ecKubeadm = issue('ec-kubeadm', leafExt({ eku: ['serverAuth'], san: ['DNS:ec-kubeadm.test'] }));
    const rsaNoSign = issue('rsa-nosign', ['keyUsage = critical, keyEncipherment', 'extendedKeyUsage = serverAuth', san('rsa-nosign')], 'rsa2048');
    const wrongEku = issue('someone', leafExt({ eku: ['serverAuth'], san: ['DNS:someone.test'] }));
    assert.match(text(ecEncipherOnly), /Key Usage: critical\n\s*Key Encipherment\n/);
    assert.match(text(ecEncipherOnly), /id-ecPublicKey/);
    const kubeconfig = kubeadmKubeconfig({ user: 'someone', server: 'https://x:6443', caData: b64(ca.pem), certData: b64(wrongEku.pem), keyData: b64(fs.readFileSync(wrongEku.key.file, 'utf8')) });
    const inv = await inventoryOf({
      'ca.crt': ca.pem, 'ec-encipher.crt': ecEncipherOnly.pem, 'ec-data.crt': ecData.pem, 'ec-kubeadm.crt': ecKubeadm.pem, 'rsa-nosign.crt': rsaNoSign.pem, 'dev.kubeconfig': kubeconfig,
    });
    const findings = runChecks(inv);
    assert.deepEqual(findings.map(f => where(inv, f)).sort(), [
      'key-usage-mismatch dev.kubeconfig', 'key-usage-mismatch ec-data.crt', 'key-usage-mismatch ec-encipher.crt', 'key-usage-mismatch rsa-nosign.crt',
    ]);
    const on = (file: string) => findings.find(f => f.uri === `mem:/${file}`)!.message;
    assert.match(on('ec-encipher.crt'), /keyEncipherment on an ECDSA P-256 key.*RFC 5480.*; it is a TLS server certificate whose key usage \(Key Encipherment\) lacks digitalSignature/);
    assert.match(on('ec-data.crt'), /keyEncipherment on an ECDSA P-256 key/);
    assert.match(on('rsa-nosign.crt'), /TLS 1\.3/);
    assert.match(on('dev.kubeconfig'), /does not allow clientAuth.*incompatible key usage/);
  });
});
