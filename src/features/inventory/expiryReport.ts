import vscode = require('vscode');
import { Command } from '../../commands';
import { ExpiryReportInput, renderExpiryReport } from '../../core/render/report';
import { expiryReportFromInventory } from '../../core/render/reportInput';
import { Services } from '../../services';
import type { IndexSnapshot } from '../../workspace/index';

const SCHEME = 'pki-lens-report';
const REPORT_URI = vscode.Uri.from({ scheme: SCHEME, path: '/expiry-report.txt' });

/** What the command returns (tests read the text; the document is read-only). */
export interface ExpiryReportResult {
  uri: vscode.Uri;
  text: string;
}

/** The report's rows come from the same pure function `pki-lens check` uses, so both print the same table. */
export function expiryReportInput(snapshot: IndexSnapshot): ExpiryReportInput {
  const subtitle = (vscode.workspace.workspaceFolders ?? []).map(f => f.name).join(', ') || undefined;
  return expiryReportFromInventory(snapshot.inventory, snapshot.now, subtitle);
}

/** Serves the report as a read-only virtual document, regenerated on every request. */
class ReportContentProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  text = '';

  update(text: string): void {
    this.text = text;
    this.changed.fire(REPORT_URI);
  }

  provideTextDocumentContent(): string {
    return this.text;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerExpiryReport(context: vscode.ExtensionContext, services: Services): void {
  const provider = new ReportContentProvider();
  context.subscriptions.push(
    provider,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    vscode.commands.registerCommand(Command.ExpiryReport, async (options?: { show?: boolean }): Promise<ExpiryReportResult | undefined> => {
      try {
        const snapshot = services.index.snapshot ?? (await services.index.ready());
        const text = renderExpiryReport(expiryReportInput(snapshot));
        provider.update(text);
        if (options?.show !== false) {
          const doc = await vscode.workspace.openTextDocument(REPORT_URI);
          await vscode.window.showTextDocument(doc, { preview: false });
        }
        return { uri: REPORT_URI, text };
      } catch (e) {
        services.logger.error('expiry report failed', e);
        void vscode.window.showErrorMessage('PKI Lens: the expiry report could not be built (see the PKI Lens log).');
        return undefined;
      }
    }),
  );
}
