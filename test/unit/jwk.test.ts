// JSON Web Keys and JWK Sets: keys made by openssl, turned into JWKs by `jose` (an independent
// implementation, devDependency for this test only), then read by PKI Lens: kty, crv/size, kid,
// the RFC 7638 thumbprint equal to jose's, the match with the certificate holding the same key, and
// private members never in any output.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { calculateJwkThumbprint, exportJWK, importPKCS8, importSPKI } from 'jose';
import { analyzeText } from '../../src/core/analyze';
import { buildInventory } from '../../src/core/inventory/inventory';
import { renderObject } from '../../src/core/render/hover';
import { objectText } from '../../src/core/render/text';
import { main } from '../../src/cli/main';
import { ChainLab, DAY, KeyAlg, caExt } from '../fixtures/chains';
import { openssl } from '../fixtures/openssl';

const lab = new ChainLab();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-jwk-'));
after(() => {
  lab.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const JOSE_ALG: Record<string, string> = { rsa2048: 'RS256', p256: 'ES256', ed25519: 'EdDSA' };

interface Made {
  alg: KeyAlg;
  certPem: string;
  publicJwk: Record<string, unknown>;
  privateJwk: Record<string, unknown>;
  thumbprint: string;
}

describe('JWK and JWK Set files', () => {
  const made: Made[] = [];
  before(async () => {
    const now = Date.now();
    for (const alg of ['rsa2048', 'p256', 'ed25519'] as KeyAlg[]) {
      const key = lab.key(alg);
      const cert = lab.issue({ subject: `/CN=${alg}`, key, notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY), ext: caExt() });
      const pkcs8 = fs.readFileSync(key.file, 'utf8');
      const spki = openssl(['pkey', '-in', key.file, '-pubout']);
      const publicJwk = { ...(await exportJWK(await importSPKI(spki, JOSE_ALG[alg], { extractable: true }))), kid: `${alg}-key`, use: 'sig' };
      const privateJwk = { ...(await exportJWK(await importPKCS8(pkcs8, JOSE_ALG[alg], { extractable: true }))), kid: `${alg}-private` };
      made.push({ alg, certPem: cert.pem, publicJwk, privateJwk, thumbprint: await calculateJwkThumbprint(publicJwk as never, 'sha256') });
    }
  });

  it('a JWK Set: each key placed, typed, sized, its thumbprint equal to jose\'s, matched with its certificate', async () => {
    const set = JSON.stringify({ keys: made.map(m => m.publicJwk) }, null, 2);
    const files: Record<string, string> = { 'jwks.json': set };
    made.forEach(m => (files[`${m.alg}.crt`] = m.certPem));
    const inputs = [];
    for (const [rel, text] of Object.entries(files)) {
      inputs.push({ uri: `mem:/${rel}`, relativePath: rel, analysis: await analyzeText(text, { fileName: rel }) });
    }
    const jwks = inputs[0].analysis.entries;
    assert.equal(jwks.length, 3);
    const objects = jwks.map(e => e.objects[0]);
    assert.deepEqual(objects.map(o => [o.jwk!.kty, o.jwk!.crv, o.jwk!.bits, o.jwk!.kid]), [['RSA', undefined, 2048, 'rsa2048-key'], ['EC', 'P-256', 256, 'p256-key'], ['OKP', 'Ed25519', 256, 'ed25519-key']]);
    assert.deepEqual(objects.map(o => o.jwk!.thumbprint), made.map(m => m.thumbprint));
    for (const [i, e] of jwks.entries()) {
      const slice = set.slice(e.range.start, e.range.end);
      assert.equal(JSON.parse(slice).kid, made[i].publicJwk.kid, 'each key is placed on its own object');
    }
    const inventory = await buildInventory(inputs);
    const linked = inventory.publicKeys.map(p => p.certificates.map(c => c.certificate.subject.commonName));
    assert.deepEqual(linked, [['rsa2048'], ['p256'], ['ed25519']], 'each JWK matches the certificate with the same key');
  });

  it('private JWKs: thumbprint of the public members, private members never shown (hover, decoded view, inspect)', async () => {
    for (const m of made) {
      const text = JSON.stringify(m.privateJwk);
      const file = path.join(dir, `${m.alg}.jwk`);
      fs.writeFileSync(file, text);
      const [entry] = (await analyzeText(text, { fileName: file })).entries;
      const obj = entry.objects[0];
      assert.equal(obj.jwk!.thumbprint, m.thumbprint, 'RFC 7638 uses the public members only');
      assert.equal(obj.jwk!.hasPrivate, true);
      let out = '';
      await main(['inspect', '--format', 'json', file], { out: t => (out += t), err: () => undefined });
      const shown = [renderObject(obj, { now: new Date(), thresholds: { warningDays: 30, warningLifetimePercent: 80, errorDays: 7 } }, 'Key'), objectText(obj, { now: new Date() } as never).join('\n'), out];
      const secrets = ['d', 'p', 'q', 'dp', 'dq', 'qi'].map(k => m.privateJwk[k]).filter((v): v is string => typeof v === 'string');
      assert.ok(secrets.length >= 1);
      for (const s of shown) {
        for (const secret of secrets) {
          assert.ok(!s.includes(secret) && !s.includes(secret.slice(0, 16)), `a private member leaked in: ${s.slice(0, 200)}`);
        }
      }
      const [record] = JSON.parse(out) as { type: string; thumbprint: string; hasPrivateMembers: boolean; kid: string }[];
      assert.deepEqual([record.type, record.thumbprint, record.hasPrivateMembers, record.kid], ['jwk', m.thumbprint, true, `${m.alg}-private`]);
      assert.match(shown[0], /never shown/);
    }
  });

  it('a JWK missing a member is a located decode error; other JSON is not a JWK', async () => {
    const broken = await analyzeText('{"kty": "EC", "crv": "P-256", "x": "AAAA"}', { fileName: 'bad.jwk' });
    assert.match(broken.entries[0].objects[0].error ?? '', /JWK: the EC key has no "y" member/);
    const other = await analyzeText('{"name": "kty", "keys": [1, 2]}', { fileName: 'package.json' });
    assert.deepEqual(other.entries, []);
  });
});
