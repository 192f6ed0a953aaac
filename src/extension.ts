// The desktop entry (package.json "main"): the Node extension host, with the local file system and a
// worker thread. Adds to the shared activation what needs them: the workspace scan, the inventory
// view and report, writing files (decode to file, renewal) and chain verification.
// The build splits src/core off into dist/core.js, required at its first use (scripts/build/lazyCore.mjs),
// which also brings the Reflect polyfill @peculiar/x509 needs: activation itself never loads a parser.
// The code behind the commands a person runs is dist/commands.js, required at the first of them
// (scripts/build/lazyCommands.mjs): activation registers the commands and compiles none of it.
import vscode = require('vscode');
import os = require('node:os');
import path = require('node:path');
import { activateFeatures } from './activation';
import { AnalysisCache } from './core/pipeline/analysisCache';
import { registerDecodeToFile } from './features/decode/decodeToFile';
import { registerServerHover } from './features/decode/serverHover';
import { registerExpiryReport } from './features/inventory/expiryReport';
import { PkiStatusBar, registerStatusBar } from './features/inventory/statusBar';
import { InventoryTreeApi, registerInventoryTree } from './features/inventory/tree';
import { registerProbe } from './features/probe/command';
import { ProbeResults } from './features/probe/results';
import { registerRenewal } from './features/renew/commands';
import { registerTimeline } from './features/timeline/register';
import { registerVerifyChain } from './features/verify/register';
import { registerUnlockKeystore } from './features/decode/unlockKeystore';
import { registerCertificateSpecHover } from './features/decode/certificateSpecHover';
import { Services } from './services';
import { WorkerAnalyzer } from './workspace/workerAnalyzer';
import { provideNodeCrypto } from './util/nodeCrypto';
import { registerWorkspaceIndex } from './workspace/registerIndex';
import { PersistentAnalysisCache } from './workspace/persistentCache';
import { registerPersistentCache } from './workspace/registerPersistentCache';
import { sharedCache } from './core/inventory/signatureCache';
import { LastFindings, registerLastFindings } from './workspace/lastFindings';
import { threadCpu, threadCpuMsSince } from './util/threadCpu';
import type { Bootstrap } from './bootstrap';
import type { CodeCacheReport } from './util/codeCache';

/** Returned from activate(): what the integration tests (and other extensions) may look at. */
export interface PkiLensApi {
  readonly services: Services;
  /** The inventory view's content as data (tests assert the tree through it). */
  readonly inventoryTree: InventoryTreeApi;
  /** When activate() was entered (Date.now()), for the in-editor benchmark. */
  readonly activatedAt: number;
  /** How long activate() took (ms): what the bench's in-editor activation line reports. */
  readonly activationMs: number;
  /**
   * How long the bundles took to load (ms): dist/extension.js's modules, then dist/main.js compiled
   * (or read from the code cache) and run, as VS Code counts them in activation (src/bootstrap.ts).
   */
  readonly moduleLoadMs: number | undefined;
  /** Of `activationMs` and `moduleLoadMs`, the time the host's thread ran on a CPU (ms; undefined before Node 23.9). */
  readonly activationCpuMs: number | undefined;
  readonly moduleLoadCpuMs: number | undefined;
  /**
   * Whether activate() compiled the core bundle (`dist/core.js`, scripts/build/lazyCore.mjs). It
   * should not: the core loads at the first analysis. A lazy core module read by the settings or the
   * first scan's start once cost 114–357 ms of activation in a window with a folder.
   */
  readonly coreLoadedByActivation: boolean;
  /** Whether activate() compiled the commands' bundle (`dist/commands.js`, scripts/build/lazyCommands.mjs): it loads at the first command that needs it. */
  readonly commandsLoadedByActivation: boolean;
  /** What became of each bundle's V8 code cache at its load (util/codeCache.ts); empty when not bundled. */
  readonly codeCache: () => Record<string, CodeCacheReport>;
  /** The analysis cache kept across reloads (undefined without a workspace folder). */
  readonly persistentCache: PersistentAnalysisCache | undefined;
  /** The last build's findings, kept for the next start (undefined without a workspace folder). */
  readonly lastFindings: LastFindings | undefined;
  /** The status bar's summary (undefined when it failed to start). */
  readonly statusBar: PkiStatusBar | undefined;
}

