// kubeconfig-server-name over trees openssl made: the rule fires on exactly the kubeconfigs whose
// server host (or tls-server-name) the API server certificate does not cover, in Go's words, and
// those words are verifyChain's; it stays silent on covered servers, on the kubeadm generator's
// trees (the `problems` suite pins their exact Problems list), and whenever it would have to guess.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { Finding, runChecks } from '../../src/core/checks';
import { httpsHost, predictServerNames } from '../../src/core/checks/kubeconfigServerName';
import { Inventory, InventoryInput, buildInventory } from '../../src/core/inventory/inventory';
import { renderVerificationMarkdown, renderVerificationText } from '../../src/core/render/verification';
import { verifyChain } from '../../src/core/verify';
import { decodePemBlocks } from '../../src/core/x509/material';
import { findPemBlocks } from '../../src/core/x509/pem';
import { CertificateInfo } from '../../src/core/x509/certificate';
import { ChainLab, DAY, LabCert, caExt, leafExt } from '../fixtures/chains';
import { generateKubeadm } from '../fixtures/generate';
import { b64, kubeadmKubeconfig } from '../fixtures/kubeconfig';
import { ServerNameManifest, generateServerName } from '../fixtures/serverName';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-server-name-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Tree {
  inventory: Inventory;
  texts: Map<string, string>;
}

/** Every text file under root (symlinks skipped), with `overrides` replacing or adding files. */
async function loadTree(root: string, overrides: Record<string, string> = {}): Promise<Tree> {
  const texts = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(abs);
      } else if (entry.isFile()) {
        texts.set(path.relative(root, abs).split(path.sep).join('/'), fs.readFileSync(abs, 'utf8'));
      }
    }
  };
  walk(root);
  for (const [rel, text] of Object.entries(overrides)) {
    texts.set(rel, text);
  }
  return { inventory: await inventoryOf(texts), texts };
}

async function inventoryOf(texts: Map<string, string>): Promise<Inventory> {
  const inputs: InventoryInput[] = [];
  for (const [rel, text] of [...texts].sort(([a], [b]) => a.localeCompare(b))) {
    inputs.push({ uri: `mem:/${rel}`, relativePath: rel, analysis: await analyzeText(text, { fileName: rel }) });
  }
  return buildInventory(inputs);
}

