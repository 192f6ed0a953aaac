import { LineIndex } from '../../core/pipeline/lineIndex';
import { TextRange } from '../../core/x509/pem';
import type { ScanResult, ScannedFile } from '../diskScanner';

/** 1-based line and column, as people and SARIF count. */
export interface Region {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * Where findings sit, for every output format: the file as shown (relative path) and its
 * 1-based region, through the core's line index (the one the Problems panel uses, plus one).
 * DER files have no lines: their findings sit at 1:1.
 */
export class Places {
  readonly byUri: Map<string, ScannedFile>;
  private readonly lines = new Map<string, LineIndex>();

  constructor(result: ScanResult) {
    this.byUri = new Map(result.files.map(f => [f.uri, f] as const));
  }

  fileOf(uri: string): string {
    return this.byUri.get(uri)?.relativePath ?? uri;
  }

  region(uri: string, range: TextRange): Region {
    let index = this.lines.get(uri);
    if (!index) {
      index = LineIndex.of(this.byUri.get(uri)?.text ?? '');
      this.lines.set(uri, index);
    }
    const { start, end } = index.range(range);
    return { line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
  }
}
