// The fixture generators checked by openssl itself: every claim a manifest makes about a tree
// (chains, dates, keys, seeded problems) is re-established here with fresh openssl runs.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { Manifest, generateBench, generateCarriers, generateDemo, generateKeys, generateKubeadm } from '../fixtures/generate';
import { OPENSSL_ENV, openssl, opensslStatus } from '../fixtures/openssl';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-fixtures-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const DAY = 86_400_000;

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = Date.now();
  const value = fn();
  return { value, ms: Date.now() - t0 };
}

const read = (root: string, rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
const x509 = (pem: string, ...args: string[]) => openssl(['x509', '-noout', ...args], { input: pem }).trim();
const subjectOf = (pem: string) => x509(pem, '-subject', '-nameopt', 'RFC2253').replace(/^subject=/, '');
const pubOfCert = (pem: string) => x509(pem, '-pubkey');
const pubOfKey = (pem: string, pass = '') => openssl(['pkey', '-pubout', '-passin', `pass:${pass}`], { input: pem }).trim();
const notAfter = (pem: string) => new Date(x509(pem, '-enddate').replace('notAfter=', '')).getTime();
const notBefore = (pem: string) => new Date(x509(pem, '-startdate').replace('notBefore=', '')).getTime();
/** `openssl x509 -checkend` : true when the certificate is still valid `seconds` from now. */
const validIn = (pem: string, seconds: number) => opensslStatus(['x509', '-noout', '-checkend', String(seconds)], { input: pem }).status === 0;

/** `openssl verify` against exactly one CA file, never the system store. */
function verify(caFile: string, certPem: string, extra: string[] = []): { ok: boolean; out: string } {
  const r = opensslStatus(['verify', '-no-CApath', '-no-CAstore', ...extra, '-CAfile', caFile], { input: certPem });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

/** A kubeconfig's base64 value by key (kubeadm layout: one cluster, one user). */
function kubeconfigValue(text: string, key: string): string {
  const m = new RegExp(`^\\s+${key}: (\\S+)$`, 'm').exec(text);
  assert.ok(m, `${key} present`);
  return m[1];
}
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

let bundleSeq = 0;
/** Subjects of every certificate in a PEM text, split by openssl (crl2pkcs7 + pkcs7 -print_certs). */
function subjectsOfBundle(pem: string): string[] {
  // A file, not /dev/stdin: Node's child stdio is a socketpair, which fopen() cannot open.
  const file = path.join(tmp, `bundle-${++bundleSeq}.pem`);
  fs.writeFileSync(file, pem);
  const p7 = openssl(['crl2pkcs7', '-nocrl', '-certfile', file]);
  // openssl 3.0's pkcs7 has no -nameopt: take each certificate it prints back through x509.
  const printed = openssl(['pkcs7', '-print_certs'], { input: p7 });
  return [...printed.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => subjectOf(m[0] + '\n'));
}

/** Every certificate PEM text in a tree, including those inside kubeconfig *-data values. */
function allCertificatesIn(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else {
        let text = fs.readFileSync(abs, 'utf8');
        for (const m of text.matchAll(/-data: (\S+)/g)) text += '\n' + unb64(m[1]);
        for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)) out.push(m[0] + '\n');
      }
    }
  };
  walk(root);
  return out;
}

/** Issuing CA of each kubeadm leaf, per KUBERNETES-PKI.md §1 (not taken from the manifest). */
const KUBEADM_ISSUER: Record<string, string> = {
  'pki/apiserver.crt': 'pki/ca.crt',
  'pki/apiserver-kubelet-client.crt': 'pki/ca.crt',
  'pki/front-proxy-client.crt': 'pki/front-proxy-ca.crt',
  'pki/etcd/server.crt': 'pki/etcd/ca.crt',
  'pki/etcd/peer.crt': 'pki/etcd/ca.crt',
  'pki/etcd/healthcheck-client.crt': 'pki/etcd/ca.crt',
  'pki/apiserver-etcd-client.crt': 'pki/etcd/ca.crt',
};

