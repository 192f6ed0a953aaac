// Hostile and odd input through the whole core: seeded mutants of the openssl-made fixtures (PEM,
// DER, YAML), random base64, binary files, NUL bytes, invalid UTF-8, deep nesting, alias bombs,
// 100,000 tiny PEM blocks, 50 MB and single-line 5 MB files. Nothing may throw, every failure must
// be a located error, time must grow linearly and memory stay bounded.
//
// A failing mutant names its seed: PKI_LENS_FUZZ_SEED=<seed> replays the run; PKI_LENS_FUZZ_COUNT
// raises the number of mutants (default keeps the suite well under a minute on two cores).
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DocumentAnalysis, MAX_STRUCTURED_LENGTH, analyzeBinary, analyzeText, decodeFileText } from '../../src/core/analyze';
import { decodeCertificateAsn1 } from '../../src/core/x509/certificate';
import { CHECK_CODES, runChecks } from '../../src/core/checks';
import { decodeCertificateFast } from '../../src/core/x509/fastCertificate';
import { InventoryInput, buildInventory } from '../../src/core/inventory/inventory';
import { MAX_PEM_BLOCKS } from '../../src/core/x509/material';
import { findPemBlocks } from '../../src/core/x509/pem';
import { renderExpiryReport } from '../../src/core/render/report';
import { expiryReportFromInventory } from '../../src/core/render/reportInput';
import { generateCarriers, generateKeys, generateKubeadm } from '../fixtures/generate';
import { Tally, assertLocated } from '../fuzz/located';
import { PEM_MUTATIONS, Rng, YAML_MUTATIONS, mutateDer, mutateText, randomBase64 } from '../fuzz/mutate';

const SEED = Number(process.env.PKI_LENS_FUZZ_SEED ?? 20261122);
const COUNT = Number(process.env.PKI_LENS_FUZZ_COUNT ?? 600);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-hostile-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Sample {
  name: string;
  kind: 'pem' | 'yaml' | 'der';
  text?: string;
  bytes?: Uint8Array;
}

let corpus: Sample[] = [];
let certificateDers: Uint8Array[] = [];
let oneCertificatePem = '';

function readTree(root: string): Sample[] {
  const out: Sample[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(abs);
        continue;
      }
      if (!entry.isFile()) {
        continue;
      }
      const rel = path.relative(root, abs);
      const bytes = new Uint8Array(fs.readFileSync(abs));
      const text = decodeFileText(bytes);
      if (text === undefined) {
        out.push({ name: rel, kind: 'der', bytes });
      } else if (/\.(ya?ml|json|conf|kubeconfig)$|config$/.test(rel)) {
        out.push({ name: rel, kind: 'yaml', text });
      } else if (text.includes('-----BEGIN ')) {
        out.push({ name: rel, kind: 'pem', text });
      }
    }
  };
  walk(root);
  return out;
}

async function analyze(sample: { name: string; text?: string; bytes?: Uint8Array }): Promise<{ analysis: DocumentAnalysis; length: number }> {
  if (sample.bytes) {
    return { analysis: await analyzeBinary(sample.bytes), length: sample.bytes.length };
  }
  return { analysis: await analyzeText(sample.text!, { fileName: sample.name }), length: sample.text!.length };
}

/** Link and check a batch of analysed documents as a workspace would; findings must point inside their files. */
async function linkAndCheck(docs: { name: string; analysis: DocumentAnalysis; length: number }[]): Promise<number> {
  const inputs: InventoryInput[] = docs.map((d, i) => ({ uri: `mem:/${i}/${d.name}`, relativePath: `${i}/${d.name}`, analysis: d.analysis }));
  const inventory = await buildInventory(inputs);
  const findings = runChecks(inventory);
  const lengths = new Map(inputs.map((input, i) => [input.uri, docs[i].length] as const));
  for (const f of findings) {
    assert.ok(f.code in CHECK_CODES, `known code ${f.code}`);
    const length = lengths.get(f.uri);
    assert.ok(length !== undefined, `finding points at an analysed file: ${f.uri}`);
    assert.ok(f.range.start >= 0 && f.range.start <= f.range.end && f.range.end <= length, `${f.code} range inside ${f.uri}`);
    assert.ok(f.message.length > 0);
  }
  renderExpiryReport(expiryReportFromInventory(inventory, new Date()));
  return findings.length;
}

