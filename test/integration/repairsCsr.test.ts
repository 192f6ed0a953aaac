// CSR repairs in a real VS Code, on the server-name fixture (openssl-made, its CA key in pki/):
// the CSR rules in the Problems panel and on the tree's request nodes; Sign with Local CA from the
// tree's request node, with pkiLens.sign.validityDays (openssl verify and -enddate judge it); the
// Quick Fix on the probe's served-name-mismatch, against a real TLS server on 127.0.0.1 serving
// pki/apiserver.crt, re-probed after the re-issue.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import * as vscode from 'vscode';
import type { ServerNameManifest } from '../fixtures/serverName';
import { pemOf } from '../fixtures/der';
import { openssl } from '../fixtures/openssl';
import type { TreeNodeSnapshot } from '../../src/features/inventory/tree';
import type { ProbeOutcome } from '../../src/features/probe/command';
import type { SignCsrResult } from '../../src/features/renew/signCsrCommand';
import { activate, waitFor } from './helpers';
import { pkiApi } from './pkiWorkspace';
import { RenewCommandResult, Tree, diagnosticCodes } from './renewHelpers';

const tree = new Tree((JSON.parse(fs.readFileSync(process.env.PKI_LENS_MANIFEST_SERVER_NAME!, 'utf8')) as ServerNameManifest).root);
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const all = (nodes: TreeNodeSnapshot[]): TreeNodeSnapshot[] => nodes.flatMap(n => [n, ...all(n.children)]);

/** `openssl req -new` into `rel` with a new P-256 key at `keyRel`. */
function req(rel: string, keyRel: string, subject: string, addext: string[] = []): string {
  fs.mkdirSync(tree.path(rel).replace(/\/[^/]*$/, ''), { recursive: true });
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', tree.path(keyRel), '-subj', subject,
    ...addext.flatMap(e => ['-addext', e]), '-out', tree.path(rel)]);
  return tree.read(rel);
}

async function requestNode(file: string): Promise<TreeNodeSnapshot> {
  const api = await pkiApi();
  return waitFor(`a request node for ${file} in the tree`, async () =>
    all(await api.inventoryTree.roots('file')).find(n => n.contextValue === 'pki-csr' && n.uri === tree.uri(file).toString()), 30_000);
}