const KUBEADM_SUBJECT: Record<string, string> = {
  'pki/ca.crt': 'CN=kubernetes',
  'pki/apiserver.crt': 'CN=kube-apiserver',
  'pki/apiserver-kubelet-client.crt': 'CN=kube-apiserver-kubelet-client,O=kubeadm:cluster-admins',
  'pki/front-proxy-ca.crt': 'CN=front-proxy-ca',
  'pki/front-proxy-client.crt': 'CN=front-proxy-client',
  'pki/etcd/ca.crt': 'CN=etcd-ca',
  'pki/etcd/server.crt': 'CN=cp-1',
  'pki/etcd/peer.crt': 'CN=cp-1',
  'pki/etcd/healthcheck-client.crt': 'CN=kube-etcd-healthcheck-client',
  'pki/apiserver-etcd-client.crt': 'CN=kube-apiserver-etcd-client',
};

const KUBECONFIG_SUBJECT: Record<string, string> = {
  'admin.conf': 'CN=kubernetes-admin,O=kubeadm:cluster-admins',
  'super-admin.conf': 'CN=kubernetes-super-admin,O=system:masters',
  'controller-manager.conf': 'CN=system:kube-controller-manager',
  'scheduler.conf': 'CN=system:kube-scheduler',
  'kubelet.conf': 'CN=system:node:cp-1,O=system:nodes',
};

