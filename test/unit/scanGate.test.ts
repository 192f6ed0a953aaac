// The gate of the index's first scan (src/workspace/scanGate.ts): it waits for what a reload's
// restore hands it, never longer than its bound, never for a failure, and only the first time.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FirstScanGate } from '../../src/workspace/scanGate';

/** A promise and its resolve, to settle it when the test says so. */
function deferred(): { promise: Promise<void>; resolve(): void; reject(e: Error): void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

describe('the first scan\'s gate', () => {
  it('lets the first scan through at once when nothing is to be waited for', async () => {
    const gate = new FirstScanGate();
    await gate.pass();
    assert.ok(gate.passedAt !== undefined);
    assert.equal(gate.held, false);
  });

  it('holds the first scan until the restore is decided, and no later scan', async () => {
    const gate = new FirstScanGate(60_000);
    const restore = deferred();
    gate.after(restore.promise);
    let passed = false;
    const first = gate.pass().then(() => (passed = true));
    // Turns of the event loop go by: still held.
    for (let i = 0; i < 5; i++) {
      await new Promise(resolve => setImmediate(resolve));
    }
    assert.equal(passed, false, 'the first scan waits');
    assert.equal(gate.passedAt, undefined);
    const decidedAt = Date.now();
    restore.resolve();
    await first;
    assert.ok(gate.passedAt! >= decidedAt, 'it went through once the restore was decided');
    assert.equal(gate.held, true);
    // Later scans are not held, and a later `after` is ignored.
    gate.after(new Promise<void>(() => undefined));
    await gate.pass();
  });

  it('lets the first scan through when the restore fails, or takes longer than the bound', async () => {
    const failing = new FirstScanGate(60_000);
    const restore = deferred();
    failing.after(restore.promise);
    const through = failing.pass();
    restore.reject(new Error('restore failed'));
    await through;
    assert.ok(failing.passedAt !== undefined);
    const bounded = new FirstScanGate(20);
    bounded.after(new Promise<void>(() => undefined)); // never settles
    await bounded.pass();
    assert.ok(bounded.passedAt !== undefined, 'the bound let it through');
  });
});
