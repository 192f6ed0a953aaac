// The desktop build's two files (scripts/build/lazyCore.mjs), proved on a small entry built with the
// real plugin over the real core: requiring the entry loads no core, the first read of a core export
// loads it once, a class is one copy on both sides (a core module's RenewalError is the entry's), the
// core, loaded from inside the first scan, keeps nothing of that scan, each core module's body runs
// at the first read of that module, and the scan's warm-up loads the core in turns of its own.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = path.join(__dirname, '..', '..', '..');

// A lazy module imported before the eager analysis cache, which imports that module's stand-in itself
// (the order that once left the cache with an empty stand-in).
const ENTRY = `
import { analyzeText } from './core/analyze';
import { parseSanName } from './core/renew';
import { AnalysisCache } from './core/pipeline/analysisCache';
import { RenewalError } from './core/renew/errors';
import { warmCore } from './workspace/coreWarmUp';
export { analyzeText, parseSanName, AnalysisCache, RenewalError, warmCore };
`;

/** Builds `contents` (an entry under src/), the core and the bootstrap into `out` with the plugin esbuild.mjs uses; returns esbuild's errors. */
function build(out: string, contents: string): string {
  const script = `
    import * as esbuild from 'esbuild';
    import { bootstrapBuild, coreBuild, coreExports, lazyCorePlugin } from './scripts/build/lazyCore.mjs';
    const out = process.env.LAZY_OUT;
    const common = { absWorkingDir: process.cwd(), bundle: true, platform: 'node', target: 'node18', format: 'cjs', mainFields: ['module', 'main'], logLevel: 'silent' };
    await esbuild.build(coreBuild(common, out));
    await esbuild.build(bootstrapBuild(common, out)); // extension.js: the entry's lazy core loads the core through it
    await esbuild.build({ ...common, stdin: { contents: process.env.LAZY_ENTRY, resolveDir: 'src', loader: 'ts' }, outfile: out + '/entry.js',
      external: ['vscode'], plugins: [lazyCorePlugin(await coreExports(common))] });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, LAZY_OUT: out, LAZY_ENTRY: contents },
  });
  return r.status === 0 ? '' : r.stderr;
}

const loaded = (file: string) => Object.keys(require.cache).includes(file);

describe('the desktop build: an entry that loads the core at first use', () => {
  let out: string;
  let pem: string;
  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-lazy-core-'));
    const errors = build(out, ENTRY);
    assert.equal(errors, '', errors);
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(out, 'k.pem'),
      '-subj', '/CN=lazy core', '-days', '2'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    pem = r.stdout;
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('requiring the entry and making an analysis cache load no core; the first analysis does, once', async () => {
    const core = path.join(out, 'core.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require(path.join(out, 'entry.js'));
    const cache = new entry.AnalysisCache();
    assert.equal(loaded(core), false, 'the core is not loaded before anything reads from it');
    const analysis = await cache.analyze(pem, 'lazy.crt');
    assert.equal(loaded(core), true);
    const certificate = analysis.entries[0]?.objects[0]?.certificate;
    assert.ok(certificate, 'the certificate is decoded');
    assert.match(JSON.stringify(certificate.subject), /lazy core/);
  });

  it('an error class is one copy: what the core throws is an instance of the entry\'s class', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require(path.join(out, 'entry.js'));
    assert.throws(() => entry.parseSanName('IP:999.0.0.1'), (e: unknown) => e instanceof entry.RenewalError && /not a valid IP address/.test((e as Error).message));
  });

  it('the core loaded by a caller keeps nothing of the caller (an Error made at load kept its stack, and with it the first scan\'s list of files)', () => {
    // In a fresh process, so the core loads here; with every Error recording its whole stack, however deep the load.
    const script = `
      Error.stackTraceLimit = Infinity;
      const entry = require(process.env.LAZY_ENTRY_FILE);
      let ref;
      const analysed = (function scan() {
        const work = Array.from({ length: 1000 }, (_, i) => ({ i })); // the scan's list of candidate files
        ref = new WeakRef(work);
        const count = () => work.length; // a closure over it, as the scan's own
        return (function read() { count(); return new entry.AnalysisCache().analyze(process.env.LAZY_PEM, 'lazy.crt'); })();
      })();
      analysed.then(a => setTimeout(() => {
        global.gc();
        console.log(JSON.stringify({ decoded: !!a.entries[0]?.objects[0]?.certificate, kept: ref.deref() !== undefined }));
      }, 0));
    `;
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', env: { ...process.env, LAZY_ENTRY_FILE: path.join(out, 'entry.js'), LAZY_PEM: pem } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { decoded: true, kept: false }, 'the caller\'s list was collected once the caller was done');
  });

  it('each core module\'s body runs at the first read of that module, not at the first read of any', () => {
    // In a fresh process, with stand-ins for the entry's modules: which keys hold a value, and which still their getter.
    const script = `
      const modules = require(process.env.LAZY_CORE).load(new Proxy({}, { get: () => ({}) }));
      const ran = () => Object.keys(modules).filter(key => !Object.getOwnPropertyDescriptor(modules, key).get);
      const before = ran();
      const trimmed = typeof modules.collections.trimmed;
      console.log(JSON.stringify({ keys: Object.keys(modules).length, before, trimmed, after: ran() }));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, LAZY_CORE: path.join(out, 'core.js') } });
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stdout);
    assert.ok(seen.keys > 100, `every lazy core module has a key (${seen.keys})`);
    assert.deepEqual({ before: seen.before, trimmed: seen.trimmed, after: seen.after }, { before: [], trimmed: 'function', after: ['collections'] });
  });

  it('the scan\'s warm-up loads the core in turns of its own: nothing before its first turn, all of it by its end', async () => {
    const script = `
      const core = process.env.LAZY_CORE;
      const entry = require(process.env.LAZY_ENTRY_FILE);
      const atTurns = [];
      entry.warmCore(async () => { atTurns.push(Object.keys(require.cache).includes(core)); await new Promise(r => setImmediate(r)); })
        .then(loaded => console.log(JSON.stringify({ loaded, atTurns, end: Object.keys(require.cache).includes(core) })));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, LAZY_ENTRY_FILE: path.join(out, 'entry.js'), LAZY_CORE: path.join(out, 'core.js') } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { loaded: true, atTurns: [false, true, true], end: true });
  });

  it('a library imported outside src/core fails the build (it would be a second copy beside the core)', () => {
    const errors = build(fs.mkdtempSync(path.join(out, 'library-')), "import { parse } from 'yaml';\nexport const p = parse;\n");
    assert.match(errors, /'yaml' imported outside src\/core/);
  });
});
