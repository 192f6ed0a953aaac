// Bundles the extension (Node host) and the CLI. Type-checking is a separate `tsc --noEmit` step.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { bootstrapBuild, coreBuild, entryBuild } from './scripts/build/lazyCore.mjs';
import { commandsBuild } from './scripts/build/lazyCommands.mjs';
import { yamlBrowserBuild } from './scripts/build/yamlBrowserBuild.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // @peculiar/x509 pulls in tsyringe, which needs Reflect metadata; both are bundled.
  mainFields: ['module', 'main'],
  // yaml's build without its per-token reads of process.env (scripts/build/yamlBrowserBuild.mjs).
  plugins: [yamlBrowserBuild],
};

// The desktop extension is four files: the file VS Code requires, which loads the others with their
// code cache; the extension; the core it loads at first use (scripts/build/lazyCore.mjs); the code
// behind the commands that write, loaded at the first (scripts/build/lazyCommands.mjs). The
// extension's stand-ins list the export names of the core's and the commands' modules.
const core = coreBuild(common, 'dist');
const entry = () => entryBuild(common, 'dist');
const builds = [
  bootstrapBuild(common, 'dist'),
  commandsBuild(common, 'dist'),
  // Large documents are analysed off the extension host's thread (src/workspace/workerAnalyzer.ts).
  { ...common, entryPoints: ['src/workspace/analysisWorker.ts'], outfile: 'dist/analysisWorker.js' },
];
if (fs.existsSync('src/web.ts')) {
  // The browser entry (package.json "browser"): a web-worker bundle; scripts/web/esbuild-web.mjs holds its platform seams.
  const { webExtensionBuild } = await import('./scripts/web/esbuild-web.mjs');
  builds.push(webExtensionBuild({ production }));
}
if (fs.existsSync('src/cli/main.ts')) {
  builds.push({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } });
}

if (watch) {
  // A rebuilt core may export other names: the entry follows each core build.
  let entryContext;
  const followCore = { name: 'entry-follows-core', setup: b => b.onEnd(async r => {
    if (r.errors.length) { return; }
    await entryContext?.dispose();
    entryContext = await esbuild.context(await entry());
    await entryContext.watch();
  }) };
  for (const b of [{ ...core, plugins: [...core.plugins, followCore] }, ...builds]) {
    const ctx = await esbuild.context(b);
    await ctx.watch();
  }
} else {
  await Promise.all([esbuild.build(core), entry().then(e => esbuild.build(e)), ...builds.map(b => esbuild.build(b))]);
  // The bundles src/bootstrap.ts loads through the code cache may hold no import() (src/util/codeCache.ts).
  for (const file of ['dist/main.js', 'dist/core.js', 'dist/commands.js']) {
    const found = fs.readFileSync(file, 'utf8').match(/\bimport\(\s*["'`][^"'`]*["'`]\s*\)/);
    if (found) {
      throw new Error(`${file} holds ${found[0]}: write a require at first use instead (src/util/codeCache.ts loads it with vm.Script)`);
    }
  }
  for (const b of [{ outfile: 'dist/main.js' }, core, ...builds]) {
    console.log(`${b.outfile}: ${(fs.statSync(b.outfile).size / 1024).toFixed(0)} KB`);
  }
}
