import vscode = require('vscode');
import { DocumentAnalysis } from '../core/analyze';
import { EMPTY_LINE_INDEX, LineIndex } from './lineIndex';

/** Where an indexed file's text came from: the disk, or an open editor whose (unsaved) text wins. */
export type FileOrigin = 'disk' | 'editor';

/** One file the index holds, with its analysis and what is needed to place ranges in it. */
export class IndexedFile {
  private lineIndex: LineIndex | undefined;
  private loadedText: string | undefined;
  private loadText: (() => string | undefined) | undefined;
  /** `describedPath`'s answer, and the workspace folders it holds for. */
  private described: string | undefined;
  private describedIn: string | undefined;

  constructor(
    readonly uri: vscode.Uri,
    /** The real file behind `uri` (symlinks resolved); files sharing it are one file. */
    readonly identity: string,
    readonly symlink: boolean,
    readonly mtime: number,
    readonly size: number,
    readonly origin: FileOrigin,
    /**
     * The text read; undefined for binary (DER) files and for files without material (not kept).
     * A function for a file a reload did not read (its analysis came from the persistent cache by
     * its stamp, see knownFiles.ts): called when a feature first asks for the text, and once for
     * the line index (`lines`), which does not keep it.
     */
    text: string | undefined | (() => string | undefined),
    readonly analysis: DocumentAnalysis,
  ) {
    if (typeof text === 'function') {
      this.loadText = text;
    } else {
      this.loadedText = text;
    }
  }

  /**
   * The same file holding `analysis` instead of its own, which must be equal to it as data (see
   * RecordStore.set): links and findings built from the one hold for the other.
   */
  withAnalysis(analysis: DocumentAnalysis): IndexedFile {
    return new IndexedFile(this.uri, this.identity, this.symlink, this.mtime, this.size, this.origin, this.loadText ?? this.loadedText, analysis);
  }

  get text(): string | undefined {
    if (this.loadText) {
      this.loadedText = this.loadText();
      this.loadText = undefined;
    }
    return this.loadedText;
  }

  /**
   * Offsets → positions, computed on first use from the text we read (never by opening a document).
   * A text not held (read later, see the constructor) is read for its lines and not kept: every
   * file a finding points into is indexed at each start, and their texts, held for nothing else,
   * were 4 MB of the extension host's heap at 10,000 certificates. A feature that asks for `text`
   * reads it then.
   */
  get lines(): LineIndex {
    if (this.lineIndex === undefined) {
      const text = this.loadText ? this.loadText() : this.loadedText;
      this.lineIndex = text === undefined ? EMPTY_LINE_INDEX : LineIndex.of(text);
    }
    return this.lineIndex;
  }

  /**
   * The path builds describe this file by (workspace/build.ts), made by `describe` once for the
   * workspace folders `folders` name: asking VS Code for every file's folder at every build took
   * 42 ms of a relink at 10,000 files.
   */
  describedPath(folders: string, describe: () => string): string {
    if (this.describedIn !== folders || this.described === undefined) {
      this.described = describe();
      this.describedIn = folders;
    }
    return this.described;
  }

  get hasMaterial(): boolean {
    return this.analysis.entries.length > 0 || this.analysis.kubeconfigs.length > 0 || !!this.analysis.tlsRoutes?.length || !!this.analysis.certificateSpecs?.length;
  }

  /** The file name, for labels: `admin.conf`, `kubelet-client-current.pem`. */
  get name(): string {
    return this.uri.path.slice(this.uri.path.lastIndexOf('/') + 1);
  }
}

/** The analysis of a file without material: the pipeline's own, shared by every host. */
export { NO_MATERIAL as EMPTY_ANALYSIS } from '../core/pipeline/analysisCache';
