import vscode = require('vscode');
import { Command } from '../../commands';
import { Services } from '../../services';
import { VERIFY_SCHEME, VerifyDocuments } from './documents';
import { VerifyChainCommand, type VerifyChainOptions } from './verifyChain';

/**
 * `pkiLens.verifyChain` and the scheme of its verdicts. The command is made at its first run:
 * verifyChain.ts is in dist/commands.js (scripts/build/lazyCommands.mjs), which a start never loads.
 */
export function registerVerifyChain(context: vscode.ExtensionContext, services: Services): void {
  const documents = new VerifyDocuments();
  let command: VerifyChainCommand | undefined;
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(VERIFY_SCHEME, documents),
    vscode.commands.registerCommand(Command.VerifyChain, (target?: unknown, options?: VerifyChainOptions) => (command ??= new VerifyChainCommand(services, documents)).run(target, options)),
  );
}
