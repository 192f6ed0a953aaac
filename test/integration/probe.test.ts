// Probe Endpoints in a real VS Code: real TLS servers on 127.0.0.1 (openssl s_server, Node's tls)
// and a workspace openssl made at test time (test/fixtures/probeLab.ts). Each endpoint's finding
// must be in the Problems panel at its `server:` value or manifest flag, exactly once; none for the
// healthy endpoint; no client certificate sent; cleared on the next probe and on a file change.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TreeNodeSnapshot } from '../../src/features/inventory/tree';
import type { ProbeOutcome } from '../../src/features/probe/command';
import { afterRenewal, probeAfterRenewal } from '../../src/features/renew/report';
import { AT_OPEN, LabCase, ProbeLab, startProbeLab } from '../fixtures/probeLab';
import { waitFor } from './helpers';
import { pkiApi } from './pkiWorkspace';

const SOURCE = 'PKI Lens probe';
const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  'served-certificate-differs': vscode.DiagnosticSeverity.Warning,
  'served-certificate-expired': vscode.DiagnosticSeverity.Error,
  'served-chain-untrusted': vscode.DiagnosticSeverity.Error,
  'served-name-mismatch': vscode.DiagnosticSeverity.Error,
  'endpoint-unreachable': vscode.DiagnosticSeverity.Information,
};

let lab: ProbeLab;
let root: string;

const uriOf = (file: string) => vscode.Uri.file(path.join(root, ...file.split('/')));
const probeDiagnostics = (file: string) => vscode.languages.getDiagnostics(uriOf(file)).filter(d => d.source === SOURCE);
const allProbeDiagnostics = () => vscode.languages.getDiagnostics().flatMap(([, ds]) => ds.filter(d => d.source === SOURCE));
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);

function lineOf(c: Pick<LabCase, 'file' | 'anchor'>): number {
  const text = fs.readFileSync(path.join(root, c.file), 'utf8');
  return text.slice(0, text.indexOf(c.anchor)).split('\n').length - 1;
}

function all(nodes: TreeNodeSnapshot[]): TreeNodeSnapshot[] {
  return nodes.flatMap(n => [n, ...all(n.children)]);
}

/** Every "Served" node of the trust tree, with the certificate node it sits under. */
async function servedNodes(): Promise<{ served: TreeNodeSnapshot; under: TreeNodeSnapshot }[]> {
  const roots = await (await pkiApi()).inventoryTree.roots('trust');
  return all(roots).flatMap(under => under.children.filter(c => c.contextValue === 'pki-served').map(served => ({ served, under })));
}

async function probe(options: object = { show: false }): Promise<ProbeOutcome> {
  const outcome = await vscode.commands.executeCommand<ProbeOutcome | string>('pkiLens.probeEndpoints', options);
  assert.ok(typeof outcome === 'object', `the probe ran: ${String(outcome)}`);
  return outcome;
}

