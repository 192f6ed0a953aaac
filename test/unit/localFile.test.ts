// Reading a listed file with one open (src/util/localFile.ts), on real files: what it answers must
// be what an lstat, a stat and readFileSync answered before it, for every kind of path a scan meets,
// and a FIFO must neither stall it nor be read.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { openLocalFile, statLocalFile } from '../../src/util/localFile';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-local-file-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const sameStat = (a: fs.Stats, b: fs.Stats) => [a.dev, a.ino, a.size, a.mtimeMs, a.ctimeMs, a.isFile()].join() === [b.dev, b.ino, b.size, b.mtimeMs, b.ctimeMs, b.isFile()].join();

describe('a listed file read with one open', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'pki-'));
  const small = path.join(dir, 'ca.crt');
  fs.writeFileSync(small, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) & 255)));
  const large = path.join(dir, 'bundle.pem');
  fs.writeFileSync(large, Buffer.alloc(70_000, 0x41));
  const empty = path.join(dir, 'empty.pem');
  fs.writeFileSync(empty, '');
  const link = path.join(dir, 'kubelet-client-current.pem');
  fs.symlinkSync(small, link);
  const dangling = path.join(dir, 'gone.pem');
  fs.symlinkSync(path.join(dir, 'nowhere.pem'), dangling);
  const folder = path.join(dir, 'folder.crt');
  fs.mkdirSync(folder);

  it('answers a regular file with the stat an lstat gives and the bytes readFileSync reads', () => {
    for (const file of [small, empty]) {
      const opened = openLocalFile(file, 64 * 1024);
      assert.ok(opened?.bytes, file);
      assert.equal(opened.symlink, false);
      assert.ok(sameStat(opened.stat, fs.lstatSync(file)), file);
      assert.deepEqual(Buffer.from(opened.bytes), fs.readFileSync(file));
    }
  });

  it('leaves a file over the size asked for unread, its stat given', () => {
    const opened = openLocalFile(large, 64 * 1024);
    assert.ok(opened);
    assert.equal(opened.bytes, undefined);
    assert.equal(opened.stat.size, 70_000);
    assert.equal(openLocalFile(large, 70_000)?.bytes?.length, 70_000);
  });

  it('answers a symlink, a dangling one, a folder and a missing path as the lstat-then-stat road does, unread', () => {
    for (const file of [link, dangling, folder, path.join(dir, 'missing.crt')]) {
      const opened = openLocalFile(file, 64 * 1024);
      const stated = statLocalFile(file);
      assert.equal(opened === undefined, stated === undefined, file);
      if (opened && stated) {
        assert.equal(opened.bytes, undefined, file);
        assert.equal(opened.symlink, stated.symlink, file);
        assert.ok(sameStat(opened.stat, stated.stat), file);
      }
    }
    assert.equal(openLocalFile(link, 64 * 1024)?.symlink, true);
    assert.equal(openLocalFile(link, 64 * 1024)?.stat.ino, fs.statSync(small).ino);
    assert.equal(openLocalFile(dangling, 64 * 1024), undefined);
  });

  it('neither waits on a FIFO that took a listed file\'s place nor reads it', () => {
    const fifo = path.join(dir, 'server.crt');
    execFileSync('mkfifo', [fifo]);
    // In a process of its own, with a deadline: an open that waited for a writer would hang this one.
    const module = path.join(__dirname, '..', '..', 'src', 'util', 'localFile.js');
    const script = `const r = require(${JSON.stringify(module)}).openLocalFile(${JSON.stringify(fifo)}, 65536);
      process.stdout.write(JSON.stringify({ fifo: r.stat.isFIFO(), file: r.stat.isFile(), read: r.bytes !== undefined }));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(child.signal, null, 'the open waited for a writer');
    assert.deepEqual(JSON.parse(child.stdout), { fifo: true, file: false, read: false });
  });
});
