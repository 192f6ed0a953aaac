// The analysis cache kept across window reloads (src/workspace/persistentCache.ts), over real
// openssl-made fixture workspaces: a start from the cache lists exactly the findings of a cold scan,
// nothing of a private key reaches the file, and another version's, a damaged or a half-written
// file is recognised and costs only a cold scan.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { DiskScanner } from '../../src/cli/diskScanner';
import { DEFAULT_SCAN_SETTINGS } from '../../src/cli/diskScanner';
import { AnalysisCache, NO_MATERIAL, analyzeInline } from '../../src/core/pipeline/analysisCache';
import { sharedCache } from '../../src/core/inventory/signatureCache';
import { CACHE_FILE_NAME, PersistentAnalysisCache } from '../../src/workspace/persistentCache';
import { FileStamp, KnownFiles } from '../../src/workspace/knownFiles';
import { generateCarriers, generateKeys, generateKubeadm } from '../fixtures/generate';
import { generateServerName } from '../fixtures/serverName';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-persistent-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const logged: string[] = [];
const logger = { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };

/** One "window": a store over `storage`, a fresh in-memory cache and signature verdicts, a scan of `root`. */
async function start(root: string, storage: string, version = '1.0.0') {
  sharedCache.clear();
  const store = new PersistentAnalysisCache(storage, version, sharedCache, logger);
  const scanner = new DiskScanner(DEFAULT_SCAN_SETTINGS, new AnalysisCache(100_000, store.wrap(analyzeInline)));
  const result = await scanner.scan([root]);
  const findings = result.findings.map(f => JSON.stringify(f, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))).sort();
  return { store, findings, verified: result.inventory.stats.verified };
}

const trees = [
  { name: 'kubeadm (seeded)', make: (dir: string) => generateKubeadm(dir, { seeded: true }) },
  { name: 'kubeadm (healthy)', make: (dir: string) => generateKubeadm(dir, { seeded: false }) },
  { name: 'carriers', make: generateCarriers },
  { name: 'keys', make: generateKeys },
  { name: 'server-name', make: generateServerName },
];

