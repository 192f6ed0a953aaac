// The hygiene rules in the real VS Code, and `pkiLens.rules.<code>` per folder. Two roots
// (scripts/test-all.mjs `rulesWorkspace`): the healthy kubeadm tree, and a second folder whose
// .vscode/settings.json switches san-missing off. openssl makes a SHA-1 certificate from an
// RSA-1024 CA into both; with no file open, the Problems panel lists the new rules in each folder
// as that folder's settings say, a severity changed through VS Code's settings in one folder moves
// only there, and `pki-lens check` on each folder lists the same codes at the same severities.
import * as assert from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { after, before } from 'mocha';
import { ChainLab, DAY } from '../fixtures/chains';
import { EXTENSION_ID, manifest } from './helpers';
import { Actual, pkiApi, waitForDiagnosticsWhere } from './pkiWorkspace';

const SEVERITY: Record<number, string> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

const listed = (actual: Actual[]) => actual.filter(a => a.file.startsWith('legacy/')).map(a => `${SEVERITY[a.diagnostic.severity]} ${a.code} ${a.file}`).sort();

/** What `pki-lens check --format json` (the packaged CLI) lists for a folder, in the same terms. */
function check(root: string): string[] {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const r = spawnSync(process.execPath, [path.join(ext.extensionPath, 'dist', 'cli.js'), 'check', '--format', 'json', '--fail-on', 'none', root], {
    encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.strictEqual(r.stderr, '', 'the folder settings read cleanly');
  return (JSON.parse(r.stdout) as { findings: { code: string; severity: string; file: string }[] }).findings
    .filter(f => f.file.startsWith('legacy/')).map(f => `${f.severity} ${f.code} ${f.file}`).sort();
}

describe('hygiene rules and per-folder rule settings', () => {
  const m = manifest('kubeadm-healthy');
  const second = process.env.PKI_LENS_LINTS_ROOT!;
  const roots = [m.root, second];
  const lab = new ChainLab();
  after(async () => {
    lab.dispose();
    await vscode.workspace.getConfiguration('pkiLens', vscode.Uri.file(m.root)).update('rules.weak-key', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
  });

  const ALL = [
    'warning ca-constraints legacy/ca.crt', 'warning san-missing legacy/legacy.crt', 'warning validity-not-nested legacy/legacy.crt',
    'warning weak-key legacy/ca.crt', 'warning weak-key legacy/legacy.crt', 'warning weak-signature legacy/legacy.crt',
  ];
  const WITHOUT_SAN = ALL.filter(l => !l.includes('san-missing'));

  // Files of the other root are listed as `../…`, so `legacy/` names this root's only.
  const waitFor = (root: string, want: string[], what: string) => waitForDiagnosticsWhere(root, actual => {
    const got = listed(actual);
    return { ok: JSON.stringify(got) === JSON.stringify(want), report: `${what}: ${got.join('; ') || 'nothing'}` };
  }, 60_000);

  before(() => {
    const now = Date.now();
    const ca = lab.issue({ subject: '/CN=Old RSA-1024 CA', key: lab.key('rsa1024'), notBefore: new Date(now - DAY), notAfter: new Date(now + 60 * DAY),
      ext: ['basicConstraints = CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash'] });
    const leaf = lab.issue({ subject: '/CN=legacy.example.test', key: lab.key('rsa1024'), issuer: ca, notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY), md: 'sha1',
      ext: ['basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature, keyEncipherment', 'extendedKeyUsage = serverAuth', 'authorityKeyIdentifier = keyid'] });
    for (const root of roots) {
      fs.mkdirSync(path.join(root, 'legacy'), { recursive: true });
      fs.writeFileSync(path.join(root, 'legacy', 'ca.crt'), ca.pem);
      fs.writeFileSync(path.join(root, 'legacy', 'legacy.crt'), leaf.pem);
    }
  });

  it('the healthy kubeadm folder raises none of the new rules', async () => {
    const snapshot = await (await pkiApi()).services.index.ready();
    const inKubeadm = snapshot.findings.filter(f => !f.uri.includes('/legacy/') && vscode.Uri.parse(f.uri).fsPath.startsWith(m.root + path.sep));
    assert.deepStrictEqual(inKubeadm.map(f => `${f.code} ${f.uri}`), []);
  });

  it('lists the new rules in the Problems panel with no file open, each folder by its own settings', async () => {
    await waitFor(m.root, ALL, 'first folder');
    await waitFor(second, WITHOUT_SAN, 'second folder (san-missing off)');
    const open = vscode.workspace.textDocuments.filter(d => d.uri.fsPath.includes(`${path.sep}legacy${path.sep}`));
    assert.deepStrictEqual(open.map(d => d.uri.fsPath), [], 'no legacy file was opened');
    assert.deepStrictEqual(check(m.root), ALL, 'check on the first folder agrees');
    assert.deepStrictEqual(check(second), WITHOUT_SAN, 'check on the second folder reads its .vscode/settings.json');
  });

  it('a severity changed in one folder\'s settings moves there only, in the panel and in check', async () => {
    await vscode.workspace.getConfiguration('pkiLens', vscode.Uri.file(m.root)).update('rules.weak-key', 'error', vscode.ConfigurationTarget.WorkspaceFolder);
    const raised = ALL.map(l => l.replace('warning weak-key', 'error weak-key')).sort();
    await waitFor(m.root, raised, 'first folder after weak-key: error');
    await waitFor(second, WITHOUT_SAN, 'second folder untouched');
    const written = fs.readFileSync(path.join(m.root, '.vscode', 'settings.json'), 'utf8');
    assert.match(written, /"pkiLens\.rules\.weak-key": "error"/, 'VS Code wrote the folder setting');
    assert.deepStrictEqual(check(m.root), raised, 'check reads what VS Code wrote');
    assert.deepStrictEqual(check(second), WITHOUT_SAN);

    await vscode.workspace.getConfiguration('pkiLens', vscode.Uri.file(m.root)).update('rules.weak-key', 'off', vscode.ConfigurationTarget.WorkspaceFolder);
    const off = ALL.filter(l => !l.includes('weak-key'));
    await waitFor(m.root, off, 'first folder after weak-key: off');
    assert.deepStrictEqual(check(m.root), off);
  });

  it('Copy CA Cert Hash for kubeadm join copies what openssl computes, from the file or the tree; a leaf is refused', async () => {
    const caFile = path.join(m.root, 'pki', 'ca.crt');
    // kubeadm's documented recipe: openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256sum
    const pub = execFileSync('openssl', ['x509', '-pubkey', '-noout', '-in', caFile]);
    const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: pub });
    const want = `sha256:${execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der }).toString('hex')}`;
    await vscode.env.clipboard.writeText('');
    const fromFile = await vscode.commands.executeCommand<{ hash: string }>('pkiLens.copyCaCertHash', vscode.Uri.file(caFile));
    assert.strictEqual(fromFile?.hash, want);
    assert.strictEqual(await vscode.env.clipboard.readText(), want);
    const fingerprint = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', caFile]).toString().trim().replace(/^[^=]*=/, '');
    await vscode.env.clipboard.writeText('');
    const fromTree = await vscode.commands.executeCommand<{ hash: string }>('pkiLens.copyCaCertHash', { label: 'kubernetes', fingerprint });
    assert.strictEqual(fromTree?.hash, want);
    assert.strictEqual(await vscode.env.clipboard.readText(), want);
    const leaf = await vscode.commands.executeCommand('pkiLens.copyCaCertHash', vscode.Uri.file(path.join(m.root, 'pki', 'apiserver.crt')));
    assert.strictEqual(leaf, undefined, 'the API server certificate is no CA');
  });
});
