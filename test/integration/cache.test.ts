// Issue 18: the analysis cache kept across window reloads, in the real VS Code. scripts/test-cache.mjs
// starts VS Code several times on one user-data dir (a reload: the same workspace storage), changing
// the world between starts; PKI_LENS_CACHE_PHASE says which start this is. In every phase the Problems
// panel after the start must equal what `pki-lens check` (a cold scan, no cache) lists.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { waitFor } from './helpers';
import { cli, problemsPanel, sorted } from './panelAndCli';
import { pkiApi } from './pkiWorkspace';

const phase = process.env.PKI_LENS_CACHE_PHASE ?? '';

function holdsPrivateKey(fsPath: string, index: Awaited<ReturnType<typeof pkiApi>>['services']['index']): boolean {
  const analysis = index.file(vscode.Uri.file(fsPath))?.analysis;
  return !!analysis?.entries.some(e => e.carrier?.role === 'key' || e.objects.some(o => o.kind === 'private-key'));
}

/** A finding as the Problems panel places it; the numbers in messages are masked (a duration moves with the clock between starts). */
function placed(f: { code: string; severity: string; message: string; uri: string; related: { uri: string; message: string }[] }, span: (uri: string, i: number) => string): string {
  const mask = (m: string) => m.replace(/\d+/g, '#');
  return [f.code, f.severity, f.uri, span(f.uri, -1), mask(f.message), ...f.related.map((r, i) => `${r.uri} ${span(r.uri, i)} ${mask(r.message)}`)].join(' | ');
}

