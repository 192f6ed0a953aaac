import type * as vscode from 'vscode';
import type { BuildOptions, BuildResult } from './build';
import type { IndexedFile } from './model';

/** One consistent view of the workspace's PKI: the files, the linked inventory and the findings. */
export interface IndexSnapshot extends BuildResult {
  /** Increases with every rebuild; consumers drop anything older than what they have shown. */
  readonly generation: number;
  /** Files with material, one per real file (a symlink and its target count once). */
  readonly files: readonly IndexedFile[];
  readonly now: Date;
  /** The expiry thresholds of the folder a file (URI string) is in: what its findings were judged by. */
  readonly thresholdsFor: BuildOptions['thresholdsFor'];
}

/**
 * What the index offers the parts that feed it. The watcher, the editor overlays and the
 * reconciler see only these small interfaces, which `WorkspaceIndex` implements, so none of them
 * imports index.ts back (no import cycle, and each can be driven on its own).
 */
export interface ScopeQuery {
  /** Would a scan read this URI? (in a workspace folder, passes include/exclude) */
  inScope(uri: vscode.Uri): boolean;
}

/** Disk events, as the file watcher reports them. */
export interface DiskEventSink extends ScopeQuery {
  diskChanged(uri: vscode.Uri): Promise<void>;
  diskDeleted(uri: vscode.Uri): Promise<void>;
  folderCreated(uri: vscode.Uri): Promise<void>;
}

/** Open editors' text, which wins over the disk while the editor is open. */
export interface EditorTextSink extends ScopeQuery {
  editorText(uri: vscode.Uri, text: string): Promise<void>;
  editorClosed(uri: vscode.Uri): Promise<void>;
}

/** Converging on the disk without relying on events (see reconcile.ts). */
export interface Reconcilable {
  /** Fires after each build; the reconciler uses it to look again at what was just created. */
  readonly onDidChange: vscode.Event<unknown>;
  /** List and stat everything again, quietly; only what changed is re-read. Skipped while a scan runs. */
  reconcile(): Promise<void>;
  /** Stat again the files created and re-list the folders created lately; false when none is left to watch. */
  revisitFresh(): Promise<boolean>;
}
