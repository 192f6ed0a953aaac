// The first findings of a start (src/workspace/earlyFindings.ts, core `localFindings`): over real
// openssl- and keytool-made workspaces, what the rules that judge a file alone find in any batch of
// files is exactly what the complete scan lists for those codes (related locations aside), so the
// Problems panel never shows an early finding the complete build takes back; and the stream holds
// back every file another path may name.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { DiskScanner, ScanResult, ScannedFile } from '../../src/cli/diskScanner';
import { FILE_LOCAL_CHECKS, Finding, runChecks } from '../../src/core/checks';
import { Inventory } from '../../src/core/inventory/inventory';
import { PipelineHost, localFindings } from '../../src/core/pipeline/pipeline';
import { EarlyFindings, EarlyFindingsStream } from '../../src/workspace/earlyFindings';
import { yieldToEventLoop } from '../../src/workspace/turns';
import type { IndexedFile } from '../../src/workspace/model';
import { generateCarriers, generateDemo, generateKeys, generateKubeadm } from '../fixtures/generate';
import { generateKeystores } from '../fixtures/keystores';
import { generateServerName } from '../fixtures/serverName';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-early-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const host: PipelineHost<ScannedFile> = {
  describe: f => ({ uri: f.uri, relativePath: f.relativePath }),
  resolvePath: () => undefined,
  onCheckFailure: (rule, e) => assert.fail(`rule ${rule} threw: ${String(e)}`),
};

/** What a person reads in the Problems panel (related locations come with the complete build). */
const shown = (f: Finding) => `${f.code} ${f.severity} ${f.uri} ${f.range.start}-${f.range.end} ${f.message}`;

/** The codes FILE_LOCAL_CHECKS can say (the last test of the first group holds this list to the rules' sources). */
const LOCAL_CODES = new Set(['decode-error', 'cert-expired', 'cert-not-yet-valid', 'cert-expiring', 'cert-validity-inverted', 'keystore-locked', 'weak-keystore', 'crl-stale', 'csr-bad-signature']);

const trees = [
  { name: 'kubeadm (seeded)', make: (dir: string) => generateKubeadm(dir, { seeded: true }) },
  { name: 'kubeadm (healthy)', make: (dir: string) => generateKubeadm(dir, { seeded: false }) },
  { name: 'carriers', make: generateCarriers },
  { name: 'keys', make: generateKeys },
  { name: 'server-name', make: generateServerName },
  { name: 'demo', make: generateDemo },
  { name: 'keystores', make: generateKeystores },
];

describe('early findings', () => {
  const codesSeen = new Set<string>();

  for (const tree of trees) {
    it(`any batch of files says what the complete scan says, for the file-local codes: ${tree.name}`, async () => {
      const root = path.join(tmp, tree.name.replace(/\W+/g, '-'));
      tree.make(root);
      const complete: ScanResult = await new DiskScanner().scan([root]);
      const options = { now: complete.now };
      const want = complete.findings.filter(f => LOCAL_CODES.has(f.code)).map(shown).sort();
      want.forEach(s => codesSeen.add(s.split(' ')[0]));

      const together = (await localFindings(complete.files, host, options)).map(shown).sort();
      assert.deepEqual(together, want, 'all files in one batch');

      const oneByOne: string[] = [];
      for (const file of complete.files) {
        oneByOne.push(...(await localFindings([file], host, options)).map(shown));
      }
      assert.deepEqual(oneByOne.sort(), want, 'each file in a batch of its own');

      // Reverse order, in threes: batches that split kubeconfigs from the certificates they name.
      const reversed = [...complete.files].reverse();
      const inThrees: string[] = [];
      for (let i = 0; i < reversed.length; i += 3) {
        inThrees.push(...(await localFindings(reversed.slice(i, i + 3), host, options)).map(shown));
      }
      assert.deepEqual(inThrees.sort(), want, 'batches of three, in reverse');
    });
  }

  it('the fixtures exercise the file-local rules (else the batches above prove little)', () => {
    for (const code of ['decode-error', 'cert-expired', 'cert-expiring', 'cert-not-yet-valid', 'keystore-locked', 'weak-keystore']) {
      assert.ok(codesSeen.has(code), `some fixture has ${code}; seen: ${[...codesSeen].join(', ')}`);
    }
  });

  it('LOCAL_CODES are exactly the codes the file-local rules can say', () => {
    // Every rule reads its inventory through properties: one that records the codes it may return
    // is hard; instead, each local rule's source names its codes, and no other rule's does.
    const dir = path.join(__dirname, '..', '..', '..', 'src', 'core', 'checks');
    const sources = fs.readdirSync(dir).filter(f => f.endsWith('.ts') && !['index.ts', 'finding.ts'].includes(f));
    const localFiles = new Set(FILE_LOCAL_CHECKS.map(c => c.name.replace(/^check/, '')).map(n => `${n[0].toLowerCase()}${n.slice(1)}.ts`));
    for (const file of sources) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const code of LOCAL_CODES) {
        if (text.includes(`'${code}'`)) {
          assert.ok(localFiles.has(file), `${code} is said by ${file}, which is not a file-local rule`);
        }
      }
    }
    assert.equal(runChecks({ files: [], certificates: [], records: new Map(), privateKeys: [], publicKeys: [], kubeconfigs: [], requests: [], bundles: [], pairings: [], fileByUri: new Map(), filesWith: { errors: [], keystores: [], crls: [], tls: [], kubeconfigs: [] } } as unknown as Inventory, {}, undefined, FILE_LOCAL_CHECKS).length, 0);
  });
});

