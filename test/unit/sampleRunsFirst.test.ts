// `sampleRunsFirst` (src/core/collections.ts): a cold start reads the first files of every folder,
// then the rest folder after folder (workspace/discovery.ts), so the order must hold every file
// once, each folder's in its own order.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleRunsFirst } from '../../src/core/collections';
import { runStraight } from '../../src/core/slices';

const folderOf = (path: string) => path.slice(0, path.lastIndexOf('/'));
const sameFolder = (a: string, b: string) => folderOf(a) === folderOf(b);

describe('sampleRunsFirst', () => {
  it('takes the first items of each run round after round, then the rest run after run', () => {
    const paths = ['/a/1', '/a/2', '/a/3', '/a/4', '/b/1', '/c/1', '/c/2', '/c/3', '/a/5'];
    // `/a/5` is a run of its own: runs are items next to each other.
    assert.deepEqual(runStraight(sampleRunsFirst(paths, sameFolder, 1, 2)), ['/a/1', '/b/1', '/c/1', '/a/5', '/a/2', '/a/3', '/a/4', '/c/2', '/c/3']);
    assert.deepEqual(runStraight(sampleRunsFirst(paths, sameFolder, 2, 2)), ['/a/1', '/b/1', '/c/1', '/a/5', '/a/2', '/c/2', '/a/3', '/a/4', '/c/3']);
    assert.deepEqual(runStraight(sampleRunsFirst(paths, sameFolder, Infinity, 2)), ['/a/1', '/b/1', '/c/1', '/a/5', '/a/2', '/c/2', '/a/3', '/c/3', '/a/4']);
    assert.deepEqual(runStraight(sampleRunsFirst(paths, sameFolder, 0, 2)), paths, 'no rounds: as listed');
    assert.deepEqual(runStraight(sampleRunsFirst([], sameFolder, 2)), []);
  });

  it('holds every item exactly once, each run in its order, whatever the run lengths and rounds', () => {
    const paths: string[] = [];
    for (let f = 0; f < 40; f++) {
      for (let i = 0; i < (f * 37) % 23; i++) {
        paths.push(`/w/d${f}/x${i}`);
      }
    }
    const folders = [...new Set(paths.map(folderOf))];
    for (const rounds of [1, 2, 5, Infinity]) {
      const out = runStraight(sampleRunsFirst(paths, sameFolder, rounds, 16));
      assert.deepEqual([...out].sort(), [...paths].sort(), `rounds ${rounds}`);
      for (const folder of folders) {
        assert.deepEqual(out.filter(p => folderOf(p) === folder), paths.filter(p => folderOf(p) === folder), `${folder}, rounds ${rounds}`);
      }
      // The first round is each folder's first file.
      assert.deepEqual(out.slice(0, folders.length).map(folderOf), folders, `rounds ${rounds}`);
    }
  });

  it('costs the items, not rounds × runs: one long run among many short ones', () => {
    const paths = [...Array.from({ length: 5000 }, (_, i) => `/big/${i}`), ...Array.from({ length: 5000 }, (_, i) => `/small${i}/x`)];
    let compared = 0;
    const steps = sampleRunsFirst(paths, (a, b) => (compared++, sameFolder(a, b)), Infinity, 256);
    let yields = 0;
    let step = steps.next();
    while (!step.done) {
      yields++;
      step = steps.next();
    }
    assert.equal(compared, paths.length - 1, 'each item compared once, with the one before it');
    // 10,000 items: 40 steps of grouping and 40 of handing out (rounds × runs would be 5000 × 5001).
    assert.ok(yields <= 2 * Math.ceil(paths.length / 256), `${yields} steps`);
    assert.deepEqual(step.value.slice(0, 4), ['/big/0', '/small0/x', '/small1/x', '/small2/x']);
    assert.deepEqual(step.value.slice(5001), paths.slice(1, 5000), 'then the rest of the long run');
  });
});
