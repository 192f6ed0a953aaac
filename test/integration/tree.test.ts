// The inventory view on the seeded kubeadm tree, read through the extension's API (the same elements
// the TreeDataProvider hands to the view), the status bar text, and the expiry report.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { TreeNodeSnapshot } from '../../src/features/inventory/tree';
import { countValidity, statusText } from '../../src/features/inventory/statusBar';
import { manifest } from './helpers';
import { fmt, locate, pkiApi } from './pkiWorkspace';

function find(nodes: TreeNodeSnapshot[], label: string): TreeNodeSnapshot {
  const node = nodes.find(n => n.label === label);
  assert.ok(node, `"${label}" among ${nodes.map(n => n.label).join(', ')}`);
  return node;
}

function all(nodes: TreeNodeSnapshot[]): TreeNodeSnapshot[] {
  return nodes.flatMap(n => [n, ...all(n.children)]);
}

describe('inventory tree, status bar and expiry report on the seeded kubeadm workspace', () => {
  const m = manifest('kubeadm');
  const stamped = Object.keys(m.files).find(f => /kubelet-client-\d/.test(f))!;

  it('groups by trust: each CA with what it issued, soonest expiry first', async () => {
    const roots = await (await pkiApi()).inventoryTree.roots('trust');
    const cas = roots.filter(r => r.contextValue === 'pki-cert-ca').map(r => r.label);
    assert.deepStrictEqual([...cas].sort(), ['etcd-ca', 'front-proxy-ca', 'kubernetes', 'legacy-ca']);
    assert.strictEqual(cas[0], 'legacy-ca', 'the expired CA comes first');
    assert.deepStrictEqual(roots.filter(r => r.contextValue === 'pki-group').map(r => r.label), ['Issuer not in workspace', 'Keys without a certificate', 'Cannot be decoded']);

    const kubernetes = find(roots, 'kubernetes');
    assert.strictEqual(kubernetes.state, 'valid');
    assert.match(kubernetes.description ?? '', /^36\d\d d$/, 'compact: the residual time only (the path is in the tooltip)');
    assert.match(kubernetes.tooltip ?? '', /pki\/ca\.crt/);
    const issued = kubernetes.children.filter(c => c.contextValue.startsWith('pki-cert'));
    const labels = issued.map(c => c.label);
    for (const want of ['kube-apiserver', 'kube-apiserver-kubelet-client', 'kubernetes-admin', 'kubernetes-super-admin', 'cp-1']) {
      assert.ok(labels.includes(want), `${want} under kubernetes: ${labels.join(', ')}`);
    }
    assert.deepStrictEqual(labels.slice(0, 2), ['kube-apiserver-kubelet-client', 'kube-apiserver'], 'sorted by residual time');
    assert.ok(!labels.includes('kube-controller-manager'), 'signed by other-ca, not kubernetes');
    assert.ok(!labels.includes('kube-scheduler'), 'the truncated certificate cannot be placed');

    const expired = find(issued, 'kube-apiserver-kubelet-client');
    assert.strictEqual(expired.state, 'expired');
    assert.strictEqual(expired.icon, 'error');
    assert.strictEqual(expired.description, 'expired 3 d');
    const expiring = find(issued, 'kube-apiserver');
    assert.strictEqual(expiring.state, 'expiring');
    assert.strictEqual(expiring.icon, 'warning');
    assert.match(expiring.description ?? '', /^10 d$/);
    assert.strictEqual(expiring.contextValue, 'pki-cert-leaf');
    assert.match(expiring.tooltip ?? '', /\| Subject \| CN=kube-apiserver \|/, 'tooltip: the hover details');
    assert.match(expiring.tooltip ?? '', /expires on .*`cert-expiring`/, 'tooltip: the problems of this certificate');
    assert.deepStrictEqual(expiring.children.map(k => [k.label, k.contextValue]), [['apiserver.key', 'pki-key']], 'the key under its certificate');

    // A kubeconfig user: its short name first, the file after the residual time, the full name in the tooltip.
    const admin = find(issued, 'kubernetes-admin');
    assert.strictEqual(admin.contextValue, 'pki-cert-leaf.kubeconfig-user');
    assert.match(admin.description ?? '', /^36\d d · admin\.conf$/);
    const kubelet = issued.find(c => c.label === 'cp-1' && c.contextValue === 'pki-cert-leaf.kubeconfig-user');
    assert.ok(kubelet, 'the kubelet user, system:node: elided');
    assert.strictEqual(kubelet.state, 'broken', 'wrong O is an error');
    assert.match(kubelet.description ?? '', / · kubelet\.conf$/);
    assert.match(kubelet.tooltip ?? '', /kubelet\.conf › system:node:cp-1/, 'the elided prefix is in the tooltip');
    assert.deepStrictEqual(admin.children.map(k => k.label), ['admin.conf › users[0].user.client-key-data']);
  });

  it('shows the kubelet symlink once, under its own name, with its key', async () => {
    const roots = await (await pkiApi()).inventoryTree.roots('trust');
    const kubelet = all(roots).filter(n => n.uri?.includes('kubelet/pki/'));
    assert.ok(kubelet.length >= 2, 'certificate and key of the combined file');
    assert.ok(kubelet.every(n => n.uri!.endsWith('/kubelet-client-current.pem')), `only the symlink: ${kubelet.map(n => n.uri).join(', ')}`);
    assert.ok(!all(roots).some(n => n.uri?.endsWith(stamped.split('/').pop()!)), 'the timestamped target is not listed separately');
    const cert = kubelet.find(n => n.contextValue === 'pki-cert-leaf')!;
    assert.strictEqual(cert.label, 'system:node:cp-1');
    assert.deepStrictEqual(cert.children.map(c => c.contextValue), ['pki-key']);
  });

  it('places keys, orphans and broken material in their own groups, with problems marked', async () => {
    const roots = await (await pkiApi()).inventoryTree.roots('trust');
    assert.deepStrictEqual(find(roots, 'Issuer not in workspace').children.map(c => c.label), ['kube-controller-manager']);
    const loose = find(roots, 'Keys without a certificate').children.map(c => c.label).sort();
    assert.ok(loose.includes('sa.key') && loose.includes('sa.pub'), loose.join(', '));
    const broken = find(roots, 'Cannot be decoded').children;
    assert.deepStrictEqual(broken.map(b => [b.label, b.state]), [['kube-scheduler', 'broken']]);
    assert.strictEqual(broken[0].description, 'cannot be decoded · scheduler.conf');

    const etcd = find(roots, 'etcd-ca');
    const client = find(etcd.children, 'kube-apiserver-etcd-client');
    assert.deepStrictEqual(client.children.map(k => [k.label, k.state]), [['apiserver-etcd-client.key', 'broken']], 'the mismatched key sits under the certificate it should match');
    assert.strictEqual(find(etcd.children, 'kube-etcd-healthcheck-client').state, 'valid');
    const legacy = find(roots, 'legacy-ca');
    assert.strictEqual(legacy.state, 'expired');
    assert.strictEqual(find(legacy.children, 'legacy-client').state, 'broken', 'in date, but its CA is not');
    assert.strictEqual(find(find(roots, 'front-proxy-ca').children, 'front-proxy-client').state, 'expired', 'not yet valid');
  });

  it('every node reveals the exact range of its material', async () => {
    const roots = await (await pkiApi()).inventoryTree.roots('trust');
    const ca = find(roots, 'kubernetes');
    assert.ok(ca.uri?.endsWith('/pki/ca.crt'));
    const want = locate(m, 'pki/ca.crt').range;
    assert.strictEqual(ca.range!.join(','), [want.start.line, want.start.character, want.end.line, want.end.character].join(','), fmt(want));
    const admin = find(ca.children, 'kubernetes-admin');
    const value = locate(m, 'admin.conf', { carrier: 'users[0].user.client-certificate-data' }).range;
    assert.deepStrictEqual(admin.range, [value.start.line, value.start.character, value.end.line, value.end.character]);
    for (const n of all(roots).filter(x => x.contextValue.startsWith('pki-cert') || x.contextValue.startsWith('pki-key'))) {
      assert.ok(n.uri && n.range, `${n.label} has a location`);
    }
    // The click command opens the file at the range.
    await vscode.commands.executeCommand('pkiLens.revealEntry', vscode.Uri.parse(admin.uri!), new vscode.Range(value.start, value.end));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document.uri.fsPath.endsWith('admin.conf'));
    assert.ok(editor.selection.isEqual(new vscode.Selection(value.start, value.end)));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Copy Fingerprint on a tree node copies the SHA-256 fingerprint openssl gives', async () => {
    const roots = await (await pkiApi()).inventoryTree.roots('trust');
    const ca = find(roots, 'kubernetes');
    const openssl = m.files['pki/ca.crt'].blocks![0].certificate!.sha256;
    assert.strictEqual(ca.fingerprint, openssl);
    await vscode.env.clipboard.writeText('');
    // The context menu hands the command the tree element; any object with the node's fields will do.
    await vscode.commands.executeCommand('pkiLens.copyFingerprint', { label: ca.label, fingerprint: ca.fingerprint, uri: vscode.Uri.parse(ca.uri!) });
    assert.strictEqual(await vscode.env.clipboard.readText(), openssl);
  });

  it('groups by folder and file when asked, and remembers the choice', async () => {
    const api = await pkiApi();
    await vscode.commands.executeCommand('pkiLens.groupByFile');
    assert.strictEqual(api.inventoryTree.grouping, 'file');
    const roots = await api.inventoryTree.roots();
    const folders = roots.filter(r => r.contextValue === 'pki-folder').map(r => r.label);
    assert.deepStrictEqual(folders, ['kubelet/pki', 'pki', 'pki/etcd']);
    const files = roots.filter(r => r.contextValue === 'pki-file').map(r => r.label);
    assert.deepStrictEqual(files, ['admin.conf', 'controller-manager.conf', 'kubelet.conf', 'scheduler.conf', 'super-admin.conf']);
    assert.deepStrictEqual(find(roots, 'kubelet/pki').children.map(f => f.label), ['kubelet-client-current.pem']);
    const pki = find(roots, 'pki');
    assert.strictEqual(find(pki.children, 'apiserver.crt').state, 'expiring');
    const scheduler = find(roots, 'scheduler.conf');
    assert.strictEqual(scheduler.state, 'broken');
    assert.deepStrictEqual(scheduler.children.map(c => c.contextValue), ['pki-cert-ca', 'pki-broken', 'pki-key'], 'CA, broken certificate, key in document order');
    await vscode.commands.executeCommand('pkiLens.groupByTrust');
    assert.strictEqual(api.inventoryTree.grouping, 'trust');
  });

  it('the status bar counts distinct certificates by state', async () => {
    const api = await pkiApi();
    const snapshot = await api.services.index.ready();
    assert.strictEqual(statusText(countValidity(snapshot)), 'PKI: 2 expired · 1 not yet valid · 1 expiring');
    // What the bar shows, counted in the host's slices after the build.
    assert.ok(api.statusBar, 'the status bar started');
    assert.strictEqual(await api.statusBar.settled(), 'PKI: 2 expired · 1 not yet valid · 1 expiring');
  });

  it('the expiry report lists every certificate, kubeadm style', async () => {
    const result = await vscode.commands.executeCommand<{ uri: vscode.Uri; text: string }>('pkiLens.expiryReport');
    assert.ok(result, 'the command returns the report');
    const text = result.text;
    assert.match(text, /^CERTIFICATE\s+EXPIRES\s+RESIDUAL TIME\s+CERTIFICATE AUTHORITY\s+EXTERNALLY MANAGED$/m);
    assert.match(text, /^CERTIFICATE AUTHORITY\s+EXPIRES\s+RESIDUAL TIME\s+EXTERNALLY MANAGED$/m);
    const rowOf = (name: string) => text.split('\n').find(l => l.startsWith(`${name} `));
    const certFiles = Object.entries(m.files).filter(([f, facts]) => !facts.symlinkTo && f !== stamped && facts.blocks?.some(b => b.certificate)).map(([f]) => f);
    for (const f of [...certFiles, 'admin.conf', 'super-admin.conf', 'controller-manager.conf', 'kubelet.conf', 'kubelet/pki/kubelet-client-current.pem']) {
      assert.ok(rowOf(f), `a row for ${f}:\n${text}`);
    }
    assert.match(rowOf('pki/apiserver.crt')!, /\s9d\s+pki\/ca\.crt\s+no$|\s10d\s+pki\/ca\.crt\s+no$/);
    assert.match(rowOf('pki/apiserver-kubelet-client.crt')!, /expired 3d ago/);
    assert.match(rowOf('controller-manager.conf')!, /CN=other-ca \(not in workspace\)\s+yes$/);
    assert.match(rowOf('pki/etcd/server.crt')!, /pki\/etcd\/ca\.crt\s+no$/);
    assert.match(text, /COULD NOT BE DECODED\n\s+scheduler\.conf users\[0\]\.user\.client-certificate-data/);
    // The CA table lists each CA once, the leaf table never.
    const caRows = text.slice(text.search(/^CERTIFICATE AUTHORITY/m)).split('\n').filter(l => /^pki\//.test(l));
    assert.deepStrictEqual(caRows.map(l => l.split(/\s+/)[0]).sort(), ['pki/ca.crt', 'pki/etcd/ca.crt', 'pki/front-proxy-ca.crt', 'pki/legacy-ca.crt']);
    const doc = vscode.workspace.textDocuments.find(d => d.uri.toString() === result.uri.toString());
    assert.ok(doc, 'the report is open as a document');
    assert.strictEqual(doc.getText(), text);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
