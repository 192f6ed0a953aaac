// The house rules that a reviewer would otherwise check by eye (ARCHITECTURE.md, "Rules of the house"):
//   - no import cycle in src/ (madge),
//   - no source file in src/ over 400 lines,
//   - src/core stays pure: no 'vscode' import and no Node-only module, so the same core runs in the
//     extension host, the browser build and the CLI,
//   - `vscode` and Node's modules are imported as `import vscode = require('vscode')`: bundled,
//     `import * as vscode` copies every name of VS Code's API into a namespace object in each
//     importing module (esbuild's __toESM), run at every activation; `import * as path from
//     'node:path'` did the same for Node's modules (15 copies at every activation, 2–3 ms of it in
//     plain Node's profile).
// Prints each breach and exits 1 when there is one.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const MAX_LINES = 400;
const problems = [];

function* sources(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

for (const file of sources(SRC)) {
  const rel = path.relative(ROOT, file);
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_LINES) problems.push(`${rel}: ${lines} lines (at most ${MAX_LINES})`);
  for (const m of text.matchAll(/^import \* as (\w+) from '(vscode|node:[\w/]+)';/gm)) {
    problems.push(`${rel}: imports '${m[2]}' as a namespace copy (write: import ${m[1]} = require('${m[2]}'))`);
  }
  if (rel.startsWith(path.join('src', 'core') + path.sep)) {
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)['"]([^'"]+)['"]/g)) {
      const spec = m[1];
      if (spec === 'vscode') problems.push(`${rel}: imports 'vscode' (the core is host-neutral)`);
      else if (spec.startsWith('node:') || ['fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'url'].includes(spec)) {
        problems.push(`${rel}: imports the Node-only module '${spec}' (the core is host-neutral)`);
      }
    }
  }
}

const graph = await madge(SRC, { fileExtensions: ['ts'], tsConfig: path.join(ROOT, 'tsconfig.json') });
for (const cycle of graph.circular()) problems.push(`import cycle: ${cycle.join(' → ')} → ${cycle[0]}`);

for (const p of problems) console.error(p);
console.log(problems.length ? `structure: ${problems.length} problem(s)` : 'structure: no cycle, no file over 400 lines, core pure');
process.exit(problems.length ? 1 : 0);
