// The scan's folder walk (src/workspace/folderWalk.ts, run on the scan worker's thread or in the
// extension host's slices), judged by find(1): the same files, excluded folders never entered,
// symlinked folders followed once (a loop cut), dangling links left out, and what a symlink led to
// marked as such.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { PathFilter } from '../../src/core/pipeline/glob';
import { walkFolder } from '../../src/workspace/folderWalk';
import { DiskScanner } from '../../src/cli/diskScanner';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from '../../src/core/pipeline/scanDefaults';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-walk-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tree(): string {
  const base = path.join(tmp, 'ws');
  const write = (rel: string, text = 'x') => {
    fs.mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
    fs.writeFileSync(path.join(base, rel), text);
  };
  write('pki/ca.crt');
  write('pki/ca.key');
  write('pki/etcd/server.pem');
  write('notes/readme.txt');
  write('node_modules/pkg/test.pem'); // excluded by default
  write('kube/admin.conf');
  // 600 files in one folder: the walk asks for a turn every 64 entries.
  for (let i = 0; i < 600; i++) {
    write(`many/cert-${String(i).padStart(3, '0')}.crt`);
  }
  fs.symlinkSync(path.join(base, 'pki'), path.join(base, 'linked-pki')); // a symlinked folder
  fs.symlinkSync('..', path.join(base, 'pki', 'etcd', 'up')); // a loop: pki/etcd/up → pki
  fs.symlinkSync(path.join(base, 'pki', 'ca.crt'), path.join(base, 'kube', 'ca-link.crt')); // a symlinked file
  fs.symlinkSync(path.join(base, 'missing.crt'), path.join(base, 'kube', 'dangling.crt'));
  return base;
}

