// The desktop extension's third file: what runs only when a person asks for it (issue 18).
//
//   dist/commands.js   the code behind the commands a person runs (renewal, signing, Verify Chain,
//                      the probe, the expiry timeline): required at the first read of one of its
//                      exports, so a start compiles none of it, and a session that runs none never does
//
// Registering a command or a quick fix stays in dist/main.js: what is listed here is only what their
// handlers call. The mechanism is the core's (lazyCore.mjs): in the entry, an import of a module
// listed here is a stand-in whose exports are getters; this bundle reads every other module it
// imports (the workspace, the settings, the core's stand-ins) from the entry, so each module is in
// exactly one file and has one copy of its state. An entry module that reads a listed export at its
// top level, or during activate(), loads this bundle at activation: `npm run bench` lists the files
// activation required, and the problems suite fails when activate() loaded this one.
import * as esbuild from 'esbuild';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lazyBundleSource, linksSource, loaderSource, routeImports } from './lazyCore.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = path.join(ROOT, 'src');
/** The file name of the bundle, next to the entry. */
export const COMMANDS_BUNDLE = 'commands.js';

/** The modules of dist/commands.js, under src/. */
const COMMANDS = [
  // Renewal, SAN edits and CSR signing: their plans, previews, key handling and writes.
  'features/renew/plan', 'features/renew/preview', 'features/renew/writer', 'features/renew/filePlan',
  'features/renew/keys', 'features/renew/report', 'features/renew/caDiscovery',
  'features/renew/editSubjectAltNames', 'features/renew/signCsrCommand', 'features/renew/indexSync',
  // Verify Chain; the probe and its network code (node:tls, node:net); the expiry timeline's panel.
  'features/verify/verifyChain',
  'features/probe/run', 'net/probe', 'net/handshake',
  'features/timeline/panel', 'features/timeline/html', 'features/timeline/save', 'features/timeline/protocol',
];

const NODE_BUILTIN = new Set([...builtinModules, ...builtinModules.map(m => `node:${m}`)]);
const STAND_IN = 'pki-lens-lazy-commands';
const LINK = 'pki-lens-commands-link';

/** 'src/features/renew/plan.ts' → 'features/renew/plan': how the bundles name a module; undefined outside src/. */
const keyOf = file => (file.startsWith(SRC + path.sep) && file.endsWith('.ts') ? path.relative(SRC, file).replace(/\\/g, '/').replace(/\.ts$/, '') : undefined);
const fileOf = key => path.join(SRC, `${key}.ts`);
const importPath = key => `./${path.relative(ROOT, fileOf(key)).replace(/\\/g, '/')}`;
const listed = key => COMMANDS.includes(key);

/**
 * What the entry's build needs to know of the bundle, from esbuild's metafile of its modules: the
 * export names of each (for the stand-ins) and the entry's modules they import (for the links).
 */
export async function commandsShape(options) {
  const r = await esbuild.build({
    ...options, absWorkingDir: ROOT, entryPoints: COMMANDS.map(fileOf), outdir: path.join(ROOT, 'out', 'commands-exports'), format: 'esm', splitting: true,
    write: false, metafile: true, minify: false, sourcemap: false, external: ['vscode'],
  });
  const exports = {};
  for (const out of Object.values(r.metafile.outputs)) {
    // Only the listed modules' own outputs: a library's dynamic import is an entry point of its own.
    const key = out.entryPoint && keyOf(path.resolve(ROOT, out.entryPoint));
    if (listed(key)) {
      exports[key] = out.exports;
    }
  }
  const links = new Set();
  for (const [input, { imports }] of Object.entries(r.metafile.inputs)) {
    if (!listed(keyOf(path.resolve(ROOT, input)))) {
      continue;
    }
    for (const { path: imported, external } of imports) {
      const key = external ? undefined : keyOf(path.resolve(ROOT, imported));
      if (key !== undefined && !listed(key)) {
        links.add(key);
      }
    }
  }
  return { exports, links: [...links].sort() };
}

/** The entry's plugin: imports of the bundle's modules become stand-ins. Goes before the core's plugin. */
export function lazyCommandsPlugin({ exports, links }) {
  return {
    name: STAND_IN,
    setup(build) {
      build.onResolve({ filter: /^\.\/extension\.js$/, namespace: STAND_IN }, args => ({ path: args.path, external: true }));
      build.onResolve({ filter: /^(loader|links)$/, namespace: STAND_IN }, args => ({ path: args.path, namespace: STAND_IN }));
      routeImports(build, STAND_IN, file => (listed(keyOf(file)) ? keyOf(file) : undefined));
      build.onLoad({ filter: /.*/, namespace: STAND_IN }, args => {
        if (args.path === 'loader') {
          return { contents: loaderSource(COMMANDS_BUNDLE, 'links'), loader: 'js', resolveDir: ROOT };
        }
        if (args.path === 'links') {
          return { contents: linksSource(links.map(key => [key, importPath(key)])), loader: 'js', resolveDir: ROOT };
        }
        return { contents: `require('loader').lazyExports(exports, ${JSON.stringify(args.path)}, ${JSON.stringify(exports[args.path])});\n`, loader: 'js', resolveDir: ROOT };
      });
    },
  };
}

/** dist/commands.js: `load(entryModules)` returns each of its modules' exports by key; every other module it imports is the entry's. */
export function commandsBuild(options, outdir) {
  const plugin = {
    name: 'pki-lens-commands-bundle',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${LINK}$`) }, () => ({ path: 'modules', namespace: LINK }));
      routeImports(build, LINK, file => {
        const key = keyOf(file);
        return key !== undefined && !listed(key) ? key : undefined;
      });
      build.onResolve({ filter: /^[^./]/ }, args => {
        if (args.path === 'vscode' || NODE_BUILTIN.has(args.path) || args.namespace === LINK) {
          return undefined;
        }
        return { errors: [{ text: `'${args.path}' imported by ${COMMANDS_BUNDLE}: libraries belong to the core (scripts/build/lazyCore.mjs)` }] };
      });
      build.onLoad({ filter: /.*/, namespace: LINK }, args => ({
        contents: args.path === 'modules' ? 'exports.modules = undefined;' : `module.exports = require(${JSON.stringify(LINK)}).modules[${JSON.stringify(args.path)}];`,
        loader: 'js', resolveDir: ROOT,
      }));
    },
  };
  return {
    ...options, stdin: { contents: lazyBundleSource(LINK, COMMANDS.map(key => [key, importPath(key)])), resolveDir: ROOT, sourcefile: 'commands-bundle.js', loader: 'js' },
    outfile: path.join(outdir, COMMANDS_BUNDLE), external: ['vscode'], plugins: [...(options.plugins ?? []).filter(p => p.name !== STAND_IN), plugin],
  };
}
