import vscode = require('vscode');
import { EndpointReport } from '../../core/probe/types';

export const PROBE_SCHEME = 'pki-lens-probe';

export interface ProbeCommandOptions {
  /** Probe only this endpoint (`https://host:port`), as the CodeLens asks. */
  url?: string;
  /** Open the result document (default true). */
  show?: boolean;
}

export interface ProbeOutcome {
  reports: EndpointReport[];
  skipped: string[];
  text: string;
  uri: vscode.Uri;
  /** Diagnostics published. */
  problems: number;
}

/** The probe's result documents, the last ten. */
export class ProbeDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private seq = 0;

  add(text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PROBE_SCHEME, path: '/Probe result.txt', query: String(++this.seq) });
    this.texts.set(uri.toString(), text);
    if (this.texts.size > 10) {
      this.texts.delete(this.texts.keys().next().value!); // bounded: an old probe is history
    }
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'This probe result is no longer available: run PKI Lens: Probe Endpoints again.\n';
  }
}
