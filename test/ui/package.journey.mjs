// Packaging: `npm run package` makes a small .vsix holding only what .vscodeignore allows, and once
// installed into a real VS Code (a production install, no development flags) journey 1 still works.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/vscode/runtime.mjs';
import { hoverJourney } from './hoverJourney.mjs';

const VSIX = path.join(REPO_ROOT, 'dist', 'pki-lens.vsix');

describe('the packaged extension', () => {
  it('holds only the bundles, media, grammars and docs, under 2 MB', () => {
    const r = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
    const size = fs.statSync(VSIX).size;
    assert.ok(size < 2 * 1024 * 1024, `vsix is ${size} bytes`);
    const list = spawnSync('unzip', ['-Z1', VSIX], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const files = list.filter(f => f.startsWith('extension/')).map(f => f.slice('extension/'.length));
    const allowed = /^(package\.json|readme\.md|changelog\.md|license(\.txt)?|dist\/extension\.js|dist\/main\.js|dist\/core\.js|dist\/commands\.js|dist\/analysisWorker\.js|dist\/web\/extension\.js|media\/.+|syntaxes\/.+)$/i;
    const stray = files.filter(f => !allowed.test(f));
    assert.deepEqual(stray, [], 'nothing but the allowed files');
    assert.ok(files.includes('dist/extension.js'));
    assert.ok(files.includes('dist/main.js'), 'the extension the entry loads with its code cache (src/bootstrap.ts)');
    assert.ok(files.includes('dist/core.js'), 'the core the entry requires at first use (scripts/build/lazyCore.mjs)');
    assert.ok(files.includes('dist/commands.js'), 'the commands\' code the entry requires at the first command (scripts/build/lazyCommands.mjs)');
    assert.ok(!files.some(f => f.startsWith('node_modules/') || f.startsWith('src/') || f.startsWith('test/')));
    console.log(`vsix: ${(size / 1024).toFixed(0)} KB, ${files.length} files`);
  });

  it('works once installed: journey 1 against the production install', async () => {
    await hoverJourney({ vsix: VSIX, label: 'vsix' });
  });
});