describe(`persistent analysis cache: ${phase}`, () => {
  it('the Problems panel after this start equals a cold scan by pki-lens check', async function () {
    this.timeout(120_000);
    const api = await pkiApi();
    const root = (vscode.workspace.workspaceFolders ?? [])[0].uri.fsPath;
    const snapshot = await api.services.index.ready();
    const fromCli = cli(root);
    assert.ok(fromCli.status === 0 || fromCli.status === 1, `check exited ${fromCli.status}: ${fromCli.stderr}`);
    assert.ok(fromCli.findings.length > 0, 'the seeded tree has findings');
    assert.strictEqual(snapshot.findings.length, fromCli.findings.length);
    const expected = sorted(fromCli.findings);
    let panel: string[] = [];
    await waitFor('the Problems panel to list what check lists', () => {
      panel = sorted(problemsPanel(root));
      return panel.length === expected.length && panel.every((f, i) => f === expected[i]);
    }, 60_000).catch(() => undefined);
    assert.deepStrictEqual(panel, expected);
  });

  it('the cache was used, or refused, as this phase requires', async function () {
    this.timeout(90_000);
    const api = await pkiApi();
    const store = api.persistentCache;
    assert.ok(store, 'a folder is open, so the extension keeps a persistent cache');
    await api.services.index.ready();
    const { stats } = store;
    const version = String(vscode.extensions.getExtension('pki-lens.pki-lens')!.packageJSON.version);
    switch (phase) {
      case 'cold':
        assert.strictEqual(stats.state, 'absent');
        assert.strictEqual(stats.hits, 0);
        assert.ok(stats.analysed.length > 5);
        break;
      case 'reload':
        assert.strictEqual(stats.state, 'loaded');
        assert.ok(stats.hits > 5, `hits ${stats.hits}`);
        assert.ok(stats.verdictsOnDisk > 0, 'signature verdicts came back');
        assert.ok(store.knownEmpty.trustedReads > 5, `files with material taken by their unchanged stamp, not read: ${store.knownEmpty.trustedReads}`);
        // Nothing changed on disk: only what is never stored (private keys) was analysed again.
        for (const name of stats.analysed) {
          assert.ok(holdsPrivateKey(name, api.services.index), `${name} was analysed again although it holds no private key`);
        }
        break;
      case 'changed':
        assert.strictEqual(stats.state, 'loaded');
        assert.ok(stats.hits > 5, `hits ${stats.hits}`);
        assert.ok(stats.analysed.some(name => name.endsWith('/pki/apiserver.crt')), `the changed file was analysed again: ${stats.analysed.join(', ')}`);
        break;
      case 'rewritten':
        // The same size and mtime as the stamp the last start kept, but written again: the ctime moved.
        assert.strictEqual(stats.state, 'loaded');
        assert.ok(store.knownEmpty.trustedReads > 5, `the other files were taken by their stamps: ${store.knownEmpty.trustedReads}`);
        assert.ok(stats.analysed.some(name => name.endsWith('/pki/apiserver.crt')), `the rewritten file was read and analysed again: ${stats.analysed.join(', ')}`);
        break;
      case 'version':
        assert.strictEqual(stats.state, 'version');
        assert.match(stats.message ?? '', new RegExp(`was written by PKI Lens [^ ]+, this is ${version.replace(/\./g, '\\.')}: not used, cold scan`));
        assert.strictEqual(stats.hits, 0);
        break;
      case 'corrupt':
        assert.strictEqual(stats.state, 'corrupt');
        assert.match(stats.message ?? '', /is damaged \(checksum mismatch\): ignored, cold scan/);
        assert.strictEqual(stats.hits, 0);
        break;
      default:
        assert.fail(`unknown PKI_LENS_CACHE_PHASE ${phase}`);
    }
    if (phase !== 'reload') {
      // What this start learned is written for the next one (the launcher checks the file's age too).
      await waitFor('the cache file to be written', () => stats.savedAt !== undefined && (stats.savedEntries ?? 0) > 0, 60_000);
    }
  });

  it('the bundles\' code cache was used, or written, as this phase requires', async function () {
    this.timeout(90_000);
    const api = await pkiApi();
    await api.services.index.ready(); // the scan has loaded the core
    const reports = api.codeCache();
    const atLoad = Object.fromEntries(Object.entries(reports).map(([file, r]) => [file, r.atLoad]));
    // scripts/test-cache.mjs damages main.js's cache before 'changed'; every other start after 'cold' finds both.
    const expected = phase === 'cold' ? { 'main.js': 'absent', 'core.js': 'absent' } : phase === 'changed' ? { 'main.js': 'corrupt', 'core.js': 'used' } : { 'main.js': 'used', 'core.js': 'used' };
    assert.deepStrictEqual(atLoad, expected);
    for (const [file, state] of Object.entries(expected)) {
      if (state !== 'used') {
        await waitFor(`${file}'s code cache to be written`, () => api.codeCache()[file]?.written === true, 60_000);
      }
    }
  });

  it('the last session\'s findings were restored, or refused, as this phase requires', async function () {
    this.timeout(90_000);
    const api = await pkiApi();
    const last = api.lastFindings;
    assert.ok(last, 'a folder is open, so the extension keeps the last findings');
    const index = api.services.index;
    const snapshot = await index.ready();
    const { stats } = last;
    switch (phase) {
      case 'cold':
        assert.strictEqual(stats.state, 'absent');
        assert.strictEqual(index.restored, undefined);
        // The first folder's sample (admin.conf, controller-manager.conf) was read while the walk went on; kubelet/pki's link ended it.
        assert.strictEqual(index.headStartFiles, 2, 'the first scan read the folders\' samples while it listed, up to the first link');
        break;
      case 'reload': {
        // Nothing changed: every finding of the last build came back before this start's build, placed where the build places it.
        assert.strictEqual(stats.state, 'shown', stats.message);
        assert.ok(index.restored, 'the index received the restored findings');
        const built = snapshot.findings.map(f => placed(f, (uri, i) => {
          const r = snapshot.byUri.get(uri)?.lines.range(i < 0 ? f.range : f.related[i].range);
          return r ? `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}` : '0:0-0:0';
        })).sort();
        const restored = index.restored.findings.map(f => placed(f, (_, i) => {
          const [a, b, c, d] = i < 0 ? f.range : f.related[i].range;
          return `${a}:${b}-${c}:${d}`;
        })).sort();
        assert.ok(restored.length > 5, `restored ${restored.length}`);
        assert.deepStrictEqual(restored, built);
        // The first scan started once the restore was handed over (workspace/scanGate.ts), not beside it.
        assert.ok(index.firstScanGate.held, 'the first scan had the restore to wait for');
        const passedAt = index.firstScanGate.passedAt;
        assert.ok(passedAt !== undefined && passedAt >= index.restored.at, `first scan at ${passedAt}, restored at ${index.restored.at}`);
        // The restored findings are this start's first: its scan read nothing while it listed (headStart.ts).
        assert.strictEqual(index.headStartFiles, 0);
        break;
      }
      case 'changed':
      case 'rewritten':
        // pki/apiserver.crt holds a finding (cert-expiring): changed, even behind an mtime set back, nothing is restored.
        assert.strictEqual(stats.state, 'changed', stats.message);
        assert.match(stats.message ?? '', /pki\/apiserver\.crt changed since they were computed/);
        assert.strictEqual(index.restored, undefined);
        break;
      case 'version':
        assert.strictEqual(stats.state, 'version', stats.message);
        assert.strictEqual(index.restored, undefined);
        break;
      case 'corrupt':
        assert.strictEqual(stats.state, 'corrupt', stats.message);
        assert.match(stats.message ?? '', /are damaged \(checksum mismatch\): ignored, the scan decides/);
        assert.strictEqual(index.restored, undefined);
        break;
      default:
        assert.fail(`unknown PKI_LENS_CACHE_PHASE ${phase}`);
    }
    // Every start keeps its findings for the next.
    await waitFor('the last findings to be written', () => stats.savedAt !== undefined && (stats.savedFindings ?? 0) > 0, 60_000);
  });
});
