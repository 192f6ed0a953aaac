// profile-issuer (a kubeadm role certificate from the wrong CA) and cert-validity-inverted
// (NotBefore after NotAfter), each on small trees openssl makes now; openssl's own verdict is
// checked beside ours, so the fixture cannot be what the rule wants it to be.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { Finding, runChecks } from '../../src/core/checks';
import { Inventory, InventoryInput, buildInventory } from '../../src/core/inventory/inventory';
import { Issued, KeyAlg, Workbench, days, kubeadmCaExt, kubeadmLeafExt, minutes } from '../fixtures/ca';
import { b64, kubeadmKubeconfig } from '../fixtures/kubeconfig';

const bench = new Workbench();
after(() => bench.dispose());
const now = Date.now();
const at = (ms: number) => new Date(now + ms);
const valid = { notBefore: at(-minutes(5)), notAfter: at(days(365)) };
const ca = (cn: string, alg: KeyAlg = 'p256'): Issued =>
  bench.issue({ subject: `/CN=${cn}`, key: bench.newKey(alg), ext: kubeadmCaExt(cn), notBefore: at(-minutes(5)), notAfter: at(days(3650)) });
const leaf = (subject: string, issuer: Issued | undefined, eku: string[], san: string[] = []): Issued =>
  bench.issue({ subject, key: bench.newKey('p256'), issuer, ext: kubeadmLeafExt(eku, san), ...valid });

/** openssl's verdict: does `pem` verify against the CA file `ca` alone? */
function opensslVerifies(ca: Issued, pem: string): boolean {
  return spawnSync('openssl', ['verify', '-no-CApath', '-no-CAstore', '-CAfile', ca.file], { input: pem, env: { ...process.env, SSL_CERT_FILE: '/dev/null' } }).status === 0;
}

async function inventoryOf(files: Record<string, string>): Promise<Inventory> {
  const inputs: InventoryInput[] = [];
  for (const [rel, text] of Object.entries(files)) {
    inputs.push({ uri: `mem:/${rel}`, relativePath: rel, analysis: await analyzeText(text, { fileName: rel }) });
  }
  return buildInventory(inputs);
}

const fileOf = (inv: Inventory, uri: string) => inv.fileByUri.get(uri)!.relativePath;
const listed = (inv: Inventory, findings: Finding[]) => findings.map(f => `${f.code} ${fileOf(inv, f.uri)}`).sort();
const relatedFiles = (inv: Inventory, f: Finding) => f.related.map(r => fileOf(inv, r.uri)).sort();

