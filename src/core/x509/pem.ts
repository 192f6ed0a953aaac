import { decodeBase64 } from './bytes';

/** A half-open character range [start, end) in a document's text. */
export interface TextRange {
  start: number;
  end: number;
}

/** One `-----BEGIN X-----` … `-----END X-----` block found in text. */
export interface PemBlock {
  label: string;
  /** From the first dash of BEGIN to the last dash of END (or the end of the last body line when END is missing). */
  range: TextRange;
  /** RFC 1421 headers such as Proc-Type and DEK-Info. */
  headers: Record<string, string>;
  /** Decoded body; absent when `error` is set. */
  der?: Uint8Array;
  error?: string;
  /** Where in the document the error was found, when it can be pinned down. */
  errorOffset?: number;
}

// RFC 7468 labels: printable characters but '-', single spaces or hyphens between them ("X9.42 DH PARAMETERS").
const BEGIN = /^[ \t]*-----BEGIN ([\x21-\x2c\x2e-\x7e](?:[ -]?[\x21-\x2c\x2e-\x7e])*)-----[ \t]*\r?$/;
const END = /^[ \t]*-----END ([\x21-\x2c\x2e-\x7e](?:[ -]?[\x21-\x2c\x2e-\x7e])*)-----[ \t]*\r?$/;
const HEADER = /^[ \t]*([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*?)\r?$/;

/**
 * Find every PEM block in `text` with exact offsets. Line-based and linear: text before,
 * between and after blocks is ignored; CRLF and leading indentation (YAML block scalars) are fine.
 * A BEGIN with no matching END yields a block with an error instead of being skipped.
 */
export function findPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  if (!text.includes('-----BEGIN ')) {
    return blocks;
  }
  let open: { label: string; start: number; bodyStart: number; bodyEnd: number; headers: Record<string, string>; inHeaders: boolean } | undefined;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) {
      lineEnd = text.length;
    }
    const line = text.slice(lineStart, lineEnd);
    const begin = line.includes('-----BEGIN ') ? BEGIN.exec(line) : null;
    if (begin) {
      if (open) {
        blocks.push(unterminated(open, text));
      }
      const dash = lineStart + line.indexOf('-----BEGIN');
      open = { label: begin[1], start: dash, bodyStart: lineEnd + 1, bodyEnd: lineEnd + 1, headers: {}, inHeaders: true };
    } else if (open) {
      const end = line.includes('-----END ') ? END.exec(line) : null;
      if (end) {
        const endDash = lineStart + line.indexOf('-----END');
        const range = { start: open.start, end: endDash + end[0].trim().length };
        const body = text.slice(open.bodyStart, Math.max(open.bodyStart, lineStart));
        blocks.push(decodeBlock(open.label, end[1], range, open.headers, body, open.bodyStart));
        open = undefined;
      } else if (open.inHeaders && line.includes(':') && HEADER.test(line)) {
        const h = HEADER.exec(line)!;
        open.headers[h[1]] = h[2];
        open.bodyStart = lineEnd + 1;
      } else {
        if (open.inHeaders && line.trim() === '' && Object.keys(open.headers).length) {
          open.bodyStart = lineEnd + 1;
        } else if (line.trim() !== '') {
          open.inHeaders = false;
          open.bodyEnd = lineEnd;
        }
      }
    }
    lineStart = lineEnd + 1;
  }
  if (open) {
    blocks.push(unterminated(open, text));
  }
  return blocks;
}

function unterminated(open: { label: string; start: number; bodyEnd: number }, text: string): PemBlock {
  const end = Math.max(open.bodyEnd, text.indexOf('\n', open.start) < 0 ? text.length : text.indexOf('\n', open.start));
  return {
    label: open.label,
    range: { start: open.start, end: trimEnd(text, end) },
    headers: {},
    error: `PEM block "${open.label}" has no END line (truncated?)`,
    errorOffset: end,
  };
}

function trimEnd(text: string, end: number): number {
  while (end > 0 && (text[end - 1] === '\r' || text[end - 1] === '\n')) {
    end--;
  }
  return end;
}

function decodeBlock(label: string, endLabel: string, range: TextRange, headers: Record<string, string>, body: string, bodyOffset: number): PemBlock {
  if (label !== endLabel) {
    return { label, range, headers, error: `PEM block begins with "${label}" but ends with "${endLabel}"`, errorOffset: range.end };
  }
  const decoded = decodeBase64(body, bodyOffset);
  if (!decoded.ok) {
    return { label, range, headers, error: `PEM body is ${decoded.error}`, errorOffset: decoded.offset };
  }
  if (decoded.bytes.length === 0) {
    return { label, range, headers, error: `PEM block "${label}" is empty`, errorOffset: range.start };
  }
  return { label, range, headers, der: decoded.bytes };
}

/** Wrap DER as a PEM block (64-character lines, LF). */
export function toPem(label: string, base64: string): string {
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
