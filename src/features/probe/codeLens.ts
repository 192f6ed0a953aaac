import vscode = require('vscode');
import { Command } from '../../commands';
import { httpsHost } from '../../core/checks/kubeconfigServerName';
import { endpointUrl, parseAddress } from '../../core/probe/endpoints';
import { DOCUMENTS } from '../../documents';
import { Services } from '../../services';
import { LineIndex } from '../../workspace/lineIndex';

/**
 * "Probe what this server serves" above each https `server:` of a kubeconfig, in a trusted
 * workspace only: a click is the explicit act the probe waits for.
 */
export function registerProbeLens(context: vscode.ExtensionContext, services: Services): void {
  const changed = new vscode.EventEmitter<void>();
  context.subscriptions.push(changed, vscode.workspace.onDidGrantWorkspaceTrust(() => changed.fire()));
  context.subscriptions.push(vscode.languages.registerCodeLensProvider(DOCUMENTS, {
    onDidChangeCodeLenses: changed.event,
    async provideCodeLenses(document) {
      if (!vscode.workspace.isTrusted || !/\bserver:/.test(document.getText())) {
        return [];
      }
      const analysis = await services.cache.analyze(document.getText(), document.uri.path);
      const lines = LineIndex.of(document.getText());
      const lenses: vscode.CodeLens[] = [];
      for (const kubeconfig of analysis.kubeconfigs) {
        for (const cluster of kubeconfig.clusters) {
          const hp = cluster.server && httpsHost(cluster.server) !== undefined ? parseAddress(cluster.server) : undefined;
          if (hp && cluster.serverRange) {
            lenses.push(new vscode.CodeLens(lines.range(cluster.serverRange), {
              title: '$(plug) Probe what this server serves',
              tooltip: 'One TLS handshake, no client certificate or token sent; compares the served certificate with the workspace',
              command: Command.ProbeEndpoints,
              arguments: [{ url: endpointUrl(hp.host, hp.port) }],
            }));
          }
        }
      }
      return lenses;
    },
  }));
}
