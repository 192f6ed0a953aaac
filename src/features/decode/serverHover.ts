import vscode = require('vscode');
import { DOCUMENTS } from '../../documents';
import { CertificateInfo } from '../../core/x509/certificate';
import { httpsHost, predictCluster } from '../../core/checks/kubeconfigServerName';
import { Inventory, KubeconfigClusterNode, KubeconfigNode } from '../../core/inventory/inventory';
import { shortName } from '../../core/x509/name';
import { md } from '../../core/render/hover';
import { renderVerificationMarkdown } from '../../core/render/verification';
import { verifyChain } from '../../core/verify';
import { Services } from '../../services';

/**
 * The hover on a kubeconfig cluster's `server:` line: what kubectl would say on connecting — the
 * whole Go verification (dates, chain, serverAuth, the host or tls-server-name) of the API
 * server's certificate found in the workspace against the cluster's certificate-authority-data.
 * The document's own text places the hover; the index's latest inventory supplies the certificates.
 */
export class ServerHoverProvider implements vscode.HoverProvider {
  constructor(private readonly services: Services) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    try {
      const snapshot = this.services.index.snapshot;
      const text = document.getText();
      if (!snapshot || !/\bserver\s*:/.test(text)) {
        return undefined;
      }
      const analysis = await this.services.cache.analyze(text, document.fileName);
      for (const model of analysis.kubeconfigs) {
        for (const cluster of model.clusters) {
          const r = cluster.serverRange;
          if (!r || !cluster.server) {
            continue;
          }
          const start = document.positionAt(r.start);
          const end = document.positionAt(r.end);
          // The whole `server:` line answers, not only the URL: people point at the key too.
          if (position.line < start.line || position.line > end.line || (position.line === end.line && position.character > end.character)) {
            continue;
          }
          const file = snapshot.inventory.fileByUri.get(document.uri.toString());
          const kubeconfig = file?.kubeconfigs.find(k => k.model.document === model.document);
          const node = kubeconfig?.clusters.find(c => c.index === cluster.index);
          if (!kubeconfig || !node) {
            return undefined;
          }
          const markdown = await this.describe(snapshot.inventory, kubeconfig, node, cluster.server);
          if (!markdown) {
            return undefined;
          }
          const hover = new vscode.MarkdownString(markdown, true);
          return new vscode.Hover(hover, new vscode.Range(start, end));
        }
      }
      return undefined;
    } catch (e) {
      // A hover must never surface an exception; the log keeps the reason.
      this.services.logger.error('server hover failed', e);
      return undefined;
    }
  }

  private async describe(inventory: Inventory, kubeconfig: KubeconfigNode, cluster: KubeconfigClusterNode, server: string): Promise<string | undefined> {
    if (httpsHost(server) === undefined || !cluster.caCertificates.length) {
      return undefined; // not TLS, or trusting the system store: nothing in the workspace to judge by
    }
    const cas = cluster.caCertificates.map(c => shortName(c.certificate.subject)).join(', ');
    const title = `kubectl → ${server}`;
    const prediction = predictCluster(kubeconfig, cluster);
    if (!prediction) {
      return `**${md(title)}** — $(question) no certificate issued by this cluster's CA (${md(cas)}) for serverAuth that could be the API server's is in the workspace; nothing to predict.\n`;
    }
    const result = await verifyChain(
      { leaf: prediction.certificate.certificate, intermediates: [], roots: cluster.caCertificates.map(c => c.certificate) },
      { host: prediction.host, purpose: 'serverAuth', at: new Date() },
    );
    const whereOf = (cert: CertificateInfo) => inventory.records.get(cert.fingerprints.sha256)?.preferred.where;
    const via = prediction.viaTlsServerName ? `\n\n_The name checked is \`tls-server-name: ${prediction.host}\`, not the URL's host._\n` : '';
    return renderVerificationMarkdown(result, { title, whereOf, trustSource: `${cluster.caCarrier?.key ?? 'certificate-authority-data'} of cluster "${cluster.name}" (${cas})` }) + via;
  }
}

export function registerServerHover(context: vscode.ExtensionContext, services: Services): void {
  context.subscriptions.push(vscode.languages.registerHoverProvider(DOCUMENTS, new ServerHoverProvider(services)));
}
