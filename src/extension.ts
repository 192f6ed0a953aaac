import 'reflect-metadata';
import * as vscode from 'vscode';
import { PkiHoverProvider } from './features/hover';
import { AnalysisCache } from './workspace/analysisCache';
import { LazyOutputLogger } from './util/logger';

/** Documents PKI Lens reads: files on disk, unsaved buffers, and remote/virtual workspaces. */
export const DOCUMENTS: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-vfs' }, { scheme: 'vscode-remote' }];

export interface PkiLensApi {
  readonly cache: AnalysisCache;
}

export function activate(context: vscode.ExtensionContext): PkiLensApi {
  const logger = new LazyOutputLogger();
  const cache = new AnalysisCache();
  context.subscriptions.push(
    logger,
    vscode.languages.registerHoverProvider(DOCUMENTS, new PkiHoverProvider(cache, logger)),
  );
  return { cache };
}

export function deactivate(): void {
  // everything is released through context.subscriptions
}
