// Cooperative time slicing (src/core/slices.ts) and the sliced pipeline: the same findings as a pass
// straight through, with the host given turns along the way.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maybePause, stoppable, timeSlices, withRoom } from '../../src/core/slices';
import { buildInventory } from '../../src/core/inventory/build';
import { runLimited } from '../../src/core/inventory/signatureCache';
import { runChecks, runChecksSliced } from '../../src/core/checks';
import { ITEMS_PER_STEP, reportedCertificates } from '../../src/core/checks/finding';
import { analyzeText } from '../../src/core/analyze';
import { main } from '../../src/cli/main';
import { generateKubeadm } from '../fixtures/generate';
import { generateIngress } from '../fixtures/ingress';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeGenerated } from '../fixtures/manifest';

describe('time slices', () => {
  it('yield only once the slice is used up, and start a new slice after the turn', async () => {
    let now = 0;
    let turns = 0;
    const slices = timeSlices(async () => { turns++; now += 1; }, 8, () => now);
    const { pause } = slices;
    assert.equal(pause('a'), undefined, 'a fresh slice does not yield');
    now = 7;
    assert.equal(pause('b'), undefined);
    now = 8;
    const turn = pause('c');
    assert.ok(turn, 'the slice is used up');
    await turn;
    assert.equal(turns, 1);
    assert.equal(pause('d'), undefined, 'a new slice began after the turn');
    now = 40;
    await pause('e');
    assert.deepEqual(slices.longest, { ms: 31, step: 'e' }, 'the longest stretch between turns, and the step that ended it');
    await maybePause(undefined); // no pause: straight through
  });

  it('passes let go by one turn that start their work withRoom take one slice of that turn, not one piece of work each', async () => {
    // Three readers of a scan (workspace/files.ts), each about to analyse a file of 6 ms, in slices of 8 ms.
    const run = async (start: (pause: ReturnType<typeof timeSlices>['pause'], work: () => void) => Promise<void> | void) => {
      let now = 0;
      let turns = 0;
      const { pause } = timeSlices(async () => { turns++; }, 8, () => now);
      now = 10; // the slice is used up
      const done: string[] = [];
      await Promise.all(['A', 'B', 'C'].map(async name => start(pause, () => {
        now += 6;
        done.push(`${name} in turn ${turns}`);
      })));
      return done;
    };
    assert.deepEqual(await run((pause, work) => withRoom(pause, work) as Promise<void>), ['A in turn 1', 'B in turn 1', 'C in turn 2'], 'C saw the 12 ms A and B took');
    assert.deepEqual(await run(async (pause, work) => { await maybePause(pause); work(); }), ['A in turn 1', 'B in turn 1', 'C in turn 1'], 'a check before the work let all three work in one turn');
    assert.equal(withRoom(undefined, () => 7), 7, 'no pause: straight through, no promise');
  });

  it('signature checks in flight start each when the slice has room, not all at once in one turn', async () => {
    // runLimited (core/inventory/signatureCache.ts): 8 jobs, 4 in flight, each taking 3 ms of the
    // host's thread to start (a WebCrypto job's set-up), in slices of 8 ms: at most three start per turn.
    let now = 0;
    let turns = 0;
    const { pause } = timeSlices(async () => { turns++; }, 8, () => now);
    const startedIn: number[] = [];
    await runLimited([1, 2, 3, 4, 5, 6, 7, 8], 4, async () => {
      now += 3;
      startedIn.push(turns);
      await Promise.resolve();
    }, pause);
    assert.equal(startedIn.length, 8, 'every job ran');
    const perTurn = new Map<number, number>();
    startedIn.forEach(t => perTurn.set(t, (perTurn.get(t) ?? 0) + 1));
    assert.ok([...perTurn.values()].every(n => n <= 3), `jobs started per turn: ${JSON.stringify([...perTurn])}`);
    assert.ok(turns >= 2, `the host was handed turns: ${turns}`);
    let ran = 0;
    await runLimited([1, 2, 3], 2, async () => void ran++);
    assert.equal(ran, 3, 'no pause: every job, straight through');
  });

  it('concurrent passes share one turn, so they never take a slice each within one turn of the loop', async () => {
    let now = 0;
    let turns = 0;
    const { pause } = timeSlices(async () => { turns++; }, 8, () => now);
    now = 9;
    const first = pause('reader 1');
    const second = pause('reader 2');
    assert.ok(first);
    assert.equal(second, first, 'the second reader waits for the same turn');
    await Promise.all([first, second]);
    assert.equal(turns, 1);
    assert.equal(pause('reader 1'), undefined, 'both come back to a fresh slice');
  });

  it('a sliced link and check pass lists exactly the findings of one straight through, and gives the host turns', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-slices-'));
    try {
      generateKubeadm(root, { seeded: true });
      const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
      const inputs = async () => Promise.all(walk(root).map(async file => ({ uri: file, relativePath: path.relative(root, file), analysis: await analyzeText(fs.readFileSync(file, 'utf8'), { fileName: file }) })));
      const now = new Date();
      const straight = runChecks(await buildInventory(await inputs()), { now });
      let turns = 0;
      const everyTime = () => { turns++; return Promise.resolve(); };
      const sliced = await runChecksSliced(await buildInventory(await inputs(), {}, everyTime), { now }, undefined, everyTime);
      assert.ok(straight.length > 5, 'the seeded tree has findings');
      assert.deepEqual(sliced, straight);
      assert.ok(turns > 20, `the host had turns: ${turns}`);
    } finally {
      removeGenerated(root);
    }
  });
  it('a stoppable pass ends at the first turn after it is stopped, and runs to the end when it never is', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-slices-'));
    try {
      generateKubeadm(root, { seeded: true });
      const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
      const inputs = await Promise.all(walk(root).map(async file => ({ uri: file, relativePath: path.relative(root, file), analysis: await analyzeText(fs.readFileSync(file, 'utf8'), { fileName: file }) })));
      const now = new Date();
      class Stopped extends Error {}
      let turns = 0;
      let stopAfter = Infinity;
      const everyTime = stoppable(() => { turns++; return Promise.resolve(); }, () => turns >= stopAfter, () => new Stopped());
      const whole = await runChecksSliced(await buildInventory(inputs, {}, everyTime), { now }, undefined, everyTime);
      assert.deepEqual(whole, runChecks(await buildInventory(inputs), { now }), 'never stopped: every finding');
      const all = turns;
      turns = 0;
      stopAfter = 5;
      await assert.rejects(buildInventory(inputs, {}, everyTime).then(inventory => runChecksSliced(inventory, { now }, undefined, everyTime)), Stopped);
      assert.equal(turns, 5, `stopped at the turn it was told to, not after all ${all}`);
    } finally {
      removeGenerated(root);
    }
  });
  it('the rules over every certificate or every file hand the host turns inside them, and find the same', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-slices-'));
    try {
      generateKubeadm(root, { seeded: true });
      const file = path.join(root, 'pki', 'apiserver-kubelet-client.crt'); // expired in the seeded tree
      const analysis = await analyzeText(fs.readFileSync(file, 'utf8'), { fileName: file });
      const copies = 2 * ITEMS_PER_STEP + 100;
      // As many files whose certificate does not decode (its base64 cut short): what decode-error visits.
      const truncated = await analyzeText('-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHB\n-----END CERTIFICATE-----\n', { fileName: 'broken.crt' });
      const inputs = [
        ...Array.from({ length: copies }, (_, i) => ({ uri: `file:///copy/${i}.crt`, relativePath: `copy/${i}.crt`, analysis })),
        ...Array.from({ length: copies }, (_, i) => ({ uri: `file:///broken/${i}.crt`, relativePath: `broken/${i}.crt`, analysis: truncated })),
      ];
      const now = new Date();
      const inventory = await buildInventory(inputs);
      // The occurrences the rules report on are listed once an inventory, in steps of their own.
      const listing = reportedCertificates(inventory);
      let listingSteps = 0;
      while (!listing.next().done) {
        listingSteps++;
      }
      assert.equal(listingSteps, Math.floor(inventory.certificates.length / ITEMS_PER_STEP), 'the reported occurrences are listed in steps');
      const steps: string[] = [];
      const sliced = await runChecksSliced(inventory, { now }, undefined, step => { steps.push(step ?? ''); return undefined; });
      const straight = runChecks(inventory, { now });
      assert.equal(straight.filter(f => f.code === 'cert-expired').length, copies, 'every copy is reported');
      assert.deepEqual(sliced, straight);
      // One step when the rule ends, and one every ITEMS_PER_STEP certificates (or files) inside it:
      // at 100,000 files a rule that went through in one piece held the host 40 ms (decode-error).
      const stepsOf = (rule: string) => steps.filter(s => s === `check ${rule}`).length;
      for (const rule of ['checkValidity', 'checkBadSignature', 'checkUnknownIssuer', 'checkWeakSignature']) {
        assert.equal(stepsOf(rule), 1 + Math.floor(copies / ITEMS_PER_STEP), `${rule}, over every certificate`);
      }
      // The rules that look for what few files hold visit those files (inventory.filesWith), in the same steps.
      assert.equal(straight.filter(f => f.code === 'decode-error').length, copies, 'every broken copy is reported');
      assert.equal(inventory.filesWith.errors.length, copies);
      for (const [rule, visited] of [['checkDecodeError', inventory.filesWith.errors], ['checkKeystoreLocked', inventory.filesWith.keystores], ['checkWeakKeystore', inventory.filesWith.keystores]] as const) {
        assert.equal(stepsOf(rule), 1 + Math.floor(visited.length / ITEMS_PER_STEP), `${rule}, over the files it judges`);
      }
    } finally {
      removeGenerated(root);
    }
  });
  it('the profile rules find their kubeadm certificates in turns over many files, once for all of them, and find the same', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-slices-'));
    try {
      generateKubeadm(root, { seeded: true });
      const pki = (name: string) => path.join(root, 'pki', name);
      const tree = await Promise.all((fs.readdirSync(path.join(root, 'pki'), { recursive: true }) as string[]).filter(n => n.endsWith('.crt')).map(async name =>
        ({ uri: `file:///w/pki/${name}`, relativePath: `pki/${name}`, analysis: await analyzeText(fs.readFileSync(pki(name), 'utf8'), { fileName: name }) })));
      const other = await analyzeText(fs.readFileSync(pki('ca.crt'), 'utf8'), { fileName: 'ca.crt' });
      const copies = 2 * ITEMS_PER_STEP + 100;
      const inputs = [...tree, ...Array.from({ length: copies }, (_, i) => ({ uri: `file:///w/copy/${i}.crt`, relativePath: `copy/${i}.crt`, analysis: other }))];
      const now = new Date();
      const inventory = await buildInventory(inputs);
      const steps: string[] = [];
      const sliced = await runChecksSliced(inventory, { now }, undefined, step => { steps.push(step ?? ''); return undefined; });
      const straight = runChecks(await buildInventory(inputs), { now });
      assert.ok(straight.some(f => f.code.startsWith('profile-')), `the seeded tree has profile findings: ${[...new Set(straight.map(f => f.code))].join(', ')}`);
      assert.deepEqual(sliced, straight);
      // The first profile rule finds the targets, a turn every ITEMS_PER_STEP files; the others reuse them.
      assert.equal(steps.filter(s => s === 'check checkProfileEku').length, 1 + Math.floor(inventory.files.length / ITEMS_PER_STEP));
      assert.equal(steps.filter(s => s === 'check checkProfileIssuer').length, 1);
    } finally {
      removeGenerated(root);
    }
  });
  it('the ingress and cert-manager rules find their routes, Secrets and Certificates in one stepped pass for all five, and find the same', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-slices-'));
    try {
      const { broken } = generateIngress(path.join(root, 'ingress'));
      const tree = await Promise.all((fs.readdirSync(broken, { recursive: true }) as string[]).filter(n => n.endsWith('.yaml')).map(async name =>
        ({ uri: `file:///w/${name}`, relativePath: name, analysis: await analyzeText(fs.readFileSync(path.join(broken, name), 'utf8'), { fileName: name }) })));
      const other = tree[0].analysis;
      const copies = 2 * ITEMS_PER_STEP + 100;
      const inputs = [...Array.from({ length: copies }, (_, i) => ({ uri: `file:///w/copy/${i}.yaml`, relativePath: `copy/${i}.yaml`, analysis: other })), ...tree];
      const now = new Date();
      const inventory = await buildInventory(inputs);
      const steps: string[] = [];
      const sliced = await runChecksSliced(inventory, { now }, undefined, step => { steps.push(step ?? ''); return undefined; });
      const straight = runChecks(await buildInventory(inputs), { now });
      const codes = new Set<string>(straight.map(f => f.code));
      for (const code of ['ingress-host-not-covered', 'ingress-secret-missing', 'certificate-spec-drift']) {
        assert.ok(codes.has(code), `the broken tree has ${code}: ${[...codes].join(', ')}`);
      }
      assert.deepEqual(sliced, straight);
      // The first of the five finds the routes, a turn every ITEMS_PER_STEP files; the others reuse them.
      assert.equal(steps.filter(s => s === 'check checkIngressHostNotCovered').length, 1 + Math.floor(inventory.files.length / ITEMS_PER_STEP));
      for (const rule of ['checkIngressSecretKeyMismatch', 'checkIngressChainOrder', 'checkIngressSecretMissing', 'checkCertificateSpecDrift']) {
        assert.equal(steps.filter(s => s === `check ${rule}`).length, 1, rule);
      }
    } finally {
      removeGenerated(root);
    }
  });
  it('the kubeconfig stale-copy rule hands the host turns inside it over many kubeconfigs, and finds the same', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-slices-'));
    try {
      generateKubeadm(root, { seeded: false });
      const conf = path.join(root, 'admin.conf');
      const old = await analyzeText(fs.readFileSync(conf, 'utf8'), { fileName: 'admin.conf' });
      assert.equal(await main(['renew', conf], { out: () => undefined, err: () => undefined }), 0);
      const renewed = { uri: conf, relativePath: 'admin.conf', analysis: await analyzeText(fs.readFileSync(conf, 'utf8'), { fileName: 'admin.conf' }) };
      // Copies of admin.conf from before its renewal: each holds a superseded client certificate.
      const copies = 2 * ITEMS_PER_STEP + 100;
      const inputs = [renewed, ...Array.from({ length: copies }, (_, i) => ({ uri: `file:///copy/${i}/config`, relativePath: `copy/${i}/config`, analysis: old }))];
      const now = new Date();
      const inventory = await buildInventory(inputs);
      const steps: string[] = [];
      const sliced = await runChecksSliced(inventory, { now }, undefined, step => { steps.push(step ?? ''); return undefined; });
      const straight = runChecks(inventory, { now });
      assert.equal(straight.filter(f => f.code === 'kubeconfig-stale-copy').length, copies, 'every copy is reported');
      assert.deepEqual(sliced, straight);
      // Fewer certificates than a step, then one turn every ITEMS_PER_STEP kubeconfigs, and one when the rule ends.
      assert.ok(inventory.records.size < ITEMS_PER_STEP);
      assert.equal(steps.filter(s => s === 'check checkKubeconfigStaleCopy').length, 1 + Math.floor((copies + 1) / ITEMS_PER_STEP));
    } finally {
      removeGenerated(root);
    }
  });
  it('the kubeconfig server-name rule hands the host turns inside it over many kubeconfigs, and finds the same', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-slices-'));
    try {
      generateKubeadm(root, { seeded: true });
      const pki = ['ca.crt', 'apiserver.crt'].map(name => path.join(root, 'pki', name));
      const material = await Promise.all(pki.map(async file => ({ uri: file, relativePath: path.relative(root, file), analysis: await analyzeText(fs.readFileSync(file, 'utf8'), { fileName: file }) })));
      // A host the API server's certificate does not cover: one finding per copy.
      const text = fs.readFileSync(path.join(root, 'admin.conf'), 'utf8').replace(/server: https:\/\/[^\s]+/, 'server: https://not-covered.example:6443');
      const analysis = await analyzeText(text, { fileName: 'admin.conf' });
      const copies = 2 * ITEMS_PER_STEP + 100;
      const inputs = [...material, ...Array.from({ length: copies }, (_, i) => ({ uri: `file:///copy/${i}/admin.conf`, relativePath: `copy/${i}/admin.conf`, analysis }))];
      const now = new Date();
      const inventory = await buildInventory(inputs);
      const steps: string[] = [];
      const sliced = await runChecksSliced(inventory, { now }, undefined, step => { steps.push(step ?? ''); return undefined; });
      const straight = runChecks(inventory, { now });
      assert.equal(straight.filter(f => f.code === 'kubeconfig-server-name').length, copies, 'every copy is reported');
      assert.deepEqual(sliced, straight);
      assert.equal(steps.filter(s => s === 'check checkKubeconfigServerName').length, 1 + Math.floor(copies / ITEMS_PER_STEP));
    } finally {
      removeGenerated(root);
    }
  });
});

describe('an analysis in the caller\'s slices', () => {
  it('awaits the caller\'s turn between carriers, and reads what it reads straight through', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-slices-analysis-'));
    try {
      generateKubeadm(root, { seeded: true });
      const file = path.join(root, 'admin.conf');
      const text = fs.readFileSync(file, 'utf8');
      const straight = await analyzeText(text, { fileName: file });
      let turns = 0;
      const sliced = await analyzeText(text, { fileName: file, pause: () => { turns++; return Promise.resolve(); } });
      const carriers = straight.entries.filter(e => e.carrier).length;
      assert.ok(carriers >= 3, `admin.conf's CA, client certificate and key: ${carriers} carriers`);
      assert.equal(turns, carriers, 'a turn asked for before each carrier');
      assert.deepEqual(sliced, straight);
    } finally {
      removeGenerated(root);
    }
  });
});
