import vscode = require('vscode');
import { Command } from '../../commands';
import { Services } from '../../services';

/**
 * "Sign with Local CA…" above every certificate request (a PEM CSR, or a CertificateSigningRequest's
 * spec.request, which the analysis decodes like any carrier), in a trusted workspace; it runs
 * `pkiLens.signCsr` on the file.
 */
export class SignCsrLensProvider implements vscode.CodeLensProvider {
  constructor(private readonly services: Services) {}

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    try {
      const text = document.getText();
      if (!vscode.workspace.isTrusted || !/CERTIFICATE REQUEST|CertificateSigningRequest/.test(text)) {
        return [];
      }
      const analysis = await this.services.cache.analyze(text, document.fileName);
      const requests = analysis.entries.flatMap(e => e.objects.filter(o => o.kind === 'csr' && !o.error));
      // The command signs the file's first request: one lens, on it.
      return requests.slice(0, 1).map(o => new vscode.CodeLens(new vscode.Range(document.positionAt(o.range.start), document.positionAt(o.range.start)),
        { title: '$(workspace-trusted) Sign with Local CA…', command: Command.SignCsr, arguments: [document.uri] }));
    } catch (e) {
      this.services.logger.error('sign CSR lens failed', e);
      return [];
    }
  }
}
