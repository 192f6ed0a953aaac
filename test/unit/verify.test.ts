// verifyChain against chains made by openssl, with `openssl verify` as the second opinion where
// it agrees with Go, and Go's behaviour pinned where it does not.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CertificateInfo } from '../../src/core/x509/certificate';
import { decodePemBlocks } from '../../src/core/x509/material';
import { findPemBlocks } from '../../src/core/x509/pem';
import { VerificationResult, VerifyOptions, goQuote, goTime, verifyChain } from '../../src/core/verify';
import { ChainLab, DAY, LabCert, SECOND, caExt, leafExt, opensslVerify } from '../fixtures/chains';

const ROOT_CN = 'PKI Lens Test Root';
const INT_CN = 'PKI Lens Test Intermediate';

let lab: ChainLab;
/** All dates relative to a whole second near now; `at` is passed explicitly everywhere. */
const base = new Date(Math.floor(Date.now() / 1000) * 1000);
const rel = (ms: number) => new Date(base.getTime() + ms);

const infoCache = new Map<string, CertificateInfo>();
async function info(cert: LabCert): Promise<CertificateInfo> {
  let i = infoCache.get(cert.pem);
  if (!i) {
    const [obj] = await decodePemBlocks(findPemBlocks(cert.pem));
    assert.ok(obj.certificate, obj.error);
    i = obj.certificate;
    infoCache.set(cert.pem, i);
  }
  return i;
}

async function verify(leaf: LabCert, roots: LabCert[], intermediates: LabCert[] = [], options: VerifyOptions = {}): Promise<VerificationResult> {
  return verifyChain({ leaf: await info(leaf), roots: await Promise.all(roots.map(info)), intermediates: await Promise.all(intermediates.map(info)) }, { at: base, ...options });
}

function failing(result: VerificationResult) {
  return result.checks.filter(c => !c.ok && !c.advisory);
}

let root: LabCert;
let intermediate: LabCert;
let leaf: LabCert;

before(() => {
  lab = new ChainLab();
  root = lab.issue({ subject: `/CN=${ROOT_CN}`, notBefore: rel(-365 * DAY), notAfter: rel(3650 * DAY), ext: caExt() });
  intermediate = lab.issue({ subject: `/CN=${INT_CN}`, issuer: root, notBefore: rel(-30 * DAY), notAfter: rel(365 * DAY), ext: caExt({ aki: true }) });
  leaf = lab.issue({
    subject: '/CN=kube-apiserver', issuer: intermediate, notBefore: rel(-DAY), notAfter: rel(30 * DAY),
    ext: leafExt({ eku: ['serverAuth'], san: ['DNS:kubernetes', 'DNS:kubernetes.default.svc', 'IP:10.96.0.1'] }),
  });
});

after(() => lab.dispose());

describe('verifyChain: a sound chain', () => {
  it('verifies root -> intermediate -> leaf and reports the path leaf first', async () => {
    const r = await verify(leaf, [root], [intermediate], { host: 'kubernetes.default.svc' });
    assert.equal(r.ok, true, r.errors.join('\n'));
    assert.deepEqual(r.errors, []);
    assert.equal(r.goError, undefined);
    assert.equal(r.trusted, true);
    assert.deepEqual(r.path.map(c => c.subject.commonName), ['kube-apiserver', INT_CN, ROOT_CN]);
    assert.deepEqual(failing(r), []);
    for (const name of ['validity', 'signature', 'ca', 'trust-anchor', 'extended-key-usage', 'hostname']) {
      assert.ok(r.checks.some(c => c.name === name && c.ok), `a passing ${name} check`);
    }
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf, at: base, hostname: 'kubernetes.default.svc', purpose: 'sslserver' }).ok, true);
  });

  it('uses serverAuth as the purpose when none is given, as Go does', async () => {
    const r = await verify(leaf, [root], [intermediate]);
    assert.equal(r.purpose, 'serverAuth');
  });

  it('accepts a leaf that is itself one of the trusted certificates (a pinned self-signed server cert)', async () => {
    const self = lab.issue({ subject: '/CN=self.example.com', notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:self.example.com'], eku: ['serverAuth'] }).filter(l => !l.startsWith('authorityKeyIdentifier')) });
    const r = await verify(self, [self], [], { host: 'self.example.com' });
    assert.equal(r.ok, true, r.errors.join('\n'));
    assert.equal(r.path.length, 1);
    assert.equal(opensslVerify(lab, { roots: [self], leaf: self, at: base }).ok, true);
  });
});

