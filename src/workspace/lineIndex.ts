import * as vscode from 'vscode';
import { TextRange } from '../core/x509/pem';

/**
 * Offsets to positions for text we read ourselves, so files that are not open never have to be
 * opened as documents (that would fire onDidOpenTextDocument for every file and cost memory).
 * Lines end at `\n`; a `\r` before it belongs to the line, as in VS Code's own model.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly length: number, text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      this.starts.push(i + 1);
    }
  }

  static of(text: string): LineIndex {
    return new LineIndex(text.length, text);
  }

  position(offset: number): vscode.Position {
    const o = Math.max(0, Math.min(offset, this.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return new vscode.Position(lo, o - this.starts[lo]);
  }

  range(r: TextRange): vscode.Range {
    return new vscode.Range(this.position(r.start), this.position(r.end));
  }
}

/** A binary (DER) file has no lines: everything sits at the start. */
export const EMPTY_LINE_INDEX = LineIndex.of('');
