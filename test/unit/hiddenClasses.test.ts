// What a scan holds tens of thousands of — a certificate's info, a decoded object, an inventory
// input — must share one hidden class per shape (see `withFields` in src/core/collections.ts): on
// V8 11 (Node 20) every object spread made a class of its own, ≈1 KB a certificate, and every
// rule's property reads on them went megamorphic. V8's own predicate says whether two objects share
// one; on newer V8 they do either way, so this test guards the runtimes where it mattered.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { decodeCertificate } from '../../src/core/x509/certificate';
import { decodeDer } from '../../src/core/x509/material';
import { findPemBlocks } from '../../src/core/x509/pem';
import { inventoryInputs } from '../../src/core/inventory/inputs';
import { analyzeText } from '../../src/core/analyze';
import { generateKubeadm } from '../fixtures/generate';
import { removeGenerated } from '../fixtures/manifest';

v8.setFlagsFromString('--allow-natives-syntax');
// A function compiled after the flag: only such code may call V8's intrinsics.
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/** Enough objects for V8 11 to have given up sharing (it shares among the first few spreads of a site). */
const COPIES = Array.from({ length: 64 }, (_, i) => i);

function allShareOne(objects: readonly object[], what: string): void {
  assert.ok(objects.length >= 3, what);
  for (const [i, o] of objects.entries()) {
    assert.ok(haveSameMap(objects[0], o), `${what} #${i} has a hidden class of its own`);
  }
}

describe('hidden classes of what a scan holds many of', () => {
  let root: string;
  let der: Uint8Array;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-classes-'));
    generateKubeadm(root, { seeded: true });
    der = findPemBlocks(fs.readFileSync(path.join(root, 'pki', 'apiserver.crt'), 'utf8'))[0].der!;
  });
  after(() => removeGenerated(root));

  it('one class for every decoding of a certificate, and for its decoded objects', async () => {
    allShareOne(await Promise.all(COPIES.map(() => decodeCertificate(der))), 'certificate info');
    const objects = await Promise.all(COPIES.map(i => decodeDer('certificate', 'CERTIFICATE', der, { start: i, end: i + 1 })));
    allShareOne(objects, 'decoded object');
    allShareOne(objects.map(o => o.certificate!.basicConstraints!), 'basic constraints');
  });

  it('one class for every inventory input, copies of a shared analysis included', async () => {
    const analysis = await analyzeText(fs.readFileSync(path.join(root, 'pki', 'apiserver.crt'), 'utf8'), { fileName: 'apiserver.crt' });
    const files = COPIES.map(() => ({ analysis }));
    const inputs = await inventoryInputs(files, () => ({ uri: 'file:///x', relativePath: 'x' }));
    allShareOne(inputs, 'inventory input');
    allShareOne(inputs.slice(1).map(i => i.analysis), 'copied analysis');
    allShareOne(inputs.slice(1).map(i => i.analysis.entries[0].objects[0]), 'copied decoded object');
  });
});
