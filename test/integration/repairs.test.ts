// Repairs beyond renewal in a real VS Code, on the server-name fixture (openssl-made): the Quick Fix
// on kubeconfig-server-name adds the dialled IP to pki/apiserver.crt and re-issues it — judged by
// openssl (-text, verify), the key file, and a real TLS handshake checked for the new IP; then a
// renewed kubeconfig leaves stale copies that are found and fixed with "Update from …".
import 'reflect-metadata';
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as vscode from 'vscode';
import type { ServerNameManifest } from '../fixtures/serverName';
import { openssl } from '../fixtures/openssl';
import { activate, waitFor } from './helpers';
import { pkiApi } from './pkiWorkspace';
import { RenewCommandResult, Tree, diagnosticCodes, kubeconfigValue, renewOk } from './renewHelpers';
import type { StaleCopyResult } from '../../src/features/renew/staleCopyFix';
import type { SignCsrResult } from '../../src/features/renew/signCsrCommand';

function serverNameManifest(): ServerNameManifest {
  const file = process.env.PKI_LENS_MANIFEST_SERVER_NAME;
  assert.ok(file, 'PKI_LENS_MANIFEST_SERVER_NAME is not set');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ServerNameManifest;
}

const sansOf = (pem: string) => openssl(['x509', '-noout', '-ext', 'subjectAltName'], { input: pem }).split('\n')[1].trim().split(', ');

/** A TLS server on 127.0.0.1 with the tree's API server certificate; the client trusts only pki/ca.crt and checks the certificate for `name`. */
async function dialAs(tree: Tree, name: string): Promise<string> {
  const server = tls.createServer({ cert: tree.bytes('pki/apiserver.crt'), key: tree.bytes('pki/apiserver.key') }, s => s.end());
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  try {
    return await new Promise<string>(resolve => {
      const socket = tls.connect({
        host: '127.0.0.1', port: (server.address() as { port: number }).port, ca: tree.bytes('pki/ca.crt'),
        checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
      }, () => {
        resolve(socket.authorized ? 'verified' : String(socket.authorizationError));
        socket.destroy();
      });
      socket.on('error', e => resolve(e.message));
    });
  } finally {
    server.close();
  }
}

async function quickFix(uri: vscode.Uri, code: string, title: RegExp): Promise<vscode.CodeAction> {
  const diagnostic = await waitFor(`a ${code} diagnostic on ${uri.fsPath}`,
    () => vscode.languages.getDiagnostics(uri).find(d => d.source === 'PKI Lens' && (typeof d.code === 'object' ? d.code.value : d.code) === code), 60_000);
  // The providers run on the document's model: open it (no editor needed).
  await vscode.workspace.openTextDocument(uri);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
  const fix = actions.find(a => title.test(a.title));
  assert.ok(fix, `a quick fix ${title} among ${actions.map(a => a.title).join(', ')}`);
  assert.ok(fix.kind?.contains(vscode.CodeActionKind.QuickFix));
  return fix;
}

