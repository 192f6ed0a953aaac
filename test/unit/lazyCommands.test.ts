// The desktop build's commands bundle (scripts/build/lazyCommands.mjs), proved on the real build: the
// modules it lists are in dist/commands.js and nowhere else, dist/commands.js holds nothing else (every
// other module it imports is read from the entry, so each has one copy of its state), and the entry
// reaches the listed modules only through stand-ins. That the extension runs from these files is
// proved in the real VS Code: the renewal, probe, verify and timeline suites run their commands, and
// the problems suite fails when activate() loaded dist/commands.js.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';

const ROOT = path.join(__dirname, '..', '..', '..');

interface Built {
  /** Each bundle's inputs (paths relative to the repository), as esbuild's metafile lists them. */
  inputs: Record<'main' | 'commands' | 'core', string[]>;
  /** The modules the commands bundle lists, and the entry modules it links to. */
  listed: string[];
  links: string[];
}

function build(): Built {
  const script = `
    import * as esbuild from 'esbuild';
    import { coreBuild, entryBuild } from './scripts/build/lazyCore.mjs';
    import { commandsBuild, commandsShape } from './scripts/build/lazyCommands.mjs';
    const common = { absWorkingDir: process.cwd(), bundle: true, platform: 'node', target: 'node18', format: 'cjs', mainFields: ['module', 'main'], logLevel: 'silent', write: false, metafile: true };
    const inputsOf = async options => Object.keys((await esbuild.build(options)).metafile.inputs);
    const [main, commands, core, shape] = await Promise.all([entryBuild(common, 'out/lazy-commands').then(inputsOf), inputsOf(commandsBuild(common, 'out/lazy-commands')),
      inputsOf(coreBuild(common, 'out/lazy-commands')), commandsShape(common)]);
    console.log(JSON.stringify({ inputs: { main, commands, core }, listed: Object.keys(shape.exports), links: shape.links }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Built;
}

const file = (key: string) => `src/${key}.ts`;

describe('the desktop build: the commands\' code in a bundle of its own', () => {
  let built: Built;
  before(() => {
    built = build();
  });

  it('lists the code behind the commands: renewal, Verify Chain, the probe with its network code, the timeline', () => {
    for (const key of ['features/renew/writer', 'features/verify/verifyChain', 'features/probe/run', 'net/handshake', 'features/timeline/panel']) {
      assert.ok(built.listed.includes(key), `${key} is in dist/commands.js`);
    }
  });

  it('dist/commands.js holds the listed modules and nothing else of the sources', () => {
    const sources = built.inputs.commands.filter(f => f.startsWith('src/'));
    assert.deepEqual(sources.sort(), built.listed.map(file).sort());
    assert.ok(!built.inputs.commands.some(f => f.includes('node_modules')), 'no library: libraries are the core\'s');
  });

  it('the entry and the core hold none of them: the entry reaches them through stand-ins', () => {
    for (const key of built.listed) {
      assert.ok(!built.inputs.main.includes(file(key)), `${key} is not in dist/main.js`);
      assert.ok(!built.inputs.core.includes(file(key)), `${key} is not in dist/core.js`);
    }
    // A stand-in for each listed module the entry imports (the registrations' handlers call them); none for any other.
    const standIns = built.inputs.main.filter(f => f.startsWith('pki-lens-lazy-commands:')).map(f => f.slice('pki-lens-lazy-commands:'.length)).filter(k => k !== 'loader' && k !== 'links');
    for (const key of ['features/renew/plan', 'features/verify/verifyChain', 'features/probe/run', 'features/timeline/panel']) {
      assert.ok(standIns.includes(key), `dist/main.js has the stand-in of ${key}`);
    }
    assert.deepEqual(standIns.filter(k => !built.listed.includes(k)), [], 'stand-ins only for listed modules');
  });

  it('every module the listed ones import from outside the list is the entry\'s, read through the link', () => {
    assert.ok(built.links.length > 0);
    for (const key of built.links) {
      assert.ok(built.inputs.commands.includes(`pki-lens-commands-link:${key}`), `${key} is linked`);
      const inEntry = built.inputs.main.includes(file(key)) || built.inputs.main.includes(`pki-lens-lazy-core:${key.replace(/^core\//, '')}`);
      assert.ok(inEntry, `${key} is in dist/main.js, itself or as the core's stand-in`);
    }
  });
});
