// The healthy twin of the seeded kubeadm tree: the same layout, every certificate right for its role.
// PKI Lens must read all of it and report nothing.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { manifest } from './helpers';
import { countValidity, statusText } from '../../src/features/inventory/statusBar';
import { pkiApi, pkiDiagnostics, rel } from './pkiWorkspace';

describe('Problems panel on a healthy kubeadm workspace', () => {
  // The launcher turns '-' into '_' in the variable name; helpers.manifest() only upper-cases.
  const m = manifest('kubeadm-healthy');

  it('reads every certificate and reports no problem, with no file opened', async () => {
    assert.deepStrictEqual(m.seeded, [], 'the healthy manifest seeds nothing');
    const api = await pkiApi();
    const snapshot = await api.services.index.ready();
    // Every certificate file of the tree made it into the inventory (the symlink stands for its target).
    const files = new Set(snapshot.files.map(f => rel(m.root, f.uri)));
    for (const [file, facts] of Object.entries(m.files)) {
      const targeted = Object.values(m.files).some(f => f.symlinkTo && file.endsWith(`/${f.symlinkTo}`));
      if (!targeted) {
        assert.ok(files.has(file), `${file} (${facts.kind}) is indexed`);
      }
    }
    const certs = new Set(Object.values(m.files).flatMap(f => [
      ...(f.blocks ?? []).flatMap(b => (b.certificate ? [b.certificate.sha256] : [])),
      ...(f.carriers ?? []).flatMap(c => (c.certificates ?? []).map(x => x.sha256)),
    ]));
    assert.deepStrictEqual([...snapshot.inventory.records.keys()].sort(), [...certs].sort(), 'every distinct certificate, once');
    assert.deepStrictEqual(snapshot.findings.map(f => `${f.code} ${f.uri}: ${f.message}`), [], 'no findings');
    const opened = vscode.workspace.textDocuments.filter(d => d.uri.scheme === 'file' && d.uri.fsPath.startsWith(m.root));
    assert.deepStrictEqual(opened.map(d => d.fileName), []);
    assert.deepStrictEqual(pkiDiagnostics(m.root).map(d => `${d.key}: ${d.diagnostic.message}`), [], 'nothing in the Problems panel');
  });

  it('the tree shows every certificate as valid, and the status bar has nothing to say', async () => {
    const api = await pkiApi();
    const roots = await api.inventoryTree.roots('trust');
    const states = new Set<string>();
    const walk = (nodes: typeof roots) => nodes.forEach(n => {
      if (n.contextValue.startsWith('pki-cert')) {
        states.add(n.state);
      }
      walk(n.children);
    });
    walk(roots);
    assert.deepStrictEqual([...states], ['valid']);
    assert.strictEqual(statusText(countValidity((await api.services.index.ready()))), undefined);
    assert.deepStrictEqual(roots.filter(r => r.contextValue === 'pki-group').map(r => r.label), ['Keys without a certificate'], 'only sa.key/sa.pub stand apart');
  });

  it('the expiry report has every CA key in the workspace (nothing externally managed)', async () => {
    const result = await vscode.commands.executeCommand<{ text: string }>('pkiLens.expiryReport', { show: false });
    assert.ok(result, 'the command returns the report');
    const rows = result.text.split('\n').filter(l => /\b(yes|no)$/.test(l));
    assert.ok(rows.length >= 15, `certificate and CA rows:\n${result.text}`);
    assert.ok(rows.every(r => r.endsWith(' no')), `nothing externally managed:\n${result.text}`);
  });
});
