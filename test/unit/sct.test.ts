// Signed Certificate Timestamps of a real certificate from the vendored corpus (zlint's
// facebookOnionV3Address.pem, a DigiCert EV certificate of 2022, Apache-2.0, test/corpus/README.md),
// judged field by field against `openssl x509 -text`; the logs named from the bundled snapshot,
// whose IDs are checked against SHA-256 of the logs' published keys; a corrupt list gives an error.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { renderObject } from '../../src/core/render/hover';
import { ctLogName } from '../../src/core/x509/ctLogs';
import { certificateScts, decodeSctList, sctTimeText } from '../../src/core/x509/sct';
import { fromHex } from '../../src/core/x509/bytes';
import { openssl } from '../fixtures/openssl';

const ROOT = path.resolve(__dirname, '../../..');
const FILE = path.join(ROOT, 'test/corpus/zlint/testdata/facebookOnionV3Address.pem');
const MAIN = path.resolve(__dirname, '../../src/cli/main.js');

/** openssl's reading of the SCT list: [log ID hex, timestamp text, signature algorithm] per SCT. */
function opensslScts(): { logId: string; timestamp: string; signature: string }[] {
  const text = openssl(['x509', '-in', FILE, '-noout', '-text']);
  const block = text.slice(text.indexOf('CT Precertificate SCTs'));
  const out = [];
  const re = /Log ID\s*:\s*([0-9A-F:\s]+?)\n\s*Timestamp\s*:\s*(.+?)\n\s*Extensions:\s*(.+?)\n\s*Signature\s*:\s*(\S+)/g;
  for (const m of block.matchAll(re)) {
    out.push({ logId: m[1].replace(/\s+/g, ''), timestamp: m[2].trim(), signature: m[4] });
  }
  return out;
}

describe('SCTs of a real certificate', () => {
  it('decodes every SCT as openssl does, and names the logs', async () => {
    const want = opensslScts();
    assert.equal(want.length, 3, 'openssl sees three SCTs');
    const pem = openssl(['x509', '-in', FILE]);
    const cert = (await analyzeText(pem, { fileName: 'cert.pem' })).entries[0].objects[0].certificate!;
    const result = certificateScts(cert);
    assert.ok(result && 'scts' in result, JSON.stringify(result));
    assert.deepEqual(result.scts.map(s => ({ logId: s.logIdHex, timestamp: sctTimeText(s.timestamp), signature: s.signatureAlgorithm })), want);
    assert.deepEqual(result.scts.map(s => s.version), [0, 0, 0]);
    assert.deepEqual(result.scts.map(s => s.logName), ["Google 'Argon2022' log", 'DigiCert Nessie2022 Log', "Cloudflare 'Nimbus2022' Log"]);

    const hover = renderObject({ certificate: cert } as never, { now: new Date(), thresholds: { warningDays: 30, warningLifetimePercent: 80, errorDays: 7 } }, 'Certificate');
    const line = hover.split('\n').filter(l => l.startsWith('| SCTs'));
    assert.equal(line.length, 1, hover);
    assert.match(line[0], /3: Google 'Argon2022' log, DigiCert Nessie2022 Log, Cloudflare 'Nimbus2022' Log — logged 2022-03-10/);
  });

  it('pki-lens inspect lists them in JSON and in the decoded text', () => {
    const json = spawnSync(process.execPath, [MAIN, 'inspect', '--format', 'json', FILE], { encoding: 'utf8' });
    assert.equal(json.status, 0, json.stderr);
    const [record] = JSON.parse(json.stdout) as { scts: { version: number; logId: string; logName: string | null; timestamp: string; signatureAlgorithm: string }[] }[];
    assert.equal(record.scts.length, 3);
    assert.deepEqual(record.scts[0], { version: 1, logId: 'KXm+8J45OSHwVnOfY6V35b5XfZxgCvj5TV0mXCVdx4Q=', logName: "Google 'Argon2022' log", timestamp: '2022-03-10T22:34:29.487Z', signatureAlgorithm: 'ecdsa-with-SHA256' });
    const text = spawnSync(process.execPath, [MAIN, 'inspect', FILE], { encoding: 'utf8' }).stdout;
    assert.match(text, /Log\s+: Google 'Argon2022' log\n\s+Log ID\s+: 29:79:BE:F0/);
    assert.match(text, /Timestamp : Mar 10 22:34:29\.487 2022 GMT/);
  });

  it('the snapshot\'s log IDs are SHA-256 of the logs\' published keys', () => {
    // Keys as Google's log list publishes them (base64 DER SubjectPublicKeyInfo).
    const keys: [string, string][] = [
      ["Google 'Argon2022' log", 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEeIPc6fGmuBg6AJkv/z7NFckmHvf/OqmjchZJ6wm2qN200keRDg352dWpi7CHnSV51BpQYAj1CQY5JuRAwrrDwg=='],
      ["Google 'Xenon2022' log", 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE+WS9FSxAYlCVEzg8xyGwOrmPonoV14nWjjETAIdZvLvukPzIWBMKv6tDNlQjpIHNrUcUt1igRPpqoKDXw2MeKw=='],
      ["Google 'Pilot' log", 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfahLEimAoz2t01p3uMziiLOl/fHTDM0YDOhBRuiBARsV4UvxG2LdNgoIGLrtCzWE0J5APC2em4JlvR8EEEFMoA=='],
    ];
    for (const [name, key] of keys) {
      const id = createHash('sha256').update(Buffer.from(key, 'base64')).digest('base64');
      assert.equal(ctLogName(id), name);
    }
  });

  it('a corrupt list is an error with its place, never a throw', () => {
    // OCTET STRING { list of 4 bytes: one SCT claiming 255 bytes, with 2 left }
    const bad = fromHex('04 06 00 04 00 ff 00 00');
    const result = decodeSctList(bad);
    assert.ok('error' in result && /SCT 1 says 255 bytes but 2 are left/.test(result.error), JSON.stringify(result));
    assert.ok('error' in decodeSctList(fromHex('05 00')));
    assert.ok('error' in decodeSctList(fromHex('04 02 00 09')));
  });
});
