// The desktop entry (package.json "main"): the Node extension host, with the local file system and a
// worker thread. Adds to the shared activation what needs them: the workspace scan, the inventory
// view and report, writing files (decode to file, renewal) and chain verification.
import 'reflect-metadata';
import * as vscode from 'vscode';
import { activateFeatures } from './activation';
import { AnalysisCache } from './core/pipeline/analysisCache';
import { registerDecodeToFile } from './features/decode/decodeToFile';
import { registerServerHover } from './features/decode/serverHover';
import { registerExpiryReport } from './features/inventory/expiryReport';
import { registerStatusBar } from './features/inventory/statusBar';
import { InventoryTreeApi, registerInventoryTree } from './features/inventory/tree';
import { registerRenewal } from './features/renew/commands';
import { registerTimeline } from './features/timeline/panel';
import { registerVerifyChain } from './features/verify/verifyChain';
import { Services } from './services';
import { WorkerAnalyzer } from './workspace/workerAnalyzer';
import { registerWorkspaceIndex } from './workspace/index';

/** Returned from activate(): what the integration tests (and other extensions) may look at. */
export interface PkiLensApi {
  readonly services: Services;
  /** The inventory view's content as data (tests assert the tree through it). */
  readonly inventoryTree: InventoryTreeApi;
}

export function activate(context: vscode.ExtensionContext): PkiLensApi {
  let inventoryTree: InventoryTreeApi | undefined;
  const services = activateFeatures(context, {
    cache: logger => {
      const analyzer = WorkerAnalyzer.forExtension(context.extensionPath, logger);
      context.subscriptions.push(analyzer);
      return new AnalysisCache(2000, analyzer.analyze);
    },
    features: [
      { name: 'inventory view', register: s => { inventoryTree = registerInventoryTree(context, s); } },
      { name: 'status bar', register: s => registerStatusBar(context, s) },
      { name: 'expiry report', register: s => registerExpiryReport(context, s) },
      { name: 'decode to file', register: s => registerDecodeToFile(context, s) },
      { name: 'renewal', register: s => registerRenewal(context, s) },
      { name: 'server hover', register: s => registerServerHover(context, s) },
      { name: 'chain verification', register: s => registerVerifyChain(context, s) },
      { name: 'expiry timeline', register: s => registerTimeline(context, s) },
      // Last: every feature is listening before the first scan ends.
      { name: 'workspace index', register: s => registerWorkspaceIndex(context, s.index, s.logger, s.settings) },
    ],
  });
  return {
    services,
    get inventoryTree(): InventoryTreeApi {
      if (!inventoryTree) {
        throw new Error('the PKI Lens inventory view failed to start (see the PKI Lens log)');
      }
      return inventoryTree;
    },
  };
}

export function deactivate(): void {
  // everything is released through context.subscriptions
}
