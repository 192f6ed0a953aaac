// SHA-256 two ways (core/x509/sha.ts): the hand-written one the browser host runs, and the host's
// native one each Node host hands in at start (core/x509/hostHash.ts, util/nodeCrypto.ts). Both are
// held to openssl's digest of the same bytes, at the lengths around SHA's 64-byte block and its
// padding, and a certificate's fingerprint to `openssl x509 -fingerprint` whichever one made it.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { nativeSha256, provideSha256 } from '../../src/core/x509/hostHash';
import { sha256, sha256Portable } from '../../src/core/x509/sha';
import { provideNodeCrypto } from '../../src/util/nodeCrypto';
import { Workbench, days } from '../fixtures/ca';
import { openssl, opensslBuffer } from '../fixtures/openssl';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('SHA-256: the portable one and the host\'s', () => {
  const bench = new Workbench();
  after(() => {
    provideSha256(undefined);
    bench.dispose();
  });

  it('both give openssl\'s digest at every length around a block and its padding', () => {
    provideNodeCrypto();
    const native = nativeSha256();
    assert.ok(native, 'a Node host hands in its SHA-256');
    for (const length of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4099]) {
      const bytes = new Uint8Array(randomBytes(length));
      const expected = opensslBuffer(['dgst', '-sha256', '-binary'], { input: Buffer.from(bytes) }).toString('hex');
      assert.equal(hex(sha256Portable(bytes)), expected, `hand-written, ${length} bytes`);
      assert.equal(hex(native(bytes)), expected, `native, ${length} bytes`);
      assert.equal(hex(sha256(bytes)), expected, `sha256 with the host's registered, ${length} bytes`);
      // A view into a larger buffer hashes only its own bytes.
      const framed = new Uint8Array(length + 16);
      framed.set(bytes, 8);
      assert.equal(hex(native(framed.subarray(8, 8 + length))), expected, `native on a view, ${length} bytes`);
    }
  });

  it('the host\'s SHA-256 is the same on a Node without the one-shot hash (before 20.12: VS Code 1.90\'s)', () => {
    const crypto = require('node:crypto') as { hash?: unknown };
    const oneShot = crypto.hash;
    assert.equal(typeof oneShot, 'function', 'this Node has it, so the fallback below is the one tested');
    crypto.hash = undefined;
    try {
      provideNodeCrypto();
    } finally {
      crypto.hash = oneShot;
    }
    const bytes = new Uint8Array(randomBytes(850));
    const expected = opensslBuffer(['dgst', '-sha256', '-binary'], { input: Buffer.from(bytes) }).toString('hex');
    assert.equal(hex(sha256(bytes)), expected);
    provideNodeCrypto();
  });

  it('a certificate\'s fingerprint is openssl\'s whichever SHA-256 made it, and its key\'s identity the same', async () => {
    // Two certificates of one key: the decode cache, keyed by the DER's digest, would hand the second
    // analysis the first one's decoding if they were one certificate.
    const key = bench.newKey('p256');
    const [a, b] = ['sha-portable', 'sha-native'].map(cn => bench.issue({ subject: `/CN=${cn}`, key, notBefore: new Date(Date.now() - days(1)), notAfter: new Date(Date.now() + days(30)), ext: {} }));
    const fingerprint = (pem: string) => openssl(['x509', '-noout', '-fingerprint', '-sha256'], { input: pem }).trim().replace(/^.*=/, '');
    provideSha256(undefined);
    assert.equal(nativeSha256(), undefined);
    const portable = (await analyzeText(a.pem, { fileName: 'a.crt' })).entries[0].objects[0].certificate!;
    provideNodeCrypto();
    const native = (await analyzeText(b.pem, { fileName: 'b.crt' })).entries[0].objects[0].certificate!;
    assert.equal(portable.fingerprints.sha256, fingerprint(a.pem));
    assert.equal(native.fingerprints.sha256, fingerprint(b.pem));
    assert.equal(native.publicKey.id, portable.publicKey.id, 'one key, one identity, whichever SHA-256 made it');
  });
});