describe('CSR repairs in a real VS Code', function () {
  this.timeout(120_000);

  before(async () => {
    await activate();
    await (await pkiApi()).services.index.ready();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the CSR rules reach the Problems panel and the tree: a tampered request, another key beside one, a kubelet-serving object with an email name', async () => {
    const pem = req('csr/tampered.csr', 'csr/tampered.key', '/CN=tampered-client');
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.indexOf(Buffer.from('tampered-client')) + 1] ^= 0x01;
    tree.write('csr/tampered.csr', pemOf('CERTIFICATE REQUEST', der));
    req('csr/front-proxy-client.csr', 'csr/scratch.key', '/CN=front-proxy-client');
    req('csr/scratch.csr', 'csr/front-proxy-client.key', '/CN=front-proxy-client');
    fs.rmSync(tree.path('csr/scratch.csr'));
    fs.rmSync(tree.path('csr/scratch.key'));
    const email = req('csr/node.csr', 'csr/node.key', '/O=system:nodes/CN=system:node:worker-9', ['subjectAltName=DNS:worker-9,email:ops@example.com']);
    fs.rmSync(tree.path('csr/node.csr'));
    tree.write('csr/worker-9.yaml', `apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: worker-9\nspec:\n  request: ${Buffer.from(email).toString('base64')}\n  signerName: kubernetes.io/kubelet-serving\n  usages:\n  - digital signature\n  - server auth\n`);

    for (const [file, code, says] of [
      ['csr/tampered.csr', 'csr-bad-signature', /signature does not verify with the public key it carries/],
      ['csr/front-proxy-client.csr', 'csr-key-mismatch', /carries another public key than csr\/front-proxy-client\.key beside it/],
      ['csr/worker-9.yaml', 'csr-profile', /kubelet-serving allows only DNS and IP names \(the request also asks for email:ops@example\.com\)/],
    ] as const) {
      const d = await waitFor(`${code} on ${file}`, () => vscode.languages.getDiagnostics(tree.uri(file)).find(x => x.source === 'PKI Lens' && codeOf(x) === code), 60_000);
      assert.match(d.message, says);
      assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
      const node = await requestNode(file);
      assert.strictEqual(node.state, 'broken', `${file}: the request node shows the error`);
      assert.match(node.tooltip ?? '', new RegExp(`\`${code}\``), `${file}: its tooltip lists the finding`);
    }
    const key = vscode.languages.getDiagnostics(tree.uri('csr/front-proxy-client.csr')).find(d => codeOf(d) === 'csr-key-mismatch')!;
    assert.deepStrictEqual((key.relatedInformation ?? []).map(r => r.location.uri.fsPath), [tree.path('csr/front-proxy-client.key')]);
    // Signing refuses the tampered request in the rule's words, and writes nothing.
    const refused = await vscode.commands.executeCommand<SignCsrResult>('pkiLens.signCsr', tree.uri('csr/tampered.csr'), { confirm: false, caCertificate: tree.uri('pki/ca.crt') });
    assert.strictEqual(refused?.error?.code, 'bad-csr-signature');
    assert.ok(!fs.existsSync(tree.path('csr/tampered.crt')), 'nothing written');
  });

  it('Sign with Local CA from the tree\'s request node, for the lifetime pkiLens.sign.validityDays gives', async () => {
    req('pki/front-proxy-client.csr', 'pki/front-proxy-client.key', '/CN=front-proxy-client');
    const node = await requestNode('pki/front-proxy-client.csr');
    assert.strictEqual(node.state, 'none', 'a good request: no finding');
    assert.deepStrictEqual(diagnosticCodes(tree.uri('pki/front-proxy-client.csr')), []);
    // In the trust grouping the request's own key sits beneath it, not among "Keys without a certificate".
    const trust = all(await (await pkiApi()).inventoryTree.roots('trust'));
    assert.deepStrictEqual(trust.find(n => n.contextValue === 'pki-csr' && n.uri === node.uri)?.children.map(c => c.label), ['front-proxy-client.key']);
    // The node's context menu and inline button run pkiLens.signCsr.
    const menus = (vscode.extensions.getExtension('pki-lens.pki-lens') ?? vscode.extensions.all.find(e => e.packageJSON?.name === 'pki-lens'))!.packageJSON.contributes.menus['view/item/context'] as { command: string; when: string; group: string }[];
    assert.deepStrictEqual(menus.filter(m => m.command === 'pkiLens.signCsr' && /viewItem == pki-csr/.test(m.when)).map(m => m.group).sort(), ['3_renew@1', 'inline']);

    const config = vscode.workspace.getConfiguration('pkiLens', tree.uri('pki'));
    await config.update('sign.validityDays', 30, vscode.ConfigurationTarget.Workspace);
    try {
      // As VS Code hands the tree element to the command: an object with `uri`.
      const result = await vscode.commands.executeCommand<SignCsrResult>('pkiLens.signCsr', { uri: vscode.Uri.parse(node.uri!) }, { confirm: false, caCertificate: tree.uri('pki/ca.crt') });
      assert.ok(result?.ok, result?.error?.message);
      assert.strictEqual(result.certificateUri, tree.uri('pki/front-proxy-client.crt').toString());
    } finally {
      await config.update('sign.validityDays', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const crt = tree.path('pki/front-proxy-client.crt');
    assert.strictEqual(openssl(['verify', '-CAfile', tree.path('pki/ca.crt'), crt]).trim(), `${crt}: OK`);
    const notAfter = new Date(openssl(['x509', '-noout', '-enddate', '-in', crt]).trim().replace('notAfter=', '')).getTime();
    const days = (notAfter - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `30 days from pkiLens.sign.validityDays, got ${days.toFixed(3)}`);
    assert.match(openssl(['x509', '-noout', '-ext', 'extendedKeyUsage', '-in', crt]), /TLS Web Client Authentication/);
  });

  it('the Quick Fix on served-name-mismatch adds the dialled name to pki/apiserver.crt; the re-probe no longer says it', async () => {
    const serve = async () => {
      const server = tls.createServer({ cert: tree.bytes('pki/apiserver.crt'), key: tree.bytes('pki/apiserver.key') }, s => s.end());
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
      return server;
    };
    let server = await serve();
    const port = (server.address() as { port: number }).port;
    try {
      const ca = Buffer.from(tree.read('pki/ca.crt')).toString('base64');
      tree.write('probed.conf', `apiVersion: v1\nkind: Config\nclusters:\n- name: probed\n  cluster:\n    server: https://127.0.0.1:${port}\n    tls-server-name: api.probe.test\n    certificate-authority-data: ${ca}\ncontexts:\n- name: probed\n  context:\n    cluster: probed\n    user: nobody\ncurrent-context: probed\nusers:\n- name: nobody\n  user: {}\n`);
      const api = await pkiApi();
      await waitFor('probed.conf in the index', () => api.services.index.snapshot?.inventory.kubeconfigs.some(k => k.file.uri === tree.uri('probed.conf').toString()), 30_000);
      const url = `https://127.0.0.1:${port}`;
      const probe = async () => {
        const outcome = await vscode.commands.executeCommand<ProbeOutcome | string>('pkiLens.probeEndpoints', { url, show: false });
        assert.ok(typeof outcome === 'object', String(outcome));
        return outcome;
      };
      await probe();
      const diagnostic = vscode.languages.getDiagnostics(tree.uri('probed.conf')).find(d => d.source === 'PKI Lens probe' && codeOf(d) === 'served-name-mismatch');
      assert.ok(diagnostic, 'the probe says the served certificate does not cover api.probe.test');
      await vscode.workspace.openTextDocument(tree.uri('probed.conf'));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', tree.uri('probed.conf'), diagnostic.range);
      const fix = actions.find(a => a.title === 'Add DNS:api.probe.test to pki/apiserver.crt and re-issue…');
      assert.ok(fix, `the fix among ${actions.map(a => a.title).join(', ')}`);
      const key = tree.bytes('pki/apiserver.key');
      const [target, options] = fix.command!.arguments as [unknown, Record<string, unknown>];
      const result = await vscode.commands.executeCommand<RenewCommandResult>(fix.command!.command, target, { ...options, confirm: false });
      assert.ok(result?.ok, `${result?.error?.code}: ${result?.error?.message}`);
      assert.match(openssl(['x509', '-noout', '-ext', 'subjectAltName', '-in', tree.path('pki/apiserver.crt')]), /DNS:api\.probe\.test/);
      assert.strictEqual(openssl(['verify', '-CAfile', tree.path('pki/ca.crt'), tree.path('pki/apiserver.crt')]).trim(), `${tree.path('pki/apiserver.crt')}: OK`);
      assert.ok(tree.bytes('pki/apiserver.key').equals(key), 'the key is unchanged');
      await waitFor('the probe findings cleared by the file change', () => !vscode.languages.getDiagnostics(tree.uri('probed.conf')).some(d => d.source === 'PKI Lens probe') || undefined, 30_000);
      // The server restarted with the re-issued certificate: the probe is satisfied.
      await new Promise<void>(r => server.close(() => r()));
      server = tls.createServer({ cert: tree.bytes('pki/apiserver.crt'), key: tree.bytes('pki/apiserver.key') }, s => s.end());
      await new Promise<void>(r => server.listen(port, '127.0.0.1', r));
      const again = await probe();
      const report = again.reports.find(r => r.endpoint.url === url);
      assert.ok(report, again.text);
      assert.deepStrictEqual(report.problems.map(p => p.code), [], again.text);
    } finally {
      server.close();
    }
  });
});