describe('verifyChain: validity, NotBefore <= at <= NotAfter inclusive (Go)', () => {
  it('is valid at exactly NotBefore, and not one second earlier (openssl agrees)', async () => {
    const atStart = await verify(leaf, [root], [intermediate], { at: leaf.notBefore });
    assert.equal(atStart.ok, true, atStart.errors.join('\n'));
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf, at: leaf.notBefore }).ok, true);

    const early = new Date(leaf.notBefore.getTime() - SECOND);
    const r = await verify(leaf, [root], [intermediate], { at: early });
    assert.equal(r.ok, false);
    assert.equal(r.goError, `x509: certificate has expired or is not yet valid: current time ${goTime(early)} is before ${goTime(leaf.notBefore)}`);
    assert.equal(r.errors[0], r.goError);
    assert.ok(r.checks.some(c => c.name === 'validity' && !c.ok && c.certificate === 0));
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf, at: early }).ok, false);
  });

  it('is valid at exactly NotAfter (Go), where openssl verify already says "certificate has expired"', async () => {
    const r = await verify(leaf, [root], [intermediate], { at: leaf.notAfter });
    assert.equal(r.ok, true, r.errors.join('\n'));
    const o = opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf, at: leaf.notAfter });
    assert.equal(o.ok, false, 'openssl counts NotAfter itself as expired');
    assert.match(o.output, /certificate has expired/);
  });

  it('has expired one second after NotAfter, in Go\'s words (openssl agrees)', async () => {
    const late = new Date(leaf.notAfter.getTime() + SECOND);
    const r = await verify(leaf, [root], [intermediate], { at: late });
    assert.equal(r.ok, false);
    assert.equal(r.goError, `x509: certificate has expired or is not yet valid: current time ${goTime(late)} is after ${goTime(leaf.notAfter)}`);
    assert.match(r.goError!, /^x509: certificate has expired or is not yet valid: current time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ is after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf, at: late }).ok, false);
  });

  it('compares below the second but prints whole seconds, like Go\'s RFC 3339 format', async () => {
    const late = new Date(leaf.notAfter.getTime() + 500);
    const r = await verify(leaf, [root], [intermediate], { at: late });
    assert.equal(r.goError, `x509: certificate has expired or is not yet valid: current time ${goTime(leaf.notAfter)} is after ${goTime(leaf.notAfter)}`);
  });

  it('judges every certificate on the path: an expired intermediate is what Go reports', async () => {
    const shortInt = lab.issue({ subject: '/CN=Short Intermediate', issuer: root, notBefore: rel(-30 * DAY), notAfter: rel(10 * DAY), ext: caExt({ aki: true }) });
    const longLeaf = lab.issue({ subject: '/CN=long-leaf', issuer: shortInt, notBefore: rel(-DAY), notAfter: rel(100 * DAY), ext: leafExt({ san: ['DNS:long.example.com'] }) });
    const at = rel(20 * DAY);
    const r = await verify(longLeaf, [root], [shortInt], { at });
    assert.equal(r.ok, false);
    assert.equal(r.goError, `x509: certificate has expired or is not yet valid: current time ${goTime(at)} is after ${goTime(shortInt.notAfter)}`);
    assert.deepEqual(r.path.map(c => c.subject.commonName), ['long-leaf', 'Short Intermediate', ROOT_CN]);
    assert.deepEqual(failing(r).map(c => [c.name, c.certificate]), [['validity', 1]]);
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [shortInt], leaf: longLeaf, at }).ok, false);
  });

  it('lists every reason: expired and wrong host, Go\'s own error first', async () => {
    const late = rel(40 * DAY);
    const r = await verify(leaf, [root], [intermediate], { at: late, host: 'etcd.example.com' });
    assert.equal(r.errors[0], `x509: certificate has expired or is not yet valid: current time ${goTime(late)} is after ${goTime(leaf.notAfter)}`);
    assert.ok(r.errors.includes('x509: certificate is valid for kubernetes, kubernetes.default.svc, not etcd.example.com'), r.errors.join('\n'));
  });
});