describe('Probe Endpoints', () => {
  before(async function () {
    this.timeout(120_000);
    const api = await pkiApi();
    root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    lab = await startProbeLab(root);
    const kubeconfigs = lab.cases.filter(c => c.file.endsWith('.kubeconfig')).length;
    await waitFor('the index to read every kubeconfig of the lab', () => (api.services.index.snapshot?.inventory.kubeconfigs.length ?? 0) >= kubeconfigs, 60_000);
    await vscode.workspace.getConfiguration('pkiLens').update('probe.timeoutMs', 1500, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await lab?.close();
  });

  it('with pkiLens.probe.onOpen set, the window\'s start probed the workspace without a click; deleting the file clears its finding', async function () {
    this.timeout(90_000);
    const finding = await waitFor('the probe at open to report the endpoint nothing listens on',
      () => probeDiagnostics(AT_OPEN.file).find(d => codeOf(d) === 'endpoint-unreachable'), 60_000);
    assert.match(finding.message, /refused the connection/);
    assert.strictEqual(finding.range.start.line, lineOf(AT_OPEN), 'on the line naming the endpoint');
    // Out of the way of the suite's own probes, which name the lab's endpoints only.
    fs.rmSync(path.join(root, AT_OPEN.file));
    await waitFor('the deleted file\'s finding to clear', () => probeDiagnostics(AT_OPEN.file).length === 0, 30_000);
    const api = await pkiApi();
    await waitFor('the index to drop the deleted file', () => !api.services.index.snapshot?.files.some(f => f.uri.fsPath === uriOf(AT_OPEN.file).fsPath), 30_000);
  });

  it('each endpoint has exactly its finding in the Problems panel, at the server: value or the manifest flag', async function () {
    this.timeout(60_000);
    const outcome = await probe();
    assert.strictEqual(outcome.reports.length, lab.cases.length, outcome.text);
    for (const c of lab.cases) {
      const diagnostics = probeDiagnostics(c.file);
      assert.deepStrictEqual(diagnostics.map(codeOf), c.code ? [c.code] : [], `${c.name}: ${diagnostics.map(d => d.message).join(' | ')}`);
      for (const d of diagnostics) {
        assert.match(d.message, c.says, c.name);
        assert.strictEqual(d.severity, SEVERITY[c.code!], c.name);
        assert.strictEqual(d.range.start.line, lineOf(c), `${c.name}: on the line naming the endpoint`);
      }
    }
    const drift = probeDiagnostics('manifests/kube-apiserver.yaml')[0];
    assert.strictEqual(drift.relatedInformation?.[0].location.uri.fsPath, uriOf('pki/apiserver.crt').fsPath, 'points at the renewed file');
    assert.match(outcome.text, new RegExp(`serial ${lab.oldSerial}`), 'the result names the served serial');
    assert.strictEqual(allProbeDiagnostics().length, lab.cases.filter(c => c.code).length, 'nothing else');
  });

  it('no client certificate is sent to a server that asks for one', async () => {
    await waitFor('the Node servers to record the handshakes', () => lab.clientCertificates.length >= 2);
    assert.deepStrictEqual([...new Set(lab.clientCertificates)], ['none']);
  });

  it('the tree shows what is served under the certificate file it should be: the drift names the served serial', async function () {
    this.timeout(60_000);
    await probe();
    const nodes = await servedNodes();
    const differing = nodes.filter(n => /^differs/.test(n.served.description ?? ''));
    assert.strictEqual(differing.length, 1, nodes.map(n => `${n.under.uri}: ${n.served.description}`).join(' | '));
    const { served, under } = differing[0];
    assert.strictEqual(vscode.Uri.parse(under.uri!).fsPath, uriOf('pki/apiserver.crt').fsPath, 'under the renewed file');
    assert.strictEqual(served.label, 'Served');
    assert.match(served.description ?? '', new RegExp(`^differs: serial ${lab.oldSerial} · 2 d$`), 'the served serial and its residual time');
    assert.strictEqual(served.icon, 'warning', 'a warning, as in the Problems panel');
    assert.match(served.tooltip ?? '', new RegExp(`pki/apiserver\\.crt.*serial ${lab.renewedSerial}.*is \\*\\*not\\*\\* what is served`), 'names the file on disk and its serial');
    assert.match(served.tooltip ?? '', /`served-certificate-differs`/);
    const healthy = lab.cases.find(c => c.name === 'healthy')!;
    const matching = under.children.filter(c => c.contextValue === 'pki-served' && c !== served);
    assert.deepStrictEqual(matching.map(c => c.description?.replace(/ · \d+ d$/, '')), ['matches the file'], 'the healthy endpoint serves the renewed file');
    assert.match(matching[0].tooltip ?? '', new RegExp(`127\\.0\\.0\\.1:${healthy.port}`));
    for (const other of nodes.filter(n => n !== differing[0])) {
      assert.match(other.served.description ?? '', /^(matches the file|not reached)/, `${other.under.uri}: ${other.served.description}`);
    }
  });

  it('"Probe Now" after renewing pki/apiserver.crt names kube-apiserver, which still serves the old certificate', async function () {
    this.timeout(60_000);
    assert.deepStrictEqual(afterRenewal([{ path: path.join(root, 'pki', 'apiserver.crt') }]).restart, ['kube-apiserver'], 'the renewal result offers Probe Now (it has a component to restart)');
    const warning = await probeAfterRenewal();
    assert.match(warning ?? '', /kube-apiserver still serves the old certificate: restart it/);
  });

  it('the CodeLens on server: probes that endpoint only; the next probe replaces the previous findings', async function () {
    this.timeout(60_000);
    const expired = lab.cases.find(c => c.name === 'expired')!;
    const doc = await vscode.workspace.openTextDocument(uriOf(expired.file));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10_000);
    const lens = lenses.find(l => l.command?.command === 'pkiLens.probeEndpoints');
    assert.ok(lens?.command, 'a Probe lens above server:');
    assert.strictEqual(lens.range.start.line, lineOf(expired));
    const outcome = await probe({ ...(lens.command.arguments?.[0] as object), show: false });
    assert.deepStrictEqual(outcome.reports.map(r => r.endpoint.url), [`https://127.0.0.1:${expired.port}`]);
    await waitFor('only the expired endpoint\'s finding', () => allProbeDiagnostics().length === 1 && probeDiagnostics(expired.file).length === 1);
  });

  it('a change to a file the findings are about clears them', async function () {
    this.timeout(60_000);
    await probe();
    assert.ok(probeDiagnostics('manifests/kube-apiserver.yaml').length === 1);
    assert.ok((await servedNodes()).length > 0, 'Served nodes in the tree');
    fs.appendFileSync(path.join(root, 'manifests', 'kube-apiserver.yaml'), '# restarted\n');
    await waitFor('the probe findings to clear', () => allProbeDiagnostics().length === 0, 30_000);
    assert.deepStrictEqual(await servedNodes(), [], 'the tree\'s Served nodes clear with them');
  });
});
