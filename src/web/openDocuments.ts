// The browser's stand-in for the workspace scan: the index is fed the open documents only, so
// diagnostics cover what the user has open (see src/web.ts).
import vscode = require('vscode');
import { PkiLensConfiguration } from '../settings';
import { Disposable } from '../util/dispose';
import { Logger } from '../util/logger';
import { PathFilter } from '../core/pipeline/glob';
import { WorkspaceIndex } from '../workspace/index';

/** Schemes of real files whose open documents get diagnostics (not output channels, decoded views or git). */
const FILE_SCHEMES = new Set(['file', 'vscode-vfs', 'vscode-remote', 'vscode-test-web']);
const TYPING_DEBOUNCE_MS = 300;

/**
 * With only the open documents known, "issuer nowhere in the workspace" would be said of every
 * certificate whose CA file is not open: the diagnostics see the index without that finding.
 */
export function withoutAbsenceFindings(index: WorkspaceIndex): WorkspaceIndex {
  type Snapshot = NonNullable<WorkspaceIndex['snapshot']>;
  const filter = (s: Snapshot): Snapshot => ({ ...s, findings: s.findings.filter(f => f.code !== 'chain-unknown-issuer') });
  return new Proxy(index, {
    get(target, property) {
      if (property === 'snapshot') {
        return target.snapshot && filter(target.snapshot);
      }
      if (property === 'onDidChange') {
        const event: vscode.Event<Snapshot> = (listener, thisArgs, disposables) =>
          target.onDidChange(s => listener.call(thisArgs, filter(s)), undefined, disposables);
        return event;
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Hands the index every open document that a desktop scan would read (same include/exclude
 * settings), while it is open; closing it takes its problems away. The browser never scans.
 */
export class OpenDocumentFeed extends Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly index: WorkspaceIndex, private readonly logger: Logger, private readonly settings: PkiLensConfiguration) {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument(doc => this.push(doc)));
    this._register(vscode.workspace.onDidChangeTextDocument(e => e.contentChanges.length && this.debounce(e.document)));
    this._register(vscode.workspace.onDidCloseTextDocument(doc => this.close(doc.uri)));
    this._register(settings.onDidChange(e => {
      if (e.affects('scan')) {
        vscode.workspace.textDocuments.forEach(doc => (this.wanted(doc) ? this.push(doc) : this.close(doc.uri)));
      } else if (e.affects('expiry') || e.affects('rules')) {
        void this.index.rebuildNow();
      }
    }));
    // Validity moves with the clock even when no document changes: re-judge every hour.
    const clock = setInterval(() => void this.index.rebuildNow(), 60 * 60 * 1000);
    this._register({ dispose: () => { clearInterval(clock); this.timers.forEach(t => clearTimeout(t)); } });
    vscode.workspace.textDocuments.forEach(doc => this.push(doc));
  }

  private wanted(doc: vscode.TextDocument): boolean {
    if (!FILE_SCHEMES.has(doc.uri.scheme)) {
      return false;
    }
    try {
      const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
      const relative = folder ? doc.uri.path.slice(folder.uri.path.replace(/\/$/, '').length) : doc.uri.path;
      const { include, exclude } = this.settings.get(doc.uri).scan;
      return new PathFilter(include, exclude).matches(relative.replace(/^\/+/, ''));
    } catch (e) {
      this.logger.error('matching an open document against pkiLens.scan failed', e);
      return false;
    }
  }

  private push(doc: vscode.TextDocument): void {
    if (this.wanted(doc)) {
      void this.index.editorText(doc.uri, doc.getText());
    }
  }

  private debounce(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (!doc.isClosed) {
        this.push(doc);
      }
    }, TYPING_DEBOUNCE_MS));
  }

  private close(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    void this.index.editorClosed(uri);
  }
}