/** Best-of-three CPU milliseconds of `fn` (CPU time, not wall time: the machine is shared). */
async function cpuMs(fn: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

describe('hostile input', () => {
  before(() => {
    const trees = [
      generateKeys(path.join(tmp, 'keys')),
      generateCarriers(path.join(tmp, 'carriers')),
      generateKubeadm(path.join(tmp, 'kubeadm'), { seeded: true }),
    ];
    corpus = trees.flatMap(t => readTree(t.root));
    for (const s of corpus) {
      if (s.kind === 'der' && s.bytes && decodeCertificateFast(s.bytes)) {
        certificateDers.push(s.bytes);
      }
      if (s.kind === 'pem') {
        for (const b of findPemBlocks(s.text!)) {
          if (b.der && b.label === 'CERTIFICATE' && decodeCertificateFast(b.der)) {
            certificateDers.push(b.der);
            oneCertificatePem ||= s.text!.slice(b.range.start, b.range.end) + '\n';
          }
        }
      }
    }
    certificateDers = certificateDers.slice(0, 40);
    assert.ok(corpus.filter(s => s.kind === 'yaml').length >= 10 && corpus.filter(s => s.kind === 'pem').length >= 10 && certificateDers.length >= 10, 'the fixtures give a varied corpus');
  });

  it(`seeded mutants of the fixtures' PEM, DER and YAML (seed ${SEED}) never throw and every failure is located`, async () => {
    const rng = new Rng(SEED);
    const tally: Tally = { decoded: 0, errors: 0 };
    const byMutation: Record<string, number> = {};
    let batch: { name: string; analysis: DocumentAnalysis; length: number }[] = [];
    let findings = 0;
    for (let i = 0; i < COUNT; i++) {
      const sample = corpus[rng.int(corpus.length)];
      let mutant: { name: string; text?: string; bytes?: Uint8Array };
      let names: string[];
      if (sample.kind === 'der') {
        const m = mutateDer(rng, sample.bytes!);
        names = [m.name];
        mutant = { name: sample.name, bytes: m.bytes };
      } else {
        const m = mutateText(rng, sample.text!, sample.kind === 'yaml' ? YAML_MUTATIONS : PEM_MUTATIONS);
        names = m.names;
        mutant = { name: sample.name, text: m.text };
      }
      names.forEach(n => (byMutation[n] = (byMutation[n] ?? 0) + 1));
      const where = `mutant ${i} of seed ${SEED} (${sample.name}: ${names.join(', ')})`;
      let result;
      try {
        result = await analyze(mutant);
      } catch (e) {
        assert.fail(`${where}: analysis threw ${(e as Error)?.stack ?? e}`);
      }
      assertLocated(result.analysis, result.length, where, tally);
      batch.push({ name: sample.name, ...result });
      if (batch.length === 40) {
        findings += await linkAndCheck(batch);
        batch = [];
      }
    }
    findings += await linkAndCheck(batch);
    console.log(`  ${COUNT} mutants: ${tally.decoded} objects decoded, ${tally.errors} located errors, ${findings} findings; mutations ${JSON.stringify(byMutation)}`);
    assert.ok(tally.errors > COUNT / 10, 'the mutations do break things');
  });

  it('the fast certificate decoder agrees with the reference decoder on every DER mutant it accepts', async () => {
    const rng = new Rng(SEED + 1);
    let fast = 0;
    let rejected = 0;
    for (let i = 0; i < COUNT * 4; i++) {
      const original = certificateDers[rng.int(certificateDers.length)];
      const { name, bytes } = mutateDer(rng, original);
      const ours = decodeCertificateFast(bytes);
      if (!ours) {
        rejected++;
        continue;
      }
      fast++;
      let reference;
      try {
        reference = await decodeCertificateAsn1(bytes);
      } catch (e) {
        assert.fail(`DER mutant ${i} (${name}, seed ${SEED + 1}): the fast decoder accepts what the reference decoder rejects (${(e as Error).message})`);
      }
      const { fingerprints: _, ...rest } = reference;
      assert.deepStrictEqual(ours, rest, `DER mutant ${i} (${name}, seed ${SEED + 1})`);
    }
    for (const der of certificateDers) {
      const { fingerprints: _, ...rest } = await decodeCertificateAsn1(der);
      assert.deepStrictEqual(decodeCertificateFast(der), rest, 'the unmutated fixtures take the fast path');
    }
    console.log(`  ${fast} mutants decoded by both tiers identically, ${rejected} left to the reference decoder`);
    assert.ok(fast > COUNT / 10);
  });

  it('random base64, binary files, NUL bytes and invalid UTF-8', async () => {
    const rng = new Rng(SEED + 2);
    const cases: { name: string; text?: string; bytes?: Uint8Array }[] = [];
    for (let i = 0; i < 20; i++) {
      const b64 = randomBase64(rng, 200 + rng.int(4000), rng.pick([0, 64, 76]));
      cases.push(
        { name: 'random.pem', text: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n` },
        { name: 'random.pem', text: b64 },
        { name: 'random.yaml', text: `apiVersion: v1\nkind: Secret\ndata:\n  tls.crt: ${b64.replace(/\n/g, '')}\n  other: ${b64.replace(/\n/g, '')}\n` },
        { name: 'kubeconfig', text: `clusters:\n- name: c\n  cluster:\n    certificate-authority-data: ${b64.replace(/\n/g, '')}\nusers:\n- name: u\n  user:\n    client-key-data: ${b64.replace(/\n/g, '')}\n` },
        { name: 'random.der', bytes: rng.bytes(1 + rng.int(5000)) },
        { name: 'seq.der', bytes: Uint8Array.from([0x30, 0x82, rng.int(256), rng.int(256), ...rng.bytes(rng.int(3000))]) },
      );
    }
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...rng.bytes(2000)]);
    const elf = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...rng.bytes(4000)]);
    for (const bytes of [png, elf, new Uint8Array(0), Uint8Array.from([0x30]), Uint8Array.from([0x30, 0x80, 0, 0])]) {
      // Files go through the same text-or-binary decision as the workspace scan.
      const text = decodeFileText(bytes);
      cases.push(text === undefined ? { name: 'blob.crt', bytes } : { name: 'blob.crt', text });
    }
    const pem = oneCertificatePem;
    const mid = Math.floor(pem.length / 2);
    cases.push(
      { name: 'nul.pem', text: pem.slice(0, mid) + '\0' + pem.slice(mid) },
      { name: 'nul.pem', text: '\0'.repeat(1000) + pem + '\0'.repeat(1000) },
      { name: 'nul-lines.pem', text: '\0'.repeat(1000) + '\n' + pem + '\0'.repeat(1000) + '\n' },
      { name: 'nul.yaml', text: `caBundle: "${Buffer.from(pem).toString('base64')}\0"\n\0: \0\n` },
      { name: 'nul.pem', text: pem.replace(/\n/g, '\0') },
    );
    const invalidUtf8 = [
      Buffer.concat([Buffer.from(pem.slice(0, mid)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(pem.slice(mid))]),
      Buffer.concat([Buffer.from('apiVersion: v1\nkind: Secret\ndata:\n  tls.crt: '), Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xaf]), Buffer.from(Buffer.from(pem).toString('base64'))]),
      Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from(pem)]), // BOM
      Buffer.from(pem, 'utf16le'),
    ];
    for (const bytes of invalidUtf8) {
      const text = decodeFileText(new Uint8Array(bytes));
      cases.push(text === undefined ? { name: 'odd.pem', bytes: new Uint8Array(bytes) } : { name: 'odd.pem', text }, { name: 'odd.yaml', text: bytes.toString('utf8') });
    }
    const tally: Tally = { decoded: 0, errors: 0 };
    const docs = [];
    for (const [i, c] of cases.entries()) {
      const result = await analyze(c);
      assertLocated(result.analysis, result.length, `case ${i} (${c.name})`, tally);
      docs.push({ name: c.name, ...result });
    }
    await linkAndCheck(docs);
    // A certificate between lines of NULs, and one behind a byte order mark, still decode.
    assert.ok(tally.decoded >= 2, `decoded ${tally.decoded}`);
  });

  it('deeply nested YAML and JSON, and YAML alias bombs, stay cheap', async () => {
    const depth = 20_000;
    const cases = [
      { name: 'deep-flow.yaml', text: `caBundle: x\nv: ${'['.repeat(depth)}${']'.repeat(depth)}\n` },
      { name: 'deep-flow-open.yaml', text: `caBundle: x\nv: ${'[{a: '.repeat(depth)}\n` },
      { name: 'deep.json', text: `{"caBundle": "x", "v": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}` },
      { name: 'deep-block.yaml', text: 'caBundle: x\n' + Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + '\n' },
      { name: 'deep-seq.yaml', text: 'caBundle: x\nv:\n' + Array.from({ length: 400 }, (_, i) => `${'  '.repeat(i)}- `).join('\n') + 'x\n' },
    ];
    let bomb = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 40; i++) {
      bomb += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]\n`;
    }
    cases.push(
      { name: 'bomb.yaml', text: `${bomb}clusters:\n- name: c\n  cluster:\n    certificate-authority-data: *a39\nusers: *a39\ncontexts: *a39\n` },
      { name: 'bomb-merge.yaml', text: `base: &b {caBundle: ${Buffer.from(oneCertificatePem).toString('base64')}}\n` + Array.from({ length: 2000 }, (_, i) => `k${i}: {<<: *b}`).join('\n') + '\n' },
      { name: 'self.yaml', text: 'a: &a [*a]\nclusters: &c\n- *c\n' },
    );
    for (const c of cases) {
      const start = process.cpuUsage();
      const result = await analyze(c);
      const used = process.cpuUsage(start);
      assertLocated(result.analysis, result.length, c.name);
      await linkAndCheck([{ name: c.name, ...result }]);
      const ms = (used.user + used.system) / 1000;
      assert.ok(ms < 5000, `${c.name}: ${ms.toFixed(0)} ms CPU`);
    }
  });

  it(`100,000 tiny PEM blocks in one file: the first ${MAX_PEM_BLOCKS} decoded, the rest one located error`, async () => {
    const rng = new Rng(SEED + 3);
    const parts: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      parts.push(`-----BEGIN CERTIFICATE-----\n${randomBase64(rng, 4 * (1 + rng.int(3)), 64)}\n-----END CERTIFICATE-----\n`);
    }
    const text = parts.join('');
    const start = process.cpuUsage();
    const { analysis, length } = await analyze({ name: 'tiny.pem', text });
    const used = process.cpuUsage(start);
    const tally = assertLocated(analysis, length, 'tiny blocks');
    assert.equal(tally.decoded, 0);
    assert.equal(analysis.entries.length, MAX_PEM_BLOCKS + 1);
    const last = analysis.entries[analysis.entries.length - 1];
    assert.match(last.objects[0].error ?? '', /^90000 more PEM blocks not decoded/);
    assert.equal(last.range.start, text.indexOf('-----BEGIN', parts.slice(0, MAX_PEM_BLOCKS).join('').length));
    assert.equal(last.range.end, text.length - 1);
    const findings = await linkAndCheck([{ name: 'tiny.pem', analysis, length }]);
    assert.equal(findings, MAX_PEM_BLOCKS + 1);
    console.log(`  100,000 blocks: ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`);
  });

  it('50 MB and single-line 5 MB files under a 512 MB heap limit', () => {
    const script = path.join(__dirname, '..', 'fuzz', 'bigFiles.js');
    const certificate = path.join(tmp, 'one.pem');
    fs.writeFileSync(certificate, oneCertificatePem);
    const r = spawnSync(process.execPath, ['--max-old-space-size=512', script, certificate], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `the big-file run must finish inside the heap limit: ${r.stderr}`);
    const results = r.stdout.trim().split('\n').map(l => JSON.parse(l) as { name: string; chars: number; cpuMs: number; entries: number; decoded: number; notes: string[] });
    for (const res of results) {
      console.log(`  ${res.name}: ${(res.chars / 1048576).toFixed(1)} MB, ${res.cpuMs} ms CPU, ${res.entries} entries`);
    }
    assert.equal(results.length, 7);
    const fifty = results[0];
    assert.ok(fifty.decoded > 100, 'the certificates inside a 50 MB file are still found');
    assert.match(results[1].notes[0], new RegExp(`over the ${MAX_STRUCTURED_LENGTH / 1048576} MB limit`));
  });

  it('time grows linearly with input size (CPU time of 4n over n well under 16)', async () => {
    const rng = new Rng(SEED + 4);
    const pem = oneCertificatePem;
    const b64 = Buffer.from(pem).toString('base64');
    const line = randomBase64(rng, 4_000_000, 0);
    const logChunk = randomBase64(rng, 8000, 76) + '\n' + pem + pem.slice(0, 300) + '\n';
    const generators: { name: string; fileName: string; n: number; make: (n: number) => string }[] = [
      { name: 'log text with PEM', fileName: 'x.pem', n: 150, make: n => logChunk.repeat(n) },
      { name: 'single-line base64', fileName: 'x.pem', n: 2_000_000, make: n => line.slice(0, n) },
      { name: 'single-line YAML value', fileName: 'x.yaml', n: 1_000_000, make: n => `caBundle: ${line.slice(0, n)}\n` },
      { name: 'tiny PEM blocks', fileName: 'x.pem', n: 2000, make: n => Array.from({ length: n }, (_, i) => `-----BEGIN CERTIFICATE-----\nMI${'ABCDEFGH'[i % 8]}${'abcdefgh'[(i >> 3) % 8]}\n-----END CERTIFICATE-----\n`).join('') },
      { name: 'PEM carriers in a ConfigMap', fileName: 'x.yaml', n: 1500, make: n => 'kind: ConfigMap\ndata:\n' + Array.from({ length: n }, (_, i) => `  k${i}: |\n    -----BEGIN CERTIFICATE-----\n    MI${'ABCDEFGH'[i % 8]}=\n    -----END CERTIFICATE-----\n`).join('') },
      { name: 'kubeconfig users', fileName: 'config', n: 300, make: n => 'clusters:\n- name: c\n  cluster:\n    certificate-authority-data: ' + b64 + '\nusers:\n' + Array.from({ length: n }, (_, i) => `- name: u${i}\n  user:\n    client-certificate-data: ${b64}\n`).join('') + 'contexts:\n' + Array.from({ length: n }, (_, i) => `- name: x${i}\n  context:\n    cluster: c\n    user: u${i}\n`).join('') },
      { name: 'deep flow nesting', fileName: 'x.yaml', n: 10_000, make: n => `caBundle: x\nv: ${'['.repeat(n)}${']'.repeat(n)}\n` },
    ];
    const pipeline = async (name: string, text: string) => {
      const { analysis, length } = await analyze({ name, text });
      await linkAndCheck([{ name, analysis, length }]);
    };
    const rows: string[] = [];
    // Four times the input: linear work takes about 4× as long, quadratic 16×. The best of three runs
    // of each size keeps a busy machine's noise out of the ratio.
    const best = async (text: string, fileName: string) => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        times.push(await cpuMs(() => pipeline(fileName, text)));
      }
      return Math.min(...times);
    };
    for (const g of generators) {
      const small = g.make(Math.round(g.n / 2));
      const large = g.make(g.n * 2);
      await pipeline(g.fileName, small); // warm up the JIT
      const t1 = await best(small, g.fileName);
      const t2 = await best(large, g.fileName);
      const ratio = t2 / Math.max(t1, 1);
      rows.push(`${g.name}: ${(small.length / 1024).toFixed(0)} KB ${t1.toFixed(0)} ms, ${(large.length / 1024).toFixed(0)} KB ${t2.toFixed(0)} ms, ×${ratio.toFixed(2)}`);
      assert.ok(t2 < 40 || ratio < 8, `${g.name}: four times the input multiplied the time by ${ratio.toFixed(2)} (${t1.toFixed(0)} → ${t2.toFixed(0)} ms CPU; linear ≈ 4, quadratic ≈ 16)`);
    }
    console.log(rows.map(r => `  ${r}`).join('\n'));
  });
});
