/**
 * What a workspace scan reads by default, shared by the extension's settings (`pkiLens.scan.*`)
 * and the `pki-lens check` command line, so both see the same files. Pure: no 'vscode' here.
 * The same defaults are declared in package.json's `contributes.configuration`.
 */
export const DEFAULT_INCLUDE = ['**/*.{pem,crt,cer,der,crl,jwk,jwks,key,csr,pub,conf,kubeconfig,yaml,yml,json}', '**/*.{p12,pfx,p7b,p7c,jks,jceks}', '**/kubeconfig', '**/.kube/config'];
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/build/**', '**/*.bak', '**/*.bak/**', '**/*~', '**/*.orig'];
export const DEFAULT_MAX_FILE_SIZE_KB = 2048;

/** Extensions of certificates, keys, requests, keystores and kubeconfigs (`admin.conf`). */
const MATERIAL_EXTENSIONS = new Set(['pem', 'crt', 'cer', 'der', 'crl', 'key', 'csr', 'pub', 'p12', 'pfx', 'p7b', 'p7c', 'jks', 'jceks', 'conf', 'kubeconfig']);

/**
 * The path's name says certificate, key or kubeconfig. A scan that shows findings as it reads
 * (workspace/earlyFindings.ts) reads these first and then the rest: the default globs also match
 * every YAML and JSON file, and in a repository those are mostly manifests without material, often
 * in folders that sort before the certificates' (`charts/`, `deploy/` before `pki/`).
 */
export function namesMaterial(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === 'kubeconfig' || path.endsWith('/.kube/config')) {
    return true;
  }
  const dot = name.lastIndexOf('.');
  return dot >= 0 && MATERIAL_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}