describe('profile-issuer', () => {
  const cluster = ca('kubernetes');
  const etcd = ca('etcd-ca');
  const frontProxy = ca('front-proxy-ca');
  const cas = { 'pki/ca.crt': cluster.pem, 'pki/etcd/ca.crt': etcd.pem, 'pki/front-proxy-ca.crt': frontProxy.pem };

  it('etcd\'s client certificate issued by the cluster CA: etcd refuses it, and the finding points at the etcd CA', async () => {
    const client = leaf('/CN=kube-apiserver-etcd-client', cluster, ['clientAuth']);
    assert.ok(!opensslVerifies(etcd, client.pem) && opensslVerifies(cluster, client.pem), 'openssl agrees: signed by ca, not by etcd/ca');
    const inv = await inventoryOf({ ...cas, 'pki/apiserver-etcd-client.crt': client.pem });
    const findings = runChecks(inv);
    assert.deepEqual(listed(inv, findings), ['profile-issuer pki/apiserver-etcd-client.crt']);
    const [f] = findings;
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^The API server's client certificate for etcd is issued by CN=kubernetes \(pki\/ca\.crt\), not by the etcd CA \(pki\/etcd\/ca\.crt\)/);
    assert.match(f.message, /etcd \(--trusted-ca-file\), refusing the API server, will say: x509: certificate signed by unknown authority$/);
    assert.deepEqual(relatedFiles(inv, f), ['pki/ca.crt', 'pki/etcd/ca.crt']);
    assert.match(f.related.find(r => fileOf(inv, r.uri) === 'pki/etcd/ca.crt')!.message, /the etcd CA, CN=etcd-ca, which should have issued it/);
  });

  it('a self-signed API server certificate: kubectl and the components refuse it', async () => {
    const apiserver = leaf('/CN=kube-apiserver', undefined, ['serverAuth'], ['DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local', 'IP:10.96.0.1']);
    assert.ok(!opensslVerifies(cluster, apiserver.pem));
    const inv = await inventoryOf({ ...cas, 'pki/apiserver.crt': apiserver.pem });
    const findings = runChecks(inv);
    assert.deepEqual(listed(inv, findings), ['profile-issuer pki/apiserver.crt']);
    assert.match(findings[0].message, /serving certificate is self-signed, not by the cluster CA \(pki\/ca\.crt\) — kubectl and every client of the API server/);
    assert.deepEqual(relatedFiles(inv, findings[0]), ['pki/ca.crt']);
  });

  it('when the role\'s CA is not in the workspace, an issuer that is another kubeadm CA of the tree is still wrong', async () => {
    const client = leaf('/CN=front-proxy-client', cluster, ['clientAuth']);
    const inv = await inventoryOf({ 'etc/kubernetes/pki/ca.crt': cluster.pem, 'etc/kubernetes/pki/front-proxy-client.crt': client.pem });
    const findings = runChecks(inv);
    assert.deepEqual(listed(inv, findings), ['profile-issuer etc/kubernetes/pki/front-proxy-client.crt']);
    assert.match(findings[0].message, /not by the front-proxy \(aggregation layer\) CA \(etc\/kubernetes\/pki\/front-proxy-ca\.crt, not in the workspace\) — aggregated API servers/);
    assert.deepEqual(relatedFiles(inv, findings[0]), ['etc/kubernetes/pki/ca.crt'], 'only the actual issuer to point at');
    // An issuer that is no kubeadm CA, with the role's CA absent: nothing to compare with, no finding.
    const elsewhere = ca('corporate-ca');
    const other = leaf('/CN=front-proxy-client', elsewhere, ['clientAuth']);
    const quiet = await inventoryOf({ 'corporate-ca.crt': elsewhere.pem, 'etc/kubernetes/pki/front-proxy-client.crt': other.pem });
    assert.deepEqual(listed(quiet, runChecks(quiet)), []);
  });

  it('said once: an absent issuer is chain-unknown-issuer, a leaf issuer chain-issuer-not-ca', async () => {
    const gone = ca('gone-ca');
    const peer = leaf('/CN=cp-1', gone, ['serverAuth', 'clientAuth'], ['DNS:localhost', 'IP:127.0.0.1']);
    const inv = await inventoryOf({ ...cas, 'pki/etcd/peer.crt': peer.pem });
    assert.deepEqual(listed(inv, runChecks(inv)), ['chain-unknown-issuer pki/etcd/peer.crt']);

    const notCa = bench.issue({ subject: '/CN=not-a-ca', key: bench.newKey('p256'), issuer: etcd, ext: { ca: false, keyUsage: ['digitalSignature'], ski: true, aki: true }, ...valid });
    const health = leaf('/CN=kube-etcd-healthcheck-client', notCa, ['clientAuth']);
    const inv2 = await inventoryOf({ ...cas, 'not-a-ca.crt': notCa.pem, 'pki/etcd/healthcheck-client.crt': health.pem });
    assert.deepEqual(listed(inv2, runChecks(inv2)), ['chain-issuer-not-ca pki/etcd/healthcheck-client.crt']);
  });

  it('kubeconfigs: kubeconfig-ca-mismatch when its cluster refuses the client; profile-issuer when cluster CA and client agree on the wrong CA', async () => {
    const wrong = leaf('/O=kubeadm:cluster-admins/CN=kubernetes-admin', etcd, ['clientAuth']);
    const kubeconfig = (caPem: string) => kubeadmKubeconfig({ user: 'kubernetes-admin', server: 'https://x:6443', caData: b64(caPem), certData: b64(wrong.pem), keyData: b64(wrong.key.traditional()) });
    const refused = await inventoryOf({ ...cas, 'admin.conf': kubeconfig(cluster.pem) });
    assert.deepEqual(listed(refused, runChecks(refused)), ['kubeconfig-ca-mismatch admin.conf']);

    const consistent = await inventoryOf({ ...cas, 'admin.conf': kubeconfig(etcd.pem) });
    const findings = runChecks(consistent);
    assert.deepEqual(listed(consistent, findings), ['profile-issuer admin.conf']);
    assert.match(findings[0].message, /^The admin\.conf client certificate is issued by CN=etcd-ca \(pki\/etcd\/ca\.crt\), not by the cluster CA \(pki\/ca\.crt\) — the API server \(--client-ca-file\) will say/);
    const value = consistent.kubeconfigs[0].users[0].certificateCarrier!.valueRange;
    assert.ok(findings[0].range.start >= value.start && findings[0].range.end <= value.end, 'on the client-certificate-data value');
  });

  it('the kubelet\'s rotated client certificate is judged against the workspace\'s cluster CA', async () => {
    const key = bench.newKey('p256');
    const kubelet = bench.issue({ subject: '/O=system:nodes/CN=system:node:cp-1', key, issuer: etcd, ext: kubeadmLeafExt(['clientAuth']), ...valid });
    const inv = await inventoryOf({ ...cas, 'kubelet/pki/kubelet-client-current.pem': kubelet.pem + key.traditional() });
    const findings = runChecks(inv);
    assert.deepEqual(listed(inv, findings), ['profile-issuer kubelet/pki/kubelet-client-current.pem']);
    assert.ok(relatedFiles(inv, findings[0]).includes('pki/ca.crt'));
  });

  it('nothing on a healthy tree, nor while the cluster CA is rotated (a leaf of the old CA in the ca.crt bundle)', async () => {
    const next = ca('kubernetes-next');
    const inv = await inventoryOf({
      'pki/ca.crt': next.pem + cluster.pem, 'pki/etcd/ca.crt': etcd.pem, 'pki/front-proxy-ca.crt': frontProxy.pem,
      'pki/apiserver-kubelet-client.crt': leaf('/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client', cluster, ['clientAuth']).pem,
      'pki/front-proxy-client.crt': leaf('/CN=front-proxy-client', frontProxy, ['clientAuth']).pem,
      'pki/etcd/healthcheck-client.crt': leaf('/CN=kube-etcd-healthcheck-client', etcd, ['clientAuth']).pem,
    });
    assert.deepEqual(listed(inv, runChecks(inv)), []);
  });
});

