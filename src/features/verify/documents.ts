import vscode = require('vscode');

export const VERIFY_SCHEME = 'pki-lens-verify';

/** The verdicts shown as read-only documents, the last 50 of them. */
export class VerifyDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private seq = 0;

  add(label: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: VERIFY_SCHEME, path: `/${label.replace(/[/\\]/g, '∕')} (verify).txt`, query: String(++this.seq) });
    this.texts.set(uri.toString(), text);
    if (this.texts.size > 50) {
      this.texts.delete(this.texts.keys().next().value!); // bounded: old verdicts are not worth keeping
    }
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'This verification is no longer available: run PKI Lens: Verify Chain… again.\n';
  }
}
