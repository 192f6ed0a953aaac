// The desktop extension in two files, so activation compiles only what it runs (issue 18):
//
//   dist/extension.js  the file VS Code requires (src/bootstrap.ts): loads the two below with V8's code
//                      cache (src/util/codeCache.ts)
//   dist/main.js       the extension: activation, settings, the features' registrations,
//                      the workspace bridge (everything in src/ outside src/core) and the few core
//                      modules activation itself runs (EAGER below)
//   dist/core.js       the rest of src/core and every library it uses (yaml, @peculiar/*, asn1js,
//                      reflect-metadata): required the first time the entry reads one of its exports
//
// In the entry, an import of a lazy core module becomes a small stand-in whose exports are getters:
// the first read requires dist/core.js (once) and hands out the real export, so registering providers
// and commands never loads the parsers; the first hover or the scan does. Each module is in exactly
// one of the two files — dist/core.js reads the EAGER modules from the entry the same way — so
// there is one copy of every class and every module-level state. A library imported outside src/core
// fails the entry build: it would be a second copy beside dist/core.js.
//
// A module read at the top level of the entry (`class X extends CoreClass`, a constant computed from
// the core) loads dist/core.js during activation: `npm run bench` lists what activation loaded.
// esbuild's own code splitting needs ESM output, which the extension host (engines ^1.90) does not
// load; the browser build stays one file (a web worker cannot require a sibling file).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CORE = path.join(ROOT, 'src', 'core');
/** The file name of the second bundle, next to the entry. */
export const CORE_BUNDLE = 'core.js';

/**
 * Core modules activate() runs (or the entry reads at its top level), kept in the entry. Small and
 * cheap: what they import from the rest of the core stays lazy.
 */
const EAGER = [
  'pipeline/analysisCache', // the services' cache is made at activation
  'pipeline/scanDefaults', 'pipeline/glob', // the settings and the scan's folder scopes
  'keystore/legacyCipher', 'x509/hostHash', 'x509/hostVerify', // the desktop hands the core Triple DES, MD5, SHA-256 and signature checks at activation
  'renew/errors', // features/renew extends RenewalError
  'renew/signDefaults', // the settings' default validity for signing
  'inventory/signatureCache', // the persistent cache is handed the shared signature verdicts at activation
  'checks/ruleSettings', // the settings read per-folder rule levels at activation (a window with a folder)
  'slices', // the first scan starts during activation (its listing runs in slices)
  'flatString', // a reload's last findings: the stamps of the files they point into
  'checks/rulesUrl', // a reload's last findings in the Problems panel: each code's link
];

const NODE_BUILTIN = new Set([...builtinModules, ...builtinModules.map(m => `node:${m}`)]);
const LAZY = 'pki-lens-lazy-core';
const LINK = 'pki-lens-eager-link';

function* coreFiles(dir = CORE) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* coreFiles(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}

/** 'src/core/x509/pem.ts' → 'x509/pem': how the two bundles name a core module. */
const moduleKey = file => path.relative(CORE, file).replace(/\\/g, '/').replace(/\.ts$/, '');
const coreFileOf = key => path.join(CORE, `${key}.ts`);
const importPath = file => `./${path.relative(ROOT, file).replace(/\\/g, '/')}`;

/**
 * Resolves relative imports into `namespace` where `keyOf(the file they resolve to)` names a key (the
 * key as the path); the others resolve as usual. Shared by both lazy bundles (and lazyCommands.mjs).
 */
export function routeImports(build, namespace, keyOf) {
  build.onResolve({ filter: /^\.\.?\// }, async args => {
    if (args.pluginData === 'inner' || args.namespace === namespace) {
      return undefined;
    }
    const resolved = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'inner' });
    const key = resolved.errors.length ? undefined : keyOf(resolved.path);
    return key === undefined ? undefined : { path: key, namespace };
  });
}

/** Resolves relative imports of core modules matching `pick` into `namespace` (key as path); others resolve as usual. */
function routeCoreImports(build, namespace, pick) {
  routeImports(build, namespace, file => (file.startsWith(CORE + path.sep) && pick(moduleKey(file)) ? moduleKey(file) : undefined));
}

