// Hostile keystores: seeded mutants of the PKCS#12, PKCS#7, JKS and JCEKS files openssl and keytool
// made, plus hand-made headers that lie (huge counts, lengths, iteration counts). Nothing may
// throw, every failure is a located error, and every rule and renderer runs on what comes out.
// PKI_LENS_FUZZ_SEED replays a run; PKI_LENS_FUZZ_COUNT raises the number of mutants.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DocumentAnalysis, analyzeBinary, analyzeText } from '../../src/core/analyze';
import { runChecks } from '../../src/core/checks';
import { buildInventory } from '../../src/core/inventory/inventory';
import { provideNodeCrypto } from '../../src/util/nodeCrypto';
import { STORE_PASSWORD, generateKeystores } from '../fixtures/keystores';
import { Tally, assertLocated } from '../fuzz/located';
import { Rng, YAML_MUTATIONS, mutateDer, mutateText } from '../fuzz/mutate';

const SEED = Number(process.env.PKI_LENS_FUZZ_SEED ?? 20261203);
const COUNT = Number(process.env.PKI_LENS_FUZZ_COUNT ?? 300);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-hostile-keystore-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let samples: { name: string; bytes: Uint8Array }[] = [];
let manifests: { name: string; text: string }[] = [];

/** Blind mutations for the non-DER Java formats (and DER too): flips, truncation, splices. */
function mutateBlind(rng: Rng, bytes: Uint8Array): { name: string; bytes: Uint8Array } {
  const out = bytes.slice();
  switch (rng.int(4)) {
    case 0:
      for (let i = 0, n = 1 + rng.int(8); i < n; i++) {
        out[rng.int(out.length)] ^= 1 << rng.int(8);
      }
      return { name: 'flip', bytes: out };
    case 1:
      return { name: 'truncate', bytes: out.subarray(0, rng.int(out.length)) };
    case 2: {
      // A 32-bit count or length set to something absurd at a random 4-byte boundary.
      const at = 4 * rng.int(Math.max(1, out.length >> 2));
      out.set([0x7f, 0xff, 0xff, rng.int(256)], Math.min(at, Math.max(0, out.length - 4)));
      return { name: 'hugeField', bytes: out };
    }
    default: {
      const cut = rng.int(out.length);
      return { name: 'splice', bytes: Uint8Array.from([...out.subarray(0, cut), ...rng.bytes(rng.int(64)), ...out.subarray(cut)]) };
    }
  }
}

async function linkAndCheck(batch: { name: string; analysis: DocumentAnalysis }[]): Promise<number> {
  const inventory = await buildInventory(batch.map((b, i) => ({ uri: `mutant-${i}`, relativePath: `m${i}/${b.name}`, analysis: b.analysis })));
  return runChecks(inventory, { now: new Date() }).length;
}

