// The first scan's head start (src/workspace/headStart.ts): the files of each folder's sample are
// read as the listing hands them over, each once, by at most four readers at a time; a folder a link
// led to ends it, and a cancelled scan stops its readers.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ListedFile } from '../../src/workspace/discovery';
import { HeadStart } from '../../src/workspace/headStart';

const listed = (rel: string) => ({ uri: { toString: () => `file:///w/${rel}` }, maxBytes: 1024, linked: false }) as unknown as ListedFile;
const turn = () => new Promise(resolve => setImmediate(resolve));

/** A head start whose reads each wait until released, in the order they started. */
function gated(cancelled = () => false) {
  const started: string[] = [];
  const releases: (() => void)[] = [];
  let inFlight = 0;
  let most = 0;
  const links: number[] = [];
  const head = new HeadStart(async file => {
    started.push(file.uri.toString().replace('file:///w/', ''));
    most = Math.max(most, ++inFlight);
    await new Promise<void>(resolve => releases.push(resolve));
    inFlight--;
  }, () => links.push(started.length), cancelled);
  const releaseAll = async () => {
    while (releases.length) {
      releases.shift()!();
      await turn();
    }
  };
  return { head, started, releaseAll, links, most: () => most };
}

describe('head start', () => {
  it('reads every sampled file once, four at a time, and finishes when all are read', async () => {
    const { head, started, releaseAll, most } = gated();
    head.sample([listed('a/1.crt'), listed('a/2.crt')], false);
    head.sample([listed('b/1.crt'), listed('b/2.crt'), listed('a/1.crt')], false);
    head.sample([listed('c/1.crt')], false);
    assert.deepEqual(started, ['a/1.crt', 'a/2.crt', 'b/1.crt', 'b/2.crt'], 'four readers start at once, in the order handed over');
    let finished = false;
    const done = head.finish().then(() => (finished = true));
    await turn();
    assert.equal(finished, false, 'finish waits for the reads in flight');
    head.sample([listed('d/1.crt')], false);
    await releaseAll();
    await done;
    assert.deepEqual(started, ['a/1.crt', 'a/2.crt', 'b/1.crt', 'b/2.crt', 'c/1.crt'], 'each file once; nothing taken after finish');
    assert.equal(most(), 4);
    assert.deepEqual([...head.taken].sort(), ['a/1.crt', 'a/2.crt', 'b/1.crt', 'b/2.crt', 'c/1.crt'].map(rel => `file:///w/${rel}`));
  });

  it('ends at the first folder a link led to: told once, nothing taken from then on', async () => {
    const { head, started, releaseAll, links } = gated();
    head.sample([listed('a/1.crt')], false);
    head.sample([], true);
    head.sample([listed('b/1.crt')], false);
    head.sample([], true);
    await releaseAll();
    await head.finish();
    assert.deepEqual(links, [1], 'told once');
    assert.deepEqual(started, ['a/1.crt']);
    assert.deepEqual([...head.taken], ['file:///w/a/1.crt'], 'the scan reads the rest after the listing');
  });

  it('stops reading when the scan is cancelled', async () => {
    let cancelled = false;
    const { head, started, releaseAll } = gated(() => cancelled);
    head.sample(['1', '2', '3', '4', '5', '6'].map(n => listed(`a/${n}.crt`)), false);
    cancelled = true;
    await releaseAll();
    await head.finish();
    assert.equal(started.length, 4, 'the reads in flight end; the queued ones are not started');
  });
});
