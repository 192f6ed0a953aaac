// SPKI fingerprints (pins) and kubeadm's CA cert hash, judged by openssl's own pipeline:
// `openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256` — the command kubeadm's
// documentation gives for --discovery-token-ca-cert-hash — on RSA, ECDSA and Ed25519 CAs; then
// where people read them: `pki-lens inspect --format json` and text, and the hover.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { renderObject } from '../../src/core/render/hover';
import { kubeadmCaCertHash, spkiFingerprint } from '../../src/core/x509/spki';
import { ChainLab, DAY, KeyAlg, caExt } from '../fixtures/chains';
import { openssl, opensslBuffer } from '../fixtures/openssl';

const lab = new ChainLab();
after(() => lab.dispose());
const MAIN = path.resolve(__dirname, '../../src/cli/main.js');

/** openssl's digest of the certificate's DER SubjectPublicKeyInfo, in hex and base64. */
function opensslSpki(pem: string): { hex: string; base64: string } {
  const pub = openssl(['x509', '-pubkey', '-noout'], { input: pem });
  const der = opensslBuffer(['pkey', '-pubin', '-outform', 'der'], { input: pub });
  const digest = opensslBuffer(['dgst', '-sha256', '-binary'], { input: der });
  return { hex: digest.toString('hex'), base64: digest.toString('base64') };
}

describe('SPKI SHA-256 and the kubeadm CA cert hash equal openssl\'s', () => {
  const now = Date.now();
  const cas = (['rsa2048', 'p256', 'ed25519'] as KeyAlg[]).map(alg => ({
    alg, cert: lab.issue({ subject: `/CN=${alg} CA`, key: lab.key(alg), notBefore: new Date(now - DAY), notAfter: new Date(now + 3650 * DAY), ext: caExt() }),
  }));

  for (const { alg, cert } of cas) {
    it(`${alg}: core, inspect --format json, inspect text and hover`, async () => {
      const want = opensslSpki(cert.pem);
      assert.match(want.hex, /^[0-9a-f]{64}$/);
      const analysis = await analyzeText(cert.pem, { fileName: 'ca.crt' });
      const info = analysis.entries[0].objects[0].certificate!;
      assert.deepEqual(spkiFingerprint(info.publicKey), { sha256Hex: want.hex, sha256Base64: want.base64 });
      assert.equal(kubeadmCaCertHash(info.publicKey), `sha256:${want.hex}`);

      const file = lab.file('ca.crt', cert.pem);
      const r = spawnSync(process.execPath, [MAIN, 'inspect', '--format', 'json', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const [record] = JSON.parse(r.stdout) as { kubeadmCaCertHash?: string; publicKey: { spkiSha256: string; spkiSha256Base64: string } }[];
      assert.equal(record.publicKey.spkiSha256, want.hex);
      assert.equal(record.publicKey.spkiSha256Base64, want.base64);
      assert.equal(record.kubeadmCaCertHash, `sha256:${want.hex}`);

      const text = spawnSync(process.execPath, [MAIN, 'inspect', file], { encoding: 'utf8' }).stdout;
      assert.ok(text.includes(`SPKI SHA-256: ${want.hex}`), text);
      assert.ok(text.includes(`pin-sha256): ${want.base64}`), text);
      assert.ok(text.includes(`kubeadm CA cert hash: sha256:${want.hex}`), text);

      const hover = renderObject(analysis.entries[0].objects[0], { now: new Date(), thresholds: { warningDays: 30, warningLifetimePercent: 80, errorDays: 7 } }, 'Certificate');
      assert.ok(hover.includes(want.base64) && hover.includes(want.hex), hover);
    });
  }

  it('a leaf has pins but no kubeadm CA cert hash', async () => {
    const leaf = lab.issue({ subject: '/CN=leaf', issuer: cas[1].cert, notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY), ext: ['basicConstraints = critical, CA:FALSE'] });
    const file = lab.file('leaf.crt', leaf.pem);
    const r = spawnSync(process.execPath, [MAIN, 'inspect', '--format', 'json', file], { encoding: 'utf8' });
    const [record] = JSON.parse(r.stdout) as { kubeadmCaCertHash?: string; publicKey: { spkiSha256: string } }[];
    assert.equal(record.publicKey.spkiSha256, opensslSpki(leaf.pem).hex);
    assert.equal(record.kubeadmCaCertHash, undefined);
  });
});
