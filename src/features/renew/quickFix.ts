import vscode = require('vscode');
import { Command } from '../../commands';
import { Services } from '../../services';
import { rangeIn } from '../inventory/diagnostics';
import { inventoryFileOf, labelOf } from './targets';
import { codeOf } from './diagnosticCode';

/**
 * "Renew…" as a Quick Fix on PKI Lens's `cert-expired` and `cert-expiring` diagnostics. The action
 * runs the renew command with the certificate as a `{ uri, fingerprint, range }` element (as a tree
 * node passes it), so the preview is shown as for any other way in.
 */

const RENEWABLE = new Set(['cert-expired', 'cert-expiring']);

export class RenewQuickFix implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly services: Services) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    try {
      // Renewal writes files; in an untrusted workspace it would only refuse.
      if (!vscode.workspace.isTrusted) {
        return [];
      }
      const diagnostics = context.diagnostics.filter(d => d.source === 'PKI Lens' && RENEWABLE.has(codeOf(d) ?? ''));
      const snapshot = this.services.index.snapshot;
      if (!diagnostics.length || !snapshot) {
        return [];
      }
      const file = inventoryFileOf(this.services, snapshot, document.uri);
      if (!file) {
        return [];
      }
      const actions: vscode.CodeAction[] = [];
      for (const diagnostic of diagnostics) {
        const node = file.certificates.find(c => rangeIn(snapshot, file.uri, c.range).start.isEqual(diagnostic.range.start));
        if (!node) {
          continue;
        }
        const selfSigned = node.record.issuerStatus === 'self-signed';
        const title = selfSigned ? `Renew CA ${labelOf(node)} (same key)…` : `Renew ${labelOf(node)}…`;
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
        action.command = {
          command: selfSigned ? Command.RenewCa : Command.RenewCertificate,
          title,
          arguments: [{ uri: document.uri, fingerprint: node.fingerprint, range: diagnostic.range }],
        };
        actions.push(action);
      }
      const expiring = snapshot.findings.filter(f => RENEWABLE.has(f.code)).length;
      if (actions.length && expiring > 1) {
        const all = new vscode.CodeAction(`Renew all ${expiring} expired or expiring certificates…`, vscode.CodeActionKind.QuickFix);
        all.diagnostics = diagnostics;
        all.command = { command: Command.RenewExpiring, title: all.title };
        actions.push(all);
      }
      return actions;
    } catch (e) {
      this.services.logger.error('renewal quick fix failed', e);
      return [];
    }
  }
}
