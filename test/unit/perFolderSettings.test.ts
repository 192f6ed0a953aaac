// Settings per resource: in a multi-root workspace each folder may set pkiLens.expiry.* on its own,
// and a file's findings follow the folder it is in (the VS Code side is test/integration/multiroot.test.ts).
// Also the one activation guard: a feature that fails to start is logged and the others still start.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { runChecks } from '../../src/core/checks';
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