describe('persistent analysis cache', () => {
  for (const tree of trees) {
    it(`a cached start lists the findings of a cold scan: ${tree.name}`, async () => {
      const root = path.join(tmp, tree.name.replace(/\W+/g, '-'));
      tree.make(root);
      const storage = `${root}-storage`;
      const cold = await start(root, storage);
      assert.equal(cold.store.stats.state, 'absent');
      assert.ok(cold.store.stats.analysed.length > 0);
      await cold.store.save();
      assert.ok(fs.existsSync(path.join(storage, CACHE_FILE_NAME)));

      const cached = await start(root, storage);
      assert.equal(cached.store.stats.state, 'loaded');
      assert.ok(cached.store.stats.hits > 0, 'answers came from the file');
      assert.equal(cached.verified, 0, 'every signature verdict came from the file');
      assert.deepEqual(cached.findings, cold.findings);
    });
  }

  it('never writes private-key material', async () => {
    const root = path.join(tmp, 'keys-secret');
    generateKeys(root);
    const storage = path.join(tmp, 'keys-secret-storage');
    const cold = await start(root, storage);
    await cold.store.save();
    const file = fs.readFileSync(path.join(storage, CACHE_FILE_NAME));
    const secrets: Buffer[] = [];
    for (const name of walk(root)) {
      const text = fs.readFileSync(name, 'utf8');
      for (const m of text.matchAll(/-----BEGIN ([A-Z ]*PRIVATE KEY)-----\r?\n([\s\S]*?)-----END/g)) {
        const body = m[2].split(/\r?\n/).find(line => /^[A-Za-z0-9+/=]{40,}$/.test(line));
        if (body) {
          secrets.push(Buffer.from(body.slice(0, 40)));
        }
      }
      for (const m of text.matchAll(/(?:client-key-data|tls\.key):\s*"?([A-Za-z0-9+/=]{40,})/g)) {
        secrets.push(Buffer.from(m[1].slice(0, 40)));
      }
    }
    assert.ok(secrets.length > 3, `the keys tree holds private keys (${secrets.length})`);
    for (const secret of secrets) {
      assert.equal(file.indexOf(secret), -1, 'a private key body is in the cache file');
    }
    const again = await start(root, storage);
    assert.deepEqual(again.findings, cold.findings);
  });

  it('gives back a kubeconfig analysis whole, its client-key-data taken from the text, not the file', async () => {
    const root = path.join(tmp, 'kubeconfig-key');
    generateKubeadm(root, { seeded: false });
    const admin = walk(root).find(f => f.endsWith('admin.conf'))!;
    const text = fs.readFileSync(admin, 'utf8');
    const storage = path.join(tmp, 'kubeconfig-key-storage');
    const first = new PersistentAnalysisCache(storage, '1', sharedCache, logger);
    const analysis = await first.wrap(analyzeInline)(text, admin);
    const keyCarrier = analysis.entries.find(e => e.carrier?.role === 'key')?.carrier;
    assert.ok(keyCarrier && keyCarrier.value.length > 100, 'admin.conf has client-key-data');
    await first.save();
    assert.equal(fs.readFileSync(path.join(storage, CACHE_FILE_NAME)).indexOf(Buffer.from(keyCarrier.value.slice(0, 60))), -1, 'the key is not in the file');
    const second = new PersistentAnalysisCache(storage, '1', sharedCache, logger);
    const back = await second.wrap(() => assert.fail('analysed again instead of read back'))(text, admin);
    assert.equal(second.stats.hits, 1);
    assert.deepEqual(back, analysis);
  });

  it('files a text under the key of its content, whether the caller hands the analysis or not', async () => {
    const root = path.join(tmp, 'keys');
    generateKubeadm(root, { seeded: false });
    const files = walk(root).filter(f => /\.(crt|conf)$/.test(f)).slice(0, 6);
    const storage = path.join(tmp, 'keys-storage');
    const first = new PersistentAnalysisCache(storage, '1', sharedCache, logger);
    const analyses = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const analysis = await first.wrap(analyzeInline)(text, file);
      analyses.push(analysis);
      // Each key, as a reload finds it: the content's digest, the same with the analysis handed or not.
      assert.equal(first.keyFor(text, file, analysis), first.keyFor(text, file), path.basename(file));
      assert.ok(first.keyFor(text, file).endsWith(`:${createHash('sha256').update(text).digest('base64')}`), `${path.basename(file)}: the digest of its content`);
      assert.deepEqual(first.keptFor(text, file, analysis), first.keptFor(text, file), `what is kept of ${path.basename(file)}`);
    }
    // The one analysis every text without material shares never stands for one text's key.
    const other = fs.readFileSync(files[1], 'utf8');
    assert.equal(first.keyFor(other, files[1], NO_MATERIAL), first.keyFor(other, files[1]), 'a shared analysis (no material) names no key');
    await first.save();
    const second = new PersistentAnalysisCache(storage, '1', sharedCache, logger);
    for (const [i, file] of files.entries()) {
      const text = fs.readFileSync(file, 'utf8');
      const back = await second.wrap(() => assert.fail('analysed again instead of read back'))(text, file);
      assert.deepEqual(back, analyses[i]);
      assert.equal(second.keyFor(text, file, back), first.keyFor(text, file), `${path.basename(file)} read back`);
    }
  });

  it('ignores a file written by another version, and a damaged or truncated one, with a log line each', async () => {
    const root = path.join(tmp, 'invalid');
    generateKubeadm(root, { seeded: true });
    const storage = path.join(tmp, 'invalid-storage');
    const file = path.join(storage, CACHE_FILE_NAME);
    const cold = await start(root, storage, '1.0.0');
    await cold.store.save();
    const good = fs.readFileSync(file);

    const other = await start(root, storage, '1.0.1');
    assert.equal(other.store.stats.state, 'version');
    assert.match(other.store.stats.message ?? '', /written by PKI Lens 1\.0\.0, this is 1\.0\.1/);
    assert.ok(logged.includes(other.store.stats.message!));
    assert.equal(other.store.stats.hits, 0);
    assert.deepEqual(other.findings, cold.findings);

    const damaged = Buffer.from(good);
    damaged[Math.floor(damaged.length / 2)] ^= 0xff;
    for (const bytes of [damaged, good.subarray(0, good.length - 100), Buffer.from('garbage')]) {
      fs.writeFileSync(file, bytes);
      const run = await start(root, storage, '1.0.0');
      assert.equal(run.store.stats.state, 'corrupt');
      assert.match(run.store.stats.message ?? '', /is damaged \(.+\): ignored, cold scan/);
      assert.ok(logged.includes(run.store.stats.message!));
      assert.equal(run.store.stats.hits, 0);
      assert.deepEqual(run.findings, cold.findings);
      // The cold scan's own save repairs the file.
      await run.store.save();
      assert.equal((await start(root, storage, '1.0.0')).store.stats.state, 'loaded');
    }
  });

  it('says so of a file in an earlier format (its header first) and scans cold', async () => {
    const root = path.join(tmp, 'earlier-format');
    generateKubeadm(root, { seeded: false });
    const storage = path.join(tmp, 'earlier-format-storage');
    fs.mkdirSync(storage, { recursive: true });
    fs.writeFileSync(path.join(storage, CACHE_FILE_NAME), Buffer.concat([Buffer.from('PKILENS-ANALYSES\n'), Buffer.alloc(64)]));
    const run = await start(root, storage);
    assert.equal(run.store.stats.state, 'corrupt');
    assert.match(run.store.stats.message ?? '', /an earlier format, expected \d+\): ignored, cold scan/);
    assert.ok(run.store.stats.analysed.length > 5, 'a cold scan');
  });

  it('two windows saving at once leave one complete file', async () => {
    const root = path.join(tmp, 'two-windows');
    generateKubeadm(root, { seeded: false });
    const storage = path.join(tmp, 'two-windows-storage');
    const a = await start(root, storage);
    const b = await start(root, storage);
    await Promise.all([a.store.save(), b.store.save(), a.store.save()]);
    assert.deepEqual(fs.readdirSync(storage), [CACHE_FILE_NAME], 'no temporary file left behind');
    const c = await start(root, storage);
    assert.equal(c.store.stats.state, 'loaded');
    assert.deepEqual(c.findings, a.findings);
  });

  it('a changed file misses; the rest still comes from the file', async () => {
    const root = path.join(tmp, 'changed');
    generateKubeadm(root, { seeded: true });
    const storage = path.join(tmp, 'changed-storage');
    await (await start(root, storage)).store.save();
    const target = walk(root).find(f => f.endsWith(path.join('pki', 'apiserver.crt')))!;
    fs.appendFileSync(target, '\n');
    const run = await start(root, storage);
    assert.equal(run.store.stats.state, 'loaded');
    assert.ok(run.store.stats.analysed.some(name => name.endsWith('/pki/apiserver.crt')), run.store.stats.analysed.join(', '));
    assert.ok(run.store.stats.hits > 5);
  });
});