describe('hostile keystores', () => {
  before(() => {
    provideNodeCrypto();
    const fx = generateKeystores(path.join(tmp, 'stores'));
    samples = Object.entries(fx.files).filter(([k]) => k !== 'secretYaml').map(([name, file]) => ({ name, bytes: new Uint8Array(fs.readFileSync(file)) }));
    // The manifests that point at Secrets (Ingress, Gateway, Certificate) and the Secrets themselves, keystores included.
    const trees = [fx.ingress.broken, fx.ingress.healthy];
    manifests = [fx.files.secretYaml, ...trees.flatMap(t => fs.readdirSync(t).map(f => path.join(t, f)))].map(f => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') }));
  });

  it(`seeded mutants of every keystore (seed ${SEED}) never throw and every failure is located`, async () => {
    const rng = new Rng(SEED);
    const tally: Tally = { decoded: 0, errors: 0 };
    let batch: { name: string; analysis: DocumentAnalysis }[] = [];
    let locked = 0;
    for (let i = 0; i < COUNT; i++) {
      const sample = samples[rng.int(samples.length)];
      const m = rng.int(2) ? mutateDer(rng, sample.bytes) : mutateBlind(rng, sample.bytes);
      const where = `mutant ${i} of seed ${SEED} (${sample.name}: ${m.name})`;
      let analysis: DocumentAnalysis;
      try {
        analysis = await analyzeBinary(m.bytes, { passwords: [STORE_PASSWORD] });
      } catch (e) {
        assert.fail(`${where}: analysis threw ${(e as Error)?.stack ?? e}`);
      }
      assertLocated(analysis, m.bytes.length, where, tally);
      locked += analysis.entries.filter(e => e.keystore?.locked).length;
      batch.push({ name: sample.name, analysis });
      if (batch.length === 40) {
        await linkAndCheck(batch);
        batch = [];
      }
    }
    await linkAndCheck(batch);
    console.log(`  ${COUNT} keystore mutants: ${tally.decoded} objects decoded, ${tally.errors} located errors, ${locked} stores left locked`);
    assert.ok(tally.errors + locked > COUNT / 10, 'the mutations do break things');
    assert.ok(tally.decoded > COUNT / 10, 'and many mutants still decode');
  });

  it('headers that lie cost a located error, not a stall or a crash', async () => {
    const jks = (count: number, ...rest: number[]) => Uint8Array.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, count >>> 24, (count >> 16) & 255, (count >> 8) & 255, count & 255, ...rest, ...new Array(20).fill(0)]);
    const cases: [string, Uint8Array, RegExp][] = [
      ['JKS claiming 2^31 entries', jks(0x7fffffff), /truncated keystore/],
      ['JKS alias longer than the file', jks(1, 0, 0, 0, 2, 0xff, 0xff), /truncated keystore/],
      ['JKS with an unknown entry tag', jks(1, 0, 0, 0, 9, 0, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 0), /unknown tag 9/],
      ['JCEKS with a huge chain', Uint8Array.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, ...new Array(20).fill(0)]), /claims \d+ chain certificates|truncated/],
      ['PKCS#12 header and nothing else', Uint8Array.from([0x30, 0x80, 0x02, 0x01, 0x03, 0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]), /PKCS#12 archive \(\.p12, \.pfx\) is not valid/],
    ];
    for (const [name, bytes, expected] of cases) {
      const analysis = await analyzeBinary(bytes);
      assertLocated(analysis, bytes.length, name);
      assert.equal(analysis.entries.length, 1, name);
      assert.match(analysis.entries[0].error ?? '', expected, name);
    }
  });

  it(`seeded mutants of Secret, Ingress, Gateway and Certificate manifests (seed ${SEED}) never throw; every rule runs on them`, async () => {
    const rng = new Rng(SEED + 7);
    const tally: Tally = { decoded: 0, errors: 0 };
    const batch: { name: string; analysis: DocumentAnalysis }[] = [];
    for (let i = 0; i < COUNT / 3; i++) {
      const sample = manifests[rng.int(manifests.length)];
      const m = mutateText(rng, sample.text, YAML_MUTATIONS);
      const where = `manifest mutant ${i} of seed ${SEED + 7} (${sample.name}: ${m.names.join(', ')})`;
      let analysis: DocumentAnalysis;
      try {
        analysis = await analyzeText(m.text, { fileName: sample.name, passwords: [STORE_PASSWORD] });
      } catch (e) {
        assert.fail(`${where}: analysis threw ${(e as Error)?.stack ?? e}`);
      }
      assertLocated(analysis, m.text.length, where, tally);
      for (const r of [...(analysis.tlsRoutes ?? []).flatMap(t => [t.secretRange, ...t.hosts.map(h => h.range)]), ...(analysis.certificateSpecs ?? []).map(c => c.secretRange)]) {
        assert.ok(r.start >= 0 && r.start <= r.end && r.end <= m.text.length, `${where}: route range inside the text`);
      }
      batch.push({ name: sample.name, analysis });
    }
    // All of them in one inventory: routes, specs and Secrets of different mutants meet.
    assert.ok((await linkAndCheck(batch)) > 0, 'the rules found something to say');
  });
});
