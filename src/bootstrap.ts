// The file VS Code requires on the desktop (package.json "main" → dist/extension.js): a few lines that
// load the extension (dist/main.js, src/extension.ts) and, at its first use, the core (dist/core.js)
// with V8's code cache of both from the extension's global storage (util/codeCache.ts). Small on
// purpose: it is the one file compiled at every start.
import type * as vscode from 'vscode';
import path = require('node:path');
import { BundleLoader, CodeCacheReport } from './util/codeCache';
import { threadCpu, threadCpuMsSince } from './util/threadCpu';

/** performance.now() at this bundle's first statement (its banner, scripts/build/lazyCore.mjs). */
declare const PKI_LENS_LOAD_START: number | undefined;
declare const PKI_LENS_LOAD_CPU: NodeJS.CpuUsage | undefined;

/** What the extension (src/extension.ts) is handed by this entry. */
export interface Bootstrap {
  /**
   * Milliseconds this entry's modules took to run, plus dist/main.js's load (compiled or read from
   * the code cache, then run), wall and on the thread's CPU: what VS Code counts as loading the
   * extension. Not from this file's first statement to main's end: VS Code calls activate() when it
   * is ready to, and that wait is VS Code's.
   */
  moduleLoadMs: number | undefined;
  moduleLoadCpuMs: number | undefined;
  /** What became of each bundle's code cache at its load. */
  codeCache(): Record<string, CodeCacheReport>;
  /** The code that matters has run (the first build is done): write the caches that were missing or refused. */
  saveCodeCache(): Promise<string[]>;
}

interface Extension {
  activate(context: vscode.ExtensionContext, bootstrap: Bootstrap): unknown;
  deactivate(): unknown;
}

const loader = new BundleLoader();
let extension: Extension | undefined;
// This module's body runs after its imports: the entry's modules ran from the banner to here.
const entryLoadMs = typeof PKI_LENS_LOAD_START === 'number' ? performance.now() - PKI_LENS_LOAD_START : undefined;
const entryLoadCpuMs = typeof PKI_LENS_LOAD_CPU === 'object' ? threadCpuMsSince(PKI_LENS_LOAD_CPU) : undefined;

/** A sibling bundle (`./core.js`), through the code cache: dist/main.js's lazy core asks for it here. */
export function loadBundle(relative: string): unknown {
  return loader.load(path.join(__dirname, relative));
}

export function activate(context: vscode.ExtensionContext): unknown {
  if (context.globalStorageUri?.scheme === 'file') {
    loader.cacheDir = path.join(context.globalStorageUri.fsPath, 'code-cache');
  }
  const started = performance.now();
  const startCpu = threadCpu();
  extension = loadBundle('./main.js') as Extension;
  const mainLoadCpuMs = threadCpuMsSince(startCpu);
  return extension.activate(context, {
    moduleLoadMs: entryLoadMs === undefined ? undefined : entryLoadMs + performance.now() - started,
    moduleLoadCpuMs: entryLoadCpuMs === undefined || mainLoadCpuMs === undefined ? undefined : entryLoadCpuMs + mainLoadCpuMs,
    codeCache: () => loader.reports(),
    saveCodeCache: () => loader.save(),
  });
}

export function deactivate(): unknown {
  return extension?.deactivate();
}
