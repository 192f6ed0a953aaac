import vscode = require('vscode');
import { Command } from '../../commands';
import { Services } from '../../services';

/** What the command may be given instead of asking (other extensions, the integration tests). */
export interface UnlockKeystoreArgs {
  password?: string;
  /** Keep the password for the rest of the session (in memory only). */
  remember?: boolean;
}

const REMEMBER = 'Remember for this session';
const ONCE = 'Use for this scan only';

/**
 * PKI Lens: Unlock Keystore. Asks for a keystore password (PKCS#12, JKS, JCEKS) and rescans, so
 * locked stores open everywhere (hover, tree, Problems). The password lives in memory only: it is
 * never written to settings, secret storage or any log; kept for the session only when asked,
 * otherwise dropped as soon as the rescan has used it (what it opened stays open until the file
 * changes). Resolves to true when a rescan ran.
 */
export function registerUnlockKeystore(context: vscode.ExtensionContext, services: Services): void {
  const remembered: string[] = [];
  context.subscriptions.push(vscode.commands.registerCommand(Command.UnlockKeystore, async (args?: UnlockKeystoreArgs) => {
    const password = args?.password ?? await vscode.window.showInputBox({
      title: 'PKI Lens: Unlock Keystore',
      prompt: 'Password of locked keystores (PKCS#12, JKS, JCEKS) and encrypted PEM keys. Never stored or logged.',
      password: true,
      ignoreFocusOut: true,
    });
    if (!password) {
      return false;
    }
    const remember = args?.remember ?? (await vscode.window.showQuickPick([ONCE, REMEMBER], { title: 'Keep the password?' })) === REMEMBER;
    services.cache.setKeystorePasswords([...remembered, password]);
    await services.index.rescan(true);
    if (remember) {
      remembered.push(password);
    } else {
      services.cache.setKeystorePasswords(remembered, { keepAnalyses: true });
    }
    const locked = (services.index.snapshot?.findings ?? []).filter(f => f.code === 'keystore-locked').length;
    services.logger.info(`keystores rescanned with a supplied password; ${locked} still locked`);
    return true;
  }));
}
