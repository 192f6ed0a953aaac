// Integration-test entry: runs the compiled mocha suite (out/test/integration/index.js, exporting run())
// inside VS Code with the built extension (dist/extension.js) loaded as the development extension.
// It builds nothing: run `npm run build && npm run compile-tests` first.
//
// The launcher is the standard @vscode/test-electron runTests(). By default its "VS Code executable" is
// scripts/vscode/code-shim, which runs the tests in code-server + headless chromium (desktop VS Code
// can't be downloaded here). PKI_LENS_VSCODE=desktop lets test-electron download desktop VS Code instead
// (version: PKI_LENS_VSCODE_VERSION, default "stable").
//
// CLI:  node scripts/test-integration.mjs [--folder=DIR] [--tests=FILE] [--extensionDevelopmentPath=DIR]
//                                         [--env=KEY=VALUE ...]
// Exit code: 0 when the suite passed, otherwise the launcher's non-zero code.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { REPO_ROOT, ensureRuntime } from './vscode/runtime.mjs';

const { runTests } = createRequire(import.meta.url)('@vscode/test-electron');
const SHIM = path.join(REPO_ROOT, 'scripts', 'vscode', 'code-shim');
const DEFAULT_TESTS = path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
const DEFAULT_FOLDER = path.join(REPO_ROOT, 'test', 'fixtures');

/** The files the run needs must already be built; say which command makes them when they aren't. */
function checkBuilt(extensionDevelopmentPath, testsPath) {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionDevelopmentPath, 'package.json'), 'utf8'));
  const main = pkg.main && path.resolve(extensionDevelopmentPath, pkg.main);
  const missing = [];
  if (main && !fs.existsSync(main) && !fs.existsSync(`${main}.js`)) { missing.push(`${main} (npm run build)`); }
  if (!fs.existsSync(testsPath) && !fs.existsSync(`${testsPath}.js`)) { missing.push(`${testsPath} (npm run compile-tests)`); }
  if (missing.length) { throw new Error(`not built yet:\n  ${missing.join('\n  ')}`); }
}

/**
 * Runs one integration suite with `folder` open as the workspace; `env` is visible as process.env in
 * the extension host (and so in the tests). Resolves with the exit code: 0 passed, non-zero failed.
 */
export async function runSuite({ testsPath = DEFAULT_TESTS, folder = fs.existsSync(DEFAULT_FOLDER) ? DEFAULT_FOLDER : undefined,
  env = {}, extensionDevelopmentPath = REPO_ROOT } = {}) {
  testsPath = path.resolve(testsPath);
  extensionDevelopmentPath = path.resolve(extensionDevelopmentPath);
  checkBuilt(extensionDevelopmentPath, testsPath);
  const desktop = process.env.PKI_LENS_VSCODE === 'desktop';
  const options = {
    extensionDevelopmentPath,
    extensionTestsPath: testsPath,
    extensionTestsEnv: env,
    // --disable-extensions keeps other installed extensions out of desktop runs (the shim ignores it).
    launchArgs: [...(folder ? [path.resolve(folder)] : []), '--disable-extensions'],
  };
  if (desktop) {
    options.version = process.env.PKI_LENS_VSCODE_VERSION || 'stable';
  } else {
    await ensureRuntime();
    options.vscodeExecutablePath = SHIM;
  }
  try {
    return await runTests(options);
  } catch (e) {
    // TestRunFailedError carries the executable's exit code (1 failed tests, 2 harness error).
    console.error(`integration tests failed: ${e.message}`);
    return typeof e.code === 'number' && e.code !== 0 ? e.code : 1;
  }
}

function parseCli(argv) {
  const o = { env: {} };
  for (const a of argv) {
    const [, key, value] = /^--([\w-]+)=(.*)$/.exec(a) || [];
    switch (key) {
      case 'folder': o.folder = value; break;
      case 'tests': o.testsPath = value; break;
      case 'extensionDevelopmentPath': o.extensionDevelopmentPath = value; break;
      case 'env': {
        const eq = value.indexOf('=');
        if (eq < 1) { throw new Error(`--env needs KEY=VALUE, got ${value}`); }
        o.env[value.slice(0, eq)] = value.slice(eq + 1);
        break;
      }
      default: throw new Error(`unexpected argument ${a}`);
    }
  }
  return o;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exit(await runSuite(parseCli(process.argv.slice(2))));
  } catch (e) {
    console.error(e.message);
    console.error('usage: test-integration.mjs [--folder=DIR] [--tests=FILE] [--extensionDevelopmentPath=DIR] [--env=KEY=VALUE ...]');
    process.exit(2);
  }
}
