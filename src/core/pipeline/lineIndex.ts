import { TextRange } from '../x509/pem';

/** A zero-based line and UTF-16 character, as VS Code's `Position` (the CLI adds 1 for people). */
export interface LinePosition {
  line: number;
  character: number;
}

export interface LineRange {
  start: LinePosition;
  end: LinePosition;
}

/**
 * Offsets to positions for text we read ourselves: the one line index of the workspace, the CLI
 * and the bench, so the Problems panel and `pki-lens check` place a finding on the same line.
 * Lines end at `\n`; a `\r` before it belongs to the line, as in VS Code's own model.
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  private readonly length: number;

  constructor(text: string) {
    this.length = text.length;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      this.starts.push(i + 1);
    }
  }

  static of(text: string | undefined): LineIndex {
    return text === undefined ? EMPTY_LINE_INDEX : new LineIndex(text);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): LinePosition {
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
    return { line: lo, character: o - this.starts[lo] };
  }

  range(r: TextRange): LineRange {
    return { start: this.position(r.start), end: this.position(r.end) };
  }
}

/** A binary (DER) file has no lines: everything sits at the start. */
export const EMPTY_LINE_INDEX = new LineIndex('');
