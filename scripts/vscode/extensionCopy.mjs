// An extension folder made for one run: package.json (optionally with another version), a copy of
// the bundle from `dist` and links to what the manifest points at (media, syntaxes). The cache suite uses it to
// start "the next version" of PKI Lens; the bench to run the production bundle it measures.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './runtime.mjs';

export function extensionCopy(dir, { version, dist = path.join(REPO_ROOT, 'dist') } = {}) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  if (version) { pkg.version = version; }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  // The bundles copied, not linked: Node loads a module by its real path, and VS Code tells which
  // extension called its API by that path. A link out of this folder made every call of PKI Lens's
  // one of `nullExtensionDescription` (its log channel, its warnings), not what a user runs.
  fs.cpSync(path.resolve(dist), path.join(dir, 'dist'), { recursive: true, dereference: true });
  for (const f of ['media', 'syntaxes', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    if (fs.existsSync(path.join(REPO_ROOT, f))) { fs.symlinkSync(path.join(REPO_ROOT, f), path.join(dir, f)); }
  }
  return dir;
}

/** The workspace-storage file an extension wrote under a code-server data dir, or undefined. */
export function findStorageFile(dataDir, name) {
  const base = path.join(dataDir, 'user-data', 'User', 'workspaceStorage');
  if (!fs.existsSync(base)) { return undefined; }
  for (const ws of fs.readdirSync(base)) {
    const f = path.join(base, ws, 'pki-lens.pki-lens', name);
    if (fs.existsSync(f)) { return f; }
  }
  return undefined;
}
