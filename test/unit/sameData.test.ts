// `sameData` decides whether a changed file still holds the material it held (src/workspace/records.ts):
// "the same" keeps the last build's links and findings, so it must never say so of analyses that
// differ. Judged on analyses of files `openssl` wrote (the kubeadm fixture), and on the kinds of
// values an analysis is made of.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeText } from '../../src/core/analyze';
import { sameData } from '../../src/core/sameData';
import { DiskScanner } from '../../src/cli/diskScanner';
import { generateKubeadm } from '../fixtures/generate';
import { removeGenerated } from '../fixtures/manifest';

describe('sameData: the same material, or not', () => {
  let root: string;
  const read = (file: string) => fs.readFileSync(path.join(root, ...file.split('/')), 'utf8');
  const analyse = (text: string, file: string) => analyzeText(text, { fileName: file });
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-same-'));
    generateKubeadm(root, { seeded: true });
  });
  after(() => removeGenerated(root));

  it('a file re-saved with a trailing newline, or a comment reflowed at the same length, holds the same material', async () => {
    for (const file of ['pki/apiserver.crt', 'pki/etcd/ca.key', 'admin.conf', 'pki/sa.pub']) {
      const text = read(file);
      const analysis = await analyse(text, file);
      assert.ok(analysis.entries.length > 0 || analysis.kubeconfigs.length > 0, `${file} has material`);
      assert.ok(sameData(analysis, await analyse(`${text}\n`, file)), `${file}: a trailing newline`);
    }
    const pem = read('pki/apiserver.crt');
    assert.ok(sameData(await analyse(`# renewed 2026\n${pem}`, 'a.crt'), await analyse(`# renewed\n2026\n${pem}`, 'a.crt')));
  });

  it('another certificate, a moved block, an added block or an edited kubeconfig is different material', async () => {
    const pem = read('pki/apiserver.crt');
    const base = await analyse(pem, 'a.crt');
    assert.ok(!sameData(base, await analyse(read('pki/apiserver-kubelet-client.crt'), 'a.crt')), 'another certificate');
    assert.ok(!sameData(base, await analyse(`# a line before it\n${pem}`, 'a.crt')), 'the block moved');
    assert.ok(!sameData(base, await analyse(`${pem}${read('pki/ca.crt')}`, 'a.crt')), 'a chain');
    const conf = read('admin.conf');
    const renamed = conf.replace(/server: https:\/\/[^\s]+/, 'server: https://10.0.0.1:6443');
    assert.notEqual(renamed, conf);
    assert.ok(!sameData(await analyse(conf, 'admin.conf'), await analyse(renamed, 'admin.conf')), 'the kubeconfig names another server');
  });

  it('a rescan keeps the inventory when a re-read file holds the same material, and links again when it moved', async () => {
    const scanner = new DiskScanner();
    const now = new Date();
    const first = await scanner.scan([root], { now });
    const file = path.join(root, 'pki', 'apiserver.crt');
    const uri = first.files.find(f => f.path === file)!.uri;
    const at = (r: typeof first) => r.findings.filter(f => f.uri === uri).map(f => `${f.code} ${f.range.start}-${f.range.end}`);
    assert.ok(at(first).length > 0, 'the seeded apiserver.crt has a finding');
    fs.appendFileSync(file, '\n');
    const resaved = await scanner.scan([root], { now });
    assert.equal(resaved.stats.read, 1, 'the changed file was read again');
    assert.equal(resaved.inventory, first.inventory, 'its material is as it was: the links are kept');
    assert.equal(resaved.findings, first.findings);
    assert.ok(resaved.files.find(f => f.uri === uri)!.text!.endsWith('\n\n'), 'the scan holds the new text');
    const comment = '# renewed\n';
    fs.writeFileSync(file, comment + fs.readFileSync(file, 'utf8'));
    const moved = await scanner.scan([root], { now });
    assert.notEqual(moved.inventory, first.inventory, 'a block that moved is linked again');
    assert.deepEqual(at(moved), at(first).map(s => s.replace(/(\d+)-(\d+)$/, (_, a, b) => `${Number(a) + comment.length}-${Number(b) + comment.length}`)));
    // Nothing changed since: nothing read, and each file is the record the scanner holds, not a copy made per rescan.
    const again = await scanner.scan([root], { now });
    assert.equal(again.stats.read, 0, 'nothing read');
    assert.equal(again.inventory, moved.inventory);
    assert.ok(again.files.length > 0 && again.files.every((f, i) => f === moved.files[i]), 'the same file records');
  });

  it('bytes, dates and class instances are compared by content only where that is safe', () => {
    assert.ok(sameData(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])));
    assert.ok(!sameData(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4])));
    assert.ok(!sameData(new Uint8Array([1, 2, 3]).buffer, new Uint8Array([1, 2, 4]).buffer), 'two ArrayBuffers by their bytes, not their (absent) keys');
    assert.ok(sameData(new Uint8Array([5, 6]).buffer, new Uint8Array([5, 6]).buffer));
    assert.ok(!sameData(new Uint8Array([1]), new Uint16Array([1])), 'another kind of view');
    assert.ok(sameData(new Date(5), new Date(5)));
    assert.ok(!sameData(new Date(5), new Date(6)));
    assert.ok(!sameData(new Map([[1, 2]]), new Map([[1, 2]])), 'a class instance is the same only as itself');
    const shared = new Map();
    assert.ok(sameData({ a: shared }, { a: shared }));
    assert.ok(!sameData({ a: 1 }, { a: 1, b: undefined }), 'a key more');
    assert.ok(!sameData({ a: 1, b: undefined }, { a: 1, c: undefined }), 'another key');
    assert.ok(!sameData([1, 2], { 0: 1, 1: 2, length: 2 }));
    assert.ok(sameData(NaN, NaN) && !sameData(0, -0) && !sameData('1', 1));
  });

  it('a cycle, a deep nest or a huge value ends in "different", never in a stack overflow or a stall', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    const b: Record<string, unknown> = {};
    b.self = b;
    assert.equal(sameData(a, b), false);
    let deepA: unknown = 0;
    let deepB: unknown = 0;
    for (let i = 0; i < 100_000; i++) {
      deepA = [deepA];
      deepB = [deepB];
    }
    assert.equal(sameData(deepA, deepB), false);
    const wide = (n: number) => Array.from({ length: n }, (_, i) => ({ i }));
    assert.equal(sameData(wide(2000), wide(2000), 1000), false, 'past the budget');
    assert.equal(sameData(wide(2000), wide(2000)), true, 'within it');
  });
});
