// `sortInSteps` (src/core/collections.ts): the order Array.prototype.sort gives, stable, as steps a
// host hands out turns between.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sortInSteps } from '../../src/core/collections';
import { runStraight } from '../../src/core/slices';

function lcg(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('sortInSteps', () => {
  it('gives Array.prototype.sort\'s order, ties in their first order, for every size around the step', () => {
    const random = lcg(7);
    for (const size of [0, 1, 2, 15, 16, 17, 31, 33, 64, 100, 1000]) {
      const items = Array.from({ length: size }, (_, i) => ({ key: Math.floor(random() * 20), at: i }));
      const compare = (a: { key: number }, b: { key: number }) => a.key - b.key;
      const expected = [...items].sort(compare);
      assert.deepEqual(runStraight(sortInSteps(items, compare, 16)), expected, `size ${size}`);
    }
  });

  it('sorts URI strings as the records are sorted, leaving its input as it was', () => {
    const uris = Array.from({ length: 5000 }, (_, i) => `file:///w/certs/d${(i * 7919) % 100}/cert-${(i * 104729) % 5000}.crt`);
    const before = [...uris];
    const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    assert.deepEqual(runStraight(sortInSteps(uris, byString, 256)), [...uris].sort(byString));
    assert.deepEqual(uris, before);
  });

  it('hands out a turn at least every `perStep` items sorted or merged', () => {
    const items = Array.from({ length: 4096 }, (_, i) => (i * 2654435761) % 4096);
    let comparisons = 0;
    let most = 0;
    const steps = sortInSteps(items, (a, b) => {
      comparisons++;
      return a - b;
    }, 256);
    let yields = 0;
    let step = steps.next();
    while (!step.done) {
      yields++;
      most = Math.max(most, comparisons);
      comparisons = 0;
      step = steps.next();
    }
    // A step sorts one run of 256 (about 256 × log2 256 comparisons) or merges 256 items (one each).
    assert.ok(most <= 256 * 9, `at most ${most} comparisons between two turns`);
    assert.ok(yields >= 16 + 4 * 8, `${yields} turns: 16 runs, then every merge round in several`);
    assert.deepEqual(step.value, [...items].sort((a, b) => a - b));
  });
});
