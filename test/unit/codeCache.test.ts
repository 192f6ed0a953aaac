// The code cache of the desktop bundles (src/util/codeCache.ts) on real files and V8's own verdicts:
// absent, written, used by the next load; damaged on disk, refused by V8, or left for a rebuilt
// bundle: each still loads the module, compiled, and the next save replaces the cache.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { CodeCacheReport } from '../../src/util/codeCache';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-code-cache-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A bundle of a few functions, each called at load so its bytecode is in the cache made after. */
function writeBundle(name: string, answer: number): string {
  const file = path.join(tmp, name);
  const functions = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x.map(v => v * ${i} + ${answer}).filter(v => v % 7 !== 3).length; }`);
  fs.writeFileSync(file, `'use strict';\n${functions.join('\n')}\nexports.total = [${functions.map((_, i) => `f${i}([1, 2, 3])`).join(', ')}].reduce((a, b) => a + b, 0);\nexports.answer = ${answer};\nexports.dir = __dirname; exports.req = typeof require('node:path').join;\n`);
  return file;
}

interface Load {
  exports: { answer: number; total: number; dir: string; req: string };
  reports: Record<string, CodeCacheReport>;
  again: boolean;
  inRequireCache: boolean;
  written: string[];
  writtenAgain: string[];
  after: Record<string, CodeCacheReport>;
}

/**
 * A load as a new extension host makes it, in a process of its own: within one process V8 keeps what
 * it compiled by source text and would not look at the cache at all. `save`: then the caches written.
 */
function freshLoad(file: string, cacheDir: string | undefined, save = false): Load {
  const loaderModule = path.resolve(__dirname, '../../src/util/codeCache.js');
  const script = `
    const { BundleLoader } = require(${JSON.stringify(loaderModule)});
    const loader = new BundleLoader();
    loader.cacheDir = ${JSON.stringify(cacheDir)};
    const exports = loader.load(${JSON.stringify(file)});
    const reports = loader.reports();
    (async () => {
      const written = ${save} ? await loader.save() : [];
      const writtenAgain = ${save} ? await loader.save() : [];
      process.stdout.write(JSON.stringify({ exports, reports, again: loader.load(${JSON.stringify(file)}) === exports,
        inRequireCache: require.cache[${JSON.stringify(file)}] !== undefined, written, writtenAgain, after: loader.reports() }));
    })();`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Load;
}

const cacheFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith('.bin')) : []);

describe('code cache of the bundles', () => {
  it('is absent, written once the code has run, then used; the module is the same either way', () => {
    const file = writeBundle('one.js', 42);
    const dir = path.join(tmp, 'cache-one');
    const first = freshLoad(file, dir, true);
    assert.equal(first.exports.answer, 42);
    assert.equal(first.exports.dir, tmp, 'the module sees its own __dirname');
    assert.equal(first.exports.req, 'function', 'and a require of its own');
    assert.ok(first.inRequireCache, 'it is in require\'s cache, as a required module is');
    assert.ok(first.again, 'a second load is the first one');
    assert.deepEqual(first.reports, { 'one.js': { atLoad: 'absent', written: false } });
    assert.equal(first.written.length, 1);
    assert.deepEqual(first.writtenAgain, [], 'written once');
    assert.deepEqual(first.after['one.js'], { atLoad: 'absent', written: true });
    const second = freshLoad(file, dir, true);
    assert.deepEqual(second.reports['one.js'], { atLoad: 'used', written: false });
    assert.equal(second.exports.total, first.exports.total);
    assert.deepEqual(second.written, [], 'a cache that was used is not written again');
  });

  it('a damaged cache file is not handed to V8; the bundle compiles and the cache is written again', () => {
    const file = writeBundle('two.js', 7);
    const dir = path.join(tmp, 'cache-two');
    freshLoad(file, dir, true);
    const [name] = cacheFiles(dir);
    const bytes = fs.readFileSync(path.join(dir, name));
    bytes[bytes.length - 20] ^= 0x10;
    fs.writeFileSync(path.join(dir, name), bytes);
    const damaged = freshLoad(file, dir, true);
    assert.equal(damaged.reports['two.js'].atLoad, 'corrupt');
    assert.equal(damaged.exports.answer, 7);
    assert.equal(damaged.written.length, 1);
    assert.equal(freshLoad(file, dir).reports['two.js'].atLoad, 'used');
    fs.writeFileSync(path.join(dir, name), bytes.subarray(0, 10));
    assert.equal(freshLoad(file, dir).reports['two.js'].atLoad, 'corrupt', 'a file shorter than its digest');
  });

  it('a cache V8 refuses (made for other code, under this bundle\'s name) is reported and replaced', () => {
    const file = writeBundle('three.js', 3);
    const other = writeBundle('other.js', 55); // another length: V8 compares no more than that
    const dir = path.join(tmp, 'cache-three');
    freshLoad(file, dir, true);
    freshLoad(other, dir, true);
    const mine = cacheFiles(dir).find(f => f.startsWith('three.js.'))!;
    const theirs = cacheFiles(dir).find(f => f.startsWith('other.js.'))!;
    fs.copyFileSync(path.join(dir, theirs), path.join(dir, mine));
    const refused = freshLoad(file, dir, true);
    assert.equal(refused.reports['three.js'].atLoad, 'rejected');
    assert.equal(refused.exports.answer, 3);
    assert.equal(refused.written.length, 1);
    assert.equal(freshLoad(file, dir).reports['three.js'].atLoad, 'used');
  });

  it('a rebuilt bundle does not take the old cache, even of the same length and time; its cache replaces the old one', () => {
    const file = writeBundle('four.js', 1);
    const dir = path.join(tmp, 'cache-four');
    freshLoad(file, dir, true);
    const { size, atime, mtime } = fs.statSync(file);
    writeBundle('four.js', 2);
    fs.utimesSync(file, atime, mtime);
    assert.equal(fs.statSync(file).size, size);
    const rebuilt = freshLoad(file, dir, true);
    assert.equal(rebuilt.reports['four.js'].atLoad, 'absent');
    assert.equal(rebuilt.exports.answer, 2);
    assert.equal(cacheFiles(dir).filter(f => f.startsWith('four.js.')).length, 1, 'one cache per bundle');
  });

  it('without a folder, nothing is cached and nothing is written', () => {
    const file = writeBundle('five.js', 9);
    const load = freshLoad(file, undefined, true);
    assert.equal(load.reports['five.js'].atLoad, 'off');
    assert.deepEqual(load.written, []);
    assert.equal(load.exports.answer, 9);
  });
});
