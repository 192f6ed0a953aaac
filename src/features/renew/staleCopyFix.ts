import vscode = require('vscode');
import { Command } from '../../commands';
import { StaleCopy, staleCopies } from '../../core/checks/kubeconfigStaleCopy';
import { decodeBase64, encodeBase64, utf8 } from '../../core/x509/bytes';
import { toPem } from '../../core/x509/pem';
import { Services } from '../../services';
import { rangeIn } from '../inventory/diagnostics';
import { FilePlan } from './filePlan';
import { RenewCommandError, WrittenFile, asRenewError, reviveUri, toUri } from './model';
import { inventoryFileOf } from './targets';
import { commitFiles, prepareFiles } from './writer';
import { afterWrite, currentSnapshot, writtenBy } from './indexSync';
import { codeOf } from './diagnosticCode';

/**
 * "Update from admin.conf" on `kubeconfig-stale-copy`: the copy's `client-certificate-data` gets the
 * newer certificate, and its `client-key-data` the newer key when the key changed — only those
 * values, through renewal's writer (found again by content, backup, atomic write, undoable in a
 * dirty editor). The command takes `(uri, { user, confirm? })` and resolves with what it wrote.
 */

export interface StaleCopyResult {
  ok: boolean;
  error?: string;
  files: WrittenFile[];
}

export class StaleCopyQuickFix implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly services: Services) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const snapshot = this.services.index.snapshot;
    const diagnostics = context.diagnostics.filter(d => d.source === 'PKI Lens' && codeOf(d) === 'kubeconfig-stale-copy');
    if (!vscode.workspace.isTrusted || !snapshot || !diagnostics.length) {
      return [];
    }
    const file = inventoryFileOf(this.services, snapshot, document.uri);
    const copies = file ? staleCopies(snapshot.inventory).filter(c => c.kubeconfig.file === file) : [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of diagnostics) {
      const copy = copies.find(c => rangeIn(snapshot, file!.uri, c.user.certificateCarrier!.valueRange).start.isEqual(diagnostic.range.start)
        || rangeIn(snapshot, file!.uri, c.client.range).start.isEqual(diagnostic.range.start));
      if (!copy) {
        continue;
      }
      const title = `Update from ${copy.where.file.name}`;
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      action.command = { command: Command.UpdateStaleCopy, title, arguments: [document.uri, { user: copy.user.name }] };
      actions.push(action);
    }
    return actions;
  }
}

/** The newer key's PEM when it differs from the copy's: read from the kubeconfig user that holds the newer certificate. */
function newerKeyPem(copy: StaleCopy, inventory: StaleCopyInventory): string | undefined {
  if (copy.latest.certificate.publicKey.id === copy.client.certificate.publicKey.id) {
    return undefined;
  }
  for (const kubeconfig of inventory.kubeconfigs) {
    for (const user of kubeconfig.users) {
      const value = user.certificates[0]?.record === copy.latest ? user.keyCarrier?.value : undefined;
      const decoded = value !== undefined ? decodeBase64(value.replace(/\s+/g, '')) : undefined;
      if (decoded?.ok) {
        return utf8(decoded.bytes);
      }
    }
  }
  throw new RenewCommandError('key-missing', `the newer certificate has another key, and no kubeconfig in the workspace holds it: copy ${copy.where.file.name}'s client-key-data by hand`);
}

type StaleCopyInventory = Parameters<typeof staleCopies>[0];

export async function updateStaleCopy(services: Services, target: unknown, options: unknown): Promise<StaleCopyResult> {
  try {
    const { user, confirm } = (options ?? {}) as { user?: unknown; confirm?: unknown };
    // A code action's arguments come back as plain objects once they cross to the workbench and back.
    const uri = typeof target === 'string' ? toUri(target) : reviveUri(target);
    if (!uri || typeof user !== 'string') {
      throw new RenewCommandError('invalid-input', 'PKI Lens: expected (kubeconfig uri, { user })');
    }
    const snapshot = await currentSnapshot(services, [uri]);
    const file = inventoryFileOf(services, snapshot, uri);
    const copy = file && staleCopies(snapshot.inventory).find(c => c.kubeconfig.file === file && c.user.name === user);
    if (!copy) {
      throw new RenewCommandError('no-certificate', `user "${user}" of ${vscode.workspace.asRelativePath(uri)} holds no superseded certificate`);
    }
    const plan: FilePlan = {
      uri: snapshot.byUri.get(file.uri)?.uri ?? uri,
      relativePath: file.relativePath,
      replacements: [{
        type: 'kubeconfig-user', where: `${file.relativePath} user ${user}`, user,
        oldDer: copy.client.certificate.der, newDer: copy.latest.certificate.der,
        certificatePem: toPem('CERTIFICATE', encodeBase64(copy.latest.certificate.der)),
        privateKeyPem: newerKeyPem(copy, snapshot.inventory),
      }],
      privateMaterial: false,
    };
    plan.privateMaterial = (plan.replacements[0] as { privateKeyPem?: string }).privateKeyPem !== undefined;
    const prepared = await prepareFiles([plan]);
    if (confirm !== false) {
      const what = plan.privateMaterial ? 'client-certificate-data and client-key-data' : 'client-certificate-data';
      const choice = await vscode.window.showWarningMessage(`Replace ${what} of user "${user}" in ${file.relativePath} with ${copy.where.file.relativePath}'s? A backup of the file is kept.`, { modal: true }, 'Update');
      if (choice !== 'Update') {
        return { ok: false, error: 'cancelled', files: [] };
      }
    }
    const files = await commitFiles(prepared, new Date(), services.settings);
    await afterWrite(services, files, writtenBy(prepared));
    return { ok: true, files };
  } catch (e) {
    const error = asRenewError(e)?.message ?? (e as Error)?.message ?? String(e);
    void vscode.window.showErrorMessage(`PKI Lens: cannot update the copy — ${error}`);
    return { ok: false, error, files: [] };
  }
}
