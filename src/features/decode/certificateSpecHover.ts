import vscode = require('vscode');
import { DOCUMENTS } from '../../documents';
import { CertificateSpec } from '../../core/kube/certificateSpecs';
import { renderCertificateSpec } from '../../core/render/certificateSpecText';
import { Services } from '../../services';

/**
 * The hover on a cert-manager Certificate's `secretName`, names, duration or usages: what the
 * issued certificate will contain, and whether the Secret's certificate in the workspace matches
 * (the certificate-spec-drift findings of that manifest, from the index's latest build).
 */
export class CertificateSpecHoverProvider implements vscode.HoverProvider {
  constructor(private readonly services: Services) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    try {
      const text = document.getText();
      if (!/cert-manager\.io\//.test(text)) {
        return undefined;
      }
      const analysis = await this.services.cache.analyze(text, document.fileName);
      const offset = document.offsetAt(position);
      for (const spec of analysis.certificateSpecs ?? []) {
        const items = [{ range: spec.secretRange }, ...spec.dnsNames, ...spec.ipAddresses, ...(spec.usages ?? []), spec.duration, spec.renewBefore, spec.commonName];
        const hit = items.find(i => i && i.range.start <= offset && offset <= i.range.end);
        if (hit) {
          const range = new vscode.Range(document.positionAt(hit.range.start), document.positionAt(hit.range.end));
          return new vscode.Hover(new vscode.MarkdownString(this.describe(document, spec), true), range);
        }
      }
      return undefined;
    } catch (e) {
      this.services.logger.error('Certificate hover failed', e);
      return undefined;
    }
  }

  private describe(document: vscode.TextDocument, spec: CertificateSpec): string {
    const snapshot = this.services.index.snapshot;
    const uri = document.uri.toString();
    const owned = [spec.secretRange, ...spec.dnsNames.map(d => d.range), ...spec.ipAddresses.map(d => d.range), ...(spec.usages ?? []).map(u => u.range), spec.duration?.range]
      .filter(r => !!r).map(r => `${r!.start}:${r!.end}`);
    const drift = (snapshot?.findings ?? []).filter(f => f.code === 'certificate-spec-drift' && f.uri === uri && owned.includes(`${f.range.start}:${f.range.end}`)).map(f => f.message.replace(/^Certificate [^:]+: /, ''));
    const secretFound = (snapshot?.files ?? []).some(f => f.analysis.entries.some(e => e.carrier?.owner.kind === 'secret' && e.carrier.owner.name === spec.secretName && (e.carrier.owner.namespace ?? 'default') === spec.namespace));
    return renderCertificateSpec(spec, secretFound ? 'found' : 'missing', drift);
  }
}

export function registerCertificateSpecHover(context: vscode.ExtensionContext, services: Services): void {
  context.subscriptions.push(vscode.languages.registerHoverProvider(DOCUMENTS, new CertificateSpecHoverProvider(services)));
}
