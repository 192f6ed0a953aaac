// The stamp check a reload's restore waits on (src/workspace/stampCheck.ts), on real files: every
// file as recorded, or the one that changed, went or cannot be named, whether the check stats it in
// its synchronous part or asks the thread pool.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { stampOf, stampText } from '../../src/workspace/knownFiles';
import { SYNC_STAMPS, changedFile } from '../../src/workspace/stampCheck';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-stamps-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const fsPathOf = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined);

/** `count` files and their stamps as a restore records them. */
function recorded(name: string, count: number): { files: [string, string][]; paths: string[] } {
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
  const paths = Array.from({ length: count }, (_, i) => path.join(dir, `cert-${i}.crt`));
  const files = paths.map((p, i): [string, string] => {
    fs.writeFileSync(p, `certificate ${i}\n`);
    const uri = pathToFileURL(p).href;
    return [uri, stampText(stampOf(fs.statSync(p), uri))];
  });
  return { files, paths };
}

/** Synchronously (the whole budget), by the thread pool alone (no budget), and a part each way. */
const BOTH = [['synchronously', SYNC_STAMPS], ['by the thread pool', 0], ['the first 120 synchronously, the rest by the pool', 120]] as const;

describe('the stamp check of a restore', () => {
  for (const [how, syncFiles] of BOTH) {
    it(`finds every file as recorded, ${how}`, async () => {
      const { files } = recorded(`same-${syncFiles}`, 300);
      assert.equal(await changedFile(files, fsPathOf, syncFiles), undefined);
      assert.equal(await changedFile([], fsPathOf, syncFiles), undefined);
    });

    it(`names a file written again, one deleted and one it cannot name, ${how}`, async () => {
      const { files, paths } = recorded(`moved-${syncFiles}`, 300);
      fs.writeFileSync(paths[299], 'another certificate, longer than the first\n');
      assert.equal(await changedFile(files, fsPathOf, syncFiles), files[299][0]);
      fs.rmSync(paths[150]);
      assert.equal(await changedFile(files.slice(0, 299), fsPathOf, syncFiles), files[150][0]);
      const unnamed: [string, string] = ['untitled:Untitled-1', 'x'];
      assert.equal(await changedFile([...files.slice(0, 100), unnamed], fsPathOf, syncFiles), unnamed[0]);
    });
  }
});
