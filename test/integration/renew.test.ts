// Renewal through the real commands in a real VS Code, on an openssl-generated kubeadm tree,
// graded by openssl (verify, x509 -text) and a real TLS handshake — never by our own parser alone.
import 'reflect-metadata';
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import * as vscode from 'vscode';
import { Workbench } from '../fixtures/ca';
import { openssl } from '../fixtures/openssl';
import { keptFacts, publicKeyOfCert, publicKeyOfKey, verify } from '../fixtures/renewal';
import { activate, manifest, waitFor } from './helpers';
import { pkiApi } from './pkiWorkspace';
import {
  RenewCommandResult, Tree, diagnosticCodes, fingerprintOf, indexed, issueCa, issueLeaf, kubeconfigValue, labels, notAfter, renewOk,
  serialOf, workspaceCa,
} from './renewHelpers';

const KUBECONFIGS = ['admin.conf', 'super-admin.conf', 'controller-manager.conf', 'scheduler.conf', 'kubelet.conf'];

describe('renewal in a real VS Code (kubeadm tree)', function () {
  this.timeout(120_000);
  const m = manifest('kubeadm_healthy');
  const tree = new Tree(m.root);
  let bench: Workbench;

  before(async () => {
    await activate();
    await (await pkiApi()).services.index.ready();
    bench = new Workbench();
  });

  after(() => bench?.dispose());

  /** Every written file has a backup holding exactly the bytes it had before. */
  function assertBackups(result: RenewCommandResult, before: Record<string, Buffer>): void {
    for (const file of result.files) {
      assert.ok(file.backup, `${file.path} was backed up`);
      assert.ok(/\.\d{8}T\d{6}Z(-\d+)?\.bak$/.test(file.backup!), `backup name ${file.backup}`);
      const old = before[file.path];
      assert.ok(old, `test recorded ${file.path} before`);
      assert.ok(fs.readFileSync(file.backup!).equals(old), `backup of ${file.path} equals its old bytes`);
    }
  }

  function record(...rels: string[]): Record<string, Buffer> {
    return Object.fromEntries(rels.map(r => [tree.path(r), tree.bytes(r)]));
  }

  it('renews pki/apiserver.crt (RSA) keeping its key', async () => {
    const old = tree.read('pki/apiserver.crt');
    const before = record('pki/apiserver.crt', 'pki/apiserver.key');
    const modes = [tree.mode('pki/apiserver.crt'), tree.mode('pki/apiserver.key')];
    const result = await renewOk('pkiLens.renewCertificate', tree.uri('pki/apiserver.crt'), { key: 'reuse' });

    const now = tree.read('pki/apiserver.crt');
    const v = verify(bench, tree.read('pki/ca.crt'), now);
    assert.ok(v.ok, `openssl verify: ${v.output}`);
    assert.deepStrictEqual(keptFacts(now), keptFacts(old), 'subject, SANs, KU, EKU, basicConstraints as openssl prints them');
    assert.notStrictEqual(serialOf(now), serialOf(old));
    assert.strictEqual(serialOf(now), result.renewed[0].serialNumber, 'the result reports the written serial');
    assert.ok(notAfter(now) > notAfter(old), 'NotAfter moved later');
    assert.strictEqual(notAfter(now).toISOString(), result.renewed[0].notAfter);
    assert.strictEqual(publicKeyOfCert(now), publicKeyOfCert(old), 'same public key');
    assert.match(openssl(['x509', '-noout', '-text'], { input: now }), /Signature Algorithm: sha256WithRSAEncryption/);
    assert.deepStrictEqual(result.files.map(f => f.path), [tree.path('pki/apiserver.crt')], 'only the certificate file is written');
    assert.ok(tree.bytes('pki/apiserver.key').equals(before[tree.path('pki/apiserver.key')]), 'the key file is untouched');
    assertBackups(result, before);
    assert.deepStrictEqual([tree.mode('pki/apiserver.crt'), tree.mode('pki/apiserver.key')], modes, 'modes kept');
    assert.deepStrictEqual(result.restart, ['kube-apiserver']);
    assert.strictEqual(result.renewed[0].keyPolicy, 'reuse');
    assert.match(result.renewed[0].issuer.keyUri ?? '', /pki\/ca\.key$/, 'the CA and its key were found in the workspace');
  });

  it('renews pki/etcd/server.crt (ECDSA) with a new key, written 0600 in the old SEC1 format', async () => {
    const old = tree.read('pki/etcd/server.crt');
    const oldKey = tree.read('pki/etcd/server.key');
    const before = record('pki/etcd/server.crt', 'pki/etcd/server.key');
    const certMode = tree.mode('pki/etcd/server.crt');
    const result = await renewOk('pkiLens.renewCertificate', tree.uri('pki/etcd/server.crt'), { key: 'rotate' });

    const now = tree.read('pki/etcd/server.crt');
    const key = tree.read('pki/etcd/server.key');
    assert.ok(verify(bench, tree.read('pki/etcd/ca.crt'), now).ok, 'openssl verify against the etcd CA');
    assert.deepStrictEqual(keptFacts(now), keptFacts(old));
    assert.ok(notAfter(now) > notAfter(old));
    assert.match(openssl(['x509', '-noout', '-text'], { input: now }), /Signature Algorithm: ecdsa-with-SHA256/);
    assert.deepStrictEqual(labels(key), ['EC PRIVATE KEY'], 'SEC1 as the old key was');
    assert.strictEqual(publicKeyOfKey(key), publicKeyOfCert(now), 'the new key belongs to the new certificate');
    assert.notStrictEqual(publicKeyOfKey(key), publicKeyOfKey(oldKey), 'the key was rotated');
    assert.match(openssl(['pkey', '-noout', '-text'], { input: key }), /NIST CURVE: P-256/);
    assert.strictEqual(tree.mode('pki/etcd/server.key'), 0o600, 'the new key is 0600');
    assert.strictEqual(tree.mode('pki/etcd/server.crt'), certMode);
    assert.deepStrictEqual(result.files.map(f => f.path).sort(), [tree.path('pki/etcd/server.crt'), tree.path('pki/etcd/server.key')].sort());
    assertBackups(result, before);
    assert.match(result.renewed[0].keyUri ?? '', /pki\/etcd\/server\.key$/);
    assert.deepStrictEqual(result.restart, ['etcd']);
  });

  it('renews the admin.conf user (new key), changing only the data values', async () => {
    const oldText = tree.read('admin.conf');
    const before = record('admin.conf');
    const mode = tree.mode('admin.conf');
    const result = await renewOk('pkiLens.renewCertificate', tree.uri('admin.conf'), { key: 'rotate' });
    const newText = tree.read('admin.conf');

    const a = oldText.split('\n');
    const b = newText.split('\n');
    assert.strictEqual(b.length, a.length, 'same number of lines');
    const changed = a.map((line, i) => (line === b[i] ? undefined : line.replace(/:.*$/, ':').trim())).filter(Boolean);
    assert.deepStrictEqual(changed, ['client-certificate-data:', 'client-key-data:'], 'only the two data values changed');
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        assert.strictEqual(b[i].slice(0, b[i].indexOf(':') + 2), a[i].slice(0, a[i].indexOf(':') + 2), 'key and indentation kept');
      }
    }
    const cert = kubeconfigValue(newText, 'client-certificate-data');
    const key = kubeconfigValue(newText, 'client-key-data');
    const oldCert = kubeconfigValue(oldText, 'client-certificate-data');
    assert.ok(verify(bench, tree.read('pki/ca.crt'), cert).ok);
    assert.deepStrictEqual(keptFacts(cert), keptFacts(oldCert));
    assert.ok(notAfter(cert) > notAfter(oldCert));
    assert.strictEqual(publicKeyOfKey(key), publicKeyOfCert(cert));
    assert.strictEqual(tree.mode('admin.conf'), mode, 'mode kept (0600)');
    assert.strictEqual(result.renewed[0].kubeconfigUser, 'kubernetes-admin');
    assertBackups(result, before);
    assert.ok(result.notes.some(n => /~\/\.kube\/config/.test(n)), `reminder about copies of admin.conf: ${result.notes.join(' | ')}`);
  });

  it('renews kubelet-client-current.pem through its symlink, keeping the link and the combined layout', async () => {
    const link = tree.path('kubelet/pki/kubelet-client-current.pem');
    const linkText = fs.readlinkSync(link);
    const target = fs.realpathSync(link);
    const oldText = fs.readFileSync(target, 'utf8');
    const before = { [link]: fs.readFileSync(target) };
    const mode = fs.statSync(target).mode & 0o777;
    const result = await renewOk('pkiLens.renewCertificate', tree.uri('kubelet/pki/kubelet-client-current.pem'), { key: 'rotate' });

    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'still a symlink');
    assert.strictEqual(fs.readlinkSync(link), linkText, 'pointing where it pointed');
    const now = fs.readFileSync(target, 'utf8');
    assert.notStrictEqual(now, oldText, 'the target was written');
    assert.deepStrictEqual(labels(now), labels(oldText), 'certificate and key blocks in the same order');
    assert.ok(verify(bench, tree.read('pki/ca.crt'), now).ok);
    assert.strictEqual(publicKeyOfKey(now.slice(now.indexOf('-----BEGIN EC PRIVATE KEY'))), publicKeyOfCert(now));
    assert.strictEqual(fs.statSync(target).mode & 0o777, mode);
    assert.strictEqual(result.files[0].realPath, target);
    assertBackups(result, before);
    assert.deepStrictEqual(result.restart, ['kubelet']);
  });

  it('edits a kubeconfig open with unsaved changes through the editor (undoable), not behind its back', async () => {
    const disk = tree.read('scheduler.conf');
    const doc = await vscode.workspace.openTextDocument(tree.uri('scheduler.conf'));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit(e => e.insert(new vscode.Position(0, 0), '# edited by hand\n'));
    assert.ok(doc.isDirty);
    const edited = doc.getText();

    const result = await renewOk('pkiLens.renewCertificate', tree.uri('scheduler.conf'), { key: 'reuse' });
    assert.strictEqual(result.files[0].via, 'editor');
    assert.strictEqual(tree.read('scheduler.conf'), disk, 'the disk is untouched until the user saves');
    const text = doc.getText();
    assert.ok(text.startsWith('# edited by hand\n'), 'the unsaved edit is kept');
    const cert = kubeconfigValue(text, 'client-certificate-data');
    assert.ok(verify(bench, tree.read('pki/ca.crt'), cert).ok);
    assert.notStrictEqual(serialOf(cert), serialOf(kubeconfigValue(disk, 'client-certificate-data')));

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor('undo restores the edited text', () => doc.getText() === edited || undefined, 5_000);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor('revert', () => !doc.isDirty || undefined, 5_000);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    assert.strictEqual(tree.read('scheduler.conf'), disk);
  });

  it('offers a Quick Fix on cert-expiring; running it renews the certificate and the finding disappears', async () => {
    const ca = workspaceCa(tree, 'pki/ca.crt', 'pki/ca.key', 'rsa2048');
    const leaf = issueLeaf(bench, ca, 'webhook', -355, 10);
    tree.write('extra/webhook.crt', leaf.pem);
    const uri = tree.uri('extra/webhook.crt');
    await indexed(tree, 'extra/webhook.crt');
    const diagnostic = await waitFor('cert-expiring on extra/webhook.crt', () => vscode.languages.getDiagnostics(uri)
      .find(d => d.source === 'PKI Lens' && typeof d.code === 'object' && d.code.value === 'cert-expiring'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri)); // code actions are asked of open documents
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
    const fix = actions.find(a => a.command?.command === 'pkiLens.renewCertificate');
    assert.ok(fix, `a renew quick fix among ${actions.map(a => a.title).join(', ')}`);
    assert.match(fix.title, /^Renew CN=webhook/);
    assert.ok(fix.kind?.contains(vscode.CodeActionKind.QuickFix));

    // The action runs the command as the editor would, with the preview skipped.
    const result = await vscode.commands.executeCommand<RenewCommandResult>(fix.command!.command, ...(fix.command!.arguments ?? []), { confirm: false });
    assert.ok(result?.ok, `${result?.error?.code}: ${result?.error?.message}`);
    const now = tree.read('extra/webhook.crt');
    assert.ok(verify(bench, tree.read('pki/ca.crt'), now).ok);
    assert.ok(notAfter(now).getTime() > Date.now() + 360 * 86_400_000, 'the old lifetime of 365 days, from now');
    await waitFor('the cert-expiring finding is gone', () => !diagnosticCodes(uri).includes('cert-expiring') || undefined, 10_000);
  });

  it('renews every expiring certificate whose CA key is in the workspace in one batch, leaving the others', async () => {
    const ca = workspaceCa(tree, 'pki/ca.crt', 'pki/ca.key', 'rsa2048');
    const etcdCa = workspaceCa(tree, 'pki/etcd/ca.crt', 'pki/etcd/ca.key', 'p256');
    const outsider = issueCa(bench, 'outside-ca', -10, 3650);
    tree.write('extra/batch-a.crt', issueLeaf(bench, ca, 'batch-a', -360, 5).pem);
    tree.write('extra/batch-b.crt', issueLeaf(bench, etcdCa, 'batch-b', -100, -1).pem);
    tree.write('extra/external.crt', issueLeaf(bench, outsider, 'external', -360, 5).pem);
    for (const rel of ['extra/batch-a.crt', 'extra/batch-b.crt', 'extra/external.crt']) {
      await indexed(tree, rel);
    }
    await waitFor('findings on the batch files', () => diagnosticCodes(tree.uri('extra/batch-b.crt')).includes('cert-expired') || undefined);

    const result = await renewOk('pkiLens.renewExpiring', undefined, {});
    assert.deepStrictEqual(result.renewed.map(r => r.name).sort(), ['CN=batch-a', 'CN=batch-b']);
    assert.ok(result.skipped.some(s => /external\.crt/.test(s.where)), `external.crt left alone: ${JSON.stringify(result.skipped)}`);
    assert.ok(verify(bench, tree.read('pki/ca.crt'), tree.read('extra/batch-a.crt')).ok);
    assert.ok(verify(bench, tree.read('pki/etcd/ca.crt'), tree.read('extra/batch-b.crt')).ok);
    assert.deepStrictEqual(diagnosticCodes(tree.uri('extra/batch-a.crt')), []);
    assert.deepStrictEqual(diagnosticCodes(tree.uri('extra/batch-b.crt')), []);
    assert.ok(diagnosticCodes(tree.uri('extra/external.crt')).includes('cert-expiring'), 'the externally managed one is still flagged');
  });

  it('uses an encrypted CA key given with its passphrase (decrypted in memory, never written)', async () => {
    const encrypted = bench.scratch('front-proxy-ca.enc.key', openssl(['pkey', '-aes256', '-passout', 'pass:s3cret'], { input: tree.read('pki/front-proxy-ca.key') }));
    const result = await renewOk('pkiLens.renewCertificate', tree.uri('pki/front-proxy-client.crt'), {
      caCertificate: tree.uri('pki/front-proxy-ca.crt'), caKey: vscode.Uri.file(encrypted), passphrase: 's3cret',
    });
    assert.ok(verify(bench, tree.read('pki/front-proxy-ca.crt'), tree.read('pki/front-proxy-client.crt')).ok);
    assert.strictEqual(result.renewed[0].issuer.keyUri, vscode.Uri.file(encrypted).toString());
    assert.ok(!JSON.stringify(result).includes('s3cret'), 'the passphrase is nowhere in the result');
  });

  it('renews the cluster CA with the same key: its copies follow, every leaf it issued still verifies', async () => {
    const oldCa = tree.read('pki/ca.crt');
    const before = record('pki/ca.crt', ...KUBECONFIGS);
    const kubeconfigTexts = Object.fromEntries(KUBECONFIGS.map(k => [k, tree.read(k)]));
    const result = await renewOk('pkiLens.renewCa', tree.uri('pki/ca.crt'), {});
    const newCa = tree.read('pki/ca.crt');

    assert.ok(verify(bench, newCa, newCa).ok, 'self-signed and valid');
    assert.deepStrictEqual(keptFacts(newCa), keptFacts(oldCa));
    assert.strictEqual(publicKeyOfCert(newCa), publicKeyOfCert(oldCa), 'same key');
    const ski = (pem: string) => openssl(['x509', '-noout', '-ext', 'subjectKeyIdentifier'], { input: pem });
    assert.strictEqual(ski(newCa), ski(oldCa));
    assert.notStrictEqual(serialOf(newCa), serialOf(oldCa));
    assert.ok(notAfter(newCa) > notAfter(oldCa));
    assert.deepStrictEqual(result.restart, ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet']);

    // The kubeconfigs' certificate-authority-data now hold the renewed CA; nothing else in them changed.
    for (const k of KUBECONFIGS) {
      const text = tree.read(k);
      assert.strictEqual(fingerprintOf(kubeconfigValue(text, 'certificate-authority-data')), fingerprintOf(newCa), `${k} trusts the renewed CA`);
      const a = kubeconfigTexts[k].split('\n');
      const b = text.split('\n');
      assert.deepStrictEqual(a.map((l, i) => (l === b[i] ? undefined : l.trim().replace(/:.*$/, ''))).filter(Boolean), ['certificate-authority-data'], `${k}: only the CA value changed`);
    }
    assertBackups(result, before);

    // Every certificate the CA issued verifies against the renewed CA: renewed ones and untouched ones alike.
    const leaves: [string, string][] = [
      ['pki/apiserver.crt (renewed)', tree.read('pki/apiserver.crt')],
      ['pki/apiserver-kubelet-client.crt (untouched)', tree.read('pki/apiserver-kubelet-client.crt')],
      ['kubelet-client-current.pem (renewed)', tree.read('kubelet/pki/kubelet-client-current.pem')],
      ['extra/webhook.crt (renewed)', tree.read('extra/webhook.crt')],
      ['extra/batch-a.crt (renewed)', tree.read('extra/batch-a.crt')],
      ...KUBECONFIGS.map(k => [`${k} user`, kubeconfigValue(tree.read(k), 'client-certificate-data')] as [string, string]),
    ];
    for (const [name, pem] of leaves) {
      const v = verify(bench, newCa, pem);
      assert.ok(v.ok, `${name} against the renewed CA: ${v.output}`);
    }
  });

  it('a real TLS handshake with the renewed apiserver certificate and admin.conf credentials', async () => {
    const ca = tree.read('pki/ca.crt');
    const admin = tree.read('admin.conf');
    const server = tls.createServer({
      cert: tree.read('pki/apiserver.crt'), key: tree.read('pki/apiserver.key'), ca, requestCert: true, rejectUnauthorized: true,
    });
    const serverSide = new Promise<{ authorized: boolean; cn: string }>((resolve, reject) => {
      server.once('secureConnection', socket => {
        resolve({ authorized: socket.authorized, cn: String(socket.getPeerCertificate().subject.CN) });
        socket.end('ok');
      });
      server.once('tlsClientError', reject);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const client = await new Promise<{ authorized: boolean; error?: Error | null; data: string }>((resolve, reject) => {
        const socket = tls.connect({
          host: '127.0.0.1', port, servername: 'kubernetes.default.svc',
          ca: kubeconfigValue(admin, 'certificate-authority-data'),
          cert: kubeconfigValue(admin, 'client-certificate-data'),
          key: kubeconfigValue(admin, 'client-key-data'),
        }, () => {
          let data = '';
          socket.on('data', d => { data += d; });
          socket.on('end', () => resolve({ authorized: socket.authorized, error: socket.authorizationError, data }));
        });
        socket.once('error', reject);
      });
      assert.strictEqual(client.authorized, true, `client verified the server (kubernetes.default.svc): ${client.error}`);
      assert.strictEqual(client.data, 'ok');
      const s = await serverSide;
      assert.strictEqual(s.authorized, true, 'server verified the client certificate');
      assert.strictEqual(s.cn, 'kubernetes-admin');
    } finally {
      server.close();
    }
  });
});