const rel = (f: Pick<Finding, 'uri'>) => f.uri.replace(/^mem:\//, '');
const serverFindings = (inventory: Inventory) => runChecks(inventory).filter(f => f.code === 'kubeconfig-server-name');

async function certOf(pem: string): Promise<CertificateInfo> {
  const [obj] = await decodePemBlocks(findPemBlocks(pem));
  assert.ok(obj.certificate, 'a certificate');
  return obj.certificate;
}

describe('httpsHost: the host of a server URL as Go\'s url.Hostname() gives it', () => {
  it('drops port, path and userinfo, removes IPv6 brackets, keeps case, refuses other schemes', () => {
    assert.equal(httpsHost('https://10.0.0.5:6443'), '10.0.0.5');
    assert.equal(httpsHost('https://API.Example.test'), 'API.Example.test');
    assert.equal(httpsHost('HTTPS://api.example.test:443/k8s/clusters/c-1?x=1'), 'api.example.test');
    assert.equal(httpsHost('https://user:pw@api.example.test:6443'), 'api.example.test');
    assert.equal(httpsHost('https://[fd00::5]:6443'), 'fd00::5');
    assert.equal(httpsHost('https://010.0.0.1:6443'), '010.0.0.1', 'not normalised like WHATWG URL');
    assert.equal(httpsHost('http://10.0.0.5:8080'), undefined);
    assert.equal(httpsHost('unix:///var/run/k8s.sock'), undefined);
    assert.equal(httpsHost('https://:6443'), undefined);
  });
});

describe('kubeconfig-server-name on the server-name fixture', () => {
  let m: ServerNameManifest;
  let tree: Tree;
  let findings: Finding[];
  before(async () => {
    m = generateServerName(path.join(tmp, 'server-name'));
    tree = await loadTree(m.root);
    findings = runChecks(tree.inventory);
  });

  it('reports exactly the uncovered kubeconfigs, and nothing else in the tree', () => {
    const want = m.cases.filter(c => !c.covered).map(c => c.file).sort();
    assert.deepEqual(findings.map(f => `${f.code} ${rel(f)}`).sort(), want.map(f => `kubeconfig-server-name ${f}`));
    assert.ok(want.includes('uncovered-ip.conf') && want.includes('dns-only/cluster.conf') && want.includes('tls-server-name-uncovered.conf'));
  });

  it('says it in Go\'s words, on the server: value, as an error related to the API server certificate', () => {
    for (const c of m.cases.filter(x => !x.covered)) {
      const f = findings.find(x => rel(x) === c.file);
      assert.ok(f, c.file);
      assert.ok(f.message.endsWith(`kubectl would say: ${c.message}`), `${c.file}: ${f.message}`);
      assert.equal(f.severity, 'error');
      assert.equal(tree.texts.get(c.file)!.slice(f.range.start, f.range.end), c.server);
      assert.deepEqual(f.related.map(r => rel(r)), [c.apiserver]);
      const target = tree.texts.get(c.apiserver)!;
      assert.ok(target.slice(f.related[0].range.start, f.related[0].range.end).startsWith('-----BEGIN CERTIFICATE-----'));
    }
    const ip = findings.find(f => rel(f) === 'uncovered-ip.conf')!;
    assert.ok(ip.message.endsWith('x509: certificate is valid for 10.96.0.1, 192.168.0.10, not 10.0.0.5'), ip.message);
    const noIp = findings.find(f => rel(f) === 'dns-only/cluster.conf')!;
    assert.ok(noIp.message.endsWith('x509: cannot validate certificate for 10.0.0.5 because it doesn\'t contain any IP SANs'), noIp.message);
    const viaTls = findings.find(f => rel(f) === 'tls-server-name-uncovered.conf')!;
    assert.match(viaTls.message, /does not cover api\.example\.test, the tls-server-name of cluster "kubernetes" — /);
  });

  it('the words are exactly what verifyChain (Go\'s Verify) returns for that host, and covered hosts verify', async () => {
    for (const c of m.cases) {
      const leaf = await certOf(tree.texts.get(c.apiserver)!);
      const root = await certOf(tree.texts.get(c.ca)!);
      const result = await verifyChain({ leaf, intermediates: [], roots: [root] }, { host: c.host, purpose: 'serverAuth' });
      if (c.covered) {
        assert.ok(result.ok, `${c.file}: ${result.goError}`);
      } else {
        assert.equal(result.goError, c.message, c.file);
      }
    }
  });

  it('predicts every https cluster, through tls-server-name when it is set', () => {
    const predictions = predictServerNames(tree.inventory);
    assert.equal(predictions.length, m.cases.length);
    const tls = predictions.find(p => p.kubeconfig.file.relativePath === 'tls-server-name.conf')!;
    assert.equal(tls.host, 'kubernetes');
    assert.ok(tls.viaTlsServerName && tls.match.ok);
    assert.equal(predictions.find(p => p.kubeconfig.file.relativePath === 'covered-dns.conf')!.match.ok, true, 'DNS names match case-insensitively');
  });

  it('says nothing without the server certificate, for plain http, or without a CA', async () => {
    const uncovered = tree.texts.get('uncovered-ip.conf')!;
    const noServerCert = await loadTree(m.root, {});
    noServerCert.texts.delete('pki/apiserver.crt');
    assert.deepEqual(serverFindings(await inventoryOf(noServerCert.texts)).map(rel), ['dns-only/cluster.conf']);
    const http = new Map([['pki/ca.crt', tree.texts.get('pki/ca.crt')!], ['pki/apiserver.crt', tree.texts.get('pki/apiserver.crt')!],
      ['plain.conf', uncovered.replace('https://10.0.0.5:6443', 'http://10.0.0.5:8080')]]);
    assert.deepEqual(serverFindings(await inventoryOf(http)), []);
    const noCa = new Map([...http, ['plain.conf', uncovered.replace(/    certificate-authority-data: .*\n/, '')]]);
    assert.deepEqual(serverFindings(await inventoryOf(noCa)), []);
  });
});

describe('kubeconfig-server-name on the kubeadm generator\'s trees', () => {
  it('is silent on the healthy and seeded trees (their server 192.168.0.10 is an apiserver SAN)', async () => {
    for (const seeded of [false, true]) {
      const m = generateKubeadm(path.join(tmp, seeded ? 'kubeadm' : 'kubeadm-healthy'), { seeded });
      assert.deepEqual(serverFindings((await loadTree(m.root)).inventory), [], seeded ? 'seeded' : 'healthy');
    }
  });

  it('fires on admin.conf once its server is https://10.0.0.5:6443', async () => {
    const root = path.join(tmp, 'kubeadm-healthy');
    const admin = fs.readFileSync(path.join(root, 'admin.conf'), 'utf8');
    assert.ok(admin.includes('server: https://192.168.0.10:6443'));
    const tree = await loadTree(root, { 'admin.conf': admin.replace('https://192.168.0.10:6443', 'https://10.0.0.5:6443') });
    const found = serverFindings(tree.inventory);
    assert.deepEqual(found.map(rel), ['admin.conf']);
    assert.ok(found[0].message.endsWith('kubectl would say: x509: certificate is valid for 10.96.0.1, 192.168.0.10, not 10.0.0.5'), found[0].message);
    assert.deepEqual(found[0].related.map(rel), ['pki/apiserver.crt']);
  });
});

describe('kubeconfig-server-name: choosing the API server\'s certificate (ChainLab)', () => {
  const lab = new ChainLab();
  after(() => lab.dispose());
  const t = Date.now();
  const validity = { notBefore: new Date(t - DAY), notAfter: new Date(t + 300 * DAY) };
  let ca: LabCert;
  let webhook: LabCert;
  let metrics: LabCert;
  before(() => {
    ca = lab.issue({ subject: '/CN=lab-ca', ...validity, ext: caExt() });
    webhook = lab.issue({ subject: '/CN=webhook', issuer: ca, ...validity, ext: leafExt({ eku: ['serverAuth'], san: ['DNS:webhook.default.svc'] }) });
    metrics = lab.issue({ subject: '/CN=metrics', issuer: ca, ...validity, ext: leafExt({ eku: ['serverAuth'], san: ['DNS:metrics.default.svc'] }) });
  });
  const kubeconfig = (server: string) => kubeadmKubeconfig({ user: 'u', server, caData: b64(ca.pem), certData: '', keyData: '' }).replace(/    client-(certificate|key)-data: \n/g, '');

  it('does not guess among serving certificates that are not an API server\'s', async () => {
    const texts = new Map([['ca.crt', ca.pem], ['webhook.crt', webhook.pem], ['metrics.crt', metrics.pem], ['k.conf', kubeconfig('https://prod.example.test:6443')]]);
    assert.deepEqual(serverFindings(await inventoryOf(texts)), []);
  });

  it('judges the apiserver-looking one among several, never a lone webhook certificate', async () => {
    const one = new Map([['ca.crt', ca.pem], ['webhook.crt', webhook.pem], ['k.conf', kubeconfig('https://prod.example.test:6443')]]);
    assert.deepEqual(serverFindings(await inventoryOf(one)), [], 'a webhook serving certificate says nothing about the API server');

    const api = lab.issue({ subject: '/CN=kube-apiserver', issuer: ca, ...validity, ext: leafExt({ eku: ['serverAuth'], san: ['DNS:kubernetes', 'DNS:kubernetes.default.svc', 'IP:fd00::5'] }) });
    const several = new Map([['ca.crt', ca.pem], ['webhook.crt', webhook.pem], ['metrics.crt', metrics.pem], ['api.crt', api.pem]]);
    several.set('k.conf', kubeconfig('https://[fd00::6]:6443'));
    const [g] = serverFindings(await inventoryOf(several));
    assert.ok(g?.message.endsWith('x509: certificate is valid for fd00::5, not fd00::6'), g?.message);
    several.set('k.conf', kubeconfig('https://[FD00:0::5]:6443'));
    assert.deepEqual(serverFindings(await inventoryOf(several)), [], 'IPv6 compared as addresses');
    several.set('k.conf', kubeconfig('https://metrics.default.svc:443'));
    assert.deepEqual(serverFindings(await inventoryOf(several)), [], 'a certificate that covers the host is preferred');
  });
});

describe('kubeconfig-server-name: the index kept from one build to the next', () => {
  const lab = new ChainLab();
  after(() => lab.dispose());
  const t = Date.now();
  const validity = { notBefore: new Date(t - DAY), notAfter: new Date(t + 300 * DAY) };
  const named = new Map<string, Awaited<ReturnType<typeof analyzeText>>>();
  /** The same analyses in the order given, as a relink of unchanged files builds them. */
  const build = (order: string[]) => buildInventory(order.map(rel => ({ uri: `mem:/${rel}`, relativePath: rel, analysis: named.get(rel)! })));
  const chosen = (inventory: Inventory) => predictServerNames(inventory).map(p => p.certificate.certificate.subject.commonName);

  before(async () => {
    const ca = lab.issue({ subject: '/CN=lab-ca', ...validity, ext: caExt() });
    // Two API server certificates as new as each other: which one is judged falls to the order met.
    const one = lab.issue({ subject: '/CN=apiserver-one', issuer: ca, ...validity, ext: leafExt({ eku: ['serverAuth'], san: ['DNS:kubernetes', 'IP:fd00::5'] }) });
    const two = lab.issue({ subject: '/CN=apiserver-two', issuer: ca, ...validity, ext: leafExt({ eku: ['serverAuth'], san: ['DNS:kubernetes', 'IP:fd00::7'] }) });
    const later = { notBefore: new Date(t - DAY / 2), notAfter: validity.notAfter };
    const three = lab.issue({ subject: '/CN=apiserver-three', issuer: ca, ...later, ext: leafExt({ eku: ['serverAuth'], san: ['DNS:kubernetes', 'IP:fd00::9'] }) });
    const kubeconfig = (server: string) => kubeadmKubeconfig({ user: 'u', server, caData: b64(ca.pem), certData: '', keyData: '' }).replace(/    client-(certificate|key)-data: \n/g, '');
    for (const [rel, text] of [['ca.crt', ca.pem], ['one.crt', one.pem], ['two.crt', two.pem], ['three.crt', three.pem], ['uncovered.conf', kubeconfig('https://[fd00::6]:6443')], ['covered.conf', kubeconfig('https://kubernetes:6443')]]) {
      named.set(rel, await analyzeText(text, { fileName: rel }));
    }
  });

  it('answers as a new index would when the CA\'s certificates are met in another order, or one more is issued', async () => {
    const first = await build(['ca.crt', 'one.crt', 'two.crt', 'uncovered.conf', 'covered.conf']);
    assert.deepEqual(chosen(first), ['apiserver-one', 'apiserver-one'], 'equally new: the first met, for the uncovered and the covered host');
    assert.ok(serverFindings(first)[0].message.endsWith('valid for fd00::5, not fd00::6'), serverFindings(first)[0].message);
    // The same analyses (the index is kept with the CA's), the two certificates met the other way round.
    const swapped = await build(['ca.crt', 'two.crt', 'one.crt', 'uncovered.conf', 'covered.conf']);
    assert.deepEqual(chosen(swapped), ['apiserver-two', 'apiserver-two']);
    assert.ok(serverFindings(swapped)[0].message.endsWith('valid for fd00::7, not fd00::6'), serverFindings(swapped)[0].message);
    const more = await build(['ca.crt', 'two.crt', 'one.crt', 'three.crt', 'uncovered.conf', 'covered.conf']);
    assert.deepEqual(chosen(more), ['apiserver-three', 'apiserver-three'], 'the newest, once it is issued');
    const fewer = await build(['ca.crt', 'one.crt', 'uncovered.conf', 'covered.conf']);
    assert.deepEqual(chosen(fewer), ['apiserver-one', 'apiserver-one']);
    // The first build's inventory, asked again after the others: its own CA's certificates, not the last build's.
    assert.deepEqual(chosen(first), ['apiserver-one', 'apiserver-one']);
  });
});

describe('render/verification', () => {
  it('prints the verdict, the path leaf first and each check, in Go\'s words', async () => {
    const lab = new ChainLab();
    try {
      const t = Date.now();
      const validity = { notBefore: new Date(t - DAY), notAfter: new Date(t + 300 * DAY) };
      const ca = lab.issue({ subject: '/CN=kubernetes', ...validity, ext: caExt() });
      const leaf = lab.issue({ subject: '/CN=kube-apiserver', issuer: ca, ...validity, ext: leafExt({ eku: ['serverAuth'], san: ['DNS:kubernetes', 'IP:10.96.0.1'] }) });
      const result = await verifyChain({ leaf: await certOf(leaf.pem), intermediates: [], roots: [await certOf(ca.pem)] }, { host: '10.0.0.5' });
      const text = renderVerificationText(result, { title: 'pki/apiserver.crt', trustSource: 'pki/ca.crt', whereOf: c => (c.isCa ? 'pki/ca.crt' : undefined) });
      assert.match(text, /^Chain verification: pki\/apiserver\.crt\n/);
      assert.match(text, /FAILED: x509: certificate is valid for 10\.96\.0\.1, not 10\.0\.0\.5\n/);
      assert.match(text, /\[0\] CN=kube-apiserver {2}\(leaf;/);
      assert.match(text, /\[1\] CN=kubernetes {2}\(trusted root;.*pki\/ca\.crt/);
      assert.match(text, /FAIL {2}hostname {12}\[0\] x509: certificate is valid for 10\.96\.0\.1, not 10\.0\.0\.5/);
      assert.match(text, /ok {4}signature/);
      const mdText = renderVerificationMarkdown(result, { title: 'kubectl → https://10.0.0.5:6443' });
      assert.match(mdText, /would fail\*\*: `x509: certificate is valid for 10\.96\.0\.1, not 10\.0\.0\.5`/);
      assert.match(mdText, /1\. CN=kube-apiserver — leaf/);
      const good = await verifyChain({ leaf: await certOf(leaf.pem), intermediates: [], roots: [await certOf(ca.pem)] }, { host: 'kubernetes' });
      assert.match(renderVerificationText(good), /\nOK: a Go client/);
    } finally {
      lab.dispose();
    }
  });
});
