import vscode = require('vscode');
import { EndpointReport } from '../../core/probe/types';
import { Disposable } from '../../util/dispose';

/**
 * The last probe's reports, shared by the views that show them (Problems, the tree's "Served"
 * nodes). They say what servers served at one moment, not what the files say, so the index's
 * rebuilds leave them alone; they are replaced by the next probe and cleared as soon as any file
 * they are about (the `server:` value's kubeconfig, the manifest, the certificate that should be
 * served) changes on disk or in an editor.
 */
export class ProbeResults extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fired when a probe replaced the reports or a file change cleared them. */
  readonly onDidChange = this.changed.event;
  private current: readonly EndpointReport[] = [];
  private involved = new Set<string>();

  constructor() {
    super();
    this._register(vscode.workspace.onDidChangeTextDocument(e => {
      if (e.contentChanges.length) {
        this.fileChanged(e.document.uri);
      }
    }));
  }

  /**
   * Follow the disk through the workspace index's watcher (workspace/watcher.ts): each change once,
   * from whichever watch saw it first, creations too (an atomic write, as renewal's, is a rename).
   * Not a watcher of its own: VS Code's comes 0.1–0.5 s after the write, while the index learns it
   * from its own watch within milliseconds, so a probe run in between lost its fresh reports to a
   * late event for a change made before it.
   */
  followDisk(onDidChangeFile: vscode.Event<vscode.Uri>): void {
    this._register(onDidChangeFile(uri => this.fileChanged(uri)));
  }

  get reports(): readonly EndpointReport[] {
    return this.current;
  }

  set(reports: readonly EndpointReport[]): void {
    this.current = reports;
    this.involved = new Set(reports.flatMap(r => [
      ...r.endpoint.locations.map(l => l.uri),
      ...(r.endpoint.expected ? [r.endpoint.expected.uri] : []),
      ...r.findings.flatMap(f => f.related.map(x => x.uri)),
    ]));
    this.changed.fire();
  }

  clear(): void {
    if (this.current.length) {
      this.set([]);
    }
  }

  private fileChanged(uri: vscode.Uri): void {
    if (this.involved.has(uri.toString())) {
      this.clear();
    }
  }
}
