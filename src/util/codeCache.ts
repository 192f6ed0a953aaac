// V8's code cache for PKI Lens's own bundles (dist/main.js, dist/core.js), kept in the extension's
// global storage: a start after the first deserialises their bytecode instead of compiling it (in Node
// 24, core.js's compile 35–50 ms → 13–19 ms and its modules' first run 48–74 → 29–40 ms; the entry's
// compile 10–14 → 3 ms). Written by hand on `vm.Script`, not Node's `module.enableCompileCache()`:
// that one is process-wide, and would cache every other extension of the same extension host in our
// folder too. Only bytecode of our own code is stored (no key, no text of the workspace).
// A bundle loaded here holds no `import()` (esbuild.mjs refuses one): vm.Script's needs a callback,
// Node's own is experimental, and Node 20 drops it from a script compiled with a code cache.
import crypto = require('node:crypto');
import fs = require('node:fs');
import Module = require('node:module');
import path = require('node:path');
import vm = require('node:vm');

/** What became of a bundle's cache at its load. */
export type CodeCacheState = 'used' | 'absent' | 'rejected' | 'corrupt' | 'off';

/** A bundle's cache: what became of it at the load, and whether this start wrote one since. */
export interface CodeCacheReport {
  atLoad: CodeCacheState;
  written: boolean;
}

interface Loaded {
  file: string;
  script: vm.Script;
  state: CodeCacheState;
  written: boolean;
  cacheFile: string | undefined;
}

/** A digest ahead of the data: V8 checks a code cache's checksum only in its debug builds. */
const DIGEST_BYTES = 32;

const digest = (data: Uint8Array) => crypto.createHash('sha256').update(data).digest();

/**
 * Loads CommonJS bundles as `require` does, with their code cache from `cacheDir` (when set), and
 * writes the caches that were missing or refused once the code that matters has run (`save`).
 */
export class BundleLoader {
  private readonly loaded: Loaded[] = [];
  cacheDir: string | undefined;

  /** `file`'s exports; a second load of the same file is the first one's (as `require`). */
  load(file: string): unknown {
    const cached = (Module as unknown as { _cache: Record<string, Module> })._cache[file];
    if (cached) {
      return cached.exports;
    }
    const bytes = fs.readFileSync(file);
    const source = bytes.toString('utf8');
    const cacheFile = this.cacheDir ? this.cacheFileOf(file, bytes) : undefined;
    const { data, state } = readCache(cacheFile);
    const script = new vm.Script(Module.wrap(source), { filename: file, cachedData: data });
    this.loaded.push({ file, script, cacheFile, state: state ?? (script.cachedDataRejected ? 'rejected' : 'used'), written: false });
    const module = new Module(file, undefined);
    module.filename = file;
    module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
    (Module as unknown as { _cache: Record<string, Module> })._cache[file] = module;
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
    try {
      wrapper.call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
    } catch (e) {
      delete (Module as unknown as { _cache: Record<string, Module> })._cache[file];
      throw e;
    }
    module.loaded = true;
    return module.exports;
  }

  /** Each loaded bundle, by file name, and what became of its cache. */
  reports(): Record<string, CodeCacheReport> {
    return Object.fromEntries(this.loaded.map(l => [path.basename(l.file), { atLoad: l.state, written: l.written }]));
  }

  /**
   * The caches of bundles that loaded without one, made now (they hold every function compiled so
   * far: call this once the scan has run) and written atomically; older caches of the same bundles
   * go. Never throws: a cache is only ever a saving.
   */
  async save(): Promise<string[]> {
    const written: string[] = [];
    for (const l of this.loaded) {
      if (l.state === 'used' || l.written || !l.cacheFile) {
        continue;
      }
      try {
        const data = l.script.createCachedData();
        await fs.promises.mkdir(path.dirname(l.cacheFile), { recursive: true });
        const temporary = `${l.cacheFile}.${process.pid}.tmp`;
        await fs.promises.writeFile(temporary, Buffer.concat([digest(data), data]));
        await fs.promises.rename(temporary, l.cacheFile);
        l.written = true;
        written.push(l.cacheFile);
        await removeOlder(l.cacheFile, path.basename(l.file));
      } catch {
        // A folder that cannot be written: the next start compiles, as it would without a cache.
      }
    }
    return written;
  }

  /**
   * Named by everything that makes a cache stale: the bundle's content, V8, the CPU. By a digest of
   * the content (0.3 ms for the core): V8 itself compares only the source's length, and takes the
   * bytecode of another script of the same length (a unit test saw it).
   */
  private cacheFileOf(file: string, source: Buffer): string {
    return path.join(this.cacheDir!, `${path.basename(file)}.${digest(source).toString('hex').slice(0, 24)}.v8-${process.versions.v8}-${process.arch}.bin`);
  }
}

function readCache(cacheFile: string | undefined): { data?: Buffer; state?: CodeCacheState } {
  if (!cacheFile) {
    return { state: 'off' };
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(cacheFile);
  } catch {
    return { state: 'absent' };
  }
  const data = bytes.subarray(DIGEST_BYTES);
  if (bytes.length <= DIGEST_BYTES || !digest(data).equals(bytes.subarray(0, DIGEST_BYTES))) {
    return { state: 'corrupt' };
  }
  return { data };
}

/** Caches of other versions of the same bundle: at most one file per bundle stays. */
async function removeOlder(kept: string, bundle: string): Promise<void> {
  const dir = path.dirname(kept);
  for (const name of await fs.promises.readdir(dir)) {
    if (name.startsWith(`${bundle}.`) && name.endsWith('.bin') && path.join(dir, name) !== kept) {
      await fs.promises.rm(path.join(dir, name), { force: true });
    }
  }
}
