// PKI Lens's own watch of the folders with material (src/workspace/ownWatch.ts), on real folders
// with the kernel's events (fs.watch): what it hands on, gathered; what it watches, within its
// limit; and when VS Code's later event is taken for the same change.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangedEntry, OwnFolderWatch, RecentChanges } from '../../src/workspace/ownWatch';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-own-watch-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A watch whose batches are collected; `next(pred)` resolves with the first batch that `pred` accepts, or rejects after a deadline. */
function collecting(limit?: number, failed: string[] = []) {
  const batches: ChangedEntry[][] = [];
  const waiters: { pred: (b: ChangedEntry[]) => boolean; resolve: (b: ChangedEntry[]) => void }[] = [];
  const watch = new OwnFolderWatch(entries => {
    batches.push(entries);
    for (const w of [...waiters]) {
      if (w.pred(entries)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(entries);
      }
    }
  }, folder => failed.push(folder), limit);
  const next = (pred: (b: ChangedEntry[]) => boolean, deadlineMs = 10_000) => new Promise<ChangedEntry[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no batch as expected within ${deadlineMs} ms; batches: ${JSON.stringify(batches)}`)), deadlineMs);
    waiters.push({ pred, resolve: b => { clearTimeout(timer); resolve(b); } });
  });
  return { watch, batches, next };
}

describe('own watch of the folders with material', () => {
  it('hands on a write, a new file and a deletion in a watched folder, each path once per batch', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'pki-'));
    const file = path.join(dir, 'ca.crt');
    fs.writeFileSync(file, 'one');
    const { watch, next } = collecting();
    try {
      assert.deepEqual(watch.watch([dir]), { watched: 1, over: 0 });
      // Twenty writes at once: one entry for the file, not twenty.
      const written = next(b => b.some(e => e.fsPath === file));
      for (let i = 0; i < 20; i++) {
        fs.appendFileSync(file, `line ${i}\n`);
      }
      const batch = await written;
      assert.equal(batch.filter(e => e.fsPath === file).length, 1, JSON.stringify(batch));
      const created = path.join(dir, 'new.pem');
      const came = next(b => b.some(e => e.fsPath === created && e.renamed));
      fs.writeFileSync(created, 'x');
      await came;
      const went = next(b => b.some(e => e.fsPath === created && e.renamed));
      fs.rmSync(created);
      await went;
    } finally {
      watch.dispose();
    }
  });

  it('watches at most its limit, in path order, and follows the folders it is given', () => {
    const dirs = ['c', 'a', 'b'].map(n => {
      const d = path.join(tmp, `limit-${n}`);
      fs.mkdirSync(d, { recursive: true });
      return d;
    });
    const { watch } = collecting(2);
    try {
      assert.deepEqual(watch.watch(dirs), { watched: 2, over: 1 });
      assert.deepEqual(watch.folders().sort(), [dirs[1], dirs[2]]);
      assert.deepEqual(watch.watch([dirs[0]]), { watched: 1, over: 0 });
      assert.deepEqual(watch.folders(), [dirs[0]]);
      watch.dispose();
      assert.deepEqual(watch.folders(), []);
      assert.deepEqual(watch.watch(dirs), { watched: 0, over: 1 }, 'a disposed watch watches nothing');
    } finally {
      watch.dispose();
    }
  });

  it('says which folder it cannot watch, and goes on with the rest', async () => {
    const failed: string[] = [];
    const dir = fs.mkdtempSync(path.join(tmp, 'ok-'));
    const missing = path.join(tmp, 'no-such-folder');
    const { watch, next } = collecting(undefined, failed);
    try {
      assert.deepEqual(watch.watch([missing, dir]), { watched: 1, over: 0 });
      assert.deepEqual(failed, [missing]);
      const file = path.join(dir, 'x.key');
      const seen = next(b => b.some(e => e.fsPath === file));
      fs.writeFileSync(file, 'k', { mode: 0o600 });
      await seen;
    } finally {
      watch.dispose();
    }
  });
});

describe('VS Code\'s later event for a change the own watch reported', () => {
  it('is the same change within the window, and not after it', () => {
    let now = 1_000;
    const recent = new RecentChanges(2_000, () => now);
    recent.note('file:///ws/pki/ca.crt');
    now += 2_000;
    assert.equal(recent.covers('file:///ws/pki/ca.crt'), true);
    assert.equal(recent.covers('file:///ws/pki/other.crt'), false);
    now += 1;
    assert.equal(recent.covers('file:///ws/pki/ca.crt'), false);
  });

  it('forgets old entries as it grows (a checkout of thousands of files)', () => {
    let now = 0;
    const recent = new RecentChanges(100, () => now);
    for (let i = 0; i < 5_000; i++) {
      now = i; // one file a millisecond: only the last 100 ms are within the window
      recent.note(`file:///ws/f${i}`);
    }
    assert.equal(recent.covers('file:///ws/f4999'), true);
    assert.equal(recent.covers('file:///ws/f4800'), false);
    assert.ok((recent as unknown as { at: Map<string, number> }).at.size < 1_200, 'entries past the window are dropped');
  });
});