/**
 * dist/core.js: `load(eagerModules)` initialises the lazy core (esbuild runs a required ES module's
 * body at its first require) and returns each module's exports by key; its imports of EAGER modules
 * read the entry's.
 */
export function coreBuild(options, outdir) {
  const lazy = [...coreFiles()].filter(f => !EAGER.includes(moduleKey(f)));
  const contents = lazyBundleSource(LINK, lazy.map(f => [moduleKey(f), importPath(f)]), ["  require('reflect-metadata'); // before @peculiar/x509, which needs Reflect metadata"]);
  const plugin = {
    name: 'pki-lens-core-bundle',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${LINK}$`) }, () => ({ path: 'modules', namespace: LINK }));
      routeCoreImports(build, LINK, key => EAGER.includes(key));
      build.onLoad({ filter: /.*/, namespace: LINK }, args => ({
        contents: args.path === 'modules' ? 'exports.modules = undefined;' : `module.exports = require(${JSON.stringify(LINK)}).modules[${JSON.stringify(args.path)}];`,
        loader: 'js', resolveDir: ROOT,
      }));
    },
  };
  return {
    ...options, stdin: { contents, resolveDir: ROOT, sourcefile: 'core-bundle.js', loader: 'js' }, outfile: path.join(outdir, CORE_BUNDLE),
    plugins: [...(options.plugins ?? []), plugin],
  };
}

/**
 * The entry of a bundle loaded at first use: `load(linked)` hands the bundle the modules it reads
 * from the entry (through `link`) and returns each of its own modules' exports by key. Each module's
 * body (and its imports') runs at the first read of its key, not all at the first read of any: a
 * hover runs the parsers' modules, the scan's build the rules' in a later turn.
 */
export function lazyBundleSource(link, modules, prelude = []) {
  return [
    `const link = require(${JSON.stringify(link)});`,
    'exports.load = function load(linked) {',
    '  link.modules = linked;',
    ...prelude,
    '  const modules = {};',
    '  const lazily = (key, init) => Object.defineProperty(modules, key, { enumerable: true, configurable: true, get() {',
    '    const value = init();',
    '    Object.defineProperty(modules, key, { enumerable: true, value });',
    '    return value;',
    '  } });',
    ...modules.map(([key, file]) => `  lazily(${JSON.stringify(key)}, () => require(${JSON.stringify(file)}));`),
    '  return modules;',
    '};',
  ].join('\n');
}

/**
 * The entry's loader of a bundle loaded at first use: its stand-ins' getters require `bundle` (once,
 * through the code cache of dist/extension.js, src/bootstrap.ts) at the first read of an export, and
 * hand it the entry's modules it links to (`links`, a module of its own required only then: the modules
 * it imports import stand-ins themselves, and a stand-in must be complete before anyone imports it).
 */
export function loaderSource(bundle, links) {
  return [
    'let modules;',
    `const load = () => modules ??= require('./extension.js').loadBundle('./${bundle}').load(require(${JSON.stringify(links)}).modules);`,
    'exports.lazyExports = function lazyExports(target, key, names) {',
    "  Object.defineProperty(target, '__esModule', { value: true });",
    '  for (const name of names) {',
    '    Object.defineProperty(target, name, { enumerable: true, get: () => load()[key][name] });',
    '  }',
    '};',
  ].join('\n');
}

/** The export names of every lazy core module, from esbuild's metafile (exports are listed for ES module outputs). */
/** The extension (src/extension.ts → <outdir>/main.js), the core left to load at first use. Used by esbuild.mjs and the bench alike. */
export async function entryBuild(options, outdir) {
  // The commands' stand-ins go first: the core's plugin refuses any other bare import it meets.
  const { commandsShape, lazyCommandsPlugin } = await import('./lazyCommands.mjs');
  const [core, commands] = await Promise.all([coreExports(options), commandsShape(options)]);
  return {
    ...options, entryPoints: [path.join(options.absWorkingDir ?? '.', 'src', 'extension.ts')], outfile: path.join(outdir, 'main.js'), external: ['vscode'],
    plugins: [lazyCommandsPlugin(commands), lazyCorePlugin(core)],
  };
}

/**
 * The file VS Code requires (src/bootstrap.ts → <outdir>/extension.js). The banner is its first
 * statement: activate() reports how long the bundles took to load, and how much of it on the thread's
 * CPU (src/bootstrap.ts `moduleLoadMs`).
 */
export function bootstrapBuild(options, outdir) {
  return {
    ...options, entryPoints: [path.join(options.absWorkingDir ?? '.', 'src', 'bootstrap.ts')], outfile: path.join(outdir, 'extension.js'), external: ['vscode'],
    banner: { js: '"use strict"; var PKI_LENS_LOAD_START = performance.now(), PKI_LENS_LOAD_CPU = process.threadCpuUsage && process.threadCpuUsage();' },
  };
}

export async function coreExports(options) {
  const lazy = [...coreFiles()].filter(f => !EAGER.includes(moduleKey(f)));
  const r = await esbuild.build({
    ...options, absWorkingDir: ROOT, entryPoints: lazy, outdir: path.join(ROOT, 'out', 'core-exports'), format: 'esm', splitting: true, write: false, metafile: true,
    minify: false, sourcemap: false, external: ['vscode'],
  });
  const names = {};
  for (const out of Object.values(r.metafile.outputs)) {
    if (out.entryPoint) {
      names[moduleKey(path.resolve(ROOT, out.entryPoint))] = out.exports;
    }
  }
  return names;
}

/** The entry's esbuild plugin: lazy core imports become stand-ins, library imports an error. */
export function lazyCorePlugin(exportsByKey) {
  return {
    name: 'pki-lens-lazy-core',
    setup(build) {
      build.onResolve({ filter: /^\.\/(core|extension)\.js$/, namespace: LAZY }, args => ({ path: args.path, external: true }));
      build.onResolve({ filter: /^(loader|eager)$/, namespace: LAZY }, args => ({ path: args.path, namespace: LAZY }));
      routeCoreImports(build, LAZY, key => !EAGER.includes(key));
      build.onResolve({ filter: /^[^./]/ }, args => {
        if (args.path === 'vscode' || NODE_BUILTIN.has(args.path) || args.namespace === LAZY) {
          return undefined;
        }
        return { errors: [{ text: `'${args.path}' imported outside src/core: libraries belong to ${CORE_BUNDLE} (scripts/build/lazyCore.mjs)` }] };
      });
      build.onLoad({ filter: /.*/, namespace: LAZY }, args => {
        if (args.path === 'loader' || args.path === 'eager') {
          return { contents: args.path === 'loader' ? LOADER : EAGER_MODULES, loader: 'js', resolveDir: ROOT };
        }
        const names = exportsByKey[args.path];
        if (!names) {
          return { errors: [{ text: `src/core/${args.path}.ts is not in ${CORE_BUNDLE}` }] };
        }
        return { contents: `require('loader').lazyExports(exports, ${JSON.stringify(args.path)}, ${JSON.stringify(names)});\n`, loader: 'js', resolveDir: ROOT };
      });
    },
  };
}

/** Runs in the entry: requires the core bundle at the first read of a lazy export, handing it the EAGER modules. */
const LOADER = loaderSource(CORE_BUNDLE, 'eager');

const EAGER_MODULES = linksSource(EAGER.map(key => [key, importPath(coreFileOf(key))]));

/** A module of the entry that hands a lazy bundle the entry's modules it reads: `modules[key]` is the module at `file`. */
export function linksSource(links) {
  return [
    ...links.map(([, file], i) => `import * as linked${i} from ${JSON.stringify(file)};`),
    `export const modules = {${links.map(([key], i) => `${JSON.stringify(key)}: linked${i}`).join(', ')}};`,
  ].join('\n');
}
