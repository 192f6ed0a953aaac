// A relink equals a build from nothing. A long-lived scan (`pki-lens serve`'s, and the extension's
// index on the same core) keeps what it can from build to build: the analyses of unchanged files,
// the folder listings, the last links when no file changed, signature verdicts, the API server's
// name index kept with its CA. Over real openssl- and keytool-made workspaces, every file with
// material is changed (another file's bytes written over it), removed or added beside itself (a
// copy), in turn, and the file then put back; after each step the long-lived scan's links (node for
// node, in order) and findings must equal those of a build in a worker thread of its own, whose
// caches all start empty, of a copy of the folder at that moment. This is the proof an incremental
// relink must pass (docs/PERFORMANCE.md, "The incremental relink: what it takes").
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { after, before, describe, it } from 'node:test';
import { DiskScanner } from '../../src/cli/diskScanner';
import { provideNodeCrypto } from '../../src/util/nodeCrypto';
import { generateCarriers, generateKeys, generateKubeadm } from '../fixtures/generate';
import { generateKeystores } from '../fixtures/keystores';
import { generateServerName } from '../fixtures/serverName';
import type { ColdBuildRequest } from './coldBuild';
import { describeFindings, describeLinks } from './relinkLinks';
import { addCopy, changeTo, remove, spreadOver } from '../diskSteps';

provideNodeCrypto();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-relink-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * The cold build's worker as one file: a worker loading the core's hundred-odd compiled modules
 * one by one took about 0.3 s to start, bundled about 0.2 s, and the test starts one per comparison.
 */
const coldBuildBundle = path.join(tmp, 'coldBuild.js');
before(() => {
  buildSync({ entryPoints: [path.join(__dirname, 'coldBuild.js')], bundle: true, platform: 'node', mainFields: ['module', 'main'], outfile: coldBuildBundle, logLevel: 'warning' });
});

/** Each tree's generator, returning the folder to scan (the keystores tree holds the ingress trees too). */
const trees: { name: string; make: (dir: string) => string }[] = [
  { name: 'kubeadm (seeded)', make: dir => generateKubeadm(dir, { seeded: true }).root },
  { name: 'carriers', make: dir => generateCarriers(dir).root },
  { name: 'keys', make: dir => generateKeys(dir).root },
  { name: 'server-name', make: dir => generateServerName(dir).root },
  { name: 'keystores and ingress', make: dir => (generateKeystores(dir), dir) },
];

type Described = { links: ReturnType<typeof describeLinks>; findings: ReturnType<typeof describeFindings> };

/** Cold builds run beside the long-lived scan, as many at once as the machine has CPUs. */
const slots = { free: Math.max(1, os.availableParallelism()), waiting: [] as (() => void)[] };

async function coldBuild(request: ColdBuildRequest): Promise<Described> {
  if (slots.free === 0) {
    await new Promise<void>(resolve => slots.waiting.push(resolve));
  } else {
    slots.free--;
  }
  try {
    return await new Promise<Described>((resolve, reject) => {
      const worker = new Worker(coldBuildBundle, { workerData: request });
      worker.once('message', (m: Described & { error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m)));
      worker.once('error', reject);
      worker.once('exit', code => reject(new Error(`the cold build's worker exited (${code}) without an answer`)));
    });
  } finally {
    const next = slots.waiting.shift();
    if (next) {
      next();
    } else {
      slots.free++;
    }
  }
}

/** The first place two described builds differ, as a path and both values (a whole diff of two inventories says little). */
function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (a === b) {
    return undefined;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return `${at || '(top)'}: relinked ${JSON.stringify(a)}, cold ${JSON.stringify(b)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}${Array.isArray(a) ? `[${key}]` : `.${key}`}`);
    if (found) {
      return found;
    }
  }
  return undefined;
}

/** The files a tree's steps visit: every one up to this many, else this many spread over the sorted list (each cold build is about 0.2 s). */
const STEPS_PER_TREE = 12;

describe('a relink equals a build from nothing', () => {
  for (const tree of trees) {
    it(`every file with material changed, removed or added, then put back: ${tree.name}`, async () => {
      const slug = tree.name.replace(/\W+/g, '-');
      const root = tree.make(path.join(tmp, 'trees', slug));
      const rootUri = `${pathToFileURL(root).href}/`;
      const now = Date.now();
      const scanner = new DiskScanner();
      const relink = async (): Promise<Described> => {
        const result = await scanner.scan([root], { now: new Date(now) });
        return { links: describeLinks(result.inventory), findings: describeFindings(result.findings, rootUri) };
      };
      let copies = 0;
      const coldOfNow = (): Promise<Described> => {
        const copy = path.join(tmp, 'cold', `${slug}-${copies++}`);
        fs.cpSync(root, copy, { recursive: true, verbatimSymlinks: true });
        return coldBuild({ root: copy, now }).finally(() => fs.rmSync(copy, { recursive: true, force: true }));
      };

      const first = await relink();
      const base = coldOfNow();
      const material = first.links.files.slice().sort();
      assert.ok(material.length >= 5, `${tree.name}: ${material.length} files with material`);
      const comparisons: Promise<string | undefined>[] = [];
      const compare = (label: string, mine: Described, theirs: Promise<Described>) =>
        comparisons.push(theirs.then(cold => {
          const difference = firstDifference(mine, cold);
          return difference && `${label}: ${difference}`;
        }));
      compare('the first scan', first, base);
      let last = first;
      const moved = async () => !!firstDifference((last = await relink()), first);
      for (const [i, rel] of spreadOver(material, STEPS_PER_TREE).entries()) {
        // Donors from the next file on, so each change writes other material in.
        const at = material.indexOf(rel);
        const others = [...material.slice(at + 1), ...material.slice(0, at)];
        const step = i % 3 === 0 ? await changeTo(root, rel, others, moved) : i % 3 === 1 ? remove(root, rel) : addCopy(root, rel);
        // Every step moves something (a file comes, goes, or holds other material): else it proves nothing.
        assert.ok(i % 3 === 0 || (await moved()), `${step.label}: the scan saw no change`);
        compare(step.label, last, coldOfNow());
        step.undo();
        compare(`${step.label}, then put back`, await relink(), base);
      }
      const differences = (await Promise.all(comparisons)).filter(d => d !== undefined);
      assert.deepEqual(differences, [], `${differences.length} of ${comparisons.length} relinks differ from a cold build`);
    });
  }
});
