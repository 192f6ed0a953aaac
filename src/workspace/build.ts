import * as vscode from 'vscode';
import { ExpiryThresholds } from '../core/x509/expiry';
import { Inventory, ResolvedPathCarrier, buildInventory, inventoryInputs, resolvePathCarriers as resolveCarriers } from '../core/inventory/inventory';
import { CHECKS, Finding, resolveCheckOptions } from '../core/checks';
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
  logger: Logger;
  /** The reported file for any URI the index holds (a symlink target resolves to the symlink). */
  resolve: (uri: string) => IndexedFile | undefined;
}

/** Link the files' material and run every check: the pure core does the work, this only adapts inputs. */
export async function buildWorkspace(files: readonly IndexedFile[], options: BuildOptions): Promise<BuildResult> {
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const inputs = inventoryInputs(files, file => ({ uri: file.uri.toString(), relativePath: relativePath(file.uri, multiRoot) }));
  const inventory = await buildInventory(inputs, { resolvedPaths: resolvePathCarriers(files, options.resolve) });
  return { inventory, findings: runEveryCheck(inventory, options) };
}

/** `runChecks`, one rule at a time: a rule that throws costs its own findings, not every diagnostic of the workspace. */
function runEveryCheck(inventory: Inventory, options: BuildOptions): Finding[] {
  const resolved = resolveCheckOptions({ now: options.now, thresholdsFor: options.thresholdsFor });
  const findings: Finding[] = [];
  for (const check of CHECKS) {
    try {
      findings.push(...check(inventory, resolved));
    } catch (e) {
      options.logger.error(`check ${check.name || '(anonymous)'} failed`, e);
    }
  }
  return findings;
}

/** `pki/ca.crt` inside its workspace folder; `<folder name>/pki/ca.crt` when several folders are open, so trees do not mix. */
function relativePath(uri: vscode.Uri, multiRoot: boolean): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) {
    return uri.path.replace(/^\/+/, '');
  }
  const rel = uri.path.slice(folder.uri.path.replace(/\/$/, '').length + 1);
  return multiRoot ? `${folder.name}/${rel}` : rel;
}

/**
 * kubeconfig `client-certificate: ../pki/admin.crt` style references: paths are relative to the
 * kubeconfig's own folder. Only references to files the index holds can be followed; a symlink's
 * target resolves to whichever spelling the index reports.
 */
function resolvePathCarriers(files: readonly IndexedFile[], resolve: BuildOptions['resolve']): ResolvedPathCarrier[] {
  return resolveCarriers(files, file => file.uri.toString(), (file, value) => {
    const target = value.startsWith('/') ? file.uri.with({ path: value }) : vscode.Uri.joinPath(file.uri, '..', value);
    return resolve(target.toString())?.uri.toString();
  });
}
