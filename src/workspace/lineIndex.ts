import vscode = require('vscode');
import { LineIndex as CoreLineIndex } from '../core/pipeline/lineIndex';
import { TextRange } from '../core/x509/pem';

/**
 * The core's line index, answering in VS Code's types. Offsets of text we read ourselves, so files
 * that are not open never have to be opened as documents (that would fire onDidOpenTextDocument
 * for every file and cost memory).
 */
export class LineIndex {
  private constructor(private readonly lines: Pick<CoreLineIndex, 'position'>) {}

  /** Not made with the core's index, so loading this file at activation does not load dist/core.js (scripts/build/lazyCore.mjs). */
  static readonly empty: LineIndex = new LineIndex({ position: () => ({ line: 0, character: 0 }) });

  static of(text: string | undefined): LineIndex {
    return text === undefined ? EMPTY_LINE_INDEX : new LineIndex(CoreLineIndex.of(text));
  }

  position(offset: number): vscode.Position {
    const p = this.lines.position(offset);
    return new vscode.Position(p.line, p.character);
  }

  range(r: TextRange): vscode.Range {
    return new vscode.Range(this.position(r.start), this.position(r.end));
  }
}

/** A binary (DER) file has no lines: everything sits at the start. */
export const EMPTY_LINE_INDEX = LineIndex.empty;
