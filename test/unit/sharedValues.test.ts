// What certificates repeat is one object (core/x509/shared.ts): the leaves of one CA share its
// name, the extensions it writes alike and their decoded fields, and dates to the second; what is
// each certificate's own stays its own. Certificates are issued by openssl at test time, or built
// byte by byte where openssl will not write them (a repeated extension); the schema-based
// reference decoder judges every field.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { analyzeText } from '../../src/core/analyze';
import { CertificateInfo, decodeCertificate, decodeCertificateAsn1 } from '../../src/core/x509/certificate';
import { readBack } from '../../src/workspace/cacheEntries';
import { Interned } from '../../src/core/x509/interned';
import { Workbench, days, kubeadmLeafExt } from '../fixtures/ca';
import { oid, seq, signedCertificate, tlv, name, str } from '../fixtures/der';

async function certificatesIn(pem: string): Promise<CertificateInfo[]> {
  const analysis = await analyzeText(pem, { fileName: 'bundle.crt' });
  return analysis.entries.flatMap(e => e.objects).map(o => o.certificate!);
}

/** Every field as the reference decoder reads the same bytes (fingerprints aside: it makes them alike). */
async function asReference(info: CertificateInfo): Promise<void> {
  const { fingerprints: _a, ...decoded } = info;
  const { fingerprints: _b, ...reference } = await decodeCertificateAsn1(info.der);
  assert.deepEqual(decoded, reference);
}