describe('when the persistent cache writes', () => {
  it('only when this window has something the file lacks: a new analysis, a known file\'s stamp; not after every build', async () => {
    const root = path.join(tmp, 'writes');
    generateKubeadm(root, { seeded: false });
    const storage = path.join(tmp, 'writes-storage');
    const file = path.join(storage, CACHE_FILE_NAME);
    const { store } = await start(root, storage);
    await store.save();
    const written = () => ({ inode: fs.statSync(file).ino, at: store.stats.savedAt }); // each write renames a new file into place
    const first = written();
    await store.save();
    assert.deepEqual(written(), first, 'nothing new since the last write: the file is left as it is');
    const ca = walk(root).find(f => f.endsWith(path.join('pki', 'ca.crt')))!;
    const firstEntries = store.stats.savedEntries!;
    assert.equal(store.stats.copied, 0, 'the first write serializes everything');
    await store.wrap(analyzeInline)(`# a copy\n${fs.readFileSync(ca, 'utf8')}`, 'copy.crt');
    await store.save();
    const second = written();
    assert.notEqual(second.inode, first.inode, 'a new analysis is written');
    assert.equal(store.stats.savedEntries, firstEntries + 1);
    assert.equal(store.stats.copied, firstEntries, 'what the first write held is copied from that file, not serialized again');
    const reloaded = await start(root, storage);
    assert.equal(reloaded.store.stats.state, 'loaded');
    assert.equal(reloaded.verified, 0, 'the verdicts came back');
    assert.equal(reloaded.store.stats.analysed.length, 0, `every analysis came back from the copied bytes (${reloaded.store.stats.analysed.join(', ')})`);
    const settled = Date.now() - 60_000;
    store.knownEmpty.note('file:///notes.yaml', { identity: 'inode:1:77', size: 3, mtime: settled, ctime: settled }, 'empty');
    await store.save();
    assert.notEqual(written().inode, second.inode, 'a file newly known to be empty is written');
    const third = written();
    store.knownEmpty.note('file:///notes.yaml', { identity: 'inode:1:77', size: 3, mtime: settled, ctime: settled }, 'empty');
    await store.save();
    assert.deepEqual(written(), third, 'the same stamp again is nothing new');
  });

  it('after another window replaced its file, leaves out what it wrote there rather than copy from a file not its own', async () => {
    const root = path.join(tmp, 'replaced');
    generateKubeadm(root, { seeded: true });
    const storage = path.join(tmp, 'replaced-storage');
    const a = await start(root, storage);
    await a.store.save();
    await afterAnotherWindowReplaced(root, storage, a, a.findings);
  });

  it('waits at its turns while a build runs, and writes once the build has settled', async () => {
    const root = path.join(tmp, 'behind');
    generateKubeadm(root, { seeded: false });
    const storage = path.join(tmp, 'behind-storage');
    const { store } = await start(root, storage);
    let settle!: () => void;
    const build = new Promise<void>(resolve => (settle = resolve));
    let asked!: () => void;
    const waiting = new Promise<void>(resolve => (asked = resolve));
    store.writeBehind(() => {
      asked();
      return build;
    });
    const saving = store.save();
    await waiting;
    assert.equal(fs.existsSync(path.join(storage, CACHE_FILE_NAME)), false, 'nothing is written while the build runs');
    settle();
    await saving;
    assert.equal(store.stats.savedEntries! > 5, true, `written once it settled (${store.stats.savedEntries} analyses)`);
    assert.ok(fs.existsSync(path.join(storage, CACHE_FILE_NAME)));
  });
});

