// The browser entry (package.json "browser"): vscode.dev, github.dev and other web workbenches run
// it in a web worker, with WebCrypto and workspace.fs but no local file system or child processes.
// It registers the features that only read the document in front of the user; what needs the
// whole workspace or writes files answers with a message saying so instead.
import 'reflect-metadata';
import * as vscode from 'vscode';
import { Command } from './commands';
import { registerClipboard } from './features/decode/clipboard';
import { registerCodeLens } from './features/decode/codeLens';
import { registerDecodedView } from './features/decode/decodedView';
import { registerDerDocuments } from './features/decode/derDocuments';
import { registerDiagnostics } from './features/inventory/diagnostics';
import { registerEncodeForKubeconfig } from './features/decode/encodeForKubeconfig';
import { PkiHoverProvider } from './features/decode/hover';
import { registerPathCarriers } from './features/decode/pathCarriers';
import { registerSymbols } from './features/decode/symbols';
import { Services } from './services';
import { LazyOutputLogger } from './util/logger';
import { AnalysisCache } from './core/pipeline/analysisCache';
import { WorkspaceIndex } from './workspace/index';
import { OpenDocumentFeed, withoutAbsenceFindings } from './web/openDocuments';
import { DOCUMENTS } from './documents';


const FILE_ACCESS = 'needs a local or remote workspace with file access; it is not available in the browser';
const INVENTORY = 'PKI Lens: the workspace inventory (tree, expiry report, chain verification) reads every file of the '
  + 'workspace, which PKI Lens does not do in the browser. Open files still get hovers, code lenses, the outline, decoded views and problems.';

/** Commands that cannot work here, with what the user is told instead. */
export const UNAVAILABLE_IN_BROWSER: ReadonlyMap<string, string> = new Map([
  [Command.RenewCertificate, `PKI Lens: renewal ${FILE_ACCESS}.`],
  [Command.RenewExpiring, `PKI Lens: renewal ${FILE_ACCESS}.`],
  [Command.RenewCa, `PKI Lens: renewal ${FILE_ACCESS}.`],
  [Command.DecodeToFile, `PKI Lens: Decode to File writes a file and ${FILE_ACCESS}. "Show Decoded" works here.`],
  [Command.RefreshInventory, INVENTORY],
  [Command.ExpiryReport, INVENTORY],
  [Command.VerifyChain, INVENTORY],
  [Command.RevealEntry, INVENTORY],
  [Command.FocusInventory, INVENTORY],
  [Command.GroupByTrust, INVENTORY],
  [Command.GroupByFile, INVENTORY],
]);

export function activate(context: vscode.ExtensionContext): void {
  const logger = new LazyOutputLogger();
  const cache = new AnalysisCache();
  // The index is fed open documents only (OpenDocumentFeed); nothing here ever starts its workspace scan.
  const index = new WorkspaceIndex(cache, logger);
  const services: Services = { cache, logger, index: withoutAbsenceFindings(index) };
  context.subscriptions.push(logger, index);
  const features: [string, () => void][] = [
    ['hover', () => context.subscriptions.push(vscode.languages.registerHoverProvider(DOCUMENTS, new PkiHoverProvider(cache, logger)))],
    ['path carriers', () => registerPathCarriers(context, services)],
    ['code lens', () => registerCodeLens(context, services)],
    ['outline', () => registerSymbols(context, services)],
    ['decoded view', () => registerDecodedView(context, services)],
    ['DER viewer', () => registerDerDocuments(context, services)],
    ['clipboard', () => registerClipboard(context, services)],
    ['encode for kubeconfig', () => registerEncodeForKubeconfig(context, services)],
    ['diagnostics', () => registerDiagnostics(context, services)],
    ['open documents', () => context.subscriptions.push(new OpenDocumentFeed(index, logger))],
    ['inventory view', () => context.subscriptions.push(inventoryPlaceholder())],
    ['unavailable commands', () => registerUnavailable(context)],
  ];
  // One feature failing to start must not take the others (or the extension host) down with it.
  for (const [name, register] of features) {
    try {
      register();
    } catch (e) {
      logger.error(`starting ${name} failed`, e);
    }
  }
}

export function deactivate(): void {
  // everything is released through context.subscriptions
}

/** The inventory view says why it is empty here, rather than "no data provider". */
function inventoryPlaceholder(): vscode.Disposable {
  const view = vscode.window.createTreeView<never>('pkiLens.inventory', { treeDataProvider: { getChildren: () => [], getTreeItem: e => e } });
  view.message = INVENTORY.replace(/^PKI Lens: /, '');
  return view;
}

/** Every command the browser cannot run answers with its message; resolves to it, so callers (and tests) see why. */
function registerUnavailable(context: vscode.ExtensionContext): void {
  for (const [command, message] of UNAVAILABLE_IN_BROWSER) {
    context.subscriptions.push(vscode.commands.registerCommand(command, () => {
      void vscode.window.showWarningMessage(message);
      return message;
    }));
  }
}
