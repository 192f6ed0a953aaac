// The one activation both entries share (src/extension.ts on the desktop, src/web.ts in the browser):
// services are created here and every feature starts through the same guard. An entry passes only
// what differs: how material is analysed, what the features see of the index, and the features that
// need its reach (the workspace scan and file writes on the desktop, stand-ins in the browser).
// Nothing desktop-only may be imported here: the browser bundle includes this file.
import vscode = require('vscode');
import { AnalysisCache } from './core/pipeline/analysisCache';
import { registerClipboard } from './features/decode/clipboard';
import { registerCodeLens } from './features/decode/codeLens';
import { registerDecodedView } from './features/decode/decodedView';
import { registerDerDocuments } from './features/decode/derDocuments';
import { registerEncodeForKubeconfig } from './features/decode/encodeForKubeconfig';
import { registerHover } from './features/decode/hover';
import { registerPathCarriers } from './features/decode/pathCarriers';
import { registerSymbols } from './features/decode/symbols';
import { registerDiagnostics } from './features/inventory/diagnostics';
import { Services } from './services';
import { PkiLensConfiguration } from './settings';
import { Feature, startFeatures } from './util/features';
import { LazyOutputLogger, Logger } from './util/logger';
import { WorkspaceIndex } from './workspace/index';
import type { KnownEmptyFiles } from './workspace/knownFiles';

export type { Feature } from './util/features';

/** What differs between the desktop and the browser. */
export interface Host {
  /** The cache the features analyse through: backed by a worker thread on the desktop, in-process in the browser. */
  cache(logger: Logger): AnalysisCache;
  /** What features see of the index (the browser, knowing only open documents, hides absence findings). */
  indexView?(index: WorkspaceIndex): WorkspaceIndex;
  /** Files known to hold nothing from an earlier session (the desktop's persistent cache), asked after cache(). */
  knownEmptyFiles?(): KnownEmptyFiles | undefined;
  /** The home folder, where `pkiLens.scan.extraKubeconfigs` starts (`~`); the browser has none and reads no file outside the workspace. */
  homeDir?(): string;
  /** Started after the shared features, in order; whatever feeds the index comes last, so everyone is listening. */
  features: readonly Feature<Services>[];
}

/** Features every host has: they read the document in front of the user and show the index's findings. */
function sharedFeatures(context: vscode.ExtensionContext): Feature<Services>[] {
  return [
    { name: 'hover', register: s => registerHover(context, s) },
    { name: 'path carriers', register: s => registerPathCarriers(context, s) },
    { name: 'code lens', register: s => registerCodeLens(context, s) },
    { name: 'outline', register: s => registerSymbols(context, s) },
    { name: 'decoded view', register: s => registerDecodedView(context, s) },
    { name: 'DER viewer', register: s => registerDerDocuments(context, s) },
    { name: 'clipboard', register: s => registerClipboard(context, s) },
    { name: 'encode for kubeconfig', register: s => registerEncodeForKubeconfig(context, s) },
    { name: 'diagnostics', register: s => registerDiagnostics(context, s) },
  ];
}

/** Create the services once and start every feature; everything is released through context.subscriptions. */
export function activateFeatures(context: vscode.ExtensionContext, host: Host): Services {
  const logger = new LazyOutputLogger();
  const settings = new PkiLensConfiguration();
  context.subscriptions.push(logger, settings);
  const cache = host.cache(logger);
  const index = new WorkspaceIndex(cache, logger, settings, host.knownEmptyFiles?.(), host.homeDir?.());
  context.subscriptions.push(index);
  const services: Services = { cache, logger, settings, index: host.indexView?.(index) ?? index };
  startFeatures([...sharedFeatures(context), ...host.features], services, logger);
  return services;
}