describe('values certificates repeat are shared', () => {
  const bench = new Workbench();
  after(() => bench.dispose());
  const notBefore = new Date(Date.UTC(2026, 0, 1));
  const notAfter = new Date(notBefore.getTime() + days(365));
  const ca = bench.issue({ subject: '/CN=shared-values-ca', key: bench.newKey('rsa2048'), notBefore, notAfter: new Date(notBefore.getTime() + days(3650)), ext: { ca: true, keyUsage: ['keyCertSign', 'cRLSign'], ski: true } });
  const leaf = (cn: string) => bench.issue({ subject: `/CN=${cn}`, key: bench.newKey('p256'), issuer: ca, notBefore, notAfter, ext: { ...kubeadmLeafExt(['serverAuth', 'clientAuth'], [`DNS:${cn}`]), ski: true, aki: true } });
  const one = leaf('one.shared.test');
  const two = leaf('two.shared.test');

  it('two leaves of one CA share its name, its key id, the extensions it writes alike and their fields; SANs and key ids stay their own', async () => {
    const [caInfo, a, b] = await certificatesIn(`${ca.pem}${one.pem}${two.pem}`);
    assert.equal(a.issuer, caInfo.subject, 'the leaf names its issuer with the CA\'s own name object');
    assert.equal(b.issuer, a.issuer);
    assert.notEqual(a.subject, b.subject);
    assert.equal(a.extendedKeyUsage, b.extendedKeyUsage);
    assert.equal(a.keyUsage, b.keyUsage);
    assert.equal(a.signatureAlgorithm, b.signatureAlgorithm);
    assert.equal(a.notAfter, b.notAfter);
    const ext = (info: CertificateInfo, oidText: string) => info.extensions.find(e => e.oid === oidText);
    assert.equal(ext(a, '2.5.29.35'), ext(b, '2.5.29.35'), 'the AKI extension');
    assert.equal(ext(a, '2.5.29.37'), ext(b, '2.5.29.37'), 'the EKU extension');
    assert.notEqual(ext(a, '2.5.29.17'), ext(b, '2.5.29.17'), 'each SAN extension is the leaf\'s own');
    assert.notEqual(ext(a, '2.5.29.14'), ext(b, '2.5.29.14'), 'each SKI extension is the leaf\'s own');
    assert.equal(a.authorityKeyId, caInfo.subjectKeyId);
    assert.deepEqual(a.subjectAltNames, [{ type: 'DNS', value: 'one.shared.test' }]);
    assert.deepEqual(b.subjectAltNames, [{ type: 'DNS', value: 'two.shared.test' }]);
    for (const info of [caInfo, a, b]) {
      await asReference(info);
    }
  });

  it('a certificate read back from the persistent cache is the one this session decoded from the same bytes', async () => {
    const analysis = await analyzeText(two.pem, { fileName: 'two.crt' });
    const copy = readBack(deserialize(serialize({ a: analysis, s: [] }))).a;
    assert.equal(copy.entries[0].objects[0].certificate, analysis.entries[0].objects[0].certificate);
    assert.equal(copy.entries[0].objects[0].der, analysis.entries[0].objects[0].der);
  });

  it('one this session has not decoded shares what it repeats with the decoded ones', async () => {
    await certificatesIn(two.pem);
    // Decoded apart from any analysis, so the session's cache of decoded blocks never saw it.
    const three = leaf('three.shared.test');
    const unseen = await decodeCertificate(new Uint8Array(Buffer.from(three.pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')));
    const object = { kind: 'certificate', label: 'CERTIFICATE', range: { start: 0, end: 0 }, certificate: unseen, der: unseen.der };
    const restored = readBack(deserialize(serialize({ a: { entries: [{ objects: [object] }] }, s: [] }))).a.entries[0].objects[0].certificate!;
    const [decoded] = await certificatesIn(two.pem);
    assert.notEqual(restored, unseen, 'a copy, as the cache file gives it');
    assert.equal(restored.issuer, decoded.issuer);
    assert.equal(restored.extendedKeyUsage, decoded.extendedKeyUsage);
    assert.equal(restored.notBefore, decoded.notBefore);
    assert.deepEqual(restored, unseen);
    const again = readBack(deserialize(serialize({ a: { entries: [{ objects: [object] }] }, s: [] }))).a.entries[0].objects[0].certificate!;
    assert.equal(again, restored, 'read back again: the same object');
  });

  it('a public key\'s identity is a digest: a certificate and its private key match, two keys do not', async () => {
    const [a, b] = await certificatesIn(`${one.pem}${two.pem}`);
    const key = (await analyzeText(one.key.pkcs8, { fileName: 'one.key' })).entries[0].objects[0].privateKey!;
    assert.equal(key.publicKey?.id, a.publicKey.id);
    assert.notEqual(a.publicKey.id, b.publicKey.id);
    const [caInfo] = await certificatesIn(ca.pem);
    const caKey = (await analyzeText(ca.key.traditional(), { fileName: 'ca.key' })).entries[0].objects[0].privateKey!;
    assert.equal(caKey.publicKey?.id, caInfo.publicKey.id, 'RSA: the PKCS#1 key and the certificate agree');
    assert.ok(caInfo.publicKey.id.length < 80, `an RSA 2048 key's identity is short: ${caInfo.publicKey.id.length} characters`);
  });

  it('a certificate that repeats an extension keeps the fields it decoded, and does not lend them to others', async () => {
    const ekuExtension = (...purposes: string[]) => seq(oid('2.5.29.37'), tlv(0x04, seq(...purposes.map(oid))));
    const subject = name([['2.5.4.3', str(0x0c, 'repeated.shared.test')]]);
    const serverAndClient = ekuExtension('1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2');
    const repeated = signedCertificate({ subject, extensions: [serverAndClient, ekuExtension('1.3.6.1.5.5.7.3.1')] });
    const single = signedCertificate({ subject, extensions: [serverAndClient] });
    const first = await decodeCertificate(new Uint8Array(repeated));
    const second = await decodeCertificate(new Uint8Array(single));
    await asReference(first);
    await asReference(second);
    assert.deepEqual(second.extendedKeyUsage?.map(e => e.short), ['serverAuth', 'clientAuth']);
  });

  it('the table of shared values stays bounded while unique values pass through, and keeps the ones that repeat', () => {
    const limit = 64;
    const table = new Interned<object>(limit);
    const repeated = table.get('issuer', () => ({}));
    for (let i = 0; i < 20 * limit; i++) {
      const leaf = {};
      assert.equal(table.get(`leaf-${i}`, () => leaf), leaf, 'a value met once is the one made');
      // The issuer comes back with every few leaves, as in a workspace's certificates.
      if (i % 8 === 0) {
        assert.equal(table.get('issuer', () => ({})), repeated, `the repeated value is the first one made (after ${i} unique ones)`);
      }
      assert.ok(table.size <= limit, `at most ${limit} values kept (${table.size} after ${i + 1} unique ones)`);
    }
    // A value not met again while more than the limit of others passed is made again: the bound holds.
    const once = table.get('once', () => ({}));
    for (let i = 0; i < limit; i++) {
      table.get(`later-${i}`, () => ({}));
    }
    assert.notEqual(table.get('once', () => ({})), once);
  });
});

