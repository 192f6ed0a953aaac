import vscode = require('vscode');
import { PkiLensConfiguration } from '../settings';
import { Disposable } from '../util/dispose';
import { PathFilter } from '../core/pipeline/glob';
import type { EditorTextSink } from './ports';

/** Typing settles before the workspace is re-checked; a save or an open is taken at once. */
const TYPING_DEBOUNCE_MS = 300;
const SCHEMES = new Set(['file', 'vscode-vfs', 'vscode-remote']);

/**
 * An open document's text wins over the disk: unsaved edits are what the user is looking at.
 * Documents in scope (or, outside every workspace folder, named like a candidate file) are handed
 * to the index while open and given back to the disk when closed.
 */
export class DocumentOverlays extends Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Made at the first document opened outside every folder: its globs cost 1.7 ms of activation. */
  private outsideFilter: PathFilter | undefined;

  constructor(private readonly index: EditorTextSink, private readonly settings: PkiLensConfiguration) {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument(doc => this.push(doc)));
    this._register(vscode.workspace.onDidChangeTextDocument(e => e.contentChanges.length && this.debounce(e.document)));
    this._register(vscode.workspace.onDidCloseTextDocument(doc => this.close(doc)));
    this._register(settings.onDidChange(e => {
      if (e.affects('scan')) {
        this.outsideFilter = undefined;
      }
    }));
    this._register({ dispose: () => this.timers.forEach(t => clearTimeout(t)) });
  }

  /** Documents already open when the index starts. */
  pushOpenDocuments(): void {
    vscode.workspace.textDocuments.forEach(doc => this.push(doc));
  }

  private wanted(doc: vscode.TextDocument): boolean {
    if (!SCHEMES.has(doc.uri.scheme)) {
      return false;
    }
    if (vscode.workspace.getWorkspaceFolder(doc.uri)) {
      return this.index.inScope(doc.uri);
    }
    // Settings without a folder, for documents opened from outside the workspace.
    if (!this.outsideFilter) {
      const { include, exclude } = this.settings.get().scan;
      this.outsideFilter = new PathFilter(include, exclude);
    }
    return this.outsideFilter.matches(doc.uri.path.replace(/^\/+/, ''));
  }

  private push(doc: vscode.TextDocument): void {
    if (this.wanted(doc)) {
      void this.index.editorText(doc.uri, doc.getText());
    }
  }

  private debounce(doc: vscode.TextDocument): void {
    if (!this.wanted(doc)) {
      return;
    }
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (!doc.isClosed) {
        void this.index.editorText(doc.uri, doc.getText());
      }
    }, TYPING_DEBOUNCE_MS));
  }

  private close(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    void this.index.editorClosed(doc.uri);
  }
}
