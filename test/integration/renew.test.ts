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
    // What the preview shows (and what confirm: false still returns): old versus new.
    const preview = result.preview ?? '';
    for (const expected of ['CN=kube-apiserver — pki/apiserver.crt', 'Subject: CN=kube-apiserver (kept)', 'SANs: DNS:cp-1, DNS:kubernetes,',
      'Key: reused — RSA 2048', 'CA: CN=kubernetes (pki/ca.crt, key pki/ca.key)', `Serial: `, 'pki/apiserver.crt']) {
      assert.ok(preview.includes(expected), `preview has "${expected}":\n${preview}`);
    }
    assert.match(preview, /Validity, old: .* → .*\n\s+Validity, new: .* → /);
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
    assert.strictEqual(tree.read('scheduler.conf'), disk, 'still nothing on disk');
    // Leave no dirty editor behind (closing one would ask to save).
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor('the hand edit reverted', () => !doc.isDirty || doc.isClosed || undefined, 5_000);
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

  it('renews an open, saved file twice in a row: the second renewal works on the first one\'s certificate', async () => {
    const ca = workspaceCa(tree, 'pki/ca.crt', 'pki/ca.key', 'rsa2048');
    tree.write('extra/twice.crt', issueLeaf(bench, ca, 'twice', -355, 10).pem);
    const uri = tree.uri('extra/twice.crt');
    await indexed(tree, 'extra/twice.crt');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const first = await renewOk('pkiLens.renewCertificate', uri, {});
    // VS Code reloads the saved document when its watcher reports the write, a moment (or on a loaded
    // machine, seconds) later: until then the editor shows the first certificate, the disk the renewed one.
    const second = await renewOk('pkiLens.renewCertificate', uri, {});
    const now = tree.read('extra/twice.crt');
    assert.strictEqual(serialOf(now), second.renewed[0].serialNumber, 'the disk holds the second renewal');
    assert.notStrictEqual(second.renewed[0].serialNumber, first.renewed[0].serialNumber);
    assert.ok(verify(bench, tree.read('pki/ca.crt'), now).ok);
    await waitFor('the editor shows the second renewal', () => doc.getText() === now || undefined);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
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
    // The panel receives a build's findings in slices (features/inventory/diagnostics.ts): a turn or two after the command on a loaded host.
    await waitFor('the renewed files\' findings to clear', () => !diagnosticCodes(tree.uri('extra/batch-a.crt')).length && !diagnosticCodes(tree.uri('extra/batch-b.crt')).length || undefined, 10_000);
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

  it('renews the certificate a tree node stands for (its uri, range and fingerprint)', async () => {
    const old = tree.read('pki/etcd/peer.crt');
    const fingerprint = fingerprintOf(old).split('=')[1];
    const node = { uri: tree.uri('pki/etcd/peer.crt'), range: new vscode.Range(0, 0, 0, 0), fingerprint, contextValue: 'pki-cert-leaf', label: 'cp-1' };
    const result = await vscode.commands.executeCommand<RenewCommandResult>('pkiLens.renewCertificate', node, { confirm: false });
    assert.ok(result?.ok, `${result?.error?.code}: ${result?.error?.message}`);
    assert.strictEqual(result.renewed[0].where, 'pki/etcd/peer.crt');
    assert.ok(verify(bench, tree.read('pki/etcd/ca.crt'), tree.read('pki/etcd/peer.crt')).ok);
    assert.deepStrictEqual(keptFacts(tree.read('pki/etcd/peer.crt')), keptFacts(old));
  });

  it('renews the kubeconfig user under the editor\'s cursor (on its client-key-data)', async () => {
    const doc = await vscode.workspace.openTextDocument(tree.uri('super-admin.conf'));
    const editor = await vscode.window.showTextDocument(doc);
    const at = doc.positionAt(doc.getText().indexOf('client-key-data:') + 20);
    editor.selection = new vscode.Selection(at, at);
    const old = kubeconfigValue(doc.getText(), 'client-certificate-data');
    const result = await vscode.commands.executeCommand<RenewCommandResult>('pkiLens.renewCertificate', { confirm: false });
    assert.ok(result?.ok, `${result?.error?.code}: ${result?.error?.message}`);
    assert.strictEqual(result.renewed[0].kubeconfigUser, 'kubernetes-super-admin');
    const now = kubeconfigValue(tree.read('super-admin.conf'), 'client-certificate-data');
    assert.ok(verify(bench, tree.read('pki/ca.crt'), now).ok);
    assert.notStrictEqual(serialOf(now), serialOf(old));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('renews every user of a kubeconfig whose CA is in the workspace, not only the current context; index picks one', async () => {
    const ca = workspaceCa(tree, 'pki/ca.crt', 'pki/ca.key', 'rsa2048');
    const outsider = issueCa(bench, 'another-ca', -10, 3650);
    const users = [['alice', ca], ['bob', ca], ['carol', outsider]] as const;
    const issued = users.map(([name, issuer]) => issueLeaf(bench, issuer, name, -100, 200));
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    tree.write('extra/team.conf', [
      'apiVersion: v1', 'clusters:', '- cluster:', `    certificate-authority-data: ${b64(tree.read('pki/ca.crt'))}`, '    server: https://192.168.0.10:6443', '  name: kubernetes',
      'contexts:', '- context:', '    cluster: kubernetes', '    user: alice', '  name: alice@kubernetes', 'current-context: alice@kubernetes', 'kind: Config', 'preferences: {}',
      'users:', ...users.flatMap(([name], i) => [`- name: ${name}  # ${name}'s account`, '  user:', `    client-certificate-data: ${b64(issued[i].pem)}`, `    client-key-data: ${b64(issued[i].key.traditional())}`]),
    ].join('\n') + '\n', 0o600);
    await indexed(tree, 'extra/team.conf');
    const certs = (text: string) => [...text.matchAll(/client-certificate-data: (\S+)/g)].map(m => Buffer.from(m[1], 'base64').toString('utf8'));

    const t0 = tree.read('extra/team.conf');
    const one = await renewOk('pkiLens.renewCertificate', tree.uri('extra/team.conf'), { index: 1 });
    assert.deepStrictEqual(one.renewed.map(r => r.kubeconfigUser), ['bob']);
    const t1 = tree.read('extra/team.conf');
    assert.deepStrictEqual(certs(t1).map(serialOf).map((s, i) => s === serialOf(certs(t0)[i])), [true, false, true], 'only bob changed');

    const all = await renewOk('pkiLens.renewCertificate', tree.uri('extra/team.conf'), {});
    assert.deepStrictEqual(all.renewed.map(r => r.kubeconfigUser), ['alice', 'bob']);
    assert.ok(all.skipped.some(s => /users\[2\]/.test(s.where) && /not in the workspace/.test(s.reason)), `carol left alone: ${JSON.stringify(all.skipped)}`);
    const t2 = tree.read('extra/team.conf');
    const [alice, bob, carol] = certs(t2);
    assert.ok(verify(bench, tree.read('pki/ca.crt'), alice).ok && verify(bench, tree.read('pki/ca.crt'), bob).ok);
    assert.strictEqual(carol, certs(t0)[2]);
    const changed = t1.split('\n').map((l, i) => (l === t2.split('\n')[i] ? undefined : l.trim().replace(/:.*$/, ''))).filter(Boolean);
    assert.deepStrictEqual(changed, ['client-certificate-data', 'client-certificate-data'], 'two values changed; comments, order and the rest kept');
  });

  it('renews a TLS Secret\'s tls.crt with a new tls.key, leaving ca.crt and every other byte', async () => {
    const ca = workspaceCa(tree, 'pki/ca.crt', 'pki/ca.key', 'rsa2048');
    const leaf = issueLeaf(bench, ca, 'webhook-svc', -200, 100);
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    tree.write('extra/webhook-tls.yaml', [
      'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: webhook-tls', '  namespace: default', 'type: kubernetes.io/tls', 'data:',
      `  ca.crt: ${b64(tree.read('pki/ca.crt'))}`, `  tls.crt: "${b64(leaf.pem)}"`, `  tls.key: ${b64(leaf.key.traditional())}`,
    ].join('\n') + '\n');
    await indexed(tree, 'extra/webhook-tls.yaml');
    const before = tree.read('extra/webhook-tls.yaml');
    const result = await renewOk('pkiLens.renewCertificate', tree.uri('extra/webhook-tls.yaml'), { key: 'rotate' });
    const after = tree.read('extra/webhook-tls.yaml');
    const value = (text: string, key: string) => Buffer.from(new RegExp(`^  ${key.replace('.', '\\.')}: "?([^"\\s]+)"?$`, 'm').exec(text)![1], 'base64').toString('utf8');
    assert.strictEqual(result.renewed[0].where, 'extra/webhook-tls.yaml data.tls.crt');
    assert.ok(verify(bench, tree.read('pki/ca.crt'), value(after, 'tls.crt')).ok);
    assert.strictEqual(publicKeyOfKey(value(after, 'tls.key')), publicKeyOfCert(value(after, 'tls.crt')));
    assert.deepStrictEqual(labels(value(after, 'tls.key')), ['EC PRIVATE KEY']);
    assert.match(after, /^ {2}tls\.crt: "[^"]+"$/m, 'the quotes are kept');
    const changed = before.split('\n').map((l, i) => (l === after.split('\n')[i] ? undefined : l.trim().replace(/:.*$/, ''))).filter(Boolean);
    assert.deepStrictEqual(changed, ['tls.crt', 'tls.key']);
  });

  it('follows the renewal settings: key policy, validity and backup folder', async () => {
    const config = vscode.workspace.getConfiguration('pkiLens');
    await config.update('renewal.key', 'rotate', vscode.ConfigurationTarget.Workspace);
    await config.update('renewal.validityDays', 30, vscode.ConfigurationTarget.Workspace);
    await config.update('renewal.backupFolder', '.pki-backups', vscode.ConfigurationTarget.Workspace);
    try {
      const before = record('pki/apiserver-etcd-client.crt', 'pki/apiserver-etcd-client.key');
      const oldKey = tree.read('pki/apiserver-etcd-client.key');
      const result = await renewOk('pkiLens.renewCertificate', tree.uri('pki/apiserver-etcd-client.crt'), {});
      const cert = tree.read('pki/apiserver-etcd-client.crt');
      const key = tree.read('pki/apiserver-etcd-client.key');
      assert.strictEqual(result.renewed[0].keyPolicy, 'rotate');
      assert.notStrictEqual(publicKeyOfKey(key), publicKeyOfKey(oldKey));
      assert.strictEqual(publicKeyOfKey(key), publicKeyOfCert(cert));
      assert.ok(Math.abs(notAfter(cert).getTime() - (Date.now() + 30 * 86_400_000)) < 120_000, `NotAfter ${notAfter(cert).toISOString()} ≈ now + 30 days`);
      for (const f of result.files) {
        assert.ok(f.backup!.startsWith(tree.path('.pki-backups/pki/')), `backup ${f.backup} under the backup folder, mirroring pki/`);
      }
      assertBackups(result, before);
      const keyBackup = result.files.find(f => f.path.endsWith('.key'))!.backup!;
      assert.strictEqual(fs.statSync(keyBackup).mode & 0o777, 0o600, 'the key\'s backup is as private as the key');
      const snapshot = await (await pkiApi()).services.index.rebuildNow();
      assert.ok(!snapshot?.files.some(f => f.uri.path.includes('.pki-backups')), 'backups are not scanned');
    } finally {
      await config.update('renewal.key', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('renewal.validityDays', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('renewal.backupFolder', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('renews the cluster CA with the same key: its copies follow, every leaf it issued still verifies', async () => {
    const oldCa = tree.read('pki/ca.crt');
    // The CA's copies: every kubeconfig's certificate-authority-data, the team kubeconfig, the Secret's ca.crt.
    const before = record('pki/ca.crt', ...KUBECONFIGS, 'extra/team.conf', 'extra/webhook-tls.yaml');
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
    assert.deepStrictEqual(result.files.map(f => f.path).sort(), Object.keys(before).sort(), 'the CA and each of its copies, nothing else');

    // Every certificate the CA issued verifies against the renewed CA: renewed ones and untouched ones alike.
    const leaves: [string, string][] = [
      ['pki/apiserver.crt (renewed)', tree.read('pki/apiserver.crt')],
      ['pki/apiserver-kubelet-client.crt (untouched)', tree.read('pki/apiserver-kubelet-client.crt')],
      ['kubelet-client-current.pem (renewed)', tree.read('kubelet/pki/kubelet-client-current.pem')],
      ['extra/webhook.crt (renewed)', tree.read('extra/webhook.crt')],
      ['extra/batch-a.crt (renewed)', tree.read('extra/batch-a.crt')],
      ['extra/webhook-tls.yaml tls.crt (renewed)', Buffer.from(/tls\.crt: "([^"]+)"/.exec(tree.read('extra/webhook-tls.yaml'))![1], 'base64').toString('utf8')],
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