describe('kubeadm fixture, healthy', () => {
  let m: Manifest;
  let ms: number;
  before(() => ({ value: m, ms } = timed(() => generateKubeadm(path.join(tmp, 'healthy'), { seeded: false }))));

  it('is generated, with the manifest outside the tree', () => {
    console.log(`# kubeadm tree generated in ${ms} ms`); // speed is the bench's business, not a unit test's
    assert.equal(m.manifestPath, m.root + '.manifest.json');
    assert.ok(fs.existsSync(m.manifestPath));
    assert.deepEqual(JSON.parse(fs.readFileSync(m.manifestPath, 'utf8')).seeded, []);
    assert.ok(!fs.readdirSync(m.root).some((f) => f.includes('manifest')));
  });

  it('has the kubeadm layout, subjects and chains, all valid now and for 300 more days', () => {
    for (const [rel, subject] of Object.entries(KUBEADM_SUBJECT)) {
      const pem = read(m.root, rel);
      assert.equal(subjectOf(pem), subject, rel);
      assert.ok(validIn(pem, 0) && validIn(pem, 300 * 86400), `${rel} valid`);
      assert.ok(m.files[rel], `${rel} in manifest`);
    }
    for (const [rel, ca] of Object.entries(KUBEADM_ISSUER)) {
      const r = verify(path.join(m.root, ca), read(m.root, rel));
      assert.ok(r.ok, `${rel} verifies against ${ca}: ${r.out}`);
      const nb = notBefore(read(m.root, rel));
      assert.ok(Math.abs(Date.parse(m.now) - 5 * 60_000 - nb) <= 1000, `${rel} back-dated 5 minutes`);
    }
  });

  it('uses RSA-2048 for ca/apiserver/sa, ECDSA P-256 for etcd, and kubeadm extensions', () => {
    const text = (rel: string) => openssl(['x509', '-noout', '-text'], { input: read(m.root, rel) });
    assert.match(text('pki/ca.crt'), /Public-Key: \(2048 bit\)/);
    assert.match(text('pki/ca.crt'), /CA:TRUE/);
    assert.match(text('pki/ca.crt'), /Digital Signature, Key Encipherment, Certificate Sign/);
    assert.match(text('pki/apiserver.crt'), /rsaEncryption[\s\S]*Public-Key: \(2048 bit\)/);
    assert.match(text('pki/etcd/peer.crt'), /NIST CURVE: P-256/);
    assert.match(text('pki/etcd/peer.crt'), /Digital Signature, Key Encipherment/);
    assert.equal(x509(read(m.root, 'pki/etcd/peer.crt'), '-ext', 'extendedKeyUsage').split('\n')[1].trim(),
      'TLS Web Server Authentication, TLS Web Client Authentication');
    assert.equal(x509(read(m.root, 'pki/etcd/peer.crt'), '-ext', 'subjectAltName').split('\n')[1].trim(),
      'DNS:cp-1, DNS:localhost, IP Address:192.168.0.10, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.equal(x509(read(m.root, 'pki/apiserver.crt'), '-ext', 'subjectAltName').split('\n')[1].trim(),
      'DNS:cp-1, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, IP Address:10.96.0.1, IP Address:192.168.0.10');
    assert.match(read(m.root, 'pki/ca.key'), /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.match(read(m.root, 'pki/etcd/ca.key'), /^-----BEGIN EC PRIVATE KEY-----/);
    assert.match(read(m.root, 'pki/sa.pub'), /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(pubOfKey(read(m.root, 'pki/sa.key')), read(m.root, 'pki/sa.pub').trim());
  });

  it('every key matches its certificate', () => {
    for (const rel of Object.keys(m.files).filter((f) => f.endsWith('.crt'))) {
      assert.equal(pubOfKey(read(m.root, rel.replace(/\.crt$/, '.key'))), pubOfCert(read(m.root, rel)), rel);
    }
  });

  it('writes kubeconfigs the way kubeadm does, each user chaining to certificate-authority-data', () => {
    for (const [rel, subject] of Object.entries(KUBECONFIG_SUBJECT)) {
      const text = read(m.root, rel);
      const user = /^- name: (.+)$/m.exec(text)?.[1];
      assert.match(text, new RegExp(`^apiVersion: v1\\nclusters:\\n- cluster:\\n    certificate-authority-data: \\S+\\n    server: https://192\\.168\\.0\\.10:6443\\n  name: kubernetes\\ncontexts:\\n- context:\\n    cluster: kubernetes\\n    user: ${user}\\n  name: ${user}@kubernetes\\ncurrent-context: ${user}@kubernetes\\nkind: Config\\npreferences: \\{\\}\\nusers:\\n- name: ${user}\\n  user:\\n    client-certificate-data: \\S+\\n    client-key-data: \\S+\\n$`), rel);
      const ca = unb64(kubeconfigValue(text, 'certificate-authority-data'));
      const cert = unb64(kubeconfigValue(text, 'client-certificate-data'));
      const key = unb64(kubeconfigValue(text, 'client-key-data'));
      assert.equal(ca, read(m.root, 'pki/ca.crt'), `${rel}: CA data is pki/ca.crt`);
      assert.equal(subjectOf(cert), subject, rel);
      assert.equal(pubOfKey(key), pubOfCert(cert), `${rel}: key matches`);
      assert.ok(verify(path.join(m.root, 'pki/ca.crt'), cert).ok, `${rel}: chains to the cluster CA`);
    }
  });

  it('has the kubelet client certificate and key in one file behind a timestamped symlink', () => {
    const link = path.join(m.root, 'kubelet/pki/kubelet-client-current.pem');
    assert.match(fs.readlinkSync(link), /^kubelet-client-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.pem$/);
    const text = fs.readFileSync(link, 'utf8');
    assert.match(text, /-----BEGIN CERTIFICATE-----[\s\S]*-----BEGIN EC PRIVATE KEY-----/);
    assert.equal(subjectOf(text), 'CN=system:node:cp-1,O=system:nodes');
    assert.equal(pubOfKey(text), pubOfCert(text));
  });

  it('records facts that openssl confirms', () => {
    const pem = read(m.root, 'pki/apiserver.crt');
    const facts = m.files['pki/apiserver.crt'].blocks![0].certificate!;
    assert.equal(`serial=${facts.serial}`, x509(pem, '-serial'));
    assert.equal(`sha256 Fingerprint=${facts.sha256}`, x509(pem, '-fingerprint', '-sha256'));
    assert.equal(Date.parse(facts.notAfter), notAfter(pem));
    assert.deepEqual(m.files['pki/ca.key'].blocks![0].key!.matches.slice(0, 1), ['pki/ca.crt']);
  });
});

describe('kubeadm fixture, seeded', () => {
  let m: Manifest;
  let now: number;
  const file = (rel: string) => read(m.root, rel);
  before(() => {
    m = generateKubeadm(path.join(tmp, 'seeded'), { seeded: true });
    now = Date.parse(m.now);
  });

  it('lists exactly the expected diagnostics', () => {
    const got = m.seeded.map((s) => `${s.code} ${s.file}${s.carrier ? '#' + s.carrier : ''}`).sort();
    assert.deepEqual(got, [
      'cert-expired pki/apiserver-kubelet-client.crt',
      'cert-expired pki/legacy-ca.crt',
      'cert-expiring pki/apiserver.crt',
      'cert-not-yet-valid pki/front-proxy-client.crt',
      'chain-issuer-expired pki/legacy-client.crt',
      'chain-unknown-issuer controller-manager.conf#users[0].user.client-certificate-data',
      'decode-error scheduler.conf#users[0].user.client-certificate-data',
      'key-mismatch pki/apiserver-etcd-client.key',
      'kubeconfig-ca-mismatch controller-manager.conf#users[0].user.client-certificate-data',
      'profile-eku pki/etcd/server.crt',
      'profile-issuer pki/etcd/peer.crt',
      'profile-subject kubelet.conf#users[0].user.client-certificate-data',
    ]);
    for (const s of m.seeded) assert.ok(m.files[s.file], `${s.file} is in the manifest`);
  });

  it('(1) apiserver-kubelet-client expired 3 days ago', () => {
    const pem = file('pki/apiserver-kubelet-client.crt');
    assert.ok(!validIn(pem, 0));
    assert.equal(Math.floor((now - notAfter(pem)) / DAY), 3);
    assert.ok(verify(path.join(m.root, 'pki/ca.crt'), pem, ['-no_check_time']).ok);
  });

  it('(2) apiserver expires in 10 days', () => {
    const pem = file('pki/apiserver.crt');
    assert.ok(validIn(pem, 9 * 86400) && !validIn(pem, 11 * 86400));
    assert.ok(verify(path.join(m.root, 'pki/ca.crt'), pem).ok);
  });

  it('(3) front-proxy-client becomes valid in 2 days', () => {
    const pem = file('pki/front-proxy-client.crt');
    assert.equal(Math.floor((notBefore(pem) - now) / DAY), 2);
    assert.ok(!verify(path.join(m.root, 'pki/front-proxy-ca.crt'), pem).ok);
    assert.ok(verify(path.join(m.root, 'pki/front-proxy-ca.crt'), pem, ['-no_check_time']).ok);
  });

  it('(4) legacy-ca expired yesterday; its leaf is in date', () => {
    const ca = file('pki/legacy-ca.crt');
    const leaf = file('pki/legacy-client.crt');
    assert.ok(!validIn(ca, 0) && validIn(leaf, 0));
    assert.equal(Math.floor((now - notAfter(ca)) / DAY), 1);
    const r = verify(path.join(m.root, 'pki/legacy-ca.crt'), leaf);
    assert.ok(!r.ok && /certificate has expired/.test(r.out), r.out);
    assert.ok(verify(path.join(m.root, 'pki/legacy-ca.crt'), leaf, ['-no_check_time']).ok);
  });

  it('(5) apiserver-etcd-client.key belongs to no certificate in the tree', () => {
    const key = pubOfKey(file('pki/apiserver-etcd-client.key'));
    assert.notEqual(key, pubOfCert(file('pki/apiserver-etcd-client.crt')));
    assert.ok(!allCertificatesIn(m.root).some((c) => pubOfCert(c) === key));
    assert.ok(verify(path.join(m.root, 'pki/etcd/ca.crt'), file('pki/apiserver-etcd-client.crt')).ok);
  });

  it('(6) controller-manager.conf user certificate comes from other-ca, which is nowhere in the tree', () => {
    const text = file('controller-manager.conf');
    const cert = unb64(kubeconfigValue(text, 'client-certificate-data'));
    assert.equal(x509(cert, '-issuer', '-nameopt', 'RFC2253'), 'issuer=CN=other-ca');
    assert.ok(!verify(path.join(m.root, 'pki/ca.crt'), cert).ok);
    assert.equal(unb64(kubeconfigValue(text, 'certificate-authority-data')), file('pki/ca.crt'));
    assert.ok(!allCertificatesIn(m.root).some((c) => subjectOf(c) === 'CN=other-ca'));
    assert.equal(pubOfKey(unb64(kubeconfigValue(text, 'client-key-data'))), pubOfCert(cert));
  });

  it('(7) scheduler.conf client-certificate-data is cut in the middle', () => {
    const text = file('scheduler.conf');
    const value = kubeconfigValue(text, 'client-certificate-data');
    const decoded = unb64(value);
    assert.ok(value.length % 4 !== 0);
    assert.match(decoded, /^-----BEGIN CERTIFICATE-----/);
    assert.ok(!decoded.includes('-----END CERTIFICATE-----'));
    assert.notEqual(opensslStatus(['x509', '-noout'], { input: decoded }).status, 0);
  });

  it('(8) etcd/server.crt has clientAuth only', () => {
    assert.equal(x509(file('pki/etcd/server.crt'), '-ext', 'extendedKeyUsage').split('\n')[1].trim(), 'TLS Web Client Authentication');
  });

  it('(9) kubelet.conf user is in O=wrong-group', () => {
    const cert = unb64(kubeconfigValue(file('kubelet.conf'), 'client-certificate-data'));
    assert.equal(subjectOf(cert), 'CN=system:node:cp-1,O=wrong-group');
    assert.ok(verify(path.join(m.root, 'pki/ca.crt'), cert).ok);
  });

  it('(10) etcd/peer.crt is issued by the cluster CA, not by the etcd CA', () => {
    assert.ok(verify(path.join(m.root, 'pki/ca.crt'), file('pki/etcd/peer.crt')).ok);
    assert.ok(!verify(path.join(m.root, 'pki/etcd/ca.crt'), file('pki/etcd/peer.crt')).ok);
  });

  it('keeps everything else healthy', () => {
    const seededFiles = new Set(m.seeded.map((s) => s.file));
    for (const [rel, ca] of Object.entries(KUBEADM_ISSUER)) {
      if (seededFiles.has(rel)) continue;
      assert.ok(verify(path.join(m.root, ca), file(rel)).ok, rel);
    }
    for (const rel of ['admin.conf', 'super-admin.conf']) {
      const cert = unb64(kubeconfigValue(file(rel), 'client-certificate-data'));
      assert.equal(subjectOf(cert), KUBECONFIG_SUBJECT[rel]);
      assert.ok(verify(path.join(m.root, 'pki/ca.crt'), cert).ok);
    }
  });
});

describe('carriers fixture', () => {
  let m: Manifest;
  before(() => (m = generateCarriers(path.join(tmp, 'carriers'))));

  it('every carrier is where the manifest says, holding what openssl says', () => {
    let count = 0;
    for (const [rel, facts] of Object.entries(m.files)) {
      if (!facts.carriers) continue;
      const text = read(m.root, rel);
      const docs = facts.format === 'JSON' ? [JSON.parse(text)] : parseAllDocuments(text).map((d) => d.toJS());
      for (const c of facts.carriers) {
        let v: unknown = docs[c.document ?? 0];
        for (const seg of c.segments) v = (v as Record<string | number, unknown>)[seg];
        assert.equal(v, c.value, `${rel}:${c.path}`);
        if (c.encoding === 'path') {
          assert.equal(fs.existsSync(path.join(m.root, c.target!)), !c.missing, `${rel}:${c.path} -> ${c.target}`);
          continue;
        }
        const material = c.encoding === 'base64-pem' ? unb64(c.value) : c.value;
        if (c.certificates) {
          assert.deepEqual(subjectsOfBundle(material), c.certificates.map((x) => x.subject), `${rel}:${c.path}`);
          assert.deepEqual(c.certificates.map((x) => x.cn[0]), subjectsOfBundle(material).map((s) => /CN=([^,]+)/.exec(s)![1]));
          assert.equal(c.kind, c.certificates.length > 1 ? 'bundle' : 'certificate');
        }
        if (c.key) assert.equal(pubOfKey(material).replace(/-----[A-Z ]+-----|\n/g, ''), c.key.publicKey, `${rel}:${c.path}`);
        count++;
      }
      for (const ignored of facts.ignore ?? []) {
        let v: unknown = docs[0];
        for (const seg of ignored.split('.')) v = (v as Record<string, unknown>)[seg];
        assert.ok(typeof v === 'string' && !unb64(v).includes('-----BEGIN'), `${rel}:${ignored} is not certificate material`);
      }
    }
    assert.ok(count >= 30, `${count} carriers checked`);
  });

  it('covers every carrier kind of the brief', () => {
    const kinds = Object.entries(m.files).flatMap(([rel, f]) => (f.carriers ?? []).map((c) => `${rel}:${c.path}:${c.encoding}:${c.kind}`));
    for (const want of [
      'kubeconfig.yaml:clusters[0].cluster.certificate-authority-data:base64-pem:bundle',
      'kubeconfig.json:users[1].user.client-key-data:base64-pem:private-key',
      'secret-tls.yaml:data.tls.crt:base64-pem:certificate',
      'secret-stringdata.yaml:stringData.tls.crt:pem:certificate',
      'validating-webhook.yaml:webhooks[1].clientConfig.caBundle:base64-pem:bundle',
      'mutating-webhook.yaml:webhooks[0].clientConfig.caBundle:base64-pem:certificate',
      'apiservice.yaml:spec.caBundle:base64-pem:certificate',
      'crd.yaml:spec.conversion.webhook.clientConfig.caBundle:base64-pem:certificate',
      'configmap-kube-root-ca.yaml:data.ca.crt:pem:certificate',
      'multi-doc.yaml:data.tls.key:base64-pem:private-key',
      'values.yaml:global.tls.serverCert:base64-pem:certificate',
      'pem-in-string.json:tls.certificate:pem:certificate',
      'paths/kubeconfig.yaml:users[1].user.client-certificate:path:certificate',
    ]) assert.ok(kinds.includes(want), want);
    assert.match(read(m.root, 'pem-in-string.json'), /"-----BEGIN CERTIFICATE-----\\nMII/);
  });
});

describe('keys fixture', () => {
  let m: Manifest;
  before(() => (m = generateKeys(path.join(tmp, 'keys'))));
  const firstLine = (rel: string) => read(m.root, rel).split('\n')[0];

  it('writes each encoding under its own label', () => {
    const want: Record<string, string> = {
      'rsa-pkcs8.key': 'PRIVATE KEY', 'rsa-pkcs1.key': 'RSA PRIVATE KEY', 'rsa-public.pem': 'PUBLIC KEY',
      'rsa-public-pkcs1.pem': 'RSA PUBLIC KEY', 'rsa-pkcs1-encrypted.key': 'RSA PRIVATE KEY',
      'rsa-pkcs8-encrypted.key': 'ENCRYPTED PRIVATE KEY', 'ec-p256-sec1.key': 'EC PRIVATE KEY',
      'ec-p384-sec1-params.key': 'EC PARAMETERS', 'ec-p521-pkcs8.key': 'PRIVATE KEY', 'ed25519-pkcs8.key': 'PRIVATE KEY',
      'ed25519-public.pem': 'PUBLIC KEY',
    };
    for (const [rel, label] of Object.entries(want)) assert.equal(firstLine(rel), `-----BEGIN ${label}-----`, rel);
    assert.match(read(m.root, 'rsa-pkcs1-encrypted.key'), /^Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,/m);
  });

  it('every key file matches the certificate the manifest names, per openssl', () => {
    let n = 0;
    for (const [rel, f] of Object.entries(m.files)) {
      const key = f.blocks?.find((b) => b.key)?.key;
      if (!key) continue;
      const pass = m.passphrases?.[rel] ?? '';
      const text = read(m.root, rel);
      const pub = key.type === 'public'
        ? openssl(['pkey', '-pubin', '-pubout'], { input: text }).trim()
        : pubOfKey(text, pass);
      for (const ref of key.matches.filter((r) => !r.includes('#') && r.endsWith('.crt') && m.files[r].format === 'PEM')) {
        assert.equal(pubOfCert(read(m.root, ref)), pub, `${rel} matches ${ref}`);
        n++;
      }
      assert.ok(key.matches.length > 0, `${rel} matches something`);
    }
    assert.ok(n >= 20, `${n} pairs`);
    assert.notEqual(opensslStatus(['pkey', '-noout', '-passin', 'pass:wrong'], { input: read(m.root, 'rsa-pkcs8-encrypted.key') }).status, 0);
  });

  it('has the leaf with every SAN type, several EKUs, a many-attribute subject, chained to ca.crt', () => {
    const leaf = read(m.root, 'leaf.crt');
    assert.equal(subjectOf(leaf), 'CN=leaf.keys.test,OU=Security,OU=Platform,O=PKI Lens Fixtures,L=Berlin,ST=Berlin,C=DE');
    assert.equal(x509(leaf, '-ext', 'subjectAltName').split('\n')[1].trim(),
      'DNS:leaf.keys.test, DNS:*.leaf.keys.test, IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:10, email:ops@keys.test, URI:spiffe://keys.test/ns/default/sa/leaf');
    assert.equal(x509(leaf, '-ext', 'extendedKeyUsage').split('\n')[1].trim(), 'TLS Web Server Authentication, TLS Web Client Authentication, Code Signing');
    assert.ok(verify(path.join(m.root, 'ca.crt'), leaf).ok);
    const facts = m.files['leaf.crt'].blocks![0].certificate!;
    assert.equal(`serial=${facts.serial}`, x509(leaf, '-serial'));
    assert.equal(`sha256 Fingerprint=${facts.sha256}`, x509(leaf, '-fingerprint', '-sha256'));
    assert.deepEqual(m.files['cert.der'].blocks![0].certificate, facts);
  });

  it('has weak, bundled, binary and broken variants', () => {
    assert.match(openssl(['x509', '-noout', '-text'], { input: read(m.root, 'weak-rsa1024.crt') }), /Public-Key: \(1024 bit\)/);
    assert.match(openssl(['x509', '-noout', '-text'], { input: read(m.root, 'weak-sha1.crt') }), /Signature Algorithm: sha1WithRSAEncryption/);
    assert.equal(subjectsOfBundle(read(m.root, 'bundle.pem')).length, 2);
    assert.equal(subjectsOfBundle(read(m.root, 'bundle-crlf.pem')).length, 2);
    assert.ok(read(m.root, 'bundle-crlf.pem').includes('\r\n') && !/[^\r]\n/.test(read(m.root, 'bundle-crlf.pem')));
    assert.match(read(m.root, 'bundle.pem'), /^Certificate bundle[\s\S]*END CERTIFICATE-----\n# the issuing CA[\s\S]*END CERTIFICATE-----\ntrailing text/);
    for (const rel of ['cert.der', 'binary.crt']) {
      const der = fs.readFileSync(path.join(m.root, rel));
      assert.equal(der[0], 0x30, rel);
      assert.equal(opensslStatus(['x509', '-inform', 'DER', '-noout', '-in', path.join(m.root, rel)]).status, 0, rel);
    }
    for (const rel of Object.keys(m.files).filter((f) => m.files[f].kind === 'broken')) {
      assert.notEqual(opensslStatus(['x509', '-noout', '-in', path.join(m.root, rel)]).status, 0, `${rel} must not parse`);
    }
    assert.equal(Object.values(m.files).filter((f) => f.kind === 'broken').length, 4);
  });
});

describe('demo fixture', () => {
  it('is a seeded kubeadm tree plus manifests/ and a guide', () => {
    const m = generateDemo(path.join(tmp, 'demo'));
    assert.equal(m.seeded.length, 12);
    for (const rel of ['README-demo.md', 'manifests/webhook-tls-secret.yaml', 'manifests/validating-webhook.yaml', 'pki/ca.crt', 'admin.conf']) {
      assert.ok(fs.existsSync(path.join(m.root, rel)), rel);
    }
    const caBundle = unb64(/caBundle: (\S+)/.exec(read(m.root, 'manifests/validating-webhook.yaml'))![1]);
    assert.equal(caBundle, read(m.root, 'pki/ca.crt'));
    const tls = unb64(/tls\.crt: (\S+)/.exec(read(m.root, 'manifests/webhook-tls-secret.yaml'))![1]);
    assert.ok(verify(path.join(m.root, 'pki/ca.crt'), tls).ok);
  });
});

describe('bench fixture', () => {
  it('makes distinct certificates (small run)', async () => {
    const m = await generateBench(path.join(tmp, 'bench'), { certificates: 600, kubeconfigs: 30, unrelated: 200 });
    assert.equal(m.counts.certificateFiles, 600);
    assert.equal(m.counts.distinctCertificates, 600);
    let files = 0;
    const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : files++));
    walk(m.root);
    assert.equal(files, m.counts.totalFiles);
    for (const rel of Object.keys(m.samples)) {
      const pem = read(m.root, rel);
      assert.ok(verify(path.join(m.root, 'ca/root.crt'), pem, ['-untrusted', path.join(m.root, 'ca/intermediate.crt'), '-no_check_time']).ok, rel);
    }
  });
});

describe('generate CLI', () => {
  it('prints the manifest path', () => {
    const out = path.join(tmp, 'cli');
    const stdout = execFileSync(process.execPath, [path.join(__dirname, '../fixtures/generate.js'), 'keys', out], { env: OPENSSL_ENV }).toString().trim();
    assert.equal(stdout, out + '.manifest.json');
    assert.equal((JSON.parse(fs.readFileSync(stdout, 'utf8')) as Manifest).generator, 'keys');
  });
});
