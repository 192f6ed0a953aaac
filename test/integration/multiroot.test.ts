// A multi-root workspace: the healthy kubeadm tree in one folder, the etcd server certificate and
// key moved to another. Both roots are scanned and watched, and linked as one PKI: the certificate's
// issuer (etcd-ca) is found in the other root.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { manifest, waitFor } from './helpers';
import { Actual, pkiApi, pkiDiagnostics, waitForDiagnosticsWhere, withWatcherEventsWithheld } from './pkiWorkspace';

describe('a multi-root workspace', () => {
  const m = manifest('kubeadm-healthy');
  const second = process.env.PKI_LENS_SECOND_ROOT!;

  it('has both folders open, scans both, and links across them', async () => {
    assert.deepStrictEqual((vscode.workspace.workspaceFolders ?? []).map(f => f.uri.fsPath), [m.root, second]);
    const api = await pkiApi();
    const snapshot = await api.services.index.ready();
    const moved = snapshot.files.find(f => f.uri.fsPath === path.join(second, 'etcd-server.crt'));
    assert.ok(moved, 'the second root is indexed');
    assert.deepStrictEqual(snapshot.findings.map(f => `${f.code} ${f.uri}`), [], 'the certificate\'s issuer is found in the first root: no chain-unknown-issuer');
    const roots = await api.inventoryTree.roots('trust');
    const etcdCa = roots.find(r => r.label === 'etcd-ca');
    assert.ok(etcdCa, `etcd-ca is a top-level CA: ${roots.map(r => r.label).join(', ')}`);
    const certUri = vscode.Uri.file(path.join(second, 'etcd-server.crt')).toString();
    const issued = etcdCa.children.filter(c => String(c.uri) === certUri);
    assert.strictEqual(issued.length, 1, 'the certificate in the second root sits under its CA from the first root');
  });

  it('watches the second root too: a broken file written there is diagnosed', async () => {
    const api = await pkiApi();
    const broken = path.join(second, 'broken.pem');
    fs.writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nMIIB\n');
    const found = await waitFor('decode-error in the second root', () => pkiDiagnostics(second).find(x => x.code === 'decode-error' && x.file === 'broken.pem'));
    assert.match(found.diagnostic.message, /no END line/);
    fs.rmSync(broken);
    await waitFor('the deleted file forgotten', () => {
      const left = pkiDiagnostics(second).map(d => d.key);
      if (left.length) {
        const held = api.services.index.snapshot?.files.map(f => f.uri.toString()).filter(u => u.includes('second-root'));
        throw new Error(`still listed: ${left.join('; ')}; index holds ${JSON.stringify(held)}; exists ${fs.existsSync(broken)}`);
      }
      return true;
    });
  });

  // The second root's files converge on the disk without watcher events too (issue 12).
  const decodeErrorIn = (file: string) => (actual: Actual[]) => {
    const keys = actual.map(d => d.key);
    return { ok: keys.length === 1 && actual[0].code === 'decode-error' && actual[0].file === file, report: `listed: ${keys.join('; ') || 'nothing'}` };
  };
  const nothing = (actual: Actual[]) => ({ ok: actual.length === 0, report: `still listed: ${actual.map(d => d.key).join('; ')}` });

  it('forgets a file deleted in the second root while the watcher\'s delete event is lost', async () => {
    const broken = path.join(second, 'lost-delete.pem');
    fs.writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nMIIB\n');
    await waitForDiagnosticsWhere(second, decodeErrorIn('lost-delete.pem'), 20_000);
    let gone = 0;
    const withheld = await withWatcherEventsWithheld(['delete'], broken, async () => {
      fs.rmSync(broken);
      gone = await waitForDiagnosticsWhere(second, nothing, 25_000);
    });
    console.log(`      forgotten after ${gone} ms without its delete event (${withheld} event(s) withheld)`);
  });

  it('finds, then forgets, a file in a new folder of the second root with no watcher event at all', async () => {
    const folder = path.join(second, 'unwatched');
    let appeared = 0;
    let gone = 0;
    try {
      const withheld = await withWatcherEventsWithheld(['create', 'change', 'delete'], folder, async () => {
        fs.mkdirSync(path.join(folder, 'deep'), { recursive: true });
        fs.writeFileSync(path.join(folder, 'deep', 'broken.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n');
        appeared = await waitForDiagnosticsWhere(second, decodeErrorIn('unwatched/deep/broken.pem'), 25_000);
        fs.rmSync(folder, { recursive: true });
        gone = await waitForDiagnosticsWhere(second, nothing, 25_000);
      });
      console.log(`      diagnosed after ${appeared} ms, forgotten after ${gone} ms, without events (${withheld} event(s) withheld)`);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
