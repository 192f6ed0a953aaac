/**
 * A minimal, strict DER reader: tag, length, content offsets, nothing else. Hand-written beside
 * @peculiar/asn1-schema because the schema machinery builds an object graph for every node: a
 * certificate costs ≈1.2 ms through it against tens of microseconds walked here (measured by
 * `npm run bench`), and a workspace scan reads thousands. It also reads what the schema decoder
 * gets wrong (times, see time.ts) and lets renewal and verification see the exact signed bytes.
 * Every reader returns undefined instead of throwing, so callers can fall back to the
 * schema-based decoder, which stays the reference for odd input and for error messages.
 */
import { TimeRounding, asn1TimeText, parseAsn1Time } from './time';


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

/** The children of a constructed TLV, or undefined when they do not tile its content exactly (`lenient`: see readTlv). */
export function children(bytes: Uint8Array, parent: Tlv, lenient = false): Tlv[] | undefined {
  const out: Tlv[] = [];
  let at = parent.contentStart;
  while (at < parent.end) {
    const child = readTlv(bytes, at, parent.end, lenient);
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

/**
 * The instant of a UTCTime or GeneralizedTime TLV (every spelling OpenSSL reads: see time.ts), or
 * undefined for another tag or a bad time value. `round`: see parseAsn1Time.
 */
export function timeValue(bytes: Uint8Array, tlv: Tlv, round: TimeRounding = 'down'): Date | undefined {
  if (tlv.tag !== 0x17 && tlv.tag !== 0x18) {
    return undefined;
  }
  return parseAsn1Time(tlv.tag, asn1TimeText(bytes.subarray(tlv.contentStart, tlv.end)), round);
}