describe('verifyChain: issuers and path building', () => {
  it('names the candidate that did not sign: a regenerated CA with the same name (ECDSA)', async () => {
    const impostor = lab.issue({ subject: `/CN=${INT_CN}`, notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt() });
    const r = await verify(leaf, [impostor]);
    assert.equal(r.ok, false);
    assert.equal(r.goError, `x509: certificate signed by unknown authority (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "${INT_CN}")`);
    assert.equal(r.trusted, false);
    assert.deepEqual(r.path.map(c => c.subject.commonName), ['kube-apiserver']);
    assert.equal(opensslVerify(lab, { roots: [impostor], leaf, at: base }).ok, false);
  });

  it('says "crypto/rsa: verification error" for an RSA impostor, as kubectl does after a CA was regenerated', async () => {
    const rsaCa = lab.issue({ subject: '/CN=kubernetes', key: lab.key('rsa2048'), notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt() });
    const rsaLeaf = lab.issue({ subject: '/CN=kube-apiserver', key: lab.key('rsa2048'), issuer: rsaCa, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:kubernetes'] }) });
    const regenerated = lab.issue({ subject: '/CN=kubernetes', key: lab.key('rsa2048'), notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt() });
    assert.equal((await verify(rsaLeaf, [rsaCa])).ok, true);
    const r = await verify(rsaLeaf, [regenerated]);
    assert.equal(r.goError, 'x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "kubernetes")');
    assert.equal(opensslVerify(lab, { roots: [regenerated], leaf: rsaLeaf, at: base }).ok, false);
  });

  it('reports a plain unknown authority when no trusted certificate has the issuer\'s name', async () => {
    const other = lab.issue({ subject: '/CN=Some Other Root', notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt() });
    const r = await verify(leaf, [other], [intermediate]);
    assert.equal(r.goError, 'x509: certificate signed by unknown authority');
    assert.deepEqual(r.path.map(c => c.subject.commonName), ['kube-apiserver', INT_CN]);
    assert.ok(r.checks.some(c => c.name === 'trust-anchor' && !c.ok && c.certificate === 1));
    assert.equal(opensslVerify(lab, { roots: [other], untrusted: [intermediate], leaf, at: base }).ok, false);
  });

  it('fails with a missing intermediate (openssl: unable to get local issuer certificate)', async () => {
    const r = await verify(leaf, [root]);
    assert.equal(r.goError, 'x509: certificate signed by unknown authority');
    assert.deepEqual(r.path.map(c => c.subject.commonName), ['kube-apiserver']);
    const o = opensslVerify(lab, { roots: [root], leaf, at: base });
    assert.equal(o.ok, false);
    assert.match(o.output, /unable to get local issuer certificate/);
  });

  it('tries every candidate with the issuer\'s name, not just the first', async () => {
    const stale = lab.issue({ subject: `/CN=${INT_CN}`, issuer: root, notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt({ aki: true }) });
    const r = await verify(leaf, [root], [stale, intermediate]);
    assert.equal(r.ok, true, r.errors.join('\n'));
    assert.equal(r.path[1].fingerprints.sha256, (await info(intermediate)).fingerprints.sha256);
  });

  it('refuses an issuer without CA:TRUE, as CheckSignatureFrom does (openssl agrees)', async () => {
    const notCa = lab.issue({ subject: '/CN=not-a-ca', issuer: root, notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt({ ca: false, aki: true }) });
    const child = lab.issue({ subject: '/CN=child', issuer: notCa, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:child.example.com'] }) });
    const r = await verify(child, [root], [notCa]);
    assert.equal(r.ok, false);
    assert.equal(r.goError, 'x509: certificate signed by unknown authority (possibly because of "x509: invalid signature: parent certificate cannot sign this kind of certificate" while trying to verify candidate authority certificate "not-a-ca")');
    assert.deepEqual(failing(r).map(c => [c.name, c.certificate]), [['ca', 1]]);
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [notCa], leaf: child, at: base }).ok, false);
  });

  it('refuses a CA whose key usage lacks keyCertSign (openssl agrees)', async () => {
    const noCertSign = lab.issue({ subject: '/CN=no-cert-sign', issuer: root, notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt({ keyUsage: ['digitalSignature', 'cRLSign'], aki: true }) });
    const child = lab.issue({ subject: '/CN=child', issuer: noCertSign, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:child.example.com'] }) });
    const r = await verify(child, [root], [noCertSign]);
    assert.equal(r.goError, 'x509: certificate signed by unknown authority (possibly because of "x509: invalid signature: parent certificate cannot sign this kind of certificate" while trying to verify candidate authority certificate "no-cert-sign")');
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [noCertSign], leaf: child, at: base }).ok, false);
  });

  it('takes a version 1 root (no extensions) as a trust anchor but refuses a version 1 intermediate (openssl agrees)', async () => {
    const v1Root = lab.issue({ subject: '/CN=V1 Root', notBefore: rel(-DAY), notAfter: rel(DAY), ext: [] });
    assert.equal((await info(v1Root)).version, 1);
    const direct = lab.issue({ subject: '/CN=direct', issuer: v1Root, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:direct.example.com'] }).filter(l => !l.startsWith('authorityKeyIdentifier')) });
    const r = await verify(direct, [v1Root]);
    assert.equal(r.ok, true, r.errors.join('\n'));
    assert.equal(opensslVerify(lab, { roots: [v1Root], leaf: direct, at: base }).ok, true);

    const v1Int = lab.issue({ subject: '/CN=V1 Intermediate', issuer: root, notBefore: rel(-DAY), notAfter: rel(DAY), ext: [] });
    const child = lab.issue({ subject: '/CN=child', issuer: v1Int, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:child.example.com'] }).filter(l => !l.startsWith('authorityKeyIdentifier')) });
    const r2 = await verify(child, [root], [v1Int]);
    assert.equal(r2.goError, 'x509: certificate is not authorized to sign other certificates');
    assert.deepEqual(failing(r2).map(c => [c.name, c.certificate]), [['ca', 1]]);
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [v1Int], leaf: child, at: base }).ok, false);
  });

  it('enforces path length: a root with pathlen:0 cannot have an intermediate below it (openssl agrees)', async () => {
    const strictRoot = lab.issue({ subject: '/CN=Strict Root', notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt({ pathlen: 0 }) });
    const int = lab.issue({ subject: '/CN=Under Strict', issuer: strictRoot, notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt({ aki: true }) });
    const child = lab.issue({ subject: '/CN=child', issuer: int, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:child.example.com'] }) });
    const r = await verify(child, [strictRoot], [int]);
    assert.equal(r.ok, false);
    assert.equal(r.goError, 'x509: too many intermediates for path length constraint');
    assert.deepEqual(failing(r).map(c => [c.name, c.certificate]), [['path-length', 2]]);
    assert.equal(opensslVerify(lab, { roots: [strictRoot], untrusted: [int], leaf: child, at: base }).ok, false);

    const direct = lab.issue({ subject: '/CN=direct', issuer: strictRoot, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:direct.example.com'] }) });
    assert.equal((await verify(direct, [strictRoot])).ok, true, 'pathlen:0 still signs leaves');
    assert.equal(opensslVerify(lab, { roots: [strictRoot], leaf: direct, at: base }).ok, true);
  });

  it('refuses an unknown critical extension, on the leaf or on a CA (openssl agrees)', async () => {
    const odd = lab.issue({ subject: '/CN=odd', issuer: intermediate, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:odd.example.com'], extra: ['1.3.6.1.4.1.55555.1 = critical, ASN1:UTF8String:pki-lens'] }) });
    const r = await verify(odd, [root], [intermediate]);
    assert.equal(r.goError, 'x509: unhandled critical extension');
    const check = failing(r).find(c => c.name === 'critical-extensions');
    assert.equal(check?.certificate, 0);
    assert.match(check?.detail ?? '', /1\.3\.6\.1\.4\.1\.55555\.1/);
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: odd, at: base }).ok, false);

    const oddCa = lab.issue({ subject: '/CN=Odd CA', issuer: root, notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt({ aki: true, extra: ['1.3.6.1.4.1.55555.2 = critical, ASN1:NULL'] }) });
    const child = lab.issue({ subject: '/CN=child', issuer: oddCa, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:child.example.com'] }) });
    const r2 = await verify(child, [root], [oddCa]);
    assert.equal(r2.goError, 'x509: unhandled critical extension');
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [oddCa], leaf: child, at: base }).ok, false);
  });

  it('ends with a loop of cross-signed CAs instead of running forever', async () => {
    const keyA = lab.key();
    const keyB = lab.key();
    const a = lab.issue({ subject: '/CN=Loop A', key: keyA, notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt() });
    const b = lab.issue({ subject: '/CN=Loop B', key: keyB, notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt() });
    const aByB = lab.issue({ subject: '/CN=Loop A', key: keyA, issuer: b, notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt({ aki: true }) });
    const bByA = lab.issue({ subject: '/CN=Loop B', key: keyB, issuer: a, notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt({ aki: true }) });
    const child = lab.issue({ subject: '/CN=child', issuer: a, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:child.example.com'] }) });
    const r = await verify(child, [root], [aByB, bByA]);
    assert.equal(r.goError, 'x509: certificate signed by unknown authority');
    assert.ok(r.path.length <= 3, `path ${r.path.map(c => c.subject.commonName).join(' -> ')}`);
    const r2 = await verify(child, [b], [aByB, bByA]);
    assert.equal(r2.ok, true, r2.errors.join('\n'));
    assert.deepEqual(r2.path.map(c => c.subject.commonName), ['child', 'Loop A', 'Loop B']);
  });

  it('refuses SHA-1 signatures (Go), which openssl 3.0 verify still accepts at its default security level', async () => {
    const weak = lab.issue({ subject: '/CN=weak', issuer: intermediate, md: 'sha1', notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:weak.example.com'] }) });
    const r = await verify(weak, [root], [intermediate]);
    assert.equal(r.ok, false);
    assert.equal(r.goError, `x509: certificate signed by unknown authority (possibly because of "x509: cannot verify signature: insecure algorithm ECDSA-SHA1" while trying to verify candidate authority certificate "${INT_CN}")`);
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: weak, at: base }).ok, true, 'openssl 3.0 accepts the SHA-1 signature');
  });

  it('applies name constraints of a CA to the names below it (openssl agrees)', async () => {
    const scoped = lab.issue({ subject: '/CN=Scoped CA', issuer: root, notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt({ aki: true, nameConstraints: 'critical, permitted;DNS:example.com, excluded;IP:10.0.0.0/255.0.0.0' }) });
    const inside = lab.issue({ subject: '/CN=inside', issuer: scoped, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:api.example.com', 'IP:192.168.1.1'] }) });
    assert.equal((await verify(inside, [root], [scoped])).ok, true);
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [scoped], leaf: inside, at: base }).ok, true);

    const outside = lab.issue({ subject: '/CN=outside', issuer: scoped, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:evil.test'] }) });
    const r = await verify(outside, [root], [scoped]);
    assert.equal(r.goError, 'x509: a root or intermediate certificate is not authorized to sign for this name: DNS name "evil.test" is not permitted by any constraint');
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [scoped], leaf: outside, at: base }).ok, false);

    const excluded = lab.issue({ subject: '/CN=excluded', issuer: scoped, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:ok.example.com', 'IP:10.1.2.3'] }) });
    const r2 = await verify(excluded, [root], [scoped]);
    assert.equal(r2.goError, 'x509: a root or intermediate certificate is not authorized to sign for this name: IP address "10.1.2.3" is excluded by constraint "10.0.0.0/8"');
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [scoped], leaf: excluded, at: base }).ok, false);
  });
});

describe('verifyChain: extended key usage, nested down the chain as Go does', () => {
  let clientLeaf: LabCert;
  before(() => {
    clientLeaf = lab.issue({ subject: '/O=kubeadm:cluster-admins/CN=kubernetes-admin', issuer: intermediate, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ eku: ['clientAuth'] }) });
  });

  it('refuses a clientAuth-only certificate for serverAuth and accepts it for clientAuth and any (openssl agrees)', async () => {
    const server = await verify(clientLeaf, [root], [intermediate], { purpose: 'serverAuth' });
    assert.equal(server.goError, 'x509: certificate specifies an incompatible key usage');
    assert.deepEqual(failing(server).map(c => [c.name, c.certificate]), [['extended-key-usage', 0]]);
    assert.deepEqual(server.path.length, 3, 'the chain itself was found');
    assert.equal((await verify(clientLeaf, [root], [intermediate], { purpose: 'clientAuth' })).ok, true);
    assert.equal((await verify(clientLeaf, [root], [intermediate], { purpose: 'any' })).ok, true);
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: clientLeaf, at: base, purpose: 'sslserver' }).ok, false);
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: clientLeaf, at: base, purpose: 'sslclient' }).ok, true);
  });

  it('treats no EKU, and anyExtendedKeyUsage, as any purpose', async () => {
    const noEku = lab.issue({ subject: '/CN=no-eku', issuer: intermediate, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:no-eku.example.com'] }) });
    const anyEku = lab.issue({ subject: '/CN=any-eku', issuer: intermediate, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:any-eku.example.com'], eku: ['anyExtendedKeyUsage'] }) });
    for (const cert of [noEku, anyEku]) {
      for (const purpose of ['serverAuth', 'clientAuth'] as const) {
        const r = await verify(cert, [root], [intermediate], { purpose });
        assert.equal(r.ok, true, `${cert.name} for ${purpose}: ${r.errors.join('\n')}`);
      }
    }
  });

  it('lets an intermediate\'s EKU constrain the leaf (openssl -purpose agrees)', async () => {
    const clientCa = lab.issue({ subject: '/CN=Client CA', issuer: root, notBefore: rel(-DAY), notAfter: rel(DAY), ext: caExt({ aki: true, eku: ['clientAuth'] }) });
    const serverLeaf = lab.issue({ subject: '/CN=server', issuer: clientCa, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:server.example.com'], eku: ['serverAuth'] }) });
    const r = await verify(serverLeaf, [root], [clientCa], { purpose: 'serverAuth' });
    assert.equal(r.goError, 'x509: certificate specifies an incompatible key usage');
    assert.deepEqual(failing(r).map(c => [c.name, c.certificate]), [['extended-key-usage', 1]]);
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [clientCa], leaf: serverLeaf, at: base, purpose: 'sslserver' }).ok, false);

    const unrestricted = lab.issue({ subject: '/CN=unrestricted', issuer: clientCa, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:u.example.com'] }) });
    assert.equal((await verify(unrestricted, [root], [clientCa], { purpose: 'serverAuth' })).goError, 'x509: certificate specifies an incompatible key usage', 'a leaf without EKU is still limited by its CA');
    assert.equal((await verify(unrestricted, [root], [clientCa], { purpose: 'clientAuth' })).ok, true);
  });
});

describe('verifyChain: host names as Go\'s VerifyHostname matches them', () => {
  let wild: LabCert;
  let ips: LabCert;
  before(() => {
    wild = lab.issue({ subject: '/CN=wild', issuer: intermediate, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:*.example.com', 'DNS:example.org'] }) });
    ips = lab.issue({ subject: '/CN=10.0.0.5', issuer: intermediate, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:etcd-0', 'IP:10.0.0.5', 'IP:::1', 'IP:2001:db8::1'] }) });
  });

  const host = async (cert: LabCert, name: string) => verify(cert, [root], [intermediate], { host: name });

  it('matches a wildcard as the whole left-most label only, case-insensitively (openssl agrees)', async () => {
    for (const name of ['a.example.com', 'A.Example.COM', 'example.org']) {
      const r = await host(wild, name);
      assert.equal(r.ok, true, `${name}: ${r.errors.join('\n')}`);
      assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: wild, at: base, hostname: name }).ok, true, `openssl ${name}`);
    }
    for (const name of ['example.com', 'a.b.example.com']) {
      const r = await host(wild, name);
      assert.equal(r.goError, `x509: certificate is valid for *.example.com, example.org, not ${name}`);
      assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: wild, at: base, hostname: name }).ok, false, `openssl ${name}`);
    }
  });

  it('ignores one trailing dot on the host name', async () => {
    assert.equal((await host(wild, 'a.example.com.')).ok, true);
    assert.equal((await host(wild, 'example.org.')).ok, true);
    assert.equal((await host(wild, 'example.org..')).ok, false);
  });

  it('does not match a partial-label wildcard (f*.example.com), which openssl verify does match', async () => {
    const partial = lab.issue({ subject: '/CN=partial', issuer: intermediate, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:f*.example.com'] }) });
    const r = await host(partial, 'foo.example.com');
    assert.equal(r.goError, 'x509: certificate is valid for f*.example.com, not foo.example.com');
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: partial, at: base, hostname: 'foo.example.com' }).ok, true, 'openssl allows partial wildcards');
  });

  it('matches IP addresses against IP SANs only (openssl -verify_ip agrees)', async () => {
    assert.equal((await host(ips, '10.0.0.5')).ok, true);
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: ips, at: base, ip: '10.0.0.5' }).ok, true);
    const r = await host(ips, '10.0.0.6');
    assert.equal(r.goError, 'x509: certificate is valid for 10.0.0.5, ::1, 2001:db8::1, not 10.0.0.6');
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: ips, at: base, ip: '10.0.0.6' }).ok, false);
    assert.equal((await host(ips, '::ffff:10.0.0.5')).ok, true, 'an IPv4-mapped IPv6 address is the same address');
  });

  it('never matches an IP address against DNS SANs, wildcard or not', async () => {
    const dnsOnly = lab.issue({ subject: '/CN=dns-only', issuer: intermediate, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:10.0.0.5', 'DNS:*.0.0.5'] }) });
    const r = await host(dnsOnly, '10.0.0.5');
    assert.equal(r.goError, 'x509: cannot validate certificate for 10.0.0.5 because it doesn\'t contain any IP SANs');
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: dnsOnly, at: base, ip: '10.0.0.5' }).ok, false);
  });

  it('normalises IPv6: brackets, zeros and case do not matter (openssl agrees)', async () => {
    for (const name of ['::1', '[::1]', '0:0:0:0:0:0:0:1', '2001:DB8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '[2001:db8::1]']) {
      const r = await host(ips, name);
      assert.equal(r.ok, true, `${name}: ${r.errors.join('\n')}`);
    }
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: ips, at: base, ip: '0:0:0:0:0:0:0:1' }).ok, true);
    assert.equal((await host(ips, '[::2]')).goError, 'x509: certificate is valid for 10.0.0.5, ::1, 2001:db8::1, not ::2');
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: ips, at: base, ip: '::2' }).ok, false);
  });

  it('never uses the subject CN: a matching CN without any SAN fails (openssl falls back to the CN and passes)', async () => {
    const cnOnly = lab.issue({ subject: '/CN=api.example.com', issuer: intermediate, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ eku: ['serverAuth'] }) });
    const r = await host(cnOnly, 'api.example.com');
    assert.equal(r.ok, false);
    assert.equal(r.goError, 'x509: certificate relies on legacy Common Name field, use SANs instead');
    assert.ok(r.checks.some(c => c.name === 'hostname' && c.advisory), 'a note explains the CN');
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: cnOnly, at: base, hostname: 'api.example.com' }).ok, true, 'openssl matched the CN');

    const r2 = await host(cnOnly, 'other.example.com');
    assert.equal(r2.goError, 'x509: certificate is not valid for any names, but wanted to match other.example.com');
  });

  it('a CN that matches while the SANs do not: Go lists the SANs (openssl agrees: no CN fallback when DNS SANs exist)', async () => {
    const cnAndSan = lab.issue({ subject: '/CN=api.example.com', issuer: intermediate, notBefore: rel(-DAY), notAfter: rel(DAY), ext: leafExt({ san: ['DNS:other.example.com'] }) });
    const r = await host(cnAndSan, 'api.example.com');
    assert.equal(r.goError, 'x509: certificate is valid for other.example.com, not api.example.com');
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [intermediate], leaf: cnAndSan, at: base, hostname: 'api.example.com' }).ok, false);
  });
});

describe('verify.ts helpers', () => {
  it('quotes like Go\'s %q', () => {
    assert.equal(goQuote('kubernetes'), '"kubernetes"');
    assert.equal(goQuote('a "b" \\ c\n'), '"a \\"b\\" \\\\ c\\n"');
  });

  it('prints times as Go\'s RFC 3339 in UTC, without fractions', () => {
    assert.equal(goTime(new Date('2026-03-01T12:34:56.789Z')), '2026-03-01T12:34:56Z');
  });
});
