/**
 * What a workspace scan reads by default, shared by the extension's settings (`pkiLens.scan.*`)
 * and the `pki-lens check` command line, so both see the same files. Pure: no 'vscode' here.
 * The same defaults are declared in package.json's `contributes.configuration`.
 */
export const DEFAULT_INCLUDE = ['**/*.{pem,crt,cer,der,crl,jwk,jwks,key,csr,pub,conf,kubeconfig,yaml,yml,json}', '**/*.{p12,pfx,p7b,p7c,jks,jceks}', '**/kubeconfig', '**/.kube/config'];
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/build/**', '**/*.bak', '**/*.bak/**', '**/*~', '**/*.orig'];
export const DEFAULT_MAX_FILE_SIZE_KB = 2048;