describe('folder walk (judged by find)', () => {
  const base = tree();

  it('lists what find lists, through the same filter, and ends in a symlink loop', async () => {
    let turns = 0;
    const walked = await walkFolder({ base, include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE }, () => { turns++; return undefined; });
    assert.ok(walked, 'the folder was walked');
    const filter = new PathFilter(DEFAULT_INCLUDE, DEFAULT_EXCLUDE);
    // find without -L: the real paths, no link followed.
    const real = execFileSync('find', ['.', '-type', 'f'], { cwd: base, encoding: 'utf8' })
      .split('\n').filter(Boolean).map(p => p.replace(/^\.\//, ''))
      .filter(rel => filter.matches(rel) && !rel.startsWith('node_modules/'));
    const rels = walked.map(w => w.rel);
    assert.ok(real.length > 600);
    for (const rel of real) {
      assert.ok(rels.includes(rel), `walked ${rel}`);
    }
    // What a link led to is a real file find lists, under a name the filter takes.
    const realFiles = new Set(real.map(rel => fs.realpathSync(path.join(base, rel))));
    for (const rel of rels) {
      assert.ok(filter.matches(rel), `${rel} passes the filter`);
      assert.ok(realFiles.has(fs.realpathSync(path.join(base, rel))), `${rel} is a real file find lists`);
    }
    assert.equal(new Set(rels).size, rels.length, 'each path once');
    assert.ok(rels.length < real.length + 20, `the loop pki/etcd/up → pki was cut (${rels.length} paths)`);
    assert.ok(!rels.some(r => r.startsWith('node_modules/')), 'an excluded folder is never entered');
    assert.ok(!rels.includes('kube/dangling.crt'), 'a dangling link is left out');
    assert.ok(!rels.includes('notes/readme.txt'), 'include globs decide');
    assert.deepEqual(rels, [...rels].sort(), 'sorted by path');
    assert.ok(turns >= 600 / 64, `the walk asked for turns (${turns})`);
  });

  it('marks what a symlink led to', async () => {
    const walked = (await walkFolder({ base, include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE }))!;
    const linked = new Map(walked.map(w => [w.rel, w.linked]));
    assert.equal(linked.get('kube/ca-link.crt'), true);
    assert.equal(linked.get('kube/admin.conf'), false);
    assert.equal(linked.get('many/cert-000.crt'), false);
    assert.equal(linked.get('linked-pki/ca.crt'), true, 'a file in a symlinked folder');
  });

  it('hands over each folder\'s files as it lists them: every file once, in the folder listed with it, a link\'s with its mark', async () => {
    const handed: { rel: string; linked: boolean }[][] = [];
    const walked = (await walkFolder({ base, include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE, onFolder: files => handed.push(files.map(f => ({ ...f }))) }))!;
    const all = handed.flat();
    assert.deepEqual(all.map(f => f.rel).sort(), walked.map(w => w.rel), 'the same files as the walk returns, each once');
    assert.deepEqual(new Map(all.map(f => [f.rel, f.linked])), new Map(walked.map(w => [w.rel, w.linked])), 'with the same marks');
    const folderOf = (rel: string) => rel.slice(0, rel.lastIndexOf('/') + 1);
    const many = handed.find(files => files.some(f => f.rel.startsWith('many/')))!;
    assert.equal(many.length, 600, 'a folder\'s 600 files in one hand-over, though the walk took turns inside it');
    // A folder's hand-over holds its own files, and files a link in it led to (kube/ca-link.crt is in kube/).
    for (const files of handed.filter(files => files.length && !files.some(f => f.linked))) {
      assert.equal(new Set(files.map(f => folderOf(f.rel))).size, 1, `one folder: ${files.map(f => f.rel).join(', ')}`);
    }
    assert.ok(handed.some(files => files.some(f => f.rel === 'kube/ca-link.crt' && f.linked) && files.some(f => f.rel === 'kube/admin.conf')), 'a linked file comes with its folder\'s, marked');
  });

  it('goes through the folders in path order, whatever order the file system lists them in', async () => {
    const ordered = path.join(tmp, 'ordered');
    const names = Array.from({ length: 30 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    // Made in neither order nor its reverse (a listing may come in creation order; Node's on Linux comes sorted).
    for (const name of names.map((_, i) => names[(i * 7) % names.length])) {
      fs.mkdirSync(path.join(ordered, name, 'sub'), { recursive: true });
      fs.writeFileSync(path.join(ordered, name, 'a.crt'), 'x');
      fs.writeFileSync(path.join(ordered, name, 'sub', 'b.crt'), 'x');
    }
    const folders: string[] = [];
    await walkFolder({ base: ordered, include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE, onFolder: files => files.length && folders.push(files[0].rel.slice(0, files[0].rel.lastIndexOf('/'))) });
    assert.deepEqual(folders, names.flatMap(name => [name, `${name}/sub`]), 'each folder, then its subfolders, in name order');
  });

  it('never enters an excluded folder', async () => {
    const small = path.join(tmp, 'small');
    for (const rel of ['a/x.crt', 'b/y.pem', 'node_modules/pkg/deep/z.pem', '.git/objects/w.pem']) {
      fs.mkdirSync(path.dirname(path.join(small, rel)), { recursive: true });
      fs.writeFileSync(path.join(small, rel), 'x');
    }
    // The walk asks `cancelled` once before each folder it enters.
    let asked = 0;
    const walked = await walkFolder({ base: small, include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE }, undefined, () => { asked++; return false; });
    assert.deepEqual(walked?.map(w => w.rel), ['a/x.crt', 'b/y.pem']);
    assert.equal(asked, 3, 'the folder, a/ and b/ entered; node_modules/ and .git/ not');
  });

  it('is pki-lens check\'s walk too: the same files, and every folder it read for serve to watch', async () => {
    const walked = (await walkFolder({ base, include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE }))!;
    assert.deepEqual(await new DiskScanner().listCandidates(base), walked.map(w => path.join(base, w.rel)));
    const result = await new DiskScanner().scan([base]);
    const folders = execFileSync('find', ['.', '-type', 'd'], { cwd: base, encoding: 'utf8' })
      .split('\n').filter(Boolean).map(p => path.join(base, p)).filter(p => !p.includes(`${path.sep}node_modules`));
    for (const folder of folders) {
      assert.ok(result.directories.includes(folder), `${folder} was read, to be watched`);
    }
    assert.ok(!result.directories.some(d => d.includes('node_modules')), 'an excluded folder is neither read nor watched');
    assert.ok(result.directories.includes(path.join(base, 'linked-pki')), 'a symlinked folder is read under its own name');
  });

  it('says when it cannot start, and stops when cancelled', async () => {
    assert.equal(await walkFolder({ base: path.join(tmp, 'nowhere'), include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE }), undefined);
    const none = await walkFolder({ base, include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE }, undefined, () => true);
    assert.deepEqual(none, []);
  });
});
