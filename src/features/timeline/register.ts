import vscode = require('vscode');
import { Command } from '../../commands';
import { Services } from '../../services';
import { TITLES, TimelinePanel } from './panel';
import type { TimelineView } from './protocol';

const VIEW_TYPE = 'pkiLens.timeline';

/**
 * `pkiLens.showTimeline` and `pkiLens.showExpiryTable`: open (or bring forward) the one panel in that
 * view. The panel's code (panel.ts, html.ts, save.ts, protocol.ts) is in dist/commands.js, loaded at
 * the first opening (scripts/build/lazyCommands.mjs).
 */
export function registerTimeline(context: vscode.ExtensionContext, services: Services): void {
  const mediaRoot = vscode.Uri.joinPath(context.extensionUri, 'media', 'timeline');
  let current: TimelinePanel | undefined;
  const show = (view: TimelineView) => {
    try {
      if (current) {
        current.reveal(view);
        return;
      }
      const panel = vscode.window.createWebviewPanel(VIEW_TYPE, TITLES[view], vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [mediaRoot],
      });
      current = new TimelinePanel(panel, services, mediaRoot, view, () => {
        panel.dispose();
        current = undefined;
      });
    } catch (e) {
      services.logger.error('opening the expiry timeline failed', e);
    }
  };
  context.subscriptions.push(
    { dispose: () => current?.dispose() },
    vscode.commands.registerCommand(Command.ShowTimeline, () => show('timeline')),
    vscode.commands.registerCommand(Command.ShowExpiryTable, () => show('table')),
  );
}
