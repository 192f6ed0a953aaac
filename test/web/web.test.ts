// PKI Lens in VS Code's browser extension host (vscode.dev, github.dev): what works on open
// documents, and what answers with a message instead. The tree is a seeded kubeadm
// /etc/kubernetes made by openssl just before the run (test/fixtures); its manifest says what is in it.
import * as vscode from 'vscode';
import type { Manifest } from '../fixtures/manifest';
import { EXTENSION_ID, activate, codeOf, fixture, hoverText, match, ok, open, pkiDiagnostics, positionOf, waitFor } from './helpers';

describe('PKI Lens in the browser', () => {
  let manifest: Manifest;
  let uri: (rel: string) => vscode.Uri;

  before(async () => {
    ({ manifest, uri } = await fixture('kubeadm'));
    await activate();
  });

  const carrier = (file: string, path: string) => {
    const c = manifest.files[file]?.carriers?.find(x => x.path === path);
    ok(c, `the manifest has ${file}#${path}`);
    return c;
  };

  it('runs in the web worker extension host', () => {
    ok(vscode.env.uiKind === vscode.UIKind.Web, `uiKind is Web (got ${vscode.env.uiKind})`);
    ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, 'the extension is active');
  });

  it('hover on certificate-authority-data shows the CA subject', async () => {
    const ca = carrier('admin.conf', 'clusters[0].cluster.certificate-authority-data').certificates![0];
    const doc = await open(uri('admin.conf'));
    const text = await hoverText(doc, positionOf(doc, 'certificate-authority-data', 3));
    ok(text.includes(ca.subject), `hover shows the CA subject ${ca.subject}:\n${text}`);
    match(text, /Valid/);
  });

  it('hover on client-certificate-data shows the extended key usage', async () => {
    const client = carrier('admin.conf', 'users[0].user.client-certificate-data');
    const doc = await open(uri('admin.conf'));
    const text = await hoverText(doc, doc.positionAt(doc.getText().indexOf(client.value) + 10));
    for (const eku of client.certificates![0].eku) {
      ok(text.includes(eku), `${eku} in the hover:\n${text}`);
    }
  });

  it('code lenses summarise each certificate', async () => {
    const doc = await open(uri('pki/ca.crt')); // the lens command needs the document loaded, unlike the hover one
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
    const titles = (lenses ?? []).map(l => l.command?.title ?? '');
    ok(titles.some(t => t.includes('CN=kubernetes') && t.includes('CA')), `a lens names the CA:\n${titles.join('\n')}`);
  });

  it('the outline lists the kubeconfig carriers', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri('admin.conf'));
    const names = (symbols ?? []).map(s => s.name);
    ok(names.some(n => n.startsWith('clusters[0].cluster.certificate-authority-data') && n.includes('kubernetes')), `outline:\n${names.join('\n')}`);
    ok(names.some(n => n.startsWith('users[0].user.client-key-data')), `outline has the key:\n${names.join('\n')}`);
  });

  it('Show Decoded opens the openssl-style view', async () => {
    const view = await vscode.commands.executeCommand<vscode.Uri>('pkiLens.showDecoded', uri('pki/ca.crt'));
    ok(view, 'showDecoded resolves to the view URI');
    const text = (await vscode.workspace.openTextDocument(view)).getText();
    ok(text.includes('CN=kubernetes') || text.includes('CN = kubernetes'), `the view shows the subject:\n${text.slice(0, 800)}`);
    ok(text.includes(manifest.files['pki/ca.crt'].blocks![0].certificate!.sha256), 'the view shows the SHA-256 fingerprint');
  });

  it('an open expired certificate is in Problems', async () => {
    const seeded = manifest.seeded.find(p => p.code === 'cert-expired' && p.file.startsWith('pki/') && !p.file.includes('ca'));
    ok(seeded, 'the tree has an expired leaf');
    const doc = await open(uri(seeded.file));
    const found = await waitFor(`cert-expired on ${seeded.file}`, () => pkiDiagnostics(doc.uri).find(d => codeOf(d) === 'cert-expired'));
    ok(found.severity === vscode.DiagnosticSeverity.Error, 'expired is an error');
  });

  it('a kubeconfig whose client certificate has another CA is flagged, without claiming the issuer is missing', async () => {
    const doc = await open(uri('controller-manager.conf'));
    const codes = await waitFor('kubeconfig-ca-mismatch', () => {
      const c = pkiDiagnostics(doc.uri).map(codeOf);
      return c.includes('kubeconfig-ca-mismatch') && c;
    });
    // Only the open documents are known here: "nowhere in the workspace" cannot be said.
    ok(!codes.includes('chain-unknown-issuer'), `no chain-unknown-issuer in the browser: ${codes.join(', ')}`);
  });

  it('a key and a certificate that do not match are flagged once both are open', async () => {
    const seeded = manifest.seeded.find(p => p.code === 'key-mismatch');
    ok(seeded?.related?.[0], 'the tree has a mismatched key');
    await open(uri(seeded.related[0]));
    const key = await open(uri(seeded.file));
    await waitFor(`key-mismatch on ${seeded.file}`, () => pkiDiagnostics(key.uri).some(d => codeOf(d) === 'key-mismatch'));
  });

  it('files that are not open get no problems (the browser does not scan the workspace)', async () => {
    const unopened = manifest.seeded.find(p => p.file === 'pki/apiserver.crt');
    ok(unopened, 'the tree has pki/apiserver.crt with a seeded problem');
    ok(!vscode.workspace.textDocuments.some(d => d.uri.toString() === uri(unopened.file).toString()), `${unopened.file} was never opened`);
    ok(pkiDiagnostics(uri(unopened.file)).length === 0, `no diagnostics on ${unopened.file}`);
    const openUris = new Set(vscode.workspace.textDocuments.map(d => d.uri.toString()));
    for (const [resource, diagnostics] of vscode.languages.getDiagnostics()) {
      if (diagnostics.some(d => d.source === 'PKI Lens')) {
        ok(openUris.has(resource.toString()), `diagnostics only on open documents, not on ${resource.toString()}`);
      }
    }
  });

  it('renewal says it needs file access instead of failing', async () => {
    for (const command of ['pkiLens.renewCertificate', 'pkiLens.renewExpiring', 'pkiLens.renewCa']) {
      const message = await vscode.commands.executeCommand<string>(command, uri('pki/apiserver.crt'));
      match(String(message), /renewal needs a local or remote workspace with file access; it is not available in the browser/, command);
    }
    const decodeToFile = await vscode.commands.executeCommand<string>('pkiLens.decodeToFile', uri('pki/ca.crt'));
    match(String(decodeToFile), /not available in the browser/, 'pkiLens.decodeToFile');
  });

  it('every contributed command has a handler in the browser', async () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string }[]).map(c => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter(c => !registered.has(c));
    ok(missing.length === 0, `commands without a handler in the browser: ${missing.join(', ')}`);
  });
});
