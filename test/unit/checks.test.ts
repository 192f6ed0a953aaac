// The rules graded against trees openssl made: on the seeded kubeadm tree exactly the manifest's
// findings (code, file, carrier or block, related material), on the healthy tree none; then each
// rule on a small openssl-made case of its own.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeBinary, analyzeText } from '../../src/core/analyze';
import { CHECK_CODES, Finding, runChecks } from '../../src/core/checks';
import { Inventory, InventoryInput, buildInventory } from '../../src/core/inventory/inventory';
import { findPemBlocks } from '../../src/core/x509/pem';
import { Issued, KeyAlg, Workbench, days, kubeadmCaExt, kubeadmLeafExt, minutes } from '../fixtures/ca';
import { pemOf } from '../fixtures/der';
import { Manifest, SeededProblem, generateKubeadm } from '../fixtures/generate';
import { b64, kubeadmKubeconfig, kubeconfigYaml } from '../fixtures/kubeconfig';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-checks-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Tree {
  inventory: Inventory;
  texts: Map<string, string>;
  inputs: InventoryInput[];
}

/** Every regular file of a tree, analysed as the workspace would (a symlink and its target count once). */
async function loadTree(root: string): Promise<Tree> {
  const inputs: InventoryInput[] = [];
  const texts = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(abs);
      } else if (entry.isFile()) {
        const rel = path.relative(root, abs).split(path.sep).join('/');
        const bytes = fs.readFileSync(abs);
        let analysis;
        if (/\.der$/.test(rel)) {
          analysis = await analyzeBinary(new Uint8Array(bytes));
        } else {
          const text = bytes.toString('utf8');
          texts.set(rel, text);
          analysis = await analyzeText(text, { fileName: abs });
        }
        inputs.push({ uri: `file://${abs}`, relativePath: rel, analysis });
      }
    }
  };
  await walk(root);
  return { inventory: await buildInventory(inputs), texts, inputs };
}

async function inventoryOf(files: Record<string, string>): Promise<Inventory> {
  const inputs: InventoryInput[] = [];
  for (const [rel, text] of Object.entries(files)) {
    inputs.push({ uri: `mem:/${rel}`, relativePath: rel, analysis: await analyzeText(text, { fileName: rel }) });
  }
  return buildInventory(inputs);
}

function fileOf(inventory: Inventory, uri: string): string {
  const file = inventory.fileByUri.get(uri);
  assert.ok(file, `finding points at a known file: ${uri}`);
  return file.relativePath;
}

/** A finding in the manifest's terms: code, file, carrier path, PEM block index of multi-block files. */
function asManifest(f: Finding, tree: Tree): SeededProblem {
  const file = tree.inventory.fileByUri.get(f.uri)!;
  const out: SeededProblem = { problem: '', code: f.code as SeededProblem['code'], file: file.relativePath };
  const entry = file.analysis.entries.find(e => e.carrier && e.range.start <= f.range.start && f.range.end <= e.range.end);
  if (entry?.carrier) {
    out.carrier = entry.carrier.path;
  } else {
    const blocks = findPemBlocks(tree.texts.get(file.relativePath) ?? '');
    const index = blocks.findIndex(b => b.range.start <= f.range.start && f.range.end <= b.range.end);
    assert.ok(index >= 0 || blocks.length === 0, `${f.code} in ${file.relativePath}: range ${f.range.start}-${f.range.end} inside a PEM block`);
    if (blocks.length > 1) {
      out.blockIndex = index;
    }
  }
  return out;
}

const key = (p: Pick<SeededProblem, 'code' | 'file' | 'carrier' | 'blockIndex'>) => `${p.code} ${p.file}${p.carrier ? `#${p.carrier}` : ''}${p.blockIndex !== undefined ? `#${p.blockIndex}` : ''}`;

