// A multi-root workspace: the healthy kubeadm tree in one folder, the etcd server certificate and
// key moved to another. Both roots are scanned and watched, and linked as one PKI: the certificate's
// issuer (etcd-ca) is found in the other root.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { after, before } from 'mocha';
import { Workbench, days, kubeadmCaExt } from '../fixtures/ca';
import { hoverText, manifest, positionOf, waitFor } from './helpers';
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

// Each folder's own pkiLens.expiry.warningDays (in its .vscode/settings.json, written before launch
// by scripts/test-all.mjs: 90 in the first root, 30 in the second). The same certificate, 60 days
// from expiry, is put in both roots: Problems and hovers must call it expiring in the first and valid
// in the second — reading the first folder's settings for everything would call it expiring in both.
describe('a multi-root workspace with expiry settings per folder', () => {
  const m = manifest('kubeadm-healthy');
  const second = process.env.PKI_LENS_SECOND_ROOT!;
  const roots = [m.root, second];
  const PROBE = 'threshold-probe.crt';
  const bench = new Workbench();
  after(() => bench.dispose());

  const probeUri = (root: string) => vscode.Uri.file(path.join(root, PROBE));
  const probeFindings = (root: string) => (vscode.languages.getDiagnostics(probeUri(root))).filter(d => d.source === 'PKI Lens');
  const probeHover = async (root: string) => {
    const doc = await vscode.workspace.openTextDocument(probeUri(root));
    return hoverText(doc, positionOf(doc, 'BEGIN CERTIFICATE', 2));
  };
  /** Both probes are in the index's latest snapshot, so a missing diagnostic means "judged valid", not "not seen yet". */
  const bothIndexed = async () => {
    const api = await pkiApi();
    return waitFor('both probes indexed', () => roots.every(r => api.services.index.snapshot?.byUri.has(probeUri(r).toString())));
  };

  before(() => {
    const now = Date.now();
    // 60 days left of 70: expiring under warningDays 90, valid under 30 (10 days used: the lifetime rule stays quiet).
    const cert = bench.issue({
      subject: '/CN=threshold-probe', key: bench.newKey('p256'), ext: kubeadmCaExt('threshold-probe'),
      notBefore: new Date(now - days(10)), notAfter: new Date(now + days(60)),
    });
    for (const root of roots) {
      fs.writeFileSync(path.join(root, PROBE), cert.pem);
    }
  });

  it('each folder has its own setting', () => {
    const warningDays = roots.map(r => vscode.workspace.getConfiguration('pkiLens', vscode.Uri.file(r)).get('expiry.warningDays'));
    assert.deepStrictEqual(warningDays, [90, 30]);
  });

  it('Problems and hovers judge each file by the settings of its folder', async () => {
    // Opening them hands the text to the index whatever the file watcher delivers.
    await Promise.all(roots.map(r => vscode.workspace.openTextDocument(probeUri(r))));
    const first = await waitFor('cert-expiring on the probe in the first root', () => {
      const found = probeFindings(m.root).find(d => codeOf(d) === 'cert-expiring');
      return found;
    });
    assert.strictEqual(first.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(first.message, /expires on/);
    await bothIndexed();
    assert.deepStrictEqual(probeFindings(second).map(codeOf), [], 'the same certificate is valid under the second root\'s 30 days');
    assert.match(await probeHover(m.root), /\*\*expiring\*\*/);
    const secondHover = await probeHover(second);
    assert.match(secondHover, /\$\(pass\) valid/);
    assert.doesNotMatch(secondHover, /expiring/);
    // The inventory tree labels each copy by its own folder's settings too.
    const api = await pkiApi();
    const files = await api.inventoryTree.roots('file');
    const states = roots.map(r => findElement(files, probeUri(r).toString())?.state);
    assert.deepStrictEqual(states, ['expiring', 'valid'], JSON.stringify(states));
  });

  it('a folder setting changed at runtime re-judges that folder\'s files', async () => {
    const folder = vscode.workspace.getWorkspaceFolder(probeUri(second))!;
    const config = () => vscode.workspace.getConfiguration('pkiLens', folder.uri);
    await config().update('expiry.warningDays', 90, vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      await waitFor('cert-expiring on the probe in the second root', () => probeFindings(second).find(d => codeOf(d) === 'cert-expiring'));
      assert.match(await probeHover(second), /\*\*expiring\*\*/);
      assert.ok(probeFindings(m.root).some(d => codeOf(d) === 'cert-expiring'), 'the first root keeps its finding');
    } finally {
      await config().update('expiry.warningDays', 30, vscode.ConfigurationTarget.WorkspaceFolder);
    }
    await waitFor('the second root\'s finding gone with its setting back at 30', () => probeFindings(second).length === 0);
    assert.ok(probeFindings(m.root).some(d => codeOf(d) === 'cert-expiring'), 'the first root still has its finding');
  });
});

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** The tree element (at any depth) for a file's material. */
function findElement<T extends { uri?: unknown; children: T[] }>(elements: readonly T[], uri: string): T | undefined {
  for (const e of elements) {
    if (String(e.uri) === uri) {
      return e;
    }
    const inner = findElement(e.children, uri);
    if (inner) {
      return inner;
    }
  }
  return undefined;
}
