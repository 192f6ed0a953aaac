import vscode = require('vscode');
import { Command } from '../../commands';
import { predictServerNames } from '../../core/checks/kubeconfigServerName';
import { missingProfileSans } from '../../core/checks/profileSan';
import { profileTargets } from '../../core/checks/profileTargets';
import { CertificateNode } from '../../core/inventory/inventory';
import { parseIp } from '../../core/verify/hostMatch';
import { Services } from '../../services';
import type { IndexSnapshot } from '../../workspace/index';
import { rangeIn } from '../inventory/diagnostics';
import { inventoryFileOf, labelOf } from './targets';
import { codeOf } from './diagnosticCode';

/**
 * Quick Fixes that change a certificate's names: on `kubeconfig-server-name` ("Add IP:10.0.0.5 to
 * pki/apiserver.crt and re-issue…") and on `profile-san` ("Add the missing kubernetes.default.svc
 * names…"). The names come from the same functions the rules use (predictServerNames,
 * missingProfileSans), never from the diagnostic's text; the action runs
 * `pkiLens.editSubjectAltNames`, so the preview, backup and write are renewal's.
 */

/** `10.0.0.5` → `IP:10.0.0.5`, `api.example.com` → `DNS:api.example.com`. */
export function sanFor(host: string): string {
  return `${parseIp(host) ? 'IP' : 'DNS'}:${host}`;
}

export class SubjectAltNameQuickFix implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly services: Services) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    try {
      const snapshot = this.services.index.snapshot;
      const diagnostics = context.diagnostics.filter(d => d.source === 'PKI Lens');
      if (!vscode.workspace.isTrusted || !snapshot || !diagnostics.length) {
        return [];
      }
      const actions: vscode.CodeAction[] = [];
      for (const diagnostic of diagnostics) {
        const code = codeOf(diagnostic);
        const fix = code === 'kubeconfig-server-name' ? this.serverName(snapshot, document, diagnostic)
          : code === 'profile-san' ? this.profileSan(snapshot, document, diagnostic) : undefined;
        if (fix) {
          actions.push(this.action(snapshot, diagnostic, fix.node, fix.add, fix.title));
        }
      }
      return actions;
    } catch (e) {
      this.services.logger.error('subject alternative name quick fix failed', e);
      return [];
    }
  }

  private serverName(snapshot: IndexSnapshot, document: vscode.TextDocument, diagnostic: vscode.Diagnostic) {
    const file = inventoryFileOf(this.services, snapshot, document.uri);
    const prediction = file && predictServerNames(snapshot.inventory).find(p => p.kubeconfig.file === file && !p.match.ok
      && rangeIn(snapshot, file.uri, p.serverRange).start.isEqual(diagnostic.range.start));
    if (!prediction) {
      return undefined;
    }
    const node = prediction.certificate.preferred;
    const name = sanFor(prediction.host);
    return { node, add: [name], title: `Add ${name} to ${labelOf(node)} and re-issue…` };
  }

  private profileSan(snapshot: IndexSnapshot, document: vscode.TextDocument, diagnostic: vscode.Diagnostic) {
    const file = inventoryFileOf(this.services, snapshot, document.uri);
    const target = file && profileTargets(snapshot.inventory).find(t => t.node.file === file && rangeIn(snapshot, file.uri, t.node.range).start.isEqual(diagnostic.range.start));
    if (!target) {
      return undefined;
    }
    // The rule's own list; "IP:10.96.0.1 (the service IP; …)" carries an explanation after the name.
    const add = missingProfileSans(target.node.certificate, target.role, {}).missing.map(m => m.replace(/ .*$/, ''));
    return add.length ? { node: target.node, add, title: `Add the missing name${add.length > 1 ? 's' : ''} ${add.join(', ')} to ${labelOf(target.node)} and re-issue…` } : undefined;
  }

  private action(snapshot: IndexSnapshot, diagnostic: vscode.Diagnostic, node: CertificateNode, add: string[], title: string): vscode.CodeAction {
    const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    action.isPreferred = true;
    const uri = snapshot.byUri.get(node.file.uri)?.uri ?? vscode.Uri.parse(node.file.uri);
    action.command = { command: Command.EditSubjectAltNames, title, arguments: [{ uri, fingerprint: node.fingerprint }, { subjectAltNames: { add } }] };
    return action;
  }
}