/** `pki/ca.crt` or `admin.conf#clusters[0]…` (MaterialRef) → does a related location point there? */
function relatedMatches(f: Finding, ref: string, tree: Tree): boolean {
  const [file, carrier] = ref.split('#');
  return f.related.some(r => {
    const target = tree.inventory.fileByUri.get(r.uri);
    if (!target || target.relativePath !== file) {
      return false;
    }
    if (!carrier) {
      return true;
    }
    const entry = target.analysis.entries.find(e => e.carrier?.path === carrier);
    return !!entry && entry.range.start <= r.range.start && r.range.end <= entry.range.end;
  });
}

describe('checks on the kubeadm trees', () => {
  let seeded: Manifest;
  let healthy: Manifest;
  let seededTree: Tree;
  let healthyTree: Tree;
  let seededFindings: Finding[];

  before(async () => {
    seeded = generateKubeadm(path.join(tmp, 'kubeadm'), { seeded: true });
    healthy = generateKubeadm(path.join(tmp, 'kubeadm-healthy'), { seeded: false });
    seededTree = await loadTree(seeded.root);
    healthyTree = await loadTree(healthy.root);
    seededFindings = runChecks(seededTree.inventory);
  });

  it('reports exactly the seeded problems: code, file, carrier', () => {
    const ours = seededFindings.map(f => key(asManifest(f, seededTree))).sort();
    const expected = seeded.seeded.map(key).sort();
    assert.deepEqual(ours, expected, `findings:\n${seededFindings.map(f => `  ${f.code} ${fileOf(seededTree.inventory, f.uri)}: ${f.message}`).join('\n')}`);
  });

  it('points each seeded finding at the material the manifest relates it to', () => {
    for (const problem of seeded.seeded.filter(p => p.related?.length)) {
      const f = seededFindings.find(x => key(asManifest(x, seededTree)) === key(problem));
      assert.ok(f, key(problem));
      for (const ref of problem.related!) {
        assert.ok(relatedMatches(f, ref, seededTree), `${key(problem)} relates to ${ref}; has ${JSON.stringify(f.related.map(r => [fileOf(seededTree.inventory, r.uri), r.message]))}`);
      }
    }
  });

  it('places file findings on the PEM block and carrier findings on the value', () => {
    for (const f of seededFindings) {
      const file = seededTree.inventory.fileByUri.get(f.uri)!;
      const text = seededTree.texts.get(file.relativePath)!;
      const m = asManifest(f, seededTree);
      if (m.carrier) {
        const entry = file.analysis.entries.find(e => e.carrier?.path === m.carrier)!;
        assert.ok(f.range.start >= entry.carrier!.valueRange.start && f.range.end <= entry.carrier!.valueRange.end, `${key(m)} inside the value`);
      } else {
        const block = findPemBlocks(text)[m.blockIndex ?? 0];
        assert.deepEqual(f.range, block.range, `${key(m)} covers the PEM block`);
      }
    }
  });

  it('says it in the words operators know', () => {
    const by = (code: string) => seededFindings.filter(f => f.code === code);
    for (const f of [...by('cert-expired'), ...by('cert-not-yet-valid')]) {
      assert.match(f.message, /x509: certificate has expired or is not yet valid/);
    }
    assert.match(by('cert-expired').find(f => f.message.includes('kube-apiserver-kubelet-client'))!.message, /expired on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(3 days ago\)/);
    const expiring = by('cert-expiring')[0];
    assert.equal(expiring.severity, 'warning', 'ten days left is outside the 7-day error window');
    assert.match(expiring.message, /expires on .* \(in 10 days;/);
    assert.match(by('cert-not-yet-valid')[0].message, /another 2 days/);
    assert.match(by('kubeconfig-ca-mismatch')[0].message, /x509: certificate signed by unknown authority/);
    assert.match(by('kubeconfig-ca-mismatch')[0].message, /CN=other-ca/);
    assert.equal(by('chain-unknown-issuer')[0].severity, 'warning', 'other-ca is a private CA');
    assert.match(by('key-mismatch')[0].message, /tls: private key does not match public key/);
    assert.match(by('profile-eku')[0].message, /serverAuth/);
    assert.match(by('profile-eku')[0].message, /incompatible key usage/);
    assert.match(by('profile-subject')[0].message, /O=wrong-group, not O=system:nodes/);
    assert.match(by('chain-issuer-expired')[0].message, /legacy-ca/);
    assert.match(by('decode-error')[0].message, /users\[0\]\.user\.client-certificate-data/);
  });

  it('every finding has a code listed in CHECK_CODES and a non-empty message', () => {
    for (const f of seededFindings) {
      assert.ok(CHECK_CODES[f.code], f.code);
      assert.ok(f.message.length > 20, f.message);
    }
  });

  it('reports nothing on the healthy tree', () => {
    const findings = runChecks(healthyTree.inventory);
    assert.deepEqual(findings.map(f => `${f.code} ${fileOf(healthyTree.inventory, f.uri)}: ${f.message}`), []);
  });

  it('links the healthy tree completely', () => {
    const inv = healthyTree.inventory;
    for (const c of inv.certificates) {
      assert.ok(c.record.issuerStatus === 'found' || c.record.issuerStatus === 'self-signed', `${c.where}: ${c.record.issuerStatus}`);
    }
    assert.equal(inv.pairings.filter(p => p.matches === false).length, 0);
    const sa = inv.pairings.find(p => p.key.file.relativePath === 'pki/sa.key');
    assert.equal(sa?.reason, 'key-pair-files');
    assert.equal(sa?.matches, true);
    const kubelet = inv.pairings.find(p => p.key.file.relativePath.startsWith('kubelet/pki/'));
    assert.equal(kubelet?.reason, 'combined-file');
  });

  it('disabled codes are not reported', () => {
    const findings = runChecks(seededTree.inventory, { disabled: ['cert-expired', 'decode-error'] });
    assert.equal(findings.filter(f => f.code === 'cert-expired' || f.code === 'decode-error').length, 0);
    assert.equal(findings.length, seeded.seeded.length - seeded.seeded.filter(p => p.code === 'cert-expired' || p.code === 'decode-error').length);
  });

  it('turns cert-expiring into an error within errorDays', () => {
    const findings = runChecks(seededTree.inventory, { thresholds: { errorDays: 14 } });
    assert.equal(findings.find(f => f.code === 'cert-expiring')?.severity, 'error');
  });
});

// ------------------------------------------------------------------ one rule at a time

describe('rules on small openssl-made cases', () => {
  const bench = new Workbench();
  after(() => bench.dispose());
  const now = Date.now();
  const at = (ms: number) => new Date(now + ms);
  const valid = { notBefore: at(-minutes(5)), notAfter: at(days(365)) };
  const ca = (cn: string, alg: KeyAlg = 'p256', extra: Partial<Parameters<Workbench['issue']>[0]> = {}): Issued =>
    bench.issue({ subject: `/CN=${cn}`, key: bench.newKey(alg), ext: kubeadmCaExt(cn), notBefore: at(-minutes(5)), notAfter: at(days(3650)), ...extra });
  // A serving leaf names its host (else san-missing speaks, which these cases are not about).
  const leaf = (subject: string, issuer: Issued, eku = ['serverAuth'], san: string[] = [`DNS:${subject.replace(/^.*CN=/, '')}.test`], alg: KeyAlg = 'p256', extra: Partial<Parameters<Workbench['issue']>[0]> = {}): Issued =>
    bench.issue({ subject, key: bench.newKey(alg), issuer, ext: kubeadmLeafExt(eku, san), ...valid, ...extra });
  const codes = (findings: Finding[]) => findings.map(f => f.code).sort();

  it('chain-bad-signature: a signature altered after signing', async () => {
    const root = ca('root');
    const cert = leaf('/CN=tampered', root);
    const der = Buffer.from(cert.pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    der[der.length - 10] ^= 0x01;
    const pem = pemOf('CERTIFICATE', der);
    const inv = await inventoryOf({ 'root.crt': root.pem, 'tampered.crt': pem });
    const findings = runChecks(inv);
    assert.deepEqual(codes(findings), ['chain-bad-signature']);
    assert.equal(fileOf(inv, findings[0].related[0].uri), 'root.crt');
  });

  it('a kubeconfig client certificate altered after signing: chain-bad-signature, not also kubeconfig-ca-mismatch', async () => {
    const root = ca('kubernetes');
    const client = leaf('/CN=someone', root, ['clientAuth']);
    const der = Buffer.from(client.pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    der[der.length - 5] ^= 0x10;
    const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
    const text = kubeadmKubeconfig({ user: 'someone', server: 'https://x:6443', caData: b64(root.pem), certData: b64(pem), keyData: b64(client.key.traditional()) });
    const inv = await inventoryOf({ config: text });
    const findings = runChecks(inv);
    assert.deepEqual(codes(findings), ['chain-bad-signature']);
    assert.equal(inv.kubeconfigs[0].users[0].caVerdicts[0].signed, false);
  });

  it('chain-issuer-not-ca: signed by a leaf', async () => {
    const root = ca('root');
    const notCa = leaf('/CN=not-a-ca', root, ['serverAuth'], [], 'p256', { ext: { ca: false, keyUsage: ['digitalSignature'], ski: true, aki: true } });
    const child = leaf('/CN=child', notCa);
    const inv = await inventoryOf({ 'root.crt': root.pem, 'not-a-ca.crt': notCa.pem, 'child.crt': child.pem });
    const findings = runChecks(inv);
    assert.deepEqual(codes(findings), ['chain-issuer-not-ca']);
    assert.equal(fileOf(inv, findings[0].uri), 'child.crt');
    assert.match(findings[0].message, /CA:FALSE/);
  });

  it('chain-unknown-issuer: information for a public CA, never for self-signed', async () => {
    const le = bench.issue({ subject: '/C=US/O=Let\'s Encrypt/CN=R3', key: bench.newKey('p256'), ext: kubeadmCaExt('R3'), ...valid });
    const site = leaf('/CN=example.org', le);
    const selfSigned = ca('lonely');
    const inv = await inventoryOf({ 'site.crt': site.pem, 'lonely.crt': selfSigned.pem });
    const findings = runChecks(inv);
    assert.deepEqual(findings.map(f => [f.code, f.severity, fileOf(inv, f.uri)]), [['chain-unknown-issuer', 'information', 'site.crt']]);
  });

  it('chain-issuer-expired is on the leaf, cert-expired on the CA', async () => {
    const old = ca('old-ca', 'p256', { notBefore: at(-days(100)), notAfter: at(-days(1)) });
    const child = leaf('/CN=child', old, ['serverAuth'], undefined, 'p256', { notBefore: at(-days(10)), notAfter: at(days(10)) });
    const inv = await inventoryOf({ 'old.crt': old.pem, 'child.crt': child.pem });
    const findings = runChecks(inv);
    assert.deepEqual(findings.map(f => `${f.code} ${fileOf(inv, f.uri)}`).sort(), ['cert-expired old.crt', 'cert-expiring child.crt', 'chain-issuer-expired child.crt']);
  });

  it('key-mismatch: cfssl names, a Secret, sa.key/sa.pub', async () => {
    const root = ca('root');
    const good = leaf('/CN=good', root);
    const bad = leaf('/CN=bad', root);
    const other = bench.newKey('p256');
    const sa = bench.newKey('rsa2048');
    const sa2 = bench.newKey('rsa2048');
    const secret = [
      'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: tls', 'type: kubernetes.io/tls', 'data:',
      `  tls.crt: ${b64(good.pem)}`, `  tls.key: ${b64(other.traditional())}`,
      '---', 'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: fine', 'data:',
      `  tls.crt: ${b64(bad.pem)}`, `  tls.key: ${b64(bad.key.traditional())}`,
    ].join('\n');
    const inv = await inventoryOf({
      'ca.pem': root.pem, 'ca-key.pem': root.key.traditional(),
      'good.pem': good.pem, 'good-key.pem': good.key.pkcs8,
      'bad.pem': bad.pem, 'bad-key.pem': other.pkcs8,
      'secret.yaml': secret,
      'pki/sa.key': sa.traditional(), 'pki/sa.pub': sa2.publicPem(),
    });
    const findings = runChecks(inv);
    assert.deepEqual(findings.map(f => `${f.code} ${fileOf(inv, f.uri)}`).sort(), ['key-mismatch bad-key.pem', 'key-mismatch pki/sa.key', 'key-mismatch secret.yaml']);
    const inSecret = findings.find(f => fileOf(inv, f.uri) === 'secret.yaml')!;
    const entry = inv.fileByUri.get(inSecret.uri)!.analysis.entries.find(e => e.carrier?.path === 'data.tls.key')!;
    assert.deepEqual(inSecret.range, entry.range, 'on the key, not the certificate');
    assert.match(findings.find(f => fileOf(inv, f.uri) === 'pki/sa.key')!.message, /sa\.key and sa\.pub are not one key pair/);
    assert.equal(inv.records.get(root.facts.sha256)?.hasKeyInWorkspace, true);
  });

  it('kubeconfig-ca-mismatch follows contexts; a user in no context is judged against every cluster', async () => {
    const right = ca('right-ca');
    const wrong = ca('wrong-ca');
    const alice = leaf('/CN=alice', right, ['clientAuth']);
    const bob = leaf('/CN=bob', right, ['clientAuth']);
    const text = kubeconfigYaml({
      clusters: [{ name: 'a', server: 'https://a:6443', caData: b64(right.pem) }, { name: 'b', server: 'https://b:6443', caData: b64(wrong.pem) }],
      users: [
        { name: 'alice', certData: b64(alice.pem), keyData: b64(alice.key.traditional()) },
        { name: 'bob', certData: b64(bob.pem), keyData: b64(bob.key.traditional()) },
      ],
      contexts: [{ name: 'alice@a', cluster: 'a', user: 'alice' }],
      currentContext: 'alice@a',
    });
    const inv = await inventoryOf({ 'config': text });
    const findings = runChecks(inv);
    assert.deepEqual(codes(findings), ['kubeconfig-ca-mismatch']);
    assert.match(findings[0].message, /user "bob" is not signed by the CA of cluster "b"/);
    const users = inv.kubeconfigs[0].users;
    assert.deepEqual(users[0].clusters.map(c => c.name), ['a']);
    assert.deepEqual(users[1].clusters.map(c => c.name), ['a', 'b']);
  });

  it('a kubeconfig client certificate whose issuer is elsewhere in the workspace: kubeconfig-ca-mismatch only', async () => {
    const cluster = ca('kubernetes');
    const other = ca('other-ca');
    const user = leaf('/CN=kubernetes-admin', other, ['clientAuth']);
    const inv = await inventoryOf({
      'other-ca.crt': other.pem,
      'admin.conf': kubeadmKubeconfig({ user: 'kubernetes-admin', server: 'https://x:6443', caData: b64(cluster.pem), certData: b64(user.pem), keyData: b64(user.key.traditional()) }),
    });
    const findings = runChecks(inv);
    assert.deepEqual(codes(findings), ['kubeconfig-ca-mismatch', 'profile-subject']);
    const mismatch = findings.find(f => f.code === 'kubeconfig-ca-mismatch')!;
    assert.ok(mismatch.related.some(r => fileOf(inv, r.uri) === 'other-ca.crt'), 'points at the actual issuer');
    assert.ok(mismatch.related.some(r => fileOf(inv, r.uri) === 'admin.conf'), 'points at the cluster CA');
  });

  it('profile-san and profile-eku on a kubeadm tree; keyEncipherment on ECDSA leaves is fine', async () => {
    const root = ca('kubernetes', 'rsa2048');
    const etcd = ca('etcd-ca');
    const apiserver = leaf('/CN=kube-apiserver', root, ['serverAuth'], ['DNS:kubernetes', 'DNS:kubernetes.default', 'IP:10.96.0.1']);
    const peer = leaf('/CN=cp-1', etcd, ['serverAuth', 'clientAuth'], ['DNS:cp-1', 'IP:192.168.0.10']);
    const client = leaf('/CN=kube-apiserver-etcd-client', etcd, ['serverAuth']);
    const inv = await inventoryOf({
      'etc/kubernetes/pki/ca.crt': root.pem, 'etc/kubernetes/pki/etcd/ca.crt': etcd.pem,
      'etc/kubernetes/pki/apiserver.crt': apiserver.pem, 'etc/kubernetes/pki/etcd/peer.crt': peer.pem,
      'etc/kubernetes/pki/apiserver-etcd-client.crt': client.pem,
    });
    const findings = runChecks(inv);
    assert.deepEqual(findings.map(f => `${f.code} ${f.severity} ${fileOf(inv, f.uri)}`).sort(), [
      'profile-eku error etc/kubernetes/pki/apiserver-etcd-client.crt',
      'profile-san error etc/kubernetes/pki/apiserver.crt',
      'profile-san warning etc/kubernetes/pki/etcd/peer.crt',
    ]);
    const san = findings.find(f => f.code === 'profile-san' && f.message.includes('serving'))!;
    assert.match(san.message, /DNS:kubernetes\.default\.svc, DNS:kubernetes\.default\.svc\.cluster\.local/);
    assert.match(findings.find(f => f.code === 'profile-san' && f.message.includes('etcd'))!.message, /DNS:localhost, IP:127\.0\.0\.1/);
    const strict = runChecks(inv, { serviceIp: '10.100.0.1' }).find(f => f.code === 'profile-san' && f.message.includes('serving'))!;
    assert.match(strict.message, /IP:10\.100\.0\.1/);
  });

  it('an expired CA beside an in-date one in a trust bundle is a warning; a repeated certificate is reported once', async () => {
    const old = ca('rotating', 'p256', { notBefore: at(-days(100)), notAfter: at(-days(1)) });
    const current = ca('rotating-2');
    const lonely = ca('gone', 'p256', { notBefore: at(-days(100)), notAfter: at(-days(2)) });
    const secret = (name: string, pem: string) => ['apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${name}`, 'data:', `  ca.crt: ${b64(pem)}`].join('\n');
    const inv = await inventoryOf({ 'rotation.yaml': secret('r', old.pem + current.pem), 'twice.yaml': secret('t', lonely.pem + lonely.pem) });
    const findings = runChecks(inv);
    assert.deepEqual(findings.map(f => `${f.code} ${f.severity} ${fileOf(inv, f.uri)}`).sort(), ['cert-expired error twice.yaml', 'cert-expired warning rotation.yaml']);
    assert.match(findings.find(f => f.severity === 'warning')!.message, /certificate 1 of 2 in this bundle\).*still trusts 1 CA certificate in date/);
  });

  it("a chain appended to the issuer's file changes no finding of the certificates it issued", async () => {
    const root = ca('root');
    const intermediate = ca('intermediate', 'p256', { issuer: root });
    const expiring = leaf('/CN=soon', intermediate, ['serverAuth'], ['DNS:soon.test'], 'p256', { notBefore: at(-days(300)), notAfter: at(days(3)) });
    const before = runChecks(await inventoryOf({ 'ca/intermediate.crt': intermediate.pem, 'ca/root.crt': root.pem, 'soon.crt': expiring.pem }));
    const after = runChecks(await inventoryOf({ 'ca/intermediate.crt': intermediate.pem + root.pem, 'ca/root.crt': root.pem, 'soon.crt': expiring.pem }));
    const on = (findings: Finding[]) => findings.filter(f => f.uri === 'mem:/soon.crt');
    assert.deepEqual(on(before).map(f => f.code), ['cert-expiring']);
    assert.equal(on(before)[0].related[0].uri, 'mem:/ca/intermediate.crt');
    // The issuer's place is the related location's, shown beside its message: the words name the issuer only.
    assert.equal(on(before)[0].related[0].message, 'issued by CA certificate CN=intermediate');
    assert.deepEqual(on(after), on(before));
  });

  it('profile-front-proxy-ca: the front-proxy CA is the cluster CA', async () => {
    const root = ca('kubernetes');
    const inv = await inventoryOf({ 'pki/ca.crt': root.pem, 'pki/front-proxy-ca.crt': root.pem });
    const findings = runChecks(inv);
    assert.deepEqual(findings.map(f => `${f.code} ${fileOf(inv, f.uri)}`), ['profile-front-proxy-ca pki/front-proxy-ca.crt']);
    assert.equal(fileOf(inv, findings[0].related[0].uri), 'pki/ca.crt');
  });

  it('weak-key and weak-signature', async () => {
    const root = ca('root', 'rsa2048');
    const weak = leaf('/CN=weak', root, ['serverAuth'], undefined, 'rsa1024');
    const sha1 = leaf('/CN=sha1', root, ['serverAuth'], undefined, 'p256', { md: 'sha1' });
    const selfSha1 = ca('self-sha1', 'rsa2048', { md: 'sha1' });
    const lonelyKey = bench.newKey('rsa1024');
    const inv = await inventoryOf({ 'root.crt': root.pem, 'weak.crt': weak.pem, 'weak.key': weak.key.traditional(), 'sha1.crt': sha1.pem, 'self-sha1.crt': selfSha1.pem, 'lonely.key': lonelyKey.pkcs8 });
    const findings = runChecks(inv);
    assert.deepEqual(findings.map(f => `${f.code} ${fileOf(inv, f.uri)}`).sort(), ['weak-key lonely.key', 'weak-key weak.crt', 'weak-signature sha1.crt']);
    assert.match(findings.find(f => f.code === 'weak-signature')!.message, /insecure algorithm SHA1-RSA/);
  });

  it('decode-error: precise offset for bad base64 in a PEM file, whole value for a broken carrier, nothing for foreign labels', async () => {
    const root = ca('root');
    const lines = root.pem.split('\n');
    lines[3] = lines[3].slice(0, 10) + '!' + lines[3].slice(11);
    const broken = lines.join('\n');
    const secret = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: x', 'data:', '  tls.crt: bm90IGEgY2VydGlmaWNhdGU=', ''].join('\n');
    const foreign = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
    const inv = await inventoryOf({ 'broken.crt': broken, 'secret.yaml': secret, 'id_ed25519': foreign });
    const findings = runChecks(inv);
    assert.deepEqual(findings.map(f => `${f.code} ${fileOf(inv, f.uri)}`).sort(), ['decode-error broken.crt', 'decode-error secret.yaml']);
    const pem = findings.find(f => fileOf(inv, f.uri) === 'broken.crt')!;
    assert.equal(broken[pem.range.start], '!');
    assert.equal(pem.range.end - pem.range.start, 1);
    const carrier = findings.find(f => fileOf(inv, f.uri) === 'secret.yaml')!;
    assert.match(carrier.message, /data\.tls\.crt/);
    assert.match(carrier.message, /failed to find any PEM data/);
  });
});
