// The browser entry (package.json "browser"): vscode.dev, github.dev and other web workbenches run
// it in a web worker, with WebCrypto and workspace.fs but no local file system or child processes.
// It registers the features that only read the document in front of the user; what needs the
// whole workspace or writes files answers with a message saying so instead.
import 'reflect-metadata';
import vscode = require('vscode');
import { activateFeatures } from './activation';
import { Command } from './commands';
import { AnalysisCache } from './core/pipeline/analysisCache';
import { OpenDocumentFeed, withoutAbsenceFindings } from './web/openDocuments';


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
  [Command.UnlockKeystore, 'PKI Lens: keystores (.p12, .jks) are binary files, which the browser build does not read; a keystore in an open Secret is still decoded when it needs no password.'],
  [Command.ProbeEndpoints, 'PKI Lens: probing endpoints opens TLS connections, which needs the desktop VS Code (a local or remote workspace); it is not available in the browser.'],
  [Command.ShowTimeline, INVENTORY],
  [Command.EditSubjectAltNames, `PKI Lens: re-issuing a certificate with other names ${FILE_ACCESS}.`],
  [Command.UpdateStaleCopy, `PKI Lens: updating a stale kubeconfig copy ${FILE_ACCESS}.`],
  [Command.SignCsr, `PKI Lens: signing a request with the local CA ${FILE_ACCESS}.`],
  [Command.ShowExpiryTable, INVENTORY],
]);

export function activate(context: vscode.ExtensionContext): void {
  activateFeatures(context, {
    // In-process: the worker analyzer (workspace/workerAnalyzer.ts) is built on Node's worker_threads.
    cache: () => new AnalysisCache(),
    indexView: withoutAbsenceFindings,
    features: [
      { name: 'inventory view', register: () => context.subscriptions.push(inventoryPlaceholder()) },
      { name: 'unavailable commands', register: () => registerUnavailable(context) },
      // The index is fed open documents only; nothing here ever starts its workspace scan.
      { name: 'open documents', register: s => context.subscriptions.push(new OpenDocumentFeed(s.index, s.logger, s.settings)) },
    ],
  });
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
