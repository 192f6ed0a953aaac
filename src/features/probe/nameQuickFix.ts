import vscode = require('vscode');
import { Command } from '../../commands';
import { hostNamesOf } from '../../core/checks/kubeconfigServerName';
import { verifyHostname } from '../../core/verify/hostMatch';
import { EndpointReport } from '../../core/probe/types';
import { Services } from '../../services';
import { codeOf } from '../renew/diagnosticCode';
import { sanFor } from '../renew/sanQuickFix';
import { PROBE_SOURCE } from './problems';
import { ProbeResults } from './results';

/**
 * The Quick Fix on `served-name-mismatch`: "Add IP:10.0.0.5 to pki/apiserver.crt and re-issue…",
 * through `pkiLens.editSubjectAltNames` (renewal's preview, backup and atomic write). Offered only
 * where it repairs something: the certificate the endpoint should serve is in the workspace, its
 * issuing CA's key too, and that file does not cover the dialled name either (when it does, the
 * server serves a stale copy: restart it, as served-certificate-differs says). The name is the
 * report's `serverName`, never parsed from the message.
 */
export class ServedNameQuickFix implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly services: Services, private readonly results: ProbeResults) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    try {
      const snapshot = this.services.index.snapshot;
      if (!vscode.workspace.isTrusted || !snapshot) {
        return [];
      }
      const actions: vscode.CodeAction[] = [];
      for (const diagnostic of context.diagnostics) {
        if (diagnostic.source !== PROBE_SOURCE || codeOf(diagnostic) !== 'served-name-mismatch') {
          continue;
        }
        const report = this.reportAt(document, diagnostic);
        const expected = report?.endpoint.expected;
        const node = expected && snapshot.inventory.fileByUri.get(expected.uri)?.certificates
          .find(c => c.range.start === expected.range.start && c.fingerprint === expected.certificate.fingerprints.sha256);
        if (!report || !node || !node.record.issuer?.hasKeyInWorkspace || verifyHostname(hostNamesOf(node.certificate), report.endpoint.serverName).ok) {
          continue;
        }
        const name = sanFor(report.endpoint.serverName);
        const title = `Add ${name} to ${expected!.relativePath} and re-issue…`;
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
        const uri = snapshot.byUri.get(node.file.uri)?.uri ?? vscode.Uri.parse(node.file.uri);
        action.command = { command: Command.EditSubjectAltNames, title, arguments: [{ uri, fingerprint: node.fingerprint }, { subjectAltNames: { add: [name] } }] };
        actions.push(action);
      }
      return actions;
    } catch (e) {
      this.services.logger.error('served name quick fix failed', e);
      return [];
    }
  }

  /** The report whose served-name-mismatch finding this diagnostic shows (same file, same start). */
  private reportAt(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): EndpointReport | undefined {
    const uri = document.uri.toString();
    return this.results.reports.find(r => r.findings.some(f => f.code === 'served-name-mismatch' && f.uri === uri
      && document.positionAt(f.range.start).isEqual(diagnostic.range.start)));
  }
}
