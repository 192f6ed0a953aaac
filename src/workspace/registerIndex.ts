import vscode = require('vscode');
import { Logger } from '../util/logger';
import { nextTurn } from './turns';
import { PkiLensConfiguration } from '../settings';
import type { WorkspaceIndex } from './index';
import { DocumentOverlays } from './overlays';
import { Reconciler } from './reconcile';
import { followMaterialFolders } from './materialFolders';
import { WorkspaceWatcher } from './watcher';
import { registerWatcherCounts, registerWithheldEvents } from './withheldEvents';

/**
 * Start the index: watch the disk and the editors, follow settings and folder changes, and scan
 * in the background, from the turn after activation. The first results arrive through onDidChange.
 */
export function registerWorkspaceIndex(context: vscode.ExtensionContext, index: WorkspaceIndex, logger: Logger, settings: PkiLensConfiguration): Pick<WorkspaceWatcher, 'onDidChangeFile'> {
  const overlays = new DocumentOverlays(index, settings);
  const reconciler = new Reconciler(index, logger);
  // Tests withhold watcher events through this seam to show the index converges without them.
  const withhold = context.extensionMode === vscode.ExtensionMode.Test ? registerWithheldEvents(context) : undefined;
  const watcher = new WorkspaceWatcher(index, logger, withhold);
  const own = followMaterialFolders(context, index, watcher, logger, settings);
  if (withhold) {
    registerWatcherCounts(context, () => ({ ...watcher.counts, ownFolders: own?.folders() ?? [] }));
  }
  context.subscriptions.push(
    index,
    watcher,
    overlays,
    reconciler,
    vscode.workspace.onDidChangeWorkspaceFolders(() => void index.rescan()),
    settings.onDidChange(e => {
      if (e.affects('scan')) {
        void index.rescan();
      } else if (e.affects('expiry') || e.affects('rules')) {
        void index.rebuildNow();
      }
    }),
  );
  // Validity moves with the clock even when no file changes: re-judge every hour.
  const clock = setInterval(() => void index.rebuildNow(), 60 * 60 * 1000);
  context.subscriptions.push({ dispose: () => clearInterval(clock) });
  // The first scan starts a turn after activate() returns: its start (the progress notification,
  // the core's first step, the walk's first folder) was about half of this registration's 5–7 ms on
  // the host's CPU (of activate()'s 14–18 ms), and activation is what VS Code waits for. `ready()` starts the scan if a caller asked for the
  // index before that turn, and waits for it either way.
  let stopped = false;
  context.subscriptions.push({ dispose: () => (stopped = true) });
  void nextTurn().then(async () => {
    if (stopped) {
      return; // deactivated within the turn: nothing to scan for
    }
    await index.ready();
    overlays.pushOpenDocuments();
    reconciler.start();
  });
  return watcher;
}
