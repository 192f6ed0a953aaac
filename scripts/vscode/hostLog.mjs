// What VS Code's extension host logged about PKI Lens in a run: its warnings and errors fail the run.
// A user sees them in the "Extension Host" output channel; the tests' own output never shows them.
// VS Code names the extension that made an API call in brackets (`[pki-lens.pki-lens]`), or
// `[nullExtensionDescription]` when it could not tell which extension called (a bundle required
// from outside the extension's folder, which it also reports as "Could not identify extension").
import fs from 'node:fs';
import path from 'node:path';

// (A test module outside the extension's folder is not identified either: only the bundles count.)
const OURS = /\[(warning|error)\] (\[pki-lens\.pki-lens\]|\[nullExtensionDescription\]|Could not identify extension for 'vscode' require call from \S*\/dist\/)/;

/** The extension host's log folders under a code-server data dir (one per window start). */
export function hostLogFolders(dataDir) {
  const logs = path.join(dataDir, 'user-data', 'logs');
  return fs.existsSync(logs) ? fs.readdirSync(logs).map(d => path.join(logs, d)) : [];
}

/** The lines of PKI Lens's warnings and errors in the host logs of the folders not in `before` (a reused data dir keeps earlier starts'). */
export function hostLogComplaints(dataDir, before = []) {
  const complaints = [];
  for (const folder of hostLogFolders(dataDir).filter(f => !before.includes(f))) {
    const file = path.join(folder, 'exthost1', 'remoteexthost.log');
    if (!fs.existsSync(file)) {
      continue;
    }
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (OURS.test(line)) {
        complaints.push(line.length > 300 ? `${line.slice(0, 300)}…` : line);
      }
    }
  }
  return complaints;
}
