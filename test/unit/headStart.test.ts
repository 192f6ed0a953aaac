// The first scan's head start (src/workspace/headStart.ts): the files of each folder's sample are
// read as the listing hands them over, each once, by at most sixteen readers at a time; a folder a link
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
  it('reads every sampled file once, sixteen at a time, and finishes when all are read', async () => {
    const { head, started, releaseAll, most } = gated();
    const folders = Array.from({ length: 8 }, (_, i) => `f${i}`);
    for (const folder of folders) {
      head.sample([listed(`${folder}/1.crt`), listed(`${folder}/2.crt`)], false);
    }
    head.sample([listed('b/1.crt'), listed('f0/1.crt')], false);
    const first16 = folders.flatMap(folder => [`${folder}/1.crt`, `${folder}/2.crt`]);
    assert.deepEqual(started, first16, 'sixteen readers start at once, in the order handed over');
    let finished = false;
    const done = head.finish().then(() => (finished = true));
    await turn();
    assert.equal(finished, false, 'finish waits for the reads in flight');
    head.sample([listed('d/1.crt')], false);
    await releaseAll();
    await done;
    assert.deepEqual(started, [...first16, 'b/1.crt'], 'each file once; nothing taken after finish');
    assert.equal(most(), 16);
    assert.deepEqual([...head.taken].sort(), [...first16, 'b/1.crt'].sort().map(rel => `file:///w/${rel}`));
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
    head.sample(Array.from({ length: 20 }, (_, n) => listed(`a/${n}.crt`)), false);
    cancelled = true;
    await releaseAll();
    await head.finish();
    assert.equal(started.length, 16, 'the reads in flight end; the queued ones are not started');
  });
});
