// The inventory's links checked against material openssl made: issuers (confirmed by signature,
// with openssl verify as the oracle for what signed what), key pairs, kubeconfig trust, bundles,
// the signature cache, and near-linear cost on a large generated workspace.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { X509Certificate } from '@peculiar/x509';
import { analyzeBinary, analyzeText } from '../../src/core/analyze';
import { toArrayBuffer } from '../../src/core/x509/bytes';
import { CertificateInfo, decodeCertificate } from '../../src/core/x509/certificate';
import { runChecks } from '../../src/core/checks';
import { ITEMS_PER_LOOK } from '../../src/core/slices';
import { Inventory, InventoryInput, ResolvedPathCarrier, SignatureCache, buildInventory, verifySignature } from '../../src/core/inventory/inventory';
import { Issued, KeyAlg, Workbench, days, kubeadmCaExt, kubeadmLeafExt, minutes } from '../fixtures/ca';
import { generateBench } from '../fixtures/generate';
import { b64, kubeconfigYaml } from '../fixtures/kubeconfig';
import { name, oid, pemOf, seq, signedCertificate, str, tlv } from '../fixtures/der';
import { openssl, opensslBuffer, opensslStatus } from '../fixtures/openssl';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-inventory-'));
const bench = new Workbench();
after(() => {
  bench.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const now = Date.now();
const at = (ms: number) => new Date(now + ms);
const valid = { notBefore: at(-minutes(5)), notAfter: at(days(365)) };
type IssueExtra = Partial<Parameters<Workbench['issue']>[0]>;
const ca = (cn: string, alg: KeyAlg = 'p256', extra: IssueExtra = {}): Issued =>
  bench.issue({ subject: `/CN=${cn}`, key: bench.newKey(alg), ext: kubeadmCaExt(cn), notBefore: at(-minutes(5)), notAfter: at(days(3650)), ...extra });
// A serving leaf names a host, so san-missing has nothing to say on these linking cases.
const leaf = (cn: string, issuer: Issued, alg: KeyAlg = 'p256', extra: IssueExtra = {}): Issued =>
  bench.issue({ subject: `/CN=${cn}`, key: bench.newKey(alg), issuer, ext: kubeadmLeafExt(['serverAuth'], [`DNS:${cn}.test`]), ...valid, ...extra });

async function inventoryOf(files: Record<string, string>, options: { resolvedPaths?: ResolvedPathCarrier[]; signatureCache?: SignatureCache; linkIssuers?: boolean } = {}): Promise<Inventory> {
  const inputs: InventoryInput[] = [];
  for (const [rel, text] of Object.entries(files)) {
    inputs.push({ uri: `mem:/${rel}`, relativePath: rel, analysis: await analyzeText(text, { fileName: rel }) });
  }
  return buildInventory(inputs, options);
}

const certOf = (inv: Inventory, rel: string, i = 0) => {
  const node = inv.fileByUri.get(`mem:/${rel}`)?.certificates[i];
  assert.ok(node, `a certificate in ${rel}`);
  return node;
};

async function certInfo(pem: string): Promise<CertificateInfo> {
  return decodeCertificate(new Uint8Array(Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')));
}

/** openssl's own answer to "did this CA sign this certificate?" (signature only, no dates or purposes). */
function opensslSays(caPem: string, certPem: string): boolean {
  const caFile = bench.scratch('ca.pem', caPem);
  return opensslStatus(['verify', '-no-CApath', '-no-CAstore', '-no_check_time', '-partial_chain', '-CAfile', caFile], { input: certPem }).status === 0;
}

describe('issuer links', () => {
  it('one record per distinct certificate, every occurrence linked, the file preferred over carriers', async () => {
    const root = ca('kubernetes');
    const server = leaf('server', root);
    const kubeconfig = kubeconfigYaml({
      clusters: [{ name: 'k', server: 'https://k:6443', caData: b64(root.pem) }],
      users: [{ name: 'u', certData: b64(server.pem) }],
      contexts: [{ name: 'c', cluster: 'k', user: 'u' }], currentContext: 'c',
    });
    const inv = await inventoryOf({ 'z/config': kubeconfig, 'pki/ca.crt': root.pem, 'pki/server.crt': server.pem, 'pki/ca.key': root.key.traditional() });
    const record = inv.records.get(root.facts.sha256)!;
    assert.equal(record.occurrences.length, 2);
    assert.equal(record.preferred.file.relativePath, 'pki/ca.crt');
    assert.equal(record.issuerStatus, 'self-signed');
    assert.equal(record.hasKeyInWorkspace, true);
    const leafNode = certOf(inv, 'pki/server.crt');
    assert.equal(leafNode.record.issuerStatus, 'found');
    assert.equal(leafNode.record.issuer?.preferred.file.relativePath, 'pki/ca.crt');
    assert.equal(leafNode.record.signatureVerified, true);
    assert.equal(leafNode.record.hasKeyInWorkspace, false);
    assert.deepEqual(record.issued.map(r => r.fingerprint).sort(), [server.facts.sha256]);
    assert.equal(inv.nodeOf(leafNode.object), leafNode);
  });

  it('agrees with openssl verify on which CA signed which certificate', async () => {
    const a = ca('same-name');
    const b = ca('same-name'); // another key under the same name, as after a CA re-key
    const fromA = leaf('from-a', a);
    const fromB = leaf('from-b', b);
    const inv = await inventoryOf({ 'a.crt': a.pem, 'b.crt': b.pem, 'from-a.crt': fromA.pem, 'from-b.crt': fromB.pem });
    for (const [rel, pem] of [['from-a.crt', fromA.pem], ['from-b.crt', fromB.pem]] as const) {
      const node = certOf(inv, rel);
      const ours = node.record.issuers.map(r => r.preferred.file.relativePath);
      const theirs = [['a.crt', a.pem], ['b.crt', b.pem]].filter(([, caPem]) => opensslSays(caPem, pem)).map(([f]) => f);
      assert.deepEqual(ours, theirs, rel);
    }
  });

  it('a leaf whose CA was re-keyed under the same name is unknown, and says a CA of that name is here', async () => {
    const old = ca('rekeyed');
    const current = ca('rekeyed');
    const orphan = leaf('orphan', old);
    const inv = await inventoryOf({ 'ca.crt': current.pem, 'orphan.crt': orphan.pem });
    const node = certOf(inv, 'orphan.crt');
    assert.equal(node.record.issuerStatus, 'unknown');
    assert.deepEqual(node.record.sameNameOtherKey.map(r => r.fingerprint), [current.facts.sha256]);
    const finding = runChecks(inv).find(f => f.code === 'chain-unknown-issuer')!;
    assert.match(finding.message, /with another key/);
  });

  it('an issuer whose name the leaf spells in another string type and case is found by the key identifier, as openssl finds it', async () => {
    // Built byte by byte (test/fixtures/der.ts; both signed with the one P-256 key it holds): the CA's
    // subject a UTF8String "Fallback CA", the leaf's issuer a PrintableString "FALLBACK CA", the
    // leaf's authority key identifier the CA's subject key identifier. The names' DER differ, so only
    // the tables by key identifier lead to the CA; among the other certificates here, none names it.
    const keyId = Buffer.from('5a17c0de5a17c0de5a17c0de5a17c0de5a17c0de', 'hex');
    const caPem = pemOf('CERTIFICATE', signedCertificate({
      subject: name([['2.5.4.3', str(0x0c, 'Fallback CA')]]),
      extensions: [
        seq(oid('2.5.29.19'), tlv(0x01, [0xff]), tlv(0x04, seq(tlv(0x01, [0xff])))),
        seq(oid('2.5.29.14'), tlv(0x04, tlv(0x04, keyId))),
      ],
    }));
    const leafPem = pemOf('CERTIFICATE', signedCertificate({
      subject: name([['2.5.4.3', str(0x0c, 'fallback leaf')]]),
      issuer: name([['2.5.4.3', str(0x13, 'FALLBACK CA')]]),
      extensions: [seq(oid('2.5.29.35'), tlv(0x04, seq(tlv(0x80, keyId))))],
    }));
    assert.ok(opensslSays(caPem, leafPem), 'openssl verify finds the CA for the leaf');
    const other = ca('other root');
    const inv = await inventoryOf({ 'ca.crt': caPem, 'leaf.crt': leafPem, 'other.crt': other.pem, 'other-leaf.crt': leaf('other leaf', other).pem });
    const node = certOf(inv, 'leaf.crt');
    assert.equal(node.record.issuerStatus, 'found');
    assert.equal(node.record.issuer?.preferred.file.relativePath, 'ca.crt');
    assert.equal(node.record.signatureVerified, true);
    assert.equal(certOf(inv, 'other-leaf.crt').record.issuer?.preferred.file.relativePath, 'other.crt');
  });

  it('a CA renewed with its key and subject: both copies verify the leaf, the one in date is preferred', async () => {
    const key = bench.newKey('p256');
    const expired = bench.issue({ subject: '/CN=renewed', key, ext: kubeadmCaExt('renewed'), notBefore: at(-days(400)), notAfter: at(-days(1)) });
    const renewed = bench.issue({ subject: '/CN=renewed', key, ext: kubeadmCaExt('renewed'), notBefore: at(-minutes(5)), notAfter: at(days(3650)) });
    const child = leaf('child', expired);
    const inv = await inventoryOf({ 'old.crt': expired.pem, 'new.crt': renewed.pem, 'child.crt': child.pem });
    const node = certOf(inv, 'child.crt');
    assert.equal(node.record.issuers.length, 2);
    assert.equal(node.record.issuer?.preferred.file.relativePath, 'new.crt');
    assert.deepEqual(runChecks(inv).map(f => f.code), ['cert-expired'], 'only the old copy is reported; the leaf still verifies');
  });

  it('bundles: a chain file and a CA bundle carrier', async () => {
    const root = ca('root');
    const inter = bench.issue({ subject: '/CN=inter', key: bench.newKey('p256'), issuer: root, ext: { ...kubeadmCaExt('inter'), aki: true }, ...valid });
    const server = leaf('server', inter);
    const secret = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: s', 'data:', `  ca.crt: ${b64(inter.pem + root.pem)}`, ''].join('\n');
    const inv = await inventoryOf({ 'chain.pem': server.pem + inter.pem, 'secret.yaml': secret, 'root.crt': root.pem });
    assert.equal(inv.bundles.length, 2);
    const chain = inv.bundles.find(b => !b.carrier)!;
    assert.deepEqual(chain.certificates.map(c => c.certificate.subject.commonName), ['server', 'inter']);
    assert.equal(chain.certificates[1].where, 'chain.pem (certificate 2 of 2)');
    const carried = inv.bundles.find(b => b.carrier)!;
    assert.equal(carried.carrier?.path, 'data.ca.crt');
    assert.equal(certOf(inv, 'chain.pem').record.issuer?.preferred.record.fingerprint, inter.facts.sha256);
    assert.equal(certOf(inv, 'chain.pem', 1).record.issuer?.preferred.file.relativePath, 'root.crt');
    assert.deepEqual(runChecks(inv), []);
  });

  it('lists with nothing in them are the one frozen empty list; a list that gets an item is its own', async () => {
    const root = ca('shared-empty-root');
    const first = leaf('first', root);
    const second = leaf('second', root);
    const inv = await inventoryOf({ 'root.crt': root.pem, 'first.crt': first.pem, 'second.crt': second.pem });
    const [a, b, r] = [certOf(inv, 'first.crt').record, certOf(inv, 'second.crt').record, certOf(inv, 'root.crt').record];
    assert.equal(a.issued, b.issued, 'two leaves that issued nothing share one list');
    assert.equal(a.issued.length, 0);
    assert.ok(Object.isFrozen(a.issued), 'a write to the shared list throws rather than lands in every record');
    assert.equal(a.badSignatureIssuers, b.sameNameOtherKey);
    assert.deepEqual(r.issued.map(x => x.certificate.subject.commonName).sort(), ['first', 'second']);
    assert.ok(!Object.isFrozen(r.issued), 'the root\'s list of what it issued is its own');
    assert.deepEqual(a.issuers.map(x => x.fingerprint), [r.fingerprint]);
    assert.equal(inv.fileByUri.get('mem:/first.crt')!.privateKeys, inv.fileByUri.get('mem:/second.crt')!.requests);
  });
});

describe('files by what a few rules judge', () => {
  it('lists, in file order, exactly the files with an undecodable entry or object, a keystore, a CRL', async () => {
    const root = ca('lists-ca', 'p256', { ext: { ...kubeadmCaExt('lists-ca'), keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'] } });
    const one = leaf('lists-leaf', root);
    // A CRL as `openssl ca -gencrl` makes one, from a database of its own.
    const db = bench.scratch('crl-index.txt', '');
    const cnf = bench.scratch('crl.cnf', ['[ ca ]', 'default_ca = c', '[ c ]', `database = ${db}`, 'default_md = sha256', ''].join('\n'));
    const crl = openssl(['ca', '-gencrl', '-batch', '-config', cnf, '-cert', root.file, '-keyfile', root.key.file, '-crldays', '1']);
    const p12 = opensslBuffer(['pkcs12', '-export', '-in', one.file, '-inkey', one.key.file, '-passout', 'pass:secret']);
    const truncated = one.pem.slice(0, one.pem.length - 120) + '\n-----END CERTIFICATE-----\n';
    const texts: Record<string, string> = {
      'a/ca.crt': root.pem,
      'b/revoked.crl': crl,
      'c/broken.crt': truncated,
      'd/kubeconfig': ['apiVersion: v1', 'kind: Config', 'clusters:', '- cluster:', "    certificate-authority-data: 'not base64 at all!'", '    server: https://127.0.0.1:6443', '  name: c', ''].join('\n'),
      'e/leaf.crt': one.pem,
      'f/ca-and-crl.pem': root.pem + crl,
    };
    const inputs: InventoryInput[] = [];
    for (const [rel, text] of Object.entries(texts)) {
      inputs.push({ uri: `mem:/${rel}`, relativePath: rel, analysis: await analyzeText(text, { fileName: rel }) });
    }
    inputs.splice(3, 0, { uri: 'mem:/g/store.p12', relativePath: 'g/store.p12', analysis: await analyzeBinary(new Uint8Array(p12)) });
    const inventory = await buildInventory(inputs);
    const names = (files: readonly { relativePath: string }[]) => files.map(f => f.relativePath);
    // What each rule visited before: every file, filtered by what it looks for.
    const every = inventory.files;
    assert.deepEqual(names(inventory.filesWith.errors), names(every.filter(f => f.analysis.entries.some(e => e.error || e.objects.some(o => o.error)))));
    assert.deepEqual(names(inventory.filesWith.keystores), names(every.filter(f => f.analysis.entries.some(e => e.keystore))));
    assert.deepEqual(names(inventory.filesWith.crls), names(every.filter(f => f.analysis.entries.some(e => e.objects.some(o => o.crl)))));
    // And what the material is: judged by openssl's making, not only by the filters above.
    assert.deepEqual(names(inventory.filesWith.errors), ['c/broken.crt', 'd/kubeconfig']);
    assert.deepEqual(names(inventory.filesWith.keystores), ['g/store.p12']);
    assert.deepEqual(names(inventory.filesWith.crls), ['b/revoked.crl', 'f/ca-and-crl.pem']);
    const codes = runChecks(inventory, { now: new Date() }, () => undefined).map(f => `${f.code} ${f.uri}`);
    assert.ok(codes.includes('decode-error mem:/c/broken.crt') && codes.includes('decode-error mem:/d/kubeconfig'), codes.join('\n'));
    assert.ok(codes.includes('keystore-locked mem:/g/store.p12'), codes.join('\n'));
  });
});

describe('signature verification', () => {
  const cases: [string, () => { ca: string; cert: string }][] = [
    ['RSA sha256', () => { const r = ca('rsa', 'rsa2048'); return { ca: r.pem, cert: leaf('l', r).pem }; }],
    ['RSA sha1', () => { const r = ca('rsa1', 'rsa2048'); return { ca: r.pem, cert: leaf('l', r, 'p256', { md: 'sha1' }).pem }; }],
    ['ECDSA P-256', () => { const r = ca('p256'); return { ca: r.pem, cert: leaf('l', r, 'rsa2048').pem }; }],
    ['ECDSA P-384 sha384', () => { const r = ca('p384', 'p384'); return { ca: r.pem, cert: leaf('l', r, 'p256', { md: 'sha384' }).pem }; }],
    ['ECDSA P-521 sha512', () => { const r = ca('p521', 'p521'); return { ca: r.pem, cert: leaf('l', r, 'p256', { md: 'sha512' }).pem }; }],
    ['Ed25519', () => { const r = ca('ed', 'ed25519'); return { ca: r.pem, cert: leaf('l', r).pem }; }],
    ['RSA-PSS', () => {
      const dir = fs.mkdtempSync(path.join(tmp, 'pss-'));
      openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k'), '-out', path.join(dir, 'c'), '-subj', '/CN=pss',
        '-days', '2', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32']);
      const pem = fs.readFileSync(path.join(dir, 'c'), 'utf8');
      return { ca: pem, cert: pem };
    }],
  ];
  for (const [name, make] of cases) {
    it(`${name}: valid as @peculiar/x509 and openssl say, invalid once altered`, async () => {
      const { ca: caPem, cert: certPem } = make();
      const [issuer, cert] = [await certInfo(caPem), await certInfo(certPem)];
      const cache = new SignatureCache();
      assert.equal(await verifySignature(cert, issuer, cache), 'valid');
      assert.equal(await new X509Certificate(toArrayBuffer(cert.der)).verify({ publicKey: toArrayBuffer(issuer.publicKey.spki), signatureOnly: true }), true);
      assert.ok(opensslSays(caPem, certPem));
      const der = cert.der.slice();
      der[der.length - 3] ^= 0x04;
      const altered = await decodeCertificate(der);
      assert.equal(await verifySignature(altered, issuer, cache), 'invalid');
      assert.equal(await new X509Certificate(toArrayBuffer(der)).verify({ publicKey: toArrayBuffer(issuer.publicKey.spki), signatureOnly: true }), false);
    });
  }

  it('MD5 cannot be checked here: the issuer is accepted on names, marked unverified, and weak-signature reported', async () => {
    const root = ca('md5-root', 'rsa2048');
    const md5 = leaf('md5', root, 'p256', { md: 'md5' });
    const inv = await inventoryOf({ 'root.crt': root.pem, 'md5.crt': md5.pem });
    const node = certOf(inv, 'md5.crt');
    assert.equal(node.record.issuerStatus, 'found');
    assert.equal(node.record.signatureVerified, false);
    assert.deepEqual(runChecks(inv).map(f => f.code), ['weak-signature']);
  });

  it('linkIssuers: false verifies no signature and links no issuer (the early findings\' inventory); the default does both', async () => {
    const root = ca('unlinked-root');
    const files = { 'root.crt': root.pem, 'leaf.crt': leaf('unlinked', root).pem };
    const cache = new SignatureCache();
    const unlinked = await inventoryOf(files, { signatureCache: cache, linkIssuers: false });
    assert.equal(unlinked.stats.verified, 0);
    assert.equal(cache.size, 0);
    assert.equal(certOf(unlinked, 'leaf.crt').record.issuerStatus, 'unknown');
    assert.equal(certOf(unlinked, 'leaf.crt').record.issuer?.preferred, undefined);
    const linked = await inventoryOf(files, { signatureCache: cache });
    assert.equal(linked.stats.verified, 2, 'the leaf by the root, the root by itself');
    assert.equal(cache.size, 2);
    assert.equal(certOf(linked, 'leaf.crt').record.issuerStatus, 'found');
    assert.equal(certOf(linked, 'leaf.crt').record.issuer?.preferred, certOf(linked, 'root.crt'));
  });

  it('verdicts leave and come back as certificate|issuer pairs, counted once each', async () => {
    const root = ca('pairs');
    const [a, b] = [leaf('pa', root), leaf('pb', root)];
    const [rootInfo, aInfo, bInfo] = await Promise.all([root.pem, a.pem, b.pem].map(certInfo));
    const cache = new SignatureCache();
    assert.equal(await verifySignature(aInfo, rootInfo, cache), 'valid');
    assert.equal(await verifySignature(bInfo, rootInfo, cache), 'valid');
    assert.equal(await verifySignature(bInfo, aInfo, cache), 'invalid');
    cache.setByKey('csr|00ff', 'valid');
    cache.set(bInfo, aInfo, 'invalid'); // the same pair again: still one entry
    assert.equal(cache.size, 4);
    const exported = cache.export(10);
    assert.deepEqual(new Set(exported.map(([key]) => key)), new Set([
      `${aInfo.fingerprints.sha256}|${rootInfo.fingerprints.sha256}`, `${bInfo.fingerprints.sha256}|${rootInfo.fingerprints.sha256}`,
      `${bInfo.fingerprints.sha256}|${aInfo.fingerprints.sha256}`, 'csr|00ff',
    ]));
    assert.equal(cache.export(2).length, 2);
    const next = new SignatureCache();
    next.import(exported);
    assert.equal(next.size, 4);
    assert.equal(next.get(aInfo, rootInfo), 'valid');
    assert.equal(next.get(bInfo, aInfo), 'invalid');
    assert.equal(next.get(rootInfo, aInfo), undefined);
    assert.equal(next.getByKey('csr|00ff'), 'valid');
    const small = new SignatureCache(2);
    small.import(exported);
    assert.ok(small.size <= 2, 'bounded');
  });

  it('a rebuild answers from the cache', async () => {
    const root = ca('cached');
    const files = { 'ca.crt': root.pem, 'a.crt': leaf('a', root).pem, 'b.crt': leaf('b', root).pem };
    const cache = new SignatureCache();
    const first = await inventoryOf(files, { signatureCache: cache });
    assert.equal(first.stats.verified, 3);
    const second = await inventoryOf(files, { signatureCache: cache });
    assert.equal(second.stats.verified, 0);
    assert.equal(second.stats.cached, 3);
  });
});

describe('key pairs by location', () => {
  it('names each pairing: combined file, same name, cfssl, kubeconfig user, Secret, key-pair files', async () => {
    const root = ca('root');
    const [combined, crt, cfssl, user, tls] = ['combined', 'crt', 'cfssl', 'user', 'tls'].map(n => leaf(n, root));
    const sa = bench.newKey('rsa2048');
    const kubeconfig = kubeconfigYaml({
      clusters: [{ name: 'k', server: 'https://k:6443', caData: b64(root.pem) }],
      users: [{ name: 'u', certData: b64(user.pem), keyData: b64(user.key.traditional()) }],
      contexts: [{ name: 'c', cluster: 'k', user: 'u' }], currentContext: 'c',
    });
    const secret = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: s', 'type: kubernetes.io/tls', 'data:', `  tls.crt: ${b64(tls.pem)}`, `  tls.key: ${b64(tls.key.pkcs8)}`, ''].join('\n');
    const inv = await inventoryOf({
      'ca.crt': root.pem,
      'combined.pem': combined.pem + combined.key.traditional(),
      'crt.crt': crt.pem, 'crt.key': crt.key.traditional(),
      'cfssl.pem': cfssl.pem, 'cfssl-key.pem': cfssl.key.pkcs8,
      'admin.kubeconfig': kubeconfig,
      'secret.yaml': secret,
      'sa.key': sa.traditional(), 'sa.pub': sa.publicPem(),
    });
    const reasons = Object.fromEntries(inv.pairings.map(p => [p.key.file.relativePath, [p.reason, p.matches]]));
    assert.deepEqual(reasons, {
      'combined.pem': ['combined-file', true],
      'crt.key': ['same-name', true],
      'cfssl-key.pem': ['same-name', true],
      'admin.kubeconfig': ['kubeconfig-user', true],
      'secret.yaml': ['secret', true],
      'sa.key': ['key-pair-files', true],
    });
    assert.equal(inv.records.get(root.facts.sha256)!.hasKeyInWorkspace, false, 'no ca.key');
    for (const issued of [combined, crt, cfssl, user, tls]) {
      assert.equal(inv.records.get(issued.facts.sha256)!.hasKeyInWorkspace, true);
    }
  });

  it('an encrypted key beside a CA counts as the key being present (it cannot be matched)', async () => {
    const root = ca('root');
    const encrypted = openssl(['pkey', '-aes256', '-passout', 'pass:secret'], { input: root.key.pkcs8 });
    const inv = await inventoryOf({ 'ca.crt': root.pem, 'ca.key': encrypted });
    assert.equal(inv.pairings[0].matches, undefined);
    assert.equal(inv.records.get(root.facts.sha256)!.hasKeyInWorkspace, true);
    assert.deepEqual(runChecks(inv), []);
  });
});

describe('kubeconfigs', () => {
  it('resolves path carriers to the files they name, and judges the client certificate against the cluster CA', async () => {
    const root = ca('kubernetes');
    const other = ca('other');
    // Client certificates (clientAuth), as kubeconfig users carry them.
    const admin = leaf('admin', root, 'p256', { ext: kubeadmLeafExt(['clientAuth']) });
    const stranger = leaf('stranger', other, 'p256', { ext: kubeadmLeafExt(['clientAuth']) });
    const text = kubeconfigYaml({
      clusters: [{ name: 'k', server: 'https://k:6443', caPath: 'pki/ca.crt' }],
      users: [{ name: 'admin', certPath: 'pki/admin.crt', keyPath: 'pki/admin.key' }, { name: 'stranger', certPath: 'pki/stranger.crt' }],
      contexts: [{ name: 'a', cluster: 'k', user: 'admin' }, { name: 's', cluster: 'k', user: 'stranger' }], currentContext: 'a',
    });
    const resolvedPaths: ResolvedPathCarrier[] = [
      { uri: 'mem:/kubeconfig', carrierPath: 'clusters[0].cluster.certificate-authority', targetUri: 'mem:/pki/ca.crt' },
      { uri: 'mem:/kubeconfig', carrierPath: 'users[0].user.client-certificate', targetUri: 'mem:/pki/admin.crt' },
      { uri: 'mem:/kubeconfig', carrierPath: 'users[0].user.client-key', targetUri: 'mem:/pki/admin.key' },
      { uri: 'mem:/kubeconfig', carrierPath: 'users[1].user.client-certificate', targetUri: 'mem:/pki/stranger.crt' },
    ];
    const inv = await inventoryOf({
      kubeconfig: text, 'pki/ca.crt': root.pem, 'pki/admin.crt': admin.pem, 'pki/admin.key': admin.key.traditional(),
      'pki/stranger.crt': stranger.pem, 'other.crt': other.pem,
    }, { resolvedPaths });
    const [adminUser, strangerUser] = inv.kubeconfigs[0].users;
    assert.equal(inv.kubeconfigs[0].clusters[0].caCertificates[0].file.relativePath, 'pki/ca.crt');
    assert.equal(adminUser.certificates[0].file.relativePath, 'pki/admin.crt');
    assert.equal(adminUser.keys[0].file.relativePath, 'pki/admin.key');
    assert.deepEqual(adminUser.caVerdicts.map(v => v.signed), [true]);
    assert.deepEqual(strangerUser.caVerdicts.map(v => v.signed), [false]);
    const findings = runChecks(inv);
    assert.deepEqual(findings.map(f => f.code), ['kubeconfig-ca-mismatch']);
    const f = findings[0];
    assert.equal(f.uri, 'mem:/kubeconfig', 'on the kubeconfig, where the user names the file');
    const carrier = inv.fileByUri.get('mem:/kubeconfig')!.analysis.entries.find(e => e.carrier?.path === 'users[1].user.client-certificate')!;
    assert.deepEqual(f.range, carrier.carrier!.valueRange);
  });

  it('finds the file a path reference names among many in steps, with turns along them', async () => {
    // Linking once mapped every file by URI in one piece for the first reference: 65–79 ms of the
    // host at 110,000 files, at every relink. The target is now looked for along the files, asking
    // the pause as every pass over all files does.
    const root = ca('steps root');
    const client = leaf('steps client', root, 'p256', { ext: kubeadmLeafExt(['clientAuth']) });
    const text = kubeconfigYaml({
      clusters: [{ name: 'k', server: 'https://k:6443', caPath: 'pki/ca.crt' }],
      users: [{ name: 'u', certPath: 'pki/client.crt' }],
      contexts: [{ name: 'c', cluster: 'k', user: 'u' }], currentContext: 'c',
    });
    const inputs: InventoryInput[] = [{ uri: 'mem:/kubeconfig', relativePath: 'kubeconfig', analysis: await analyzeText(text, { fileName: 'kubeconfig' }) }];
    const unrelated = await analyzeText(ca('steps other').pem, { fileName: 'other.crt' });
    for (let i = 0; i < 400; i++) {
      inputs.push({ uri: `mem:/other/${i}.crt`, relativePath: `other/${i}.crt`, analysis: unrelated });
    }
    inputs.push({ uri: 'mem:/pki/ca.crt', relativePath: 'pki/ca.crt', analysis: await analyzeText(root.pem, { fileName: 'ca.crt' }) });
    inputs.push({ uri: 'mem:/pki/client.crt', relativePath: 'pki/client.crt', analysis: await analyzeText(client.pem, { fileName: 'client.crt' }) });
    const resolvedPaths: ResolvedPathCarrier[] = [
      { uri: 'mem:/kubeconfig', carrierPath: 'clusters[0].cluster.certificate-authority', targetUri: 'mem:/pki/ca.crt' },
      { uri: 'mem:/kubeconfig', carrierPath: 'users[0].user.client-certificate', targetUri: 'mem:/pki/client.crt' },
    ];
    const steps: string[] = [];
    const inv = await buildInventory(inputs, { resolvedPaths }, step => {
      steps.push(step ?? '');
      return undefined;
    });
    const [cluster] = inv.kubeconfigs[0].clusters;
    const [user] = inv.kubeconfigs[0].users;
    assert.equal(cluster.caCertificates[0]?.file.relativePath, 'pki/ca.crt');
    assert.equal(user.certificates[0]?.file.relativePath, 'pki/client.crt');
    assert.deepEqual(user.caVerdicts.map(v => v.signed), [true]);
    const asked = steps.filter(s => s === 'path targets').length;
    assert.ok(asked >= Math.floor(inputs.length / ITEMS_PER_LOOK), `the pause asked along the ${inputs.length} files while looking for the targets (${asked} times)`);
  });
});

describe('scale', () => {
  it('a relink awaits only the turns its pause hands out, not one a file', async () => {
    // A relink runs after every change of material; each await of nothing still suspends it and
    // resumes it from the microtask queue. Counted by a microtask that re-queues itself: it runs
    // once for each time the relink let the queue move.
    const root = ca('turns root');
    const one = leaf('turns', root);
    const inputs: InventoryInput[] = [{ uri: 'mem:/ca.crt', relativePath: 'ca.crt', analysis: await analyzeText(root.pem, { fileName: 'ca.crt' }) }];
    const copy = await analyzeText(one.pem, { fileName: 'leaf.crt' });
    for (let i = 0; i < 400; i++) {
      inputs.push({ uri: `mem:/copies/leaf-${i}.crt`, relativePath: `copies/leaf-${i}.crt`, analysis: copy });
    }
    const cache = new SignatureCache();
    await buildInventory(inputs, { signatureCache: cache }); // the verdicts, as a first build leaves them
    let asked = 0;
    const pause = () => {
      asked++;
      return undefined; // the slice always has room
    };
    let turns = 0;
    let done = false;
    const count = () => {
      if (!done) {
        turns++;
        queueMicrotask(count);
      }
    };
    queueMicrotask(count);
    const relinked = await buildInventory(inputs, { signatureCache: cache }, pause);
    done = true;
    assert.equal(relinked.stats.verified, 0, 'every verdict from the cache: nothing waits for the thread pool');
    assert.equal(relinked.certificates.length, 401);
    // Along each pass over them, every ITEMS_PER_LOOK-th item (core/slices.ts pauseEvery), not at every item.
    assert.ok(asked >= 3 * Math.floor(401 / ITEMS_PER_LOOK), `the pause was asked along each pass over the files (${asked} times)`);
    assert.ok(asked < 401, `the pause was asked ${asked} times: about once an item (401 files), where a look every ${ITEMS_PER_LOOK} was meant`);
    assert.ok(turns < 100, `${turns} microtask turns for a relink of 401 files`);
  });

  it('links a generated workspace of thousands of certificates in near-linear time', async () => {
    const certificates = Number(process.env.PKI_LENS_INVENTORY_SCALE ?? 2000);
    const manifest = await generateBench(path.join(tmp, 'bench'), { certificates, kubeconfigs: Math.round(certificates / 10), unrelated: 0 });
    const inputs: InventoryInput[] = [];
    const walk = async (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const abs = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          await walk(abs);
        } else {
          const rel = path.relative(manifest.root, abs).split(path.sep).join('/');
          const analysis = rel.endsWith('.der') ? await analyzeBinary(new Uint8Array(fs.readFileSync(abs))) : await analyzeText(fs.readFileSync(abs, 'utf8'), { fileName: rel });
          inputs.push({ uri: rel, relativePath: rel, analysis });
        }
      }
    };
    await walk(manifest.root);
    const cache = new SignatureCache();
    const t0 = performance.now();
    const inv = await buildInventory(inputs, { signatureCache: cache });
    const built = performance.now() - t0;
    const t1 = performance.now();
    const findings = runChecks(inv);
    const checked = performance.now() - t1;
    const t2 = performance.now();
    const again = await buildInventory(inputs, { signatureCache: cache });
    const rebuilt = performance.now() - t2;
    const distinct = inv.records.size;
    console.log(`# ${inv.certificates.length} certificate occurrences (${distinct} distinct), ${inv.kubeconfigs.length} kubeconfigs: build ${built.toFixed(0)} ms (${inv.stats.verified} signatures), checks ${checked.toFixed(0)} ms, rebuild ${rebuilt.toFixed(0)} ms (${again.stats.cached} cached)`);
    assert.ok(distinct >= certificates, 'every generated certificate is a record');
    for (const node of inv.certificates) {
      assert.ok(node.record.issuerStatus === 'found' || node.record.issuerStatus === 'self-signed', `${node.where}: ${node.record.issuerStatus}`);
    }
    assert.equal(findings.filter(f => !['cert-expired', 'cert-expiring'].includes(f.code)).length, 0, findings.filter(f => !f.code.startsWith('cert-')).slice(0, 3).map(f => f.message).join('\n'));
    assert.equal(again.stats.verified, 0);
    // Linear, not quadratic, by count rather than by clock (timings belong to `npm run bench`): every
    // distinct certificate costs at most a couple of signature checks, never one per candidate in the set.
    assert.ok(inv.stats.verified <= distinct * 2, `${inv.stats.verified} signature checks for ${distinct} certificates`);
  });
});
