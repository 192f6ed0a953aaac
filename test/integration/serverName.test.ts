// kubeconfig-server-name in a real VS Code, on the server-name fixture: the Problems panel holds
// exactly one diagnostic per kubeconfig whose server the API server certificate does not cover, in
// Go's words, on the `server:` value; the hover on `server:` predicts the outcome with the chain;
// `pkiLens.verifyChain` with arguments returns the verdict and shows it as a document.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ServerNameManifest } from '../fixtures/serverName';
import type { VerifyChainOutcome } from '../../src/features/verify/verifyChain';
import { hoverText, open, positionOf } from './helpers';
import { Expected, pkiApi, pkiDiagnostics, rangeOf, waitForDiagnostics } from './pkiWorkspace';

function serverNameManifest(): ServerNameManifest {
  const file = process.env.PKI_LENS_MANIFEST_SERVER_NAME;
  assert.ok(file, 'PKI_LENS_MANIFEST_SERVER_NAME is not set');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ServerNameManifest;
}

describe('kubeconfig-server-name in a real VS Code', () => {
  const m = serverNameManifest();
  const abs = (rel: string) => path.join(m.root, ...rel.split('/'));
  /** The `server:` value's range, found in the file as written (not through the extension's parser). */
  const serverRange = (file: string, server: string) => {
    const text = fs.readFileSync(abs(file), 'utf8');
    const start = text.indexOf(`server: ${server}`) + 'server: '.length;
    assert.ok(start >= 'server: '.length, `server: ${server} in ${file}`);
    return rangeOf(text, start, start + server.length);
  };
  const verify = (file: string, options: Record<string, unknown>) =>
    vscode.commands.executeCommand<VerifyChainOutcome | undefined>('pkiLens.verifyChain', vscode.Uri.file(abs(file)), { show: false, ...options });

  before(async () => {
    await (await pkiApi()).services.index.ready();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the Problems panel holds exactly the uncovered kubeconfigs, on the server: value, in Go\'s words', async () => {
    const uncovered = m.cases.filter(c => !c.covered);
    assert.ok(uncovered.length >= 3 && m.cases.some(c => c.covered), 'the fixture has both kinds');
    const expected: Expected[] = uncovered.map(c => ({ code: 'kubeconfig-server-name', file: c.file, range: serverRange(c.file, c.server) }));
    await waitForDiagnostics(m.root, expected, 60_000);
    const actual = pkiDiagnostics(m.root);
    for (const c of uncovered) {
      const d = actual.find(a => a.file === c.file)!.diagnostic;
      assert.ok(d.message.endsWith(`kubectl would say: ${c.message}`), `${c.file}: ${d.message}`);
      assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
      const related = (d.relatedInformation ?? []).map(r => path.relative(m.root, r.location.uri.fsPath).split(path.sep).join('/'));
      assert.deepStrictEqual(related, [c.apiserver]);
    }
    assert.ok(actual.find(a => a.file === 'uncovered-ip.conf')!.diagnostic.message.endsWith('x509: certificate is valid for 10.96.0.1, 192.168.0.10, not 10.0.0.5'));
    for (const c of m.cases.filter(x => x.covered)) {
      assert.deepStrictEqual(actual.filter(a => a.file === c.file).map(a => a.code), [], `${c.file} is covered`);
    }
  });

  it('the hover on server: predicts what kubectl says, with the chain', async () => {
    const bad = await open(m.root, 'uncovered-ip.conf');
    const badHover = await hoverText(bad, positionOf(bad, 'server: https://10.0.0.5', 12));
    assert.match(badHover, /kubectl → https:\/\/10\.0\.0\.5:6443/);
    assert.ok(badHover.includes('would fail**: `x509: certificate is valid for 10.96.0.1, 192.168.0.10, not 10.0.0.5`'), badHover);
    assert.match(badHover, /1\. CN=kube-apiserver — leaf \(`pki\/apiserver\.crt`\)/);
    assert.match(badHover, /2\. CN=kubernetes — trusted root \(`pki\/ca\.crt`\)/);
    assert.match(badHover, /hostname \[1\]: x509: certificate is valid for/);

    const good = await open(m.root, 'tls-server-name.conf');
    const goodHover = await hoverText(good, positionOf(good, 'server: ', 2));
    assert.match(goodHover, /\*\*verifies\*\*/);
    assert.match(goodHover, /kubernetes matches DNS SAN kubernetes/);
    assert.match(goodHover, /tls-server-name: kubernetes/);
  });

  it('pkiLens.verifyChain with arguments returns the verdict for a host and a purpose', async () => {
    const bad = await verify('pki/apiserver.crt', { host: '10.0.0.5' });
    assert.ok(bad, 'a result');
    assert.strictEqual(bad.result.ok, false);
    assert.strictEqual(bad.result.goError, 'x509: certificate is valid for 10.96.0.1, 192.168.0.10, not 10.0.0.5');
    assert.deepStrictEqual(bad.result.path.map(c => c.subject.commonName), ['kube-apiserver', 'kubernetes']);
    assert.match(bad.text, /FAILED: x509: certificate is valid for 10\.96\.0\.1, 192\.168\.0\.10, not 10\.0\.0\.5/);

    const ok = await verify('pki/apiserver.crt', { host: '192.168.0.10', purpose: 'serverAuth' });
    assert.strictEqual(ok?.result.ok, true, ok?.text);
    assert.match(ok!.text, /trusting the issuers linked in the workspace: CN=kubernetes \(pki\/ca\.crt\)/);

    const client = await verify('pki/apiserver.crt', { purpose: 'clientAuth' });
    assert.strictEqual(client?.result.goError, 'x509: certificate specifies an incompatible key usage');

    const expired = await verify('pki/apiserver.crt', { at: '2100-01-01T00:00:00Z' });
    assert.match(expired?.result.goError ?? '', /^x509: certificate has expired or is not yet valid: current time 2100-01-01T00:00:00Z is after /);

    const otherCa = await verify('pki/apiserver.crt', { caBundle: vscode.Uri.file(abs('dns-only/tls/ca.crt')) });
    assert.match(otherCa?.result.goError ?? '', /^x509: certificate signed by unknown authority/);

    const dnsOnly = await verify('dns-only/tls/kube-apiserver.crt', { host: '10.0.0.5' });
    assert.strictEqual(dnsOnly?.result.goError, 'x509: cannot validate certificate for 10.0.0.5 because it doesn\'t contain any IP SANs');
  });

  it('shows the verdict as a read-only document', async () => {
    const outcome = await verify('pki/apiserver.crt', { host: 'kubernetes.default.svc', show: true });
    assert.ok(outcome?.result.ok, outcome?.text);
    const doc = await vscode.workspace.openTextDocument(outcome.uri);
    assert.strictEqual(doc.getText(), outcome.text);
    assert.match(doc.getText(), /Path \(leaf first\):\n {2}\[0\] CN=kube-apiserver/);
    assert.match(doc.getText(), /ok {4}hostname {12}\[0\] kubernetes\.default\.svc matches DNS SAN kubernetes\.default\.svc/);
    assert.ok(vscode.window.visibleTextEditors.some(e => e.document.uri.toString() === outcome.uri.toString()), 'the document is shown');
  });
});
