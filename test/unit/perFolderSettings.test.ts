// Settings per resource: in a multi-root workspace each folder may set pkiLens.expiry.* on its own,
// and a file's findings follow the folder it is in (the VS Code side is test/integration/multiroot.test.ts).
// Also the one activation guard: a feature that fails to start is logged and the others still start.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { resolveCheckOptions, runChecks } from '../../src/core/checks';
import { buildInventory } from '../../src/core/inventory/inventory';
import { startFeatures } from '../../src/util/features';
import { Workbench, days, kubeadmCaExt } from '../fixtures/ca';

describe('expiry thresholds per file', () => {
  const bench = new Workbench();
  after(() => bench.dispose());
  const now = Date.now();
  // 60 days left of 70 (14% used, under every warningLifetimePercent here): "expiring" only where warningDays reaches past 60.
  const cert = bench.issue({
    subject: '/CN=probe', key: bench.newKey('p256'), ext: kubeadmCaExt('probe'),
    notBefore: new Date(now - days(10)), notAfter: new Date(now + days(60)),
  });
  const folderOf = (uri: string) => uri.split('/')[1];
  const perFolder: Record<string, { warningDays: number; errorDays?: number }> = {
    a: { warningDays: 90 },
    b: { warningDays: 30 },
    c: { warningDays: 90, errorDays: 61 },
  };
  const inventory = async () => buildInventory(await Promise.all(['a', 'b', 'c'].map(async folder => ({
    uri: `mem:/${folder}/probe.crt`, relativePath: `${folder}/probe.crt`, analysis: await analyzeText(cert.pem, { fileName: 'probe.crt' }),
  }))));

  it('judges the same certificate in each folder by that folder\'s thresholds', async () => {
    const findings = runChecks(await inventory(), { now: new Date(now), thresholdsFor: uri => perFolder[folderOf(uri)] });
    assert.deepEqual(findings.filter(f => f.code === 'cert-expiring').map(f => `${folderOf(f.uri)} ${f.severity}`).sort(), ['a warning', 'c error']);
  });

  it('without per-file thresholds every copy is judged alike (the default and `thresholds`)', async () => {
    const inv = await inventory();
    assert.equal(runChecks(inv, { now: new Date(now) }).filter(f => f.code === 'cert-expiring').length, 0);
    assert.equal(runChecks(inv, { now: new Date(now), thresholds: { warningDays: 90 } }).filter(f => f.code === 'cert-expiring').length, 3);
  });

  it('a folder that sets some thresholds takes the rest from `thresholds`', async () => {
    const findings = runChecks(await inventory(), {
      now: new Date(now), thresholds: { warningDays: 90, errorDays: 61 },
      thresholdsFor: uri => (folderOf(uri) === 'b' ? { warningDays: 10 } : undefined),
    });
    assert.deepEqual(findings.filter(f => f.code === 'cert-expiring').map(f => `${folderOf(f.uri)} ${f.severity}`).sort(), ['a error', 'c error']);
  });

  it('merges a folder\'s thresholds once for all its files, not once a file', () => {
    const own = { a: { warningDays: 90 }, b: { warningDays: 10 } };
    let asked = 0;
    const resolved = resolveCheckOptions({ thresholds: { errorDays: 3 }, thresholdsFor: uri => (asked++, own[folderOf(uri) as 'a' | 'b']) });
    const ofA = Array.from({ length: 1000 }, (_, i) => resolved.thresholdsFor(`mem:/a/cert-${i}.crt`));
    assert.equal(asked, 1000, 'the host is asked for every file (its settings may differ per file)');
    assert.ok(ofA.every(t => t === ofA[0]), 'one merged object for the folder\'s 1,000 files');
    assert.deepEqual({ ...ofA[0] }, { ...resolved.thresholds, warningDays: 90, errorDays: 3 });
    const ofB = resolved.thresholdsFor('mem:/b/x.crt');
    assert.notEqual(ofB, ofA[0]);
    assert.equal(ofB.warningDays, 10);
    assert.equal(resolved.thresholdsFor('mem:/c/x.crt'), resolved.thresholds, 'a folder without thresholds of its own takes the workspace\'s');
  });
});

describe('starting features', () => {
  it('logs a feature that throws and still starts the ones after it', () => {
    const started: string[] = [];
    const errors: string[] = [];
    const logger = { info() { /* unused */ }, warn() { /* unused */ }, error: (message: string, e?: unknown) => errors.push(`${message}: ${(e as Error).message}`) };
    const failed = startFeatures([
      { name: 'first', register: (s: string[]) => s.push('first') },
      { name: 'broken', register: () => { throw new Error('no tree view'); } },
      { name: 'last', register: (s: string[]) => s.push('last') },
    ], started, logger);
    assert.deepEqual(started, ['first', 'last']);
    assert.deepEqual(failed, ['broken']);
    assert.deepEqual(errors, ['starting broken failed: no tree view']);
  });
});
