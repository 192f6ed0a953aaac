// CRLs as DER where PEM worked, and crl-stale: openssl makes a CA and two CRLs (one in date, one
// past its nextUpdate); each is written as PEM and as DER `.crl`. `pki-lens check` on the folder
// (the same walk and pipeline as the Problems panel) reports the stale CRL in both encodings and
// nothing for the fresh one, and `openssl verify -crl_check` agrees which one is refused.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { resolveCheckOptions } from '../../src/core/checks';
import { checkCrlStale } from '../../src/core/checks/crlStale';
import { ITEMS_PER_STEP, RuleSteps } from '../../src/core/checks/finding';
import { Inventory } from '../../src/core/inventory/inventory';
import { ChainLab, DAY, LabCert, caExt, leafExt } from '../fixtures/chains';
import { openssl, opensslBuffer } from '../fixtures/openssl';

const lab = new ChainLab();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-crl-'));
after(() => {
  lab.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const stamp = (d: Date) => d.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');

/** `openssl ca -gencrl` with explicit lastUpdate/nextUpdate (openssl 3.0 options), from a database of its own. */
function crl(ca: LabCert, lastUpdate: Date, nextUpdate: Date): string {
  const work = fs.mkdtempSync(path.join(dir, 'ca-'));
  fs.writeFileSync(path.join(work, 'index.txt'), '');
  const cnf = path.join(work, 'ca.cnf');
  fs.writeFileSync(cnf, ['[ ca ]', 'default_ca = c', '[ c ]', `database = ${path.join(work, 'index.txt')}`, 'default_md = sha256', ''].join('\n'));
  return openssl(['ca', '-gencrl', '-batch', '-config', cnf, '-cert', ca.file, '-keyfile', ca.key.file,
    '-crl_lastupdate', stamp(lastUpdate), '-crl_nextupdate', stamp(nextUpdate)]);
}

async function check(folder: string): Promise<{ code: string; severity: string; file: string; message: string }[]> {
  let out = '';
  await main(['check', '--format', 'json', '--fail-on', 'none', folder], { out: t => (out += t), err: () => undefined });
  return (JSON.parse(out) as { findings: { code: string; severity: string; file: string; message: string }[] }).findings;
}

describe('CRLs in PEM and DER, and crl-stale', () => {
  const now = Date.now();
  let ca: LabCert;
  let leaf: LabCert;
  let stalePem = '';
  let freshPem = '';
  before(() => {
    ca = lab.issue({ subject: '/CN=crl-ca', notBefore: new Date(now - 30 * DAY), notAfter: new Date(now + 3650 * DAY), ext: caExt() });
    leaf = lab.issue({ subject: '/CN=client', issuer: ca, notBefore: new Date(now - DAY), notAfter: new Date(now + 300 * DAY), ext: leafExt({ eku: ['clientAuth'] }) });
    stalePem = crl(ca, new Date(now - 20 * DAY), new Date(now - 3 * DAY));
    freshPem = crl(ca, new Date(now - DAY), new Date(now + 6 * DAY));
    fs.writeFileSync(path.join(dir, 'ca.crt'), ca.pem);
    fs.writeFileSync(path.join(dir, 'client.crt'), leaf.pem);
    fs.writeFileSync(path.join(dir, 'stale.pem'), stalePem);
    fs.writeFileSync(path.join(dir, 'fresh.pem'), freshPem);
    fs.writeFileSync(path.join(dir, 'stale.crl'), opensslBuffer(['crl', '-outform', 'DER'], { input: stalePem }));
    fs.writeFileSync(path.join(dir, 'fresh.crl'), opensslBuffer(['crl', '-outform', 'DER'], { input: freshPem }));
  });

  it('openssl refuses the client with the stale CRL and accepts it with the fresh one', () => {
    const verify = (crlPem: string) => {
      const bundle = path.join(dir, `bundle-${crlPem === stalePem ? 'stale' : 'fresh'}.pem.txt`);
      fs.writeFileSync(bundle, ca.pem + crlPem);
      const r = spawnSync('openssl', ['verify', '-crl_check', '-CAfile', bundle, leaf.file], { encoding: 'utf8' });
      return `${r.stdout}${r.stderr}`;
    };
    assert.match(verify(stalePem), /CRL has expired/);
    assert.match(verify(freshPem), /: OK/);
  });

  it('check reports the stale CRL in PEM and in DER, at error, and nothing for the fresh one', async () => {
    const findings = await check(dir);
    assert.deepEqual(findings.map(f => `${f.severity} ${f.code} ${f.file}`).sort(), ['error crl-stale stale.crl', 'error crl-stale stale.pem']);
    const der = findings.find(f => f.file === 'stale.crl')!;
    assert.match(der.message, /CRL of CN=crl-ca is past its nextUpdate .* \(3 days ago\).*CRL has expired/);
  });

  it('a DER .crl decodes like its PEM twin in inspect', async () => {
    let out = '';
    await main(['inspect', '--format', 'json', path.join(dir, 'fresh.crl'), path.join(dir, 'fresh.pem')], { out: t => (out += t), err: () => undefined });
    const records = JSON.parse(out) as Record<string, unknown>[];
    const strip = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => !['file', 'line', 'column', 'pem', 'range', 'source', 'encoding', 'label'].includes(k)));
    assert.equal(records.length, 2);
    assert.equal(records[0].type, 'crl');
    assert.deepEqual(strip(records[0]), strip(records[1]));
    assert.ok(openssl(['crl', '-inform', 'DER', '-in', path.join(dir, 'fresh.crl'), '-noout', '-issuer']).includes('crl-ca'));
  });

  it('crl-stale hands the host a turn every ITEMS_PER_STEP files it visits', () => {
    // 1,100 files with a CRL that never goes stale (no nextUpdate): the rule visits each, stepping as it goes.
    const files = Array.from({ length: 1100 }, (_, i) => ({ uri: `file:///f${i}`, analysis: { entries: [{ objects: [{ crl: {} }] }] } }));
    const steps = checkCrlStale({ files, filesWith: { crls: files, errors: [], keystores: [], tls: [], kubeconfigs: [] } } as unknown as Inventory, resolveCheckOptions());
    assert.ok(!Array.isArray(steps), 'a stepped rule');
    let turns = 0;
    let step = (steps as RuleSteps).next();
    while (!step.done) {
      turns++;
      step = (steps as RuleSteps).next();
    }
    assert.equal(turns, Math.floor(1100 / ITEMS_PER_STEP));
    assert.deepEqual(step.value, []);
  });
});