export function activate(context: vscode.ExtensionContext, bootstrap?: Bootstrap): PkiLensApi {
  const activatedAt = Date.now();
  const activationCpu = threadCpu();
  let inventoryTree: InventoryTreeApi | undefined;
  let statusBar: PkiStatusBar | undefined;
  provideNodeCrypto(); // Triple DES for legacy PKCS#12 keys, which the browser host lacks; a native SHA-256
  let persistentCache: PersistentAnalysisCache | undefined;
  let lastFindings: LastFindings | undefined;
  // The last probe's reports: the probe writes them, the Problems panel and the tree's "Served" nodes show them.
  const probeResults = new ProbeResults();
  context.subscriptions.push(probeResults);
  const services = activateFeatures(context, {
    cache: logger => {
      const analyzer = WorkerAnalyzer.forExtension(context.extensionPath, logger);
      context.subscriptions.push(analyzer);
      // A reload with nothing changed reads its analyses and signature verdicts back (see persistentCache.ts).
      if (context.storageUri?.scheme === 'file') {
        persistentCache = new PersistentAnalysisCache(context.storageUri.fsPath, String(context.extension.packageJSON.version), sharedCache, logger);
        return new AnalysisCache(2000, persistentCache.wrap(analyzer.analyze));
      }
      return new AnalysisCache(2000, analyzer.analyze);
    },
    knownEmptyFiles: () => persistentCache?.knownEmpty,
    homeDir: () => os.homedir(),
    features: [
      { name: 'inventory view', register: s => { inventoryTree = registerInventoryTree(context, s, probeResults); } },
      { name: 'status bar', register: s => { statusBar = registerStatusBar(context, s); } },
      { name: 'expiry report', register: s => registerExpiryReport(context, s) },
      { name: 'decode to file', register: s => registerDecodeToFile(context, s) },
      { name: 'renewal', register: s => registerRenewal(context, s) },
      { name: 'server hover', register: s => registerServerHover(context, s) },
      { name: 'chain verification', register: s => registerVerifyChain(context, s) },
      { name: 'unlock keystore', register: s => registerUnlockKeystore(context, s) },
      { name: 'Certificate hover', register: s => registerCertificateSpecHover(context, s) },
      { name: 'analysis cache', register: s => { if (persistentCache) { context.subscriptions.push(registerPersistentCache(persistentCache, l => s.index.onDidChange(l), () => s.index.buildsSettled())); } } },
      // The Problems panel of the last session, shown at once on the next start where it still holds (see lastFindings.ts).
      { name: 'last findings', register: s => {
        if (context.storageUri?.scheme === 'file') {
          lastFindings = new LastFindings(context.storageUri.fsPath, String(context.extension.packageJSON.version), s.logger);
          context.subscriptions.push(registerLastFindings(lastFindings, s.index, s.settings));
        }
      } },
      { name: 'endpoint probe', register: s => registerProbe(context, s, probeResults) },
      { name: 'expiry timeline', register: s => registerTimeline(context, s) },
      // Last: every feature is listening before the first scan ends.
      { name: 'workspace index', register: s => probeResults.followDisk(registerWorkspaceIndex(context, s.index, s.logger, s.settings).onDidChangeFile) },
    ],
  });
  // Measured here, in the real extension host (the bench's stand-in `vscode` cannot show what a window's own calls cost).
  const activationMs = Date.now() - activatedAt;
  const activationCpuMs = threadCpuMsSince(activationCpu);
  const coreLoadedByActivation = require.cache[path.join(__dirname, 'core.js')] !== undefined;
  const commandsLoadedByActivation = require.cache[path.join(__dirname, 'commands.js')] !== undefined;
  if (bootstrap) {
    // The code cache holds what was compiled when it is made: made once the first build has run every rule.
    const first = services.index.onDidChange(() => {
      first.dispose();
      const timer = setTimeout(() => void bootstrap.saveCodeCache().then(written => written.length && services.logger.info(`code cache written: ${written.map(f => path.basename(f)).join(', ')}`)), CODE_CACHE_DELAY_MS);
      context.subscriptions.push({ dispose: () => clearTimeout(timer) });
    });
    context.subscriptions.push(first);
    services.logger.info(`code cache: ${Object.entries(bootstrap.codeCache()).map(([file, report]) => `${file} ${report.atLoad}`).join(', ')}`);
  }
  return {
    services,
    activatedAt,
    activationMs,
    moduleLoadMs: bootstrap?.moduleLoadMs,
    activationCpuMs,
    moduleLoadCpuMs: bootstrap?.moduleLoadCpuMs,
    coreLoadedByActivation,
    commandsLoadedByActivation,
    codeCache: () => bootstrap?.codeCache() ?? {},
    persistentCache,
    get lastFindings() {
      return lastFindings;
    },
    get statusBar() {
      return statusBar;
    },
    get inventoryTree(): InventoryTreeApi {
      if (!inventoryTree) {
        throw new Error('the PKI Lens inventory view failed to start (see the PKI Lens log)');
      }
      return inventoryTree;
    },
  };
}

/** After the first build, a pause before the code cache is made: the panel and the tree take their turns first. */
const CODE_CACHE_DELAY_MS = 3000;

export function deactivate(): void {
  // everything is released through context.subscriptions
}
