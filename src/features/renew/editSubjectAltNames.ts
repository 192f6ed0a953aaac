import vscode = require('vscode');
import { RenewalError, SanEdit, parseSanName } from '../../core/renew';
import { Services } from '../../services';
import { RenewCancelled, RenewCommandResult, emptyResult, parseInvocation } from './model';
import { labelOf, resolveTargets } from './targets';
import { currentSnapshot } from './indexSync';

/**
 * `pkiLens.editSubjectAltNames`: change a certificate's names and re-issue it. The names are asked
 * in two steps (which to keep, which to add — each entry validated as it is typed); then the
 * renewal command does the rest on its one road: the CA found as for renewal, the core keeping the
 * key, subject and every other extension, the same preview, backup and atomic write. With
 * `(target, { subjectAltNames: { add, remove } })` (the Quick Fixes, tests) nothing is asked but the
 * preview.
 */
/** The renewal command this one hands over to (commands.ts's RenewalCommands). */
interface Renewal {
  renewCertificate(...args: unknown[]): Promise<RenewCommandResult>;
}

export class EditSubjectAltNames {
  constructor(private readonly services: Services, private readonly renewal: Renewal) {}

  async run(...args: unknown[]): Promise<RenewCommandResult> {
    let inv;
    try {
      inv = parseInvocation(args);
    } catch {
      return this.renewal.renewCertificate(...args);
    }
    if (inv.options.subjectAltNames) {
      return this.renewal.renewCertificate(...args);
    }
    try {
      const snapshot = await currentSnapshot(this.services, [inv.uri, vscode.window.activeTextEditor?.document.uri]);
      const [node] = await resolveTargets(this.services, snapshot, inv, 'certificate');
      const edit = await askNames(labelOf(node), node.certificate.subjectAltNames.map(s => `${s.type}:${s.value}`));
      const target = { uri: snapshot.byUri.get(node.file.uri)?.uri ?? vscode.Uri.parse(node.file.uri), fingerprint: node.fingerprint };
      return this.renewal.renewCertificate(target, { ...inv.options, subjectAltNames: edit });
    } catch (e) {
      if (e instanceof RenewCancelled) {
        return { ...emptyResult(), cancelled: true };
      }
      // The renewal command says refusals in one way; let it (it resolves the target again and fails the same way).
      return this.renewal.renewCertificate(...args);
    }
  }
}

/** The two steps. Throws RenewCancelled when either is dismissed. */
async function askNames(label: string, current: string[]): Promise<SanEdit> {
  let keep = current;
  if (current.length) {
    const picked = await vscode.window.showQuickPick(current.map(name => ({ label: name, picked: true })), {
      title: `Change Subject Alternative Names of ${label} (1/2): names to keep`,
      placeHolder: 'Untick the names to remove; Enter to go on',
      canPickMany: true,
      ignoreFocusOut: true,
    });
    if (!picked) {
      throw new RenewCancelled();
    }
    keep = picked.map(p => p.label);
  }
  const added = await vscode.window.showInputBox({
    title: `Change Subject Alternative Names of ${label} (2/2): names to add`,
    prompt: 'DNS names and IP addresses, separated by commas or spaces: api.example.com, IP:10.0.0.5, fd00::1',
    ignoreFocusOut: true,
    validateInput: text => {
      for (const entry of splitNames(text)) {
        try {
          parseSanName(entry);
        } catch (e) {
          return e instanceof RenewalError ? e.message : String(e);
        }
      }
      return undefined;
    },
  });
  if (added === undefined) {
    throw new RenewCancelled();
  }
  const edit = { add: splitNames(added), remove: current.filter(n => !keep.includes(n)) };
  if (!edit.add.length && !edit.remove.length) {
    throw new RenewCancelled();
  }
  return edit;
}

function splitNames(text: string): string[] {
  return text.split(/[\s,]+/).map(s => s.trim()).filter(Boolean);
}
