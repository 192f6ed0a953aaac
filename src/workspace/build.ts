import * as vscode from 'vscode';
import { ExpiryThresholds } from '../core/x509/expiry';
import { Inventory } from '../core/inventory/inventory';
import { Finding, RuleSettings } from '../core/checks';
import { PipelineHost, runPipeline } from '../core/pipeline/pipeline';
import { Logger } from '../util/logger';
import { IndexedFile } from './model';

export type { Finding } from '../core/checks';

export interface BuildResult {
  inventory: Inventory;
  findings: readonly Finding[];
}

export interface BuildOptions {
  now: Date;
  /** The thresholds of the file at a URI (each workspace folder may have its own). */
  thresholdsFor: (uri: string) => ExpiryThresholds;
  /** `pkiLens.rules.<code>` of the file at a URI (per workspace folder). */
  rulesFor?: (uri: string) => RuleSettings | undefined;
  logger: Logger;
  /** The reported file for any URI the index holds (a symlink target resolves to the symlink). */
  resolve: (uri: string) => IndexedFile | undefined;
}

/** The core pipeline over the index's files: this only says how VS Code names, resolves and logs. */
export function buildWorkspace(files: readonly IndexedFile[], options: BuildOptions): Promise<BuildResult> {
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const host: PipelineHost<IndexedFile> = {
    describe: file => ({ uri: file.uri.toString(), relativePath: relativePath(file.uri, multiRoot) }),
    // kubeconfig `client-certificate: ../pki/admin.crt`: relative to the kubeconfig's own folder;
    // only files the index holds can be followed, a symlink's target to whichever spelling it reports.
    resolvePath: (file, value) => {
      const target = value.startsWith('/') ? file.uri.with({ path: value }) : vscode.Uri.joinPath(file.uri, '..', value);
      return options.resolve(target.toString())?.uri.toString();
    },
    onCheckFailure: (rule, e) => options.logger.error(`check ${rule} failed`, e),
  };
  return runPipeline(files, host, { now: options.now, thresholdsFor: options.thresholdsFor, rulesFor: options.rulesFor });
}

/** `pki/ca.crt` inside its workspace folder; `<folder name>/pki/ca.crt` when several folders are open, so trees do not mix. */
export function relativePath(uri: vscode.Uri, multiRoot: boolean): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) {
    return uri.path.replace(/^\/+/, '');
  }
  const rel = uri.path.slice(folder.uri.path.replace(/\/$/, '').length + 1);
  return multiRoot ? `${folder.name}/${rel}` : rel;
}
