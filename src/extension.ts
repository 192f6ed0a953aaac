import 'reflect-metadata';
import * as vscode from 'vscode';
import { PkiHoverProvider } from './features/hover';
import { Services } from './services';
import { AnalysisCache } from './workspace/analysisCache';
import { LazyOutputLogger } from './util/logger';

/** Documents PKI Lens reads: files on disk, unsaved buffers, and remote/virtual workspaces. */
export const DOCUMENTS: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-vfs' }, { scheme: 'vscode-remote' }];

/** Returned from activate(): what the integration tests (and other extensions) may look at. */
export interface PkiLensApi {
  readonly services: Services;
}

export function activate(context: vscode.ExtensionContext): PkiLensApi {
  const logger = new LazyOutputLogger();
  const services: Services = { cache: new AnalysisCache(), logger };
  context.subscriptions.push(
    logger,
    vscode.languages.registerHoverProvider(DOCUMENTS, new PkiHoverProvider(services.cache, logger)),
  );
  // Each feature registers itself here, one line each: register<Feature>(context, services).
  return { services };
}

export function deactivate(): void {
  // everything is released through context.subscriptions
}
