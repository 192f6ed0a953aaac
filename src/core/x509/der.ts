/**
 * A minimal, strict DER reader: tag, length, content offsets, nothing else. Used where the full
 * ASN.1 schema machinery is too slow for a workspace scan (see fastCertificate.ts). Every reader
 * returns undefined instead of throwing, so callers can fall back to the schema-based decoder.
 */

/** One TLV: `start` is the tag byte, content is [contentStart, end). */
export interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/**
 * The TLV at `offset`, within `limit`. Definite, minimal-enough lengths only (no BER indefinite form);
 * `lenient` also accepts non-minimal lengths and reads a high tag number's first byte as the tag.
 */
export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length, lenient = false): Tlv | undefined {
  if (offset + 2 > limit) {
    return undefined;
  }
  const tag = bytes[offset];
  if ((tag & 0x1f) === 0x1f && !lenient) {
    return undefined; // high tag numbers never occur in the structures read here
  }
  let length = bytes[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || offset + 2 + n > limit) {
      return undefined;
    }
    length = 0;
    for (let i = 0; i < n; i++) {
      length = length * 256 + bytes[offset + 2 + i];
    }
    if (length < 0x80 && !lenient) {
      return undefined; // non-minimal length: not DER, let the full decoder judge it
    }
    header += n;
  }
  const end = offset + header + length;
  return end <= limit ? { tag, start: offset, contentStart: offset + header, end } : undefined;
}

/** The children of a constructed TLV, or undefined when they do not tile its content exactly. */
/**
 * readTlv for callers that want an exception rather than a fallback (renewal and verification read
 * certificates that have already decoded once): lenient about length encoding, strict about bounds.
 */
export function expectTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv {
  const tlv = readTlv(bytes, offset, limit, true);
  if (!tlv) {
    throw new Error('truncated or malformed DER');
  }
  return tlv;
}

/** The elements inside a constructed TLV, throwing on malformed content (see expectTlv). */
export function expectChildren(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end;) {
    const child = expectTlv(bytes, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

export function children(bytes: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  let at = parent.contentStart;
  while (at < parent.end) {
    const child = readTlv(bytes, at, parent.end);
    if (!child) {
      return undefined;
    }
    out.push(child);
    at = child.end;
  }
  return out;
}

export function content(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.contentStart, tlv.end);
}

/** Dotted OBJECT IDENTIFIER, or undefined when malformed. */
export function oidString(bytes: Uint8Array, tlv: Tlv): string | undefined {
  if (tlv.tag !== 0x06 || tlv.end === tlv.contentStart) {
    return undefined;
  }
  const parts: number[] = [];
  let value = 0;
  let first = true;
  for (let i = tlv.contentStart; i < tlv.end; i++) {
    const b = bytes[i];
    if (value === 0 && b === 0x80) {
      return undefined; // non-minimal arc
    }
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 256) {
      return undefined;
    }
    if (!(b & 0x80)) {
      if (first) {
        const top = value < 40 ? 0 : value < 80 ? 1 : 2;
        parts.push(top, value - top * 40);
        first = false;
      } else {
        parts.push(value);
      }
      value = 0;
    } else if (i === tlv.end - 1) {
      return undefined; // last byte still says "more follows"
    }
  }
  return parts.join('.');
}

const ascii = new TextDecoder('latin1');
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** ASCII-only bytes as a string, or undefined when any byte is ≥ 0x80. */
export function asciiString(bytes: Uint8Array): string | undefined {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x80) {
      return undefined;
    }
  }
  return bytes.length < 64 ? String.fromCharCode.apply(null, bytes as unknown as number[]) : ascii.decode(bytes);
}

/** Well-formed UTF-8 as a string, or undefined. */
export function utf8String(bytes: Uint8Array): string | undefined {
  const plain = asciiString(bytes);
  if (plain !== undefined) {
    return plain;
  }
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return undefined;
  }
}

function digits(bytes: Uint8Array, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = bytes[i] - 0x30;
    if (d < 0 || d > 9) {
      return NaN;
    }
    n = n * 10 + d;
  }
  return n;
}

/** UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ`; any other spelling is left to the full decoder. */
export function timeValue(bytes: Uint8Array, tlv: Tlv): Date | undefined {
  const len = tlv.end - tlv.contentStart;
  const at = tlv.contentStart;
  let year: number;
  let rest: number;
  if (tlv.tag === 0x17 && len === 13) {
    const yy = digits(bytes, at, 2);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = at + 2;
  } else if (tlv.tag === 0x18 && len === 15) {
    year = digits(bytes, at, 4);
    rest = at + 4;
  } else {
    return undefined;
  }
  if (bytes[tlv.end - 1] !== 0x5a /* Z */) {
    return undefined;
  }
  const month = digits(bytes, rest, 2);
  const day = digits(bytes, rest + 2, 2);
  const hour = digits(bytes, rest + 4, 2);
  const minute = digits(bytes, rest + 6, 2);
  const second = digits(bytes, rest + 8, 2);
  const t = Date.UTC(year, month - 1, day, hour, minute, second);
  return Number.isNaN(t) ? undefined : new Date(t);
}