describe('early findings stream', () => {
  const file = (name: string, identity = name, material = true) =>
    ({ uri: { toString: () => `file:///w/${name}` }, identity, origin: 'disk', hasMaterial: material, name }) as unknown as IndexedFile;
  const finding = (f: IndexedFile): Finding => ({ code: 'cert-expired', severity: 'error', message: f.name, uri: f.uri.toString(), range: { start: 0, end: 1 }, related: [] });

  /** The batch in flight has been checked and sent (it awaits nothing but promises). */
  const settled = () => new Promise(resolve => setImmediate(resolve));

  function stream(linked: number, clock: { now: number }) {
    const batches: EarlyFindings[] = [];
    const checked: string[][] = [];
    const s = new EarlyFindingsStream(linked, async files => {
      checked.push(files.map(f => f.name));
      return files.map(finding);
    }, b => batches.push(b), () => clock.now);
    return { s, batches, checked };
  }

  it('sends the first file at once, gathers the next ones, and sends the rest when reading ends', async () => {
    const clock = { now: 1000 };
    const { s, batches, checked } = stream(0, clock);
    s.offer(file('a.crt'), false);
    await settled();
    s.offer(file('b.crt'), false);
    s.offer(file('notes.yaml', 'notes.yaml', false), false);
    s.offer(undefined, false);
    clock.now += 300;
    s.offer(file('c.crt'), false);
    await settled();
    s.offer(file('d.crt'), false);
    await s.finish();
    assert.deepEqual(checked, [['a.crt'], ['b.crt', 'c.crt'], ['d.crt']]);
    assert.deepEqual(batches.flatMap(b => b.findings.map(f => f.message)), ['a.crt', 'b.crt', 'c.crt', 'd.crt']);
    assert.ok(batches.every(b => b.findings.every(f => b.byUri.has(f.uri))), 'each batch carries the files its findings point into');
  });

  it('until a batch has shown a finding, sends what 20 ms of reading gathered; then gathers for 250 ms', async () => {
    const clock = { now: 1000 };
    const checked: string[][] = [];
    const batches: EarlyFindings[] = [];
    const s = new EarlyFindingsStream(0, async files => {
      checked.push(files.map(f => f.name));
      return files.filter(f => f.name.endsWith('.crt')).map(finding);
    }, b => batches.push(b), () => clock.now);
    s.offer(file('healthy-1.pem'), false);
    await settled();
    clock.now += 10;
    s.offer(file('healthy-2.pem'), false);
    clock.now += 15;
    s.offer(file('healthy-3.pem'), false);
    await settled();
    clock.now += 25;
    s.offer(file('expired.crt'), false);
    await settled();
    clock.now += 25;
    s.offer(file('later.crt'), false);
    await settled();
    assert.deepEqual(checked, [['healthy-1.pem'], ['healthy-2.pem', 'healthy-3.pem'], ['expired.crt']], 'a batch 20 ms after the last while none had findings');
    assert.deepEqual(batches.map(b => b.findings.map(f => f.message)), [['expired.crt']]);
    clock.now += 250;
    s.offer(file('last.crt'), false);
    await s.finish();
    assert.deepEqual(checked.slice(3), [['later.crt', 'last.crt']], 'once findings are shown, batches gather for 250 ms');
  });

  it('says while a batch is being checked, so reading can wait for it', async () => {
    let release!: () => void;
    const held = new Promise<void>(resolve => (release = resolve));
    const checked: string[] = [];
    const s = new EarlyFindingsStream(0, async files => {
      await held;
      checked.push(...files.map(f => f.name));
      return files.map(finding);
    }, () => undefined, () => 1000);
    assert.equal(s.checking, undefined, 'nothing to wait for before the first file');
    s.offer(file('a.crt'), false);
    const checking = (s as { checking: Promise<void> | undefined }).checking;
    assert.ok(checking, 'the first batch is being checked');
    let over = false;
    void checking.then(() => (over = true));
    await settled();
    assert.equal(over, false, 'still checking while its check waits');
    release();
    await checking;
    assert.deepEqual(checked, ['a.crt']);
    await settled();
    assert.equal(s.checking, undefined, 'nothing to wait for once it is sent');
  });

  it('checks each batch ahead of the listing\'s slices until one has shown a finding, then shares the turns', async () => {
    const clock = { now: 1000 };
    // A listing as the scan's: a slice, then a turn handed to the host (yieldToEventLoop), until stopped.
    let slices = 0;
    let listing = true;
    const list = (async () => {
      while (listing) {
        await yieldToEventLoop();
        slices++;
      }
    })();
    // Each check takes three turns the way the stream hands them to it, and notes the listing's slices run meanwhile.
    const ranMeanwhile: number[][] = [];
    const s = new EarlyFindingsStream(0, async (files, turn) => {
      const ran: number[] = [];
      for (let i = 0; i < 3; i++) {
        const before = slices;
        await turn();
        ran.push(slices - before);
      }
      ranMeanwhile.push(ran);
      return files.filter(f => f.name.endsWith('.crt')).map(finding);
    }, () => undefined, () => clock.now);
    s.offer(file('healthy.pem'), false);
    await s.checking;
    clock.now += 25;
    s.offer(file('expired.crt'), false);
    await s.checking;
    clock.now += 300;
    s.offer(file('later.crt'), false);
    await s.checking;
    listing = false;
    await list;
    assert.deepEqual(ranMeanwhile.slice(0, 2), [[0, 0, 0], [0, 0, 0]], 'no slice of the listing ran while a batch was checked before any finding was shown');
    assert.ok(ranMeanwhile[2].some(n => n > 0), `once a finding is shown, the listing runs between a check's turns (${JSON.stringify(ranMeanwhile[2])})`);
  });

  it('once the listing met a link, holds every batch until the linked files it then names are read', async () => {
    const clock = { now: 1000 };
    const { s, checked } = stream(0, clock);
    s.offer(file('first.crt', 'inode:1'), false);
    await settled();
    assert.deepEqual(checked, [['first.crt']], 'before any link, a file read while the listing goes on goes out');
    s.hold();
    clock.now += 300;
    s.offer(file('second.crt', 'inode:2'), false);
    await settled();
    assert.deepEqual(checked, [['first.crt']], 'nothing goes out once a link was met, while the listing goes on');
    s.expectLinked(1);
    clock.now += 300;
    s.offer(file('third.crt', 'inode:3'), false);
    await settled();
    assert.equal(checked.length, 1, 'nor while the listing\'s linked file is unread');
    s.offer(file('link.pem', 'inode:2'), true);
    await settled();
    assert.deepEqual(checked, [['first.crt'], ['third.crt']], 'then the rest, without the file the link names');
  });

  it('waits for every linked file, then holds back what another path may name', async () => {
    const clock = { now: 1000 };
    const { s, checked } = stream(2, clock);
    s.offer(file('target.crt', 'inode:1'), false); // its symlink is still being read
    s.offer(file('current.pem', 'inode:1'), true);
    assert.deepEqual(checked, [], 'nothing goes out while a linked file is unread');
    s.offer(file('via-linked-folder.crt', 'inode:2'), true);
    s.offer(file('plain.crt', 'inode:3'), false);
    s.offer(file('hardlink.crt', 'inode:3'), false);
    await s.finish();
    assert.deepEqual(checked.flat(), ['plain.crt'], 'the symlink, its target, a file in a linked folder and a second path to one file are left to the complete build');
  });
});
