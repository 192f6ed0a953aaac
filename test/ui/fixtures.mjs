// Generated workspaces for the UI journeys (openssl via the compiled fixture generator), one per run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../scripts/vscode/runtime.mjs';

const GENERATOR = path.join(REPO_ROOT, 'out', 'test', 'fixtures', 'generate.js');

/** Generates `kind` into test-results/ui-ws/<kind> and returns its manifest (root, files, seeded). */
export function generate(kind) {
  const out = path.join(REPO_ROOT, 'test-results', 'ui-ws', kind);
  fs.rmSync(out, { recursive: true, force: true });
  fs.rmSync(`${out}.manifest.json`, { force: true });
  const r = spawnSync(process.execPath, [GENERATOR, kind, out], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`fixture generator failed for ${kind} (did \`npm run compile-tests\` run?):\n${r.stderr}`);
  }
  return JSON.parse(fs.readFileSync(`${out}.manifest.json`, 'utf8'));
}

/** Copies a journey's screenshot into media/screenshots, where README shows it: README always shows the current product. */
export function publish(file) {
  const dir = path.join(REPO_ROOT, 'media', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(file, path.join(dir, path.basename(file)));
}
