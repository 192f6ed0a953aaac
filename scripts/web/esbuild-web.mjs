// The browser build's platform seams: what the few Node-only corners of src/ become in VS Code's
// web-worker extension host (vscode.dev, github.dev). Used by esbuild.mjs for dist/web/extension.js
// and by scripts/test-web.mjs for the web test bundle.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');

const UNAVAILABLE = 'pki-lens-unavailable-in-browser';
const NODE_BUILTIN = new RegExp(`^(node:.*|${builtinModules.map(m => m.replace(/[/.]/g, '\\$&')).join('|')})$`);

/** Node-only imports the last browser build replaced, as `importer → module` (scripts/test-web.mjs prints them). */
export const stubbedImports = new Set();

/**
 * A module with the exports of Node's `name` in which every function fails when called (promise
 * APIs reject, others throw); nothing fails at import. Generated from the running Node, so a new
 * import of another function never breaks the build.
 */
async function unavailableModule(name) {
  const real = await import(`node:${name}`);
  const promises = /(^|\/)promises$/.test(name);
  const lines = [
    `const unavailable = fn => ${promises ? 'async ' : ''}() => { throw new Error(\`${name}.\${fn} is not available in the browser\`); };`,
    'const all = {};',
  ];
  for (const key of Object.keys(real).filter(k => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k))) {
    lines.push(`export const ${key} = all.${key} = ${typeof real[key] === 'function' ? `unavailable('${key}')` : '{}'};`);
  }
  lines.push('export default all;');
  return lines.join('\n');
}

export function webPlatformPlugin() {
  return {
    name: 'pki-lens-web-platform',
    setup(build) {
      // Shared modules the browser entry reaches also serve the desktop scan and renewal, which use
      // Node's fs, path and crypto (workspace/files.ts reads `file:` URIs with fs, faster than
      // workspace.fs). The browser never scans or writes, and callers treat a failed read as "no such
      // file", so those imports get stand-ins that fail when called; the web suite proves the browser
      // features never call them.
      build.onResolve({ filter: NODE_BUILTIN }, args => {
        const name = args.path.replace(/^node:/, '');
        stubbedImports.add(`${path.relative(ROOT, args.importer)} → ${name}`);
        return { path: name, namespace: UNAVAILABLE };
      });
      build.onLoad({ filter: /.*/, namespace: UNAVAILABLE }, async args => ({ contents: await unavailableModule(args.path), loader: 'js' }));
    },
  };
}

/** esbuild options shared by the browser builds (the extension and its test bundle). */
export const webOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'browser',
  format: 'cjs',
  target: 'es2022',
  // yaml and @peculiar/* ship browser-safe ESM; prefer it over their Node entry points.
  mainFields: ['browser', 'module', 'main'],
  external: ['vscode'],
  logLevel: 'warning',
  plugins: [webPlatformPlugin()],
};

/** The browser extension itself, as esbuild.mjs and scripts/test-web.mjs build it. */
export function webExtensionBuild({ production = false } = {}) {
  return {
    ...webOptions,
    sourcemap: !production,
    minify: production,
    entryPoints: ['src/web.ts'],
    outfile: 'dist/web/extension.js',
  };
}
