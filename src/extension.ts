import 'reflect-metadata';
import * as vscode from 'vscode';
import { DOCUMENTS } from './documents';
import { PkiHoverProvider } from './features/decode/hover';
import { Services } from './services';
import { AnalysisCache } from './core/pipeline/analysisCache';
import { WorkerAnalyzer } from './workspace/workerAnalyzer';
import { LazyOutputLogger } from './util/logger';
import { WorkspaceIndex, registerWorkspaceIndex } from './workspace/index';
import { registerDiagnostics } from './features/inventory/diagnostics';
import { InventoryTreeApi, registerInventoryTree } from './features/inventory/tree';
import { registerStatusBar } from './features/inventory/statusBar';
import { registerExpiryReport } from './features/inventory/expiryReport';
import { registerCodeLens } from './features/decode/codeLens';
import { registerSymbols } from './features/decode/symbols';
import { registerDecodedView } from './features/decode/decodedView';
import { registerDerDocuments } from './features/decode/derDocuments';
import { registerClipboard } from './features/decode/clipboard';
import { registerEncodeForKubeconfig } from './features/decode/encodeForKubeconfig';
import { registerDecodeToFile } from './features/decode/decodeToFile';
import { registerPathCarriers } from './features/decode/pathCarriers';
import { registerRenewal } from './features/renew/commands';
import { registerServerHover } from './features/decode/serverHover';
import { registerVerifyChain } from './features/verify/verifyChain';


/** Returned from activate(): what the integration tests (and other extensions) may look at. */
export interface PkiLensApi {
  readonly services: Services;
  /** The inventory view's content as data (tests assert the tree through it). */
  readonly inventoryTree: InventoryTreeApi;
}

export function activate(context: vscode.ExtensionContext): PkiLensApi {
  const logger = new LazyOutputLogger();
  const analyzer = WorkerAnalyzer.forExtension(context.extensionPath, logger);
  const cache = new AnalysisCache(2000, analyzer.analyze);
  const services: Services = { cache, logger, index: new WorkspaceIndex(cache, logger) };
  context.subscriptions.push(
    logger,
    analyzer,
    vscode.languages.registerHoverProvider(DOCUMENTS, new PkiHoverProvider(services.cache, logger)),
  );
  // Each feature registers itself here, one line each: register<Feature>(context, services).
  registerDiagnostics(context, services);
  const inventoryTree = registerInventoryTree(context, services);
  registerStatusBar(context, services);
  registerExpiryReport(context, services);
  registerCodeLens(context, services);
  registerSymbols(context, services);
  registerDecodedView(context, services);
  registerDerDocuments(context, services);
  registerClipboard(context, services);
  registerEncodeForKubeconfig(context, services);
  registerDecodeToFile(context, services);
  registerPathCarriers(context, services);
  registerRenewal(context, services);
  registerServerHover(context, services);
  registerVerifyChain(context, services);
  registerWorkspaceIndex(context, services.index, logger); // last: features are listening before the first scan ends
  return { services, inventoryTree };
}

export function deactivate(): void {
  // everything is released through context.subscriptions
}