/**
 * Another window replaces the file `a` copies its analyses from (the one it wrote or loaded), then `a`
 * writes one new analysis: it leaves out what stood in that file (made again at the next start) rather
 * than copy from a file not its own, and a start from what it wrote lists `findings`.
 */
async function afterAnotherWindowReplaced(root: string, storage: string, a: Awaited<ReturnType<typeof start>>, findings: string[]): Promise<void> {
  const b = await start(root, storage);
  await b.store.wrap(analyzeInline)('# nothing here\n', 'b.txt');
  await b.store.save(); // b's file replaces a's
  const ca = walk(root).find(f => f.endsWith(path.join('pki', 'ca.crt')))!;
  await a.store.wrap(analyzeInline)(`# a copy\n${fs.readFileSync(ca, 'utf8')}`, 'copy.crt');
  await a.store.save();
  assert.equal(a.store.stats.copied, 0);
  assert.equal(a.store.stats.savedEntries, 1, 'only the analysis made since');
  const c = await start(root, storage);
  assert.equal(c.store.stats.state, 'loaded');
  assert.deepEqual(c.findings, findings, 'a start from it lists what a cold scan lists');
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('files known from an earlier start', () => {
  const now = Date.now();
  const stamp = (ino: number, size: number, mtime: number, ctime = mtime): FileStamp => ({ identity: `inode:1:${ino}`, size, mtime, ctime });

  it('empty ones are skipped only while identity, size, mtime and ctime are unchanged, and never when changed within the racy window', () => {
    const first = new KnownFiles();
    first.note('file:///a.yaml', stamp(1, 10, now - 60_000), 'empty', now);
    first.note('file:///fresh.yaml', stamp(2, 10, now - 500), 'empty', now); // written half a second before the read
    first.note('file:///cert.pem', stamp(3, 10, now - 60_000), undefined, now);
    const next = new KnownFiles();
    next.adopt(first.entries(), first.materialEntries());
    assert.equal(next.knownEmpty('file:///a.yaml', stamp(1, 10, now - 60_000)), true);
    assert.equal(next.knownEmpty('file:///a.yaml', stamp(1, 11, now - 60_000)), false, 'size changed');
    assert.equal(next.knownEmpty('file:///a.yaml', stamp(1, 10, now - 1000)), false, 'mtime changed');
    assert.equal(next.knownEmpty('file:///a.yaml', stamp(1, 10, now - 60_000, now - 100)), false, 'written with the same size and its mtime set back: the ctime moved');
    assert.equal(next.knownEmpty('file:///a.yaml', stamp(9, 10, now - 60_000)), false, 'another file (an atomic rewrite)');
    assert.equal(next.knownEmpty('file:///fresh.yaml', stamp(2, 10, now - 500)), false, 'racily clean: read again');
    assert.equal(next.knownEmpty('file:///cert.pem', stamp(3, 10, now - 60_000)), false, 'material is never known empty');
    assert.equal(next.skipped, 1);
    assert.deepEqual(next.entries().map(([uri]) => uri), ['file:///a.yaml'], 'what was confirmed is kept for the next start');
  });

  it('ones with material give their content key only while the stamp is unchanged; a racy or secret one is never kept', () => {
    const first = new KnownFiles();
    first.note('file:///ca.crt', stamp(4, 1200, now - 60_000), { key: 'p:abc' }, now);
    first.note('file:///new.crt', stamp(5, 1200, now - 60_000, now - 300), { key: 'p:def' }, now); // its ctime is racy
    first.note('file:///admin.conf', stamp(6, 5000, now - 60_000), undefined, now); // holds a key: the store keeps no plain analysis
    assert.deepEqual(first.materialEntries().map(([uri, , key]) => [uri, key]), [['file:///ca.crt', 'p:abc']]);
    const next = new KnownFiles();
    next.adopt(first.entries(), first.materialEntries());
    assert.equal(next.knownMaterial('file:///ca.crt', stamp(4, 1200, now - 60_000)), 'p:abc');
    assert.equal(next.knownMaterial('file:///ca.crt', stamp(4, 1200, now - 60_000, now - 10)), undefined, 'the same size and mtime, but written again (ctime)');
    assert.equal(next.knownMaterial('file:///ca.crt', stamp(4, 1201, now - 60_000)), undefined, 'size changed');
    assert.equal(next.knownMaterial('file:///other.crt', stamp(4, 1200, now - 60_000)), undefined, 'another path to the same file is read');
    assert.deepEqual(next.materialEntries(), [], 'nothing is kept for the next start until it is used');
    next.confirmMaterial('file:///ca.crt', stamp(4, 1200, now - 60_000), 'p:abc');
    assert.equal(next.trustedReads, 1);
    assert.deepEqual(next.materialEntries().map(([uri]) => uri), ['file:///ca.crt']);
    next.note('file:///ca.crt', stamp(4, 1300, now - 10), { key: 'p:xyz' }, now);
    assert.deepEqual(next.materialEntries(), [], 'read again while racy: forgotten');
  });

  it('holds each file once: what this start confirms moves from the earlier start\'s entries to its own, and still answers', () => {
    const first = new KnownFiles();
    first.note('file:///a.yaml', stamp(1, 10, now - 60_000), 'empty', now);
    first.note('file:///ca.crt', stamp(4, 1200, now - 60_000), { key: 'p:abc' }, now);
    const next = new KnownFiles();
    next.adopt(first.entries(), first.materialEntries());
    assert.equal(next.entriesHeld, 2);
    assert.equal(next.knownEmpty('file:///a.yaml', stamp(1, 10, now - 60_000)), true);
    next.confirmMaterial('file:///ca.crt', stamp(4, 1200, now - 60_000), 'p:abc');
    assert.equal(next.entriesHeld, 2, 'a confirmed file is not held twice');
    assert.equal(next.mayKnow('file:///a.yaml') && next.mayKnow('file:///ca.crt'), true);
    assert.equal(next.knownEmpty('file:///a.yaml', stamp(1, 10, now - 60_000)), true, 'asked again (the file left the scan and came back)');
    assert.equal(next.knownEmpty('file:///a.yaml', stamp(1, 11, now - 60_000)), false, 'changed since');
    assert.equal(next.knownMaterial('file:///ca.crt', stamp(4, 1200, now - 60_000)), 'p:abc');
    assert.equal(next.knownMaterial('file:///ca.crt', stamp(4, 1200, now - 60_000, now - 10)), undefined, 'written again since');
    assert.deepEqual([next.entries(), next.materialEntries()], [first.entries(), first.materialEntries()], 'the next start gets the same entries');
  });
});

describe('the persistent cache as a store of analyses by content key', () => {
  it('answers a stored analysis by key after a reload, except one whose private key stands only in the text', async () => {
    const root = path.join(tmp, 'store-by-key');
    generateKubeadm(root, { seeded: false });
    const storage = path.join(tmp, 'store-by-key-storage');
    const cold = await start(root, storage);
    const files = walk(root);
    const certFile = files.find(f => f.endsWith(path.join('pki', 'ca.crt')))!;
    const kubeconfig = files.find(f => f.endsWith('admin.conf'))!;
    const certText = fs.readFileSync(certFile, 'utf8');
    const confText = fs.readFileSync(kubeconfig, 'utf8');
    assert.ok(cold.store.keptFor(certText, certFile), 'a certificate\'s analysis is kept needing nothing from its text');
    assert.equal(cold.store.keptFor(confText, kubeconfig), undefined, 'a kubeconfig with client-key-data needs its text back');
    const settled = Date.now() - 60_000;
    const stamp = { identity: 'inode:1:1', size: certText.length, mtime: settled, ctime: settled };
    cold.store.knownEmpty.note(`file://${certFile}`, stamp, cold.store.keptFor(certText, certFile));
    await cold.store.save();

    const reloaded = new PersistentAnalysisCache(storage, '1.0.0', sharedCache, logger);
    await reloaded.knownEmpty.ready; // the file loaded
    assert.equal(reloaded.knownEmpty.knownMaterial(`file://${certFile}`, { ...stamp, ctime: settled + 1 }), undefined, 'a stamp that differs gives no key');
    const key = reloaded.knownEmpty.knownMaterial(`file://${certFile}`, stamp);
    assert.equal(key, reloaded.keyFor(certText, certFile), 'the stamp of the certificate file came back with its content key');
    const analysis = reloaded.storedAnalysis(key!);
    assert.ok(analysis, 'its analysis is answered by key alone');
    assert.equal(analysis.entries[0].objects[0].certificate?.fingerprints.sha256, (await analyzeInline(certText, certFile)).entries[0].objects[0].certificate?.fingerprints.sha256);
    assert.equal(reloaded.storedAnalysis(reloaded.keyFor(confText, kubeconfig)), undefined, 'the kubeconfig is read, never answered by key');
    assert.equal(reloaded.storedAnalysis('p:not-there'), undefined);
  });

  it('lets go of the file it loaded once its first save has looked; a later write still copies what it used from that file', async () => {
    const root = path.join(tmp, 'let-go');
    generateKubeadm(root, { seeded: true });
    const storage = path.join(tmp, 'let-go-storage');
    const file = path.join(storage, CACHE_FILE_NAME);
    const cold = await start(root, storage);
    await cold.store.save();
    const reloaded = await start(root, storage);
    const { store } = reloaded;
    assert.equal(store.stats.state, 'loaded');
    assert.equal(store.stats.analysed.length, 0, 'the start answered every analysis from the file');
    assert.equal(store.stats.loadedBytesHeld, fs.statSync(file).size, 'the file\'s bytes are held while the start answers from them');
    const inode = fs.statSync(file).ino;
    await store.save();
    assert.equal(fs.statSync(file).ino, inode, 'the file already says all this start knows: not written');
    assert.equal(store.stats.loadedBytesHeld, 0, 'and the bytes are let go');
    const ca = walk(root).find(f => f.endsWith(path.join('pki', 'ca.crt')))!;
    await store.wrap(analyzeInline)(`# a copy\n${fs.readFileSync(ca, 'utf8')}`, 'copy.crt');
    await store.save();
    assert.notEqual(fs.statSync(file).ino, inode, 'a new analysis is written');
    assert.equal(store.stats.savedEntries, store.stats.entriesOnDisk + 1);
    assert.equal(store.stats.copied, store.stats.entriesOnDisk, 'what it used from the loaded file is copied from there by its place, not held or serialized again');
    const next = await start(root, storage);
    assert.equal(next.store.stats.analysed.length, 0, `every analysis came back from the copied bytes (${next.store.stats.analysed.join(', ')})`);
    assert.deepEqual(next.findings, cold.findings, 'a start from it lists what a cold scan lists');
  });

  it('gives back one certificate object for a certificate many files hold, the one this session decoded', async () => {
    const root = path.join(tmp, 'shared-ca');
    generateKubeadm(root, { seeded: false });
    const pki = path.join(root, 'pki');
    const ca = fs.readFileSync(path.join(pki, 'ca.crt'), 'utf8');
    const bundles = ['apiserver', 'apiserver-kubelet-client'].map(leaf => fs.readFileSync(path.join(pki, `${leaf}.crt`), 'utf8') + ca);
    bundles.forEach((text, i) => fs.writeFileSync(path.join(root, `bundle-${i}.pem`), text));
    const storage = path.join(tmp, 'shared-ca-storage');
    await (await start(root, storage)).store.save();
    const reloaded = new PersistentAnalysisCache(storage, '1.0.0', sharedCache, logger);
    await reloaded.knownEmpty.ready;
    const analyse = reloaded.wrap(analyzeInline);
    const [first, second] = [await analyse(bundles[0], 'bundle-0.pem'), await analyse(bundles[1], 'bundle-1.pem')];
    assert.equal(reloaded.stats.hits, 2, 'both came back from the file');
    const certificates = (analysis: typeof first) => analysis.entries.map(e => e.objects[0].certificate!);
    const fresh = await analyzeInline(`# the CA, decoded in this session\n${ca}`, 'fresh.pem');
    assert.equal(certificates(first)[1], certificates(second)[1], 'the CA in two bundles read back is one object');
    assert.equal(certificates(first)[1], certificates(fresh)[0], 'and the one this session decoded');
    assert.equal(certificates(first)[1].subject.text, certificates(fresh)[0].subject.text);
    assert.notEqual(certificates(first)[0], certificates(second)[0], 'two leaves stay two');
    assert.equal(first.entries[1].objects[0].der, certificates(first)[1].der, 'with its bytes');
  });

  it('gives back analyses whose byte arrays are their own, not views into the file it loaded', async () => {
    const root = path.join(tmp, 'own-bytes');
    generateKubeadm(root, { seeded: false });
    const storage = path.join(tmp, 'own-bytes-storage');
    await (await start(root, storage)).store.save();
    const reloaded = new PersistentAnalysisCache(storage, '1.0.0', sharedCache, logger);
    await reloaded.knownEmpty.ready;
    const views: ArrayBufferView[] = [];
    const collect = (value: unknown, seen: Set<object>) => {
      if (ArrayBuffer.isView(value)) {
        views.push(value);
      } else if (value && typeof value === 'object' && !seen.has(value)) {
        seen.add(value);
        Object.values(value).forEach(v => collect(v, seen));
      }
    };
    for (const file of walk(root).filter(f => /\.(crt|conf)$/.test(f))) {
      collect(await reloaded.wrap(analyzeInline)(fs.readFileSync(file, 'utf8'), file), new Set());
    }
    assert.ok(reloaded.stats.hits > 10, `the analyses came from the file (${reloaded.stats.hits} hits)`);
    assert.ok(views.length > 10, `byte arrays were read back (${views.length})`);
    const fileSize = fs.statSync(path.join(storage, CACHE_FILE_NAME)).size;
    const inFile = views.filter(v => v.buffer.byteLength >= fileSize);
    assert.equal(inFile.length, 0, `${inFile.length} of ${views.length} byte arrays are views into a buffer of the file's size (${fileSize} bytes) or more`);
  });

  it('once another window replaced the file it loaded, leaves out what it used from there rather than copy from a file not its own', async () => {
    const root = path.join(tmp, 'let-go-replaced');
    generateKubeadm(root, { seeded: true });
    const storage = path.join(tmp, 'let-go-replaced-storage');
    const cold = await start(root, storage);
    await cold.store.save();
    const a = await start(root, storage);
    await a.store.save(); // nothing new: a lets go of the file it loaded
    await afterAnotherWindowReplaced(root, storage, a, cold.findings);
  });
});

describe('the persistent cache while its file loads', () => {
  it('lets those who asked meanwhile go on in slices, not all in one turn of the loop', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'after-load-'));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'),
      '-subj', '/CN=after load', '-days', '2'], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    // A bundle of 200 certificates: an analysis of real work, each one different (no shared key).
    const texts = Array.from({ length: 16 }, (_, i) => `# bundle ${i}\n${made.stdout.repeat(200)}`);
    let turn = 0;
    let counting = true;
    const count = () => {
      turn++;
      if (counting) {
        setImmediate(count);
      }
    };
    setImmediate(count);
    const turns: number[] = [];
    const store = new PersistentAnalysisCache(path.join(dir, 'storage'), '1', sharedCache, logger);
    const analyze = store.wrap((text, fileName, passwords) => {
      turns.push(turn);
      return analyzeInline(text, fileName, passwords);
    });
    // All sixteen asked before the (absent) file has loaded: they wait for it together.
    const analyses = await Promise.all(texts.map((text, i) => analyze(text, `bundle-${i}.pem`)));
    counting = false;
    assert.equal(analyses.length, 16);
    assert.equal(analyses[15].entries.length, 200, 'every analysis is whole');
    assert.ok(new Set(turns).size > 1, `the sixteen analyses ran in ${new Set(turns).size} turn(s) of the loop: ${turns.join(', ')}`);
  });
});