describe('cert-validity-inverted', () => {
  const root = ca('root');
  // Client certificates: a serving one without a SAN would also (rightly) raise san-missing, which is
  // not what these tests are about.

  it('NotBefore after NotAfter, now between them: one finding saying both, instead of expired or not yet valid', async () => {
    const inverted = bench.issue({ subject: '/CN=inverted', key: bench.newKey('p256'), issuer: root, ext: kubeadmLeafExt(['clientAuth']), notBefore: at(days(3)), notAfter: at(-days(2)) });
    const dates = spawnSync('openssl', ['x509', '-noout', '-startdate', '-enddate'], { input: inverted.pem }).stdout.toString();
    const [nb, na] = [/notBefore=(.*)/, /notAfter=(.*)/].map(re => Date.parse(re.exec(dates)![1]));
    assert.ok(nb > na, `openssl reads the dates inverted: ${dates}`);
    const inv = await inventoryOf({ 'root.crt': root.pem, 'inverted.crt': inverted.pem });
    const findings = runChecks(inv);
    assert.deepEqual(listed(inv, findings), ['cert-validity-inverted inverted.crt']);
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /^Certificate CN=inverted is never valid: its NotBefore \d{4}-.* is after its NotAfter \d{4}-.* \(5 days later\), so no moment lies in its validity period \(right now it is both not yet valid and already expired\) — reissue it/);
    assert.match(findings[0].message, /x509: certificate has expired or is not yet valid$/);
    assert.equal(fileOf(inv, findings[0].related[0].uri), 'root.crt', 'points at the CA to reissue from');
  });

  it('NotBefore after NotAfter, both past: still inverted, not "expired"', async () => {
    const inverted = bench.issue({ subject: '/CN=long-gone', key: bench.newKey('p256'), issuer: root, ext: kubeadmLeafExt(['clientAuth']), notBefore: at(-days(1)), notAfter: at(-days(10)) });
    const inv = await inventoryOf({ 'root.crt': root.pem, 'long-gone.crt': inverted.pem });
    const findings = runChecks(inv);
    assert.deepEqual(listed(inv, findings), ['cert-validity-inverted long-gone.crt']);
    assert.doesNotMatch(findings[0].message, /right now/);
  });
});
