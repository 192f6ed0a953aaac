import vscode = require('vscode');

/**
 * Where the certificate for a key file usually sits: `x.key` → `x.crt`/`x.pem`/`x.cer`,
 * cfssl's `x-key.pem` → `x.pem`. Returns the candidates that exist.
 */
export async function siblingCertificateUris(keyUri: vscode.Uri): Promise<vscode.Uri[]> {
  const path = keyUri.path;
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  const names: string[] = [];
  const cfssl = /^(.*)-key\.pem$/.exec(base);
  if (cfssl) {
    names.push(`${cfssl[1]}.pem`);
  }
  const stem = base.replace(/\.(key|pem)$/i, '');
  if (stem !== base) {
    names.push(`${stem}.crt`, `${stem}.pem`, `${stem}.cer`);
  }
  const found: vscode.Uri[] = [];
  for (const name of names) {
    if (name === base) {
      continue;
    }
    const candidate = keyUri.with({ path: dir + name });
    try {
      await vscode.workspace.fs.stat(candidate);
      found.push(candidate);
    } catch {
      // not there: try the next spelling
    }
  }
  return found;
}
