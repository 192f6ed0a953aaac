// What the Problems panel is sent, a share per turn (src/features/inventory/panelQueue.ts): the first
// share at once, the rest one turn of the host each; a complete build's replace drops what older
// sends still waited for; a later add goes after what waits, so the newest findings of a file win.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PanelItem, PanelQueue, fixedShares, timedShares } from '../../src/features/inventory/panelQueue';

type Item = PanelItem<string, string>;

function item(key: string, weight: number, diagnostics: string[] = [key]): Item {
  return { key, uri: key, diagnostics, signature: diagnostics.join(), weight };
}

/** A queue whose turns come only when the test hands them out, and the shares it sent. */
function harness(perTurn: number) {
  const shares: string[][] = [];
  const panel = new Map<string, string[]>();
  const turns: (() => void)[] = [];
  const queue = new PanelQueue<string, string>(items => {
    shares.push(items.map(i => i.key));
    items.forEach(i => panel.set(i.uri, i.diagnostics));
  }, () => new Promise<void>(resolve => turns.push(resolve)), fixedShares(perTurn));
  /** Hand out the turn the queue waits for, and let its continuation run. */
  const nextTurn = async () => {
    assert.equal(turns.length, 1, 'the queue waits for exactly one turn');
    turns.shift()!();
    await new Promise(resolve => setImmediate(resolve));
  };
  return { queue, shares, panel, turns, nextTurn };
}

describe('PanelQueue', () => {
  it('sends the first share at once and the rest one share per turn, in order', async () => {
    const { queue, shares, turns, nextTurn } = harness(10);
    queue.add([item('a', 4), item('b', 4), item('c', 4), item('d', 9), item('e', 1)]);
    assert.deepEqual(shares, [['a', 'b']], 'the first share goes out in the caller\'s turn, no more than 10');
    assert.equal(queue.empty, false);
    await nextTurn();
    assert.deepEqual(shares, [['a', 'b'], ['c']]);
    await nextTurn();
    assert.deepEqual(shares, [['a', 'b'], ['c'], ['d', 'e']]);
    assert.equal(queue.empty, true);
    assert.equal(turns.length, 0, 'no turn asked for once everything is sent');
  });

  it('sends a small set whole, in the caller\'s turn', () => {
    const { queue, shares, turns } = harness(128);
    queue.add([item('a', 3), item('b', 2)]);
    assert.deepEqual(shares, [['a', 'b']]);
    assert.equal(turns.length, 0);
  });

  it('sends an item heavier than a share alone', async () => {
    const { queue, shares, nextTurn } = harness(10);
    queue.add([item('big', 50), item('small', 1)]);
    assert.deepEqual(shares, [['big']]);
    await nextTurn();
    assert.deepEqual(shares, [['big'], ['small']]);
  });

  it('replace drops what still waits; add goes after it', async () => {
    const { queue, shares, panel, nextTurn } = harness(5);
    queue.add([item('early1', 5), item('early2', 5), item('early3', 5)]);
    assert.deepEqual(shares, [['early1']]);
    queue.replace([item('build1', 5, ['complete']), item('early3', 5, ['complete'])]);
    assert.deepEqual(shares, [['early1'], ['build1']], 'the replacement\'s first share at once');
    queue.add([item('early3', 2, ['newer'])]);
    assert.deepEqual(shares, [['early1'], ['build1'], ['early3']], 'an add sends the next share at once');
    assert.deepEqual(panel.get('early3'), ['complete']);
    await nextTurn();
    assert.deepEqual(shares, [['early1'], ['build1'], ['early3'], ['early3']]);
    assert.equal(panel.has('early2'), false, 'dropped before it was sent');
    assert.deepEqual(panel.get('early3'), ['newer'], 'the later add wins');
    assert.equal(queue.empty, true);
  });

  it('asks for one turn at a time, however often items are added meanwhile', async () => {
    const { queue, shares, turns, nextTurn } = harness(1);
    queue.add([item('a', 1), item('b', 1)]);
    queue.add([item('c', 1)]);
    queue.add([item('d', 1)]);
    assert.deepEqual(shares, [['a'], ['b'], ['c']], 'each add sends a share at once');
    assert.equal(turns.length, 1);
    await nextTurn();
    assert.deepEqual(shares, [['a'], ['b'], ['c'], ['d']]);
    assert.equal(turns.length, 0);
  });

  it('sizes shares to the time the last sizeable one took', () => {
    const shares = timedShares(40, 0.05);
    assert.equal(shares.next(), 800, '40 ms at the starting pace of 50 µs');
    shares.sent(1000, 100);
    assert.equal(shares.next(), 400, '0.1 ms a unit: 400 in 40 ms');
    shares.sent(10, 500);
    assert.equal(shares.next(), 400, 'a share too small to judge the pace by changes nothing');
    shares.sent(400, 4000);
    assert.equal(shares.next(), 32, 'never below the smallest share');
    shares.sent(4000, 0);
    assert.equal(shares.next(), 1600000, 'a share sent in no measurable time counts as 0.1 ms');
  });

  it('times each share with its clock', () => {
    let now = 0;
    const seen: [number, number][] = [];
    const queue = new PanelQueue<string, string>(items => { now += items.length * 3; }, () => new Promise<void>(() => undefined),
      { next: () => 2, sent: (weight, ms) => seen.push([weight, ms]) }, () => now);
    queue.add([item('a', 1), item('b', 1), item('c', 1)]);
    assert.deepEqual(seen, [[2, 6]]);
  });
});