describe('repairs in a real VS Code', function () {
  this.timeout(120_000);
  const m = serverNameManifest();
  const tree = new Tree(m.root);

  before(async () => {
    await activate();
    await (await pkiApi()).services.index.ready();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the Quick Fix on kubeconfig-server-name adds IP:10.0.0.5 to pki/apiserver.crt and re-issues it', async () => {
    const kubeconfig = tree.uri('uncovered-ip.conf');
    const old = tree.read('pki/apiserver.crt');
    const key = tree.bytes('pki/apiserver.key');
    assert.match(await dialAs(tree, '10.0.0.5'), /IP: 10\.0\.0\.5 is not in the cert's list/, 'before: the dialled IP is not covered');

    const fix = await quickFix(kubeconfig, 'kubeconfig-server-name', /^Add IP:10\.0\.0\.5 to .* and re-issue…$/);
    const [target, options] = fix.command!.arguments as [unknown, Record<string, unknown>];
    // The action runs as the editor would run it, with the preview skipped.
    const result = await vscode.commands.executeCommand<RenewCommandResult>(fix.command!.command, target, { ...options, confirm: false });
    assert.ok(result?.ok, `${result?.error?.code}: ${result?.error?.message}`);
    assert.match(result.preview ?? '', /SANs changed: added IP:10\.0\.0\.5\n/);

    const now = tree.read('pki/apiserver.crt');
    assert.deepStrictEqual(sansOf(now), [...sansOf(old), 'IP Address:10.0.0.5'], 'openssl -text: every old SAN, then the new one');
    assert.strictEqual(openssl(['verify', '-CAfile', tree.path('pki/ca.crt'), tree.path('pki/apiserver.crt')]).trim(), `${tree.path('pki/apiserver.crt')}: OK`);
    assert.ok(tree.bytes('pki/apiserver.key').equals(key), 'the key file is untouched');
    assert.strictEqual(openssl(['x509', '-noout', '-pubkey'], { input: now }), openssl(['pkey', '-pubout', '-in', tree.path('pki/apiserver.key')]), 'the certificate keeps its key');
    assert.strictEqual(openssl(['x509', '-noout', '-subject'], { input: now }), openssl(['x509', '-noout', '-subject'], { input: old }));
    const backup = result.files.find(f => f.path === tree.path('pki/apiserver.crt'))?.backup;
    assert.ok(backup && fs.readFileSync(backup, 'utf8') === old, 'the backup holds the old certificate');
    assert.strictEqual(await dialAs(tree, '10.0.0.5'), 'verified', 'a TLS client checking for 10.0.0.5 verifies');
    await waitFor('the kubeconfig-server-name finding is gone', () => !diagnosticCodes(kubeconfig).includes('kubeconfig-server-name') || undefined, 30_000);
  });

  it('a renewed kubeconfig leaves stale copies; "Update from …" fixes one, only its client-certificate-data changes', async () => {
    const copyRel = 'uncovered-dns.conf';
    await renewOk('pkiLens.renewCertificate', tree.uri('covered.conf'), { key: 'reuse' });
    const copy = tree.uri(copyRel);
    const before = tree.read(copyRel);
    const fix = await quickFix(copy, 'kubeconfig-stale-copy', /^Update from covered\.conf$/);
    const diagnostic = vscode.languages.getDiagnostics(copy).find(d => (typeof d.code === 'object' ? d.code.value : d.code) === 'kubeconfig-stale-copy')!;
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepStrictEqual((diagnostic.relatedInformation ?? []).map(r => path.basename(r.location.uri.fsPath)), ['covered.conf']);

    const [uri, options] = fix.command!.arguments as [vscode.Uri, Record<string, unknown>];
    const result = await vscode.commands.executeCommand<StaleCopyResult>(fix.command!.command, uri, { ...options, confirm: false });
    assert.ok(result?.ok, result?.error);
    const after = tree.read(copyRel);
    // The document is open (the Quick Fix asked it) and saved: the index has the written text at once,
    // not when VS Code reloads the document.
    assert.strictEqual((await pkiApi()).services.index.file(copy)?.text, after, 'the index holds the written text');
    assert.strictEqual(kubeconfigValue(after, 'client-certificate-data'), kubeconfigValue(tree.read('covered.conf'), 'client-certificate-data'));
    assert.deepStrictEqual(after.split('\n').filter((l, i) => l !== before.split('\n')[i]).map(l => l.trim().split(':')[0]), ['client-certificate-data'], 'only that value changed');
    assert.strictEqual(fs.readFileSync(result.files[0].backup!, 'utf8'), before);
    const pem = kubeconfigValue(after, 'client-certificate-data');
    assert.match(openssl(['verify', '-CAfile', tree.path('pki/ca.crt')], { input: pem }), /OK/);
    await waitFor('the stale copy finding is gone', () => !diagnosticCodes(copy).includes('kubeconfig-stale-copy') || undefined, 30_000);
    assert.ok(diagnosticCodes(tree.uri('tls-server-name.conf')).includes('kubeconfig-stale-copy'), 'the other copies are still reported');
  });

  it('a kubeconfig outside the workspace, named by pkiLens.scan.extraKubeconfigs, is found stale, shown under "Outside the workspace" and updated', async () => {
    // The runner copied covered.conf (the old admin certificate) to a temp dir outside the folder; never the real ~/.kube/config.
    const outsidePath = process.env.PKI_LENS_OUTSIDE_KUBECONFIG;
    assert.ok(outsidePath && !outsidePath.startsWith(m.root), 'PKI_LENS_OUTSIDE_KUBECONFIG names a file outside the workspace');
    const outside = vscode.Uri.file(outsidePath);
    const before = fs.readFileSync(outsidePath, 'utf8');
    if (kubeconfigValue(before, 'client-certificate-data') === kubeconfigValue(tree.read('covered.conf'), 'client-certificate-data')) {
      await renewOk('pkiLens.renewCertificate', tree.uri('covered.conf'), { key: 'reuse' }); // admin.conf renewed: the copy is now stale
    }
    const api = await pkiApi();
    assert.ok(!api.services.index.file(outside), 'not read before the setting names it');
    const previous = vscode.workspace.getConfiguration('pkiLens').inspect<string[]>('scan.extraKubeconfigs')?.globalValue;
    await vscode.workspace.getConfiguration('pkiLens').update('scan.extraKubeconfigs', [outsidePath], vscode.ConfigurationTarget.Global);
    try {
      const fix = await quickFix(outside, 'kubeconfig-stale-copy', /^Update from covered\.conf$/);
      const roots = await api.inventoryTree.roots('file');
      const group = roots.find(r => r.label === 'Outside the workspace');
      assert.ok(group, `an "Outside the workspace" group among ${roots.map(r => r.label).join(', ')}`);
      assert.deepStrictEqual(group.children.map(c => c.uri), [outside.toString()]);
      assert.ok((await api.inventoryTree.roots('trust')).some(r => r.label === 'Outside the workspace' && r.children[0]?.uri === outside.toString()), 'the trust grouping shows it too');

      const [uri, options] = fix.command!.arguments as [vscode.Uri, Record<string, unknown>];
      const result = await vscode.commands.executeCommand<StaleCopyResult>(fix.command!.command, uri, { ...options, confirm: false });
      assert.ok(result?.ok, result?.error);
      const after = fs.readFileSync(outsidePath, 'utf8');
      assert.strictEqual(kubeconfigValue(after, 'client-certificate-data'), kubeconfigValue(tree.read('covered.conf'), 'client-certificate-data'));
      assert.strictEqual(fs.readFileSync(result.files[0].backup!, 'utf8'), before, 'the backup equals the old bytes');
      assert.match(openssl(['verify', '-CAfile', tree.path('pki/ca.crt')], { input: kubeconfigValue(after, 'client-certificate-data') }), /OK/);
      await waitFor('the outside copy\'s finding is gone', () => !diagnosticCodes(outside).includes('kubeconfig-stale-copy') || undefined, 30_000);
    } finally {
      await vscode.workspace.getConfiguration('pkiLens').update('scan.extraKubeconfigs', previous, vscode.ConfigurationTarget.Global);
    }
  });

  it('pkiLens.signCsr signs a CSR made by openssl req with the kubeadm role its name implies', async () => {
    const csr = tree.path('pki/apiserver-kubelet-client.csr');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', tree.path('pki/apiserver-kubelet-client.key'),
      '-subj', '/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client', '-out', csr]);
    await vscode.workspace.openTextDocument(vscode.Uri.file(csr));
    const lenses = await waitFor('the Sign with Local CA lens', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(csr), 10);
      return (all ?? []).find(l => l.command?.command === 'pkiLens.signCsr');
    }, 30_000);
    assert.match(lenses.command!.title, /Sign with Local CA/);
    const result = await vscode.commands.executeCommand<SignCsrResult>('pkiLens.signCsr', vscode.Uri.file(csr), { confirm: false, caCertificate: tree.uri('pki/ca.crt') });
    assert.ok(result?.ok, result?.error?.message);
    assert.strictEqual(result.profile, 'client');
    const crt = tree.path('pki/apiserver-kubelet-client.crt');
    assert.strictEqual(openssl(['verify', '-CAfile', tree.path('pki/ca.crt'), crt]).trim(), `${crt}: OK`);
    assert.match(openssl(['x509', '-noout', '-ext', 'extendedKeyUsage,keyUsage,basicConstraints', '-in', crt]),
      /Basic Constraints: critical\n\s+CA:FALSE\n.*Key Usage: critical\n\s+Digital Signature, Key Encipherment\n.*Extended Key Usage: \n\s+TLS Web Client Authentication/s);
    assert.strictEqual(openssl(['x509', '-noout', '-pubkey', '-in', crt]), openssl(['pkey', '-pubout', '-in', tree.path('pki/apiserver-kubelet-client.key')]));
  });
});
