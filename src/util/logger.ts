import vscode = require('vscode');

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** A log channel created on first use, so activation pays nothing for it. Never log key material. */
export class LazyOutputLogger implements Logger, vscode.Disposable {
  private channel: vscode.LogOutputChannel | undefined;

  private get out(): vscode.LogOutputChannel {
    this.channel ??= vscode.window.createOutputChannel('PKI Lens', { log: true });
    return this.channel;
  }

  info(message: string): void { this.out.info(message); }
  warn(message: string): void { this.out.warn(message); }
  error(message: string, error?: unknown): void {
    this.out.error(error instanceof Error ? `${message}: ${error.stack ?? error.message}` : message);
  }
  dispose(): void { this.channel?.dispose(); }
}

export const nullLogger: Logger = { info() { /* silent */ }, warn() { /* silent */ }, error() { /* silent */ } };
