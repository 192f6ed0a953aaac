// Issue 18: the relink's rehearsal after a start's first build (src/workspace/rehearsal.ts), in the
// real VS Code: a small workspace has none, and a rehearsal publishes nothing and changes no snapshot.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { REHEARSAL_MIN_FILES, rehearse } from '../../src/workspace/rehearsal';
import { Logger } from '../../src/util/logger';
import { pkiApi } from './pkiWorkspace';

describe('the relink rehearsal after the first build', () => {
  it('a workspace this small has none: its relinks are quick from the first', async () => {
    const { index } = (await pkiApi()).services;
    const snapshot = await index.ready();
    assert.ok(snapshot.files.length > 0 && snapshot.files.length < REHEARSAL_MIN_FILES, `${snapshot.files.length} files with material`);
    assert.strictEqual(index.rehearsal, undefined);
  });

  it('links and checks the snapshot\'s files once more, publishing nothing; one superseded before it starts does nothing', async () => {
    const { index } = (await pkiApi()).services;
    const snapshot = await index.ready();
    const published: number[] = [];
    const sub = index.onDidChange(s => published.push(s.generation));
    const logged: string[] = [];
    const errors: string[] = [];
    const logger: Logger = { info: m => logged.push(m), warn: m => logged.push(m), error: m => errors.push(m) };
    try {
      const options = { now: snapshot.now, thresholdsFor: snapshot.thresholdsFor, logger, resolve: (uri: string) => index.file(vscode.Uri.parse(uri)) };
      const done = await rehearse(snapshot.files, options, logger);
      assert.strictEqual(done.state, 'done');
      let asked = 0;
      const stopped = await rehearse(snapshot.files, { ...options, superseded: () => ++asked > 0 }, logger);
      assert.deepStrictEqual(stopped, { state: 'stopped', ms: 0 });
      assert.strictEqual(asked, 1);
      assert.deepStrictEqual(published, [], 'a rehearsal publishes no snapshot');
      assert.strictEqual(index.snapshot, snapshot, 'the snapshot is the one before');
      assert.deepStrictEqual(errors, []);
      assert.ok(logged.some(m => m.startsWith('relink rehearsal done in ')), logged.join('\n'));
    } finally {
      sub.dispose();
    }
  });
});
