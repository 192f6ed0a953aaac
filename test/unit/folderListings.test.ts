// A walk that takes again what an earlier walk read from each folder (src/workspace/folderListings.ts),
// on real folders: it must list what a walk without listings lists after every kind of change, read
// again exactly the folders that changed, and keep nothing whose stamp had not settled.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from '../../src/core/pipeline/scanDefaults';
import { FolderListings, MAX_LISTING_AGE_MS } from '../../src/workspace/folderListings';
import { walkFolder } from '../../src/workspace/folderWalk';
import { RACY_MS } from '../../src/workspace/knownFiles';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-listings-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A clock the test moves: the listings judge "settled" and "old" by it, the file system by its own. */
function clock(start = Date.now() + RACY_MS + 1000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/**
 * Waits (with a deadline) until the file system's clock has moved on from now, so a change made next
 * gives its folder another stamp than the changes before: timestamps come from a coarse clock (a tick
 * of a few milliseconds), and two changes in one tick would look like one. The listings guard against
 * that with their settle rule, which this test's clock skips.
 */
function nextFileSystemTick(): void {
  const probe = path.join(tmp, 'tick');
  fs.writeFileSync(probe, '');
  const before = fs.statSync(probe).ctimeMs;
  const deadline = Date.now() + 5_000;
  for (;;) {
    fs.writeFileSync(probe, '');
    if (fs.statSync(probe).ctimeMs > before) {
      return;
    }
    assert.ok(Date.now() < deadline, 'the file system clock did not move');
  }
}

function tree(name: string): string {
  const root = path.join(tmp, name);
  for (const dir of ['pki/etcd', 'pki/old', 'kubeconfigs', 'node_modules/x', 'docs']) {
    fs.mkdirSync(path.join(root, dir), { recursive: true });
  }
  for (const file of ['pki/ca.crt', 'pki/ca.key', 'pki/etcd/ca.crt', 'pki/old/server.pem', 'kubeconfigs/admin.conf', 'node_modules/x/ca.crt', 'docs/readme.md']) {
    fs.writeFileSync(path.join(root, file), file);
  }
  return root;
}

const request = (base: string, listings?: FolderListings) => ({ base, include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE, listings });

/** The walk with `listings` and the walk without: the same files; and how many folders the first read again or took as kept. */
async function walkBoth(base: string, listings: FolderListings) {
  const fresh = await walkFolder(request(base));
  const walked = await walkFolder(request(base, listings));
  assert.deepEqual(walked, fresh);
  return { files: walked!.map(f => f.rel), ...listings.last };
}

describe('folder listings kept between walks', () => {
  it('takes every folder of an unchanged tree from the last walk, listing the same files', async () => {
    const root = tree('unchanged');
    const listings = new FolderListings(clock().now);
    const first = await walkBoth(root, listings);
    assert.equal(first.read, 6); // the root, pki, pki/etcd, pki/old, kubeconfigs, docs; node_modules is never entered
    assert.equal(first.reused, 0);
    assert.ok(first.files.includes('pki/etcd/ca.crt') && !first.files.includes('node_modules/x/ca.crt'));
    const second = await walkBoth(root, listings);
    assert.deepEqual(second, { ...first, read: 0, reused: 6 });
  });

  it('reads again exactly the folders that gained, lost or renamed an entry, and follows a new folder', async () => {
    const root = tree('changed');
    const listings = new FolderListings(clock().now);
    await walkBoth(root, listings);
    nextFileSystemTick();
    fs.writeFileSync(path.join(root, 'pki/etcd/peer.crt'), 'new');
    fs.rmSync(path.join(root, 'pki/old/server.pem'));
    fs.renameSync(path.join(root, 'kubeconfigs/admin.conf'), path.join(root, 'kubeconfigs/super-admin.conf'));
    fs.mkdirSync(path.join(root, 'docs/certs'));
    fs.writeFileSync(path.join(root, 'docs/certs/front-proxy-ca.crt'), 'new');
    const second = await walkBoth(root, listings);
    assert.equal(second.read, 5); // pki/etcd, pki/old, kubeconfigs, docs and the new docs/certs
    assert.equal(second.reused, 2); // the root and pki
    assert.ok(second.files.includes('pki/etcd/peer.crt') && second.files.includes('docs/certs/front-proxy-ca.crt') && second.files.includes('kubeconfigs/super-admin.conf'));
    assert.ok(!second.files.includes('pki/old/server.pem') && !second.files.includes('kubeconfigs/admin.conf'));
  });

  it('resolves links at every walk: a linked file that became a folder is walked, without its folder changing', async () => {
    const root = tree('links');
    const outside = path.join(tmp, 'links-outside');
    fs.writeFileSync(outside, 'a file');
    fs.symlinkSync(outside, path.join(root, 'pki/external.crt'));
    const listings = new FolderListings(clock().now);
    assert.ok((await walkBoth(root, listings)).files.includes('pki/external.crt'));
    const pki = fs.statSync(path.join(root, 'pki'));
    fs.rmSync(outside);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'apiserver.crt'), 'inside');
    const after = fs.statSync(path.join(root, 'pki'));
    assert.equal(after.mtimeMs, pki.mtimeMs, 'the folder holding the link did not change');
    const second = await walkBoth(root, listings);
    assert.ok(second.files.includes('pki/external.crt/apiserver.crt') && !second.files.includes('pki/external.crt'));
    assert.equal(second.reused, 6);
  });

  it('keeps nothing whose stamp had not settled when it was read, and reads a listing again once it is old', async () => {
    const root = tree('racy');
    const racy = await walkBoth(root, new FolderListings());
    const listings = new FolderListings(() => Date.now()); // the real clock: the folders were made a moment ago
    await walkBoth(root, listings);
    assert.equal(listings.size, 0);
    assert.equal((await walkBoth(root, listings)).read, racy.read);
    const time = clock();
    const aging = new FolderListings(time.now);
    await walkBoth(root, aging);
    time.advance(MAX_LISTING_AGE_MS + 1);
    assert.equal((await walkBoth(root, aging)).read, 6);
  });

  it('drops the listings of folders the walk no longer meets', async () => {
    const root = tree('dropped');
    const listings = new FolderListings(clock().now);
    await walkBoth(root, listings);
    assert.equal(listings.size, 6);
    fs.rmSync(path.join(root, 'pki/etcd'), { recursive: true });
    fs.rmSync(path.join(root, 'docs'), { recursive: true });
    await walkBoth(root, listings);
    assert.equal(listings.size, 4);
  });
});
