import { children, readTlv } from './x509/der';

// How file bytes become text: shared by the workspace scan, `pki-lens check` and the decoded views,
// so all of them call the same bytes text, UTF-16, or binary.

const fileDecoder = new TextDecoder('utf-8');
const utf16Decoder = new TextDecoder('utf-16le');

/**
 * A file's bytes as text, or undefined for binary content (DER, or NUL bytes that are neither
 * UTF-16 nor PEM text): the workspace scan and `pki-lens check` both decide so. UTF-16 (Windows
 * editors and PowerShell's `>` save PEM so), with or without a byte order mark, is decoded; a
 * PEM file padded or interleaved with NUL bytes is text with NULs (openssl and Go still find its
 * blocks, and a NUL inside a block becomes that block's located error). analyzeBinary says what
 * the rest is.
 */
export function decodeFileText(bytes: Uint8Array): string | undefined {
  const utf16 = utf16Order(bytes);
  if (utf16) {
    return decodeUtf16(bytes, utf16);
  }
  const head = bytes.subarray(0, 8192);
  if ((bytes.length > 1 && bytes[0] === 0x30 && bytes[1] >= 0x80) || isShortDer(bytes)) {
    return undefined;
  }
  if (head.includes(0) && !hasPemMarker(bytes)) {
    return undefined;
  }
  return fileDecoder.decode(bytes);
}

/** `-----BEGIN ` anywhere in the bytes (read as Latin-1, so NULs and odd bytes cannot hide it). */
function hasPemMarker(bytes: Uint8Array): boolean {
  const marker = [0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x42, 0x45, 0x47, 0x49, 0x4e, 0x20];
  for (let i = bytes.indexOf(0x2d); i >= 0 && i + marker.length <= bytes.length; i = bytes.indexOf(0x2d, i + 1)) {
    if (marker.every((b, k) => bytes[i + k] === b)) {
      return true;
    }
  }
  return false;
}

/**
 * UTF-16 by its byte order mark, or without one when the text is plainly UTF-16 ASCII: in the
 * first 4 KB, at least 95 % of the code units have a zero high byte and a non-zero low byte.
 * DER never looks so (its second byte is a length, not a zero after a printable first byte).
 */
function utf16Order(bytes: Uint8Array): 'le' | 'be' | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe && !(bytes[2] === 0 && bytes[3] === 0)) {
    return 'le';
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return 'be';
  }
  const pairs = Math.min(bytes.length, 4096) >> 1;
  if (pairs < 8) {
    return undefined;
  }
  let le = 0;
  let be = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    le += bytes[i] !== 0 && bytes[i + 1] === 0 ? 1 : 0;
    be += bytes[i] === 0 && bytes[i + 1] !== 0 ? 1 : 0;
  }
  return le >= pairs * 0.95 ? 'le' : be >= pairs * 0.95 ? 'be' : undefined;
}

function decodeUtf16(bytes: Uint8Array, order: 'le' | 'be'): string {
  let le = bytes.subarray(0, bytes.length & ~1);
  if (order === 'be') {
    // TextDecoder('utf-16be') needs full ICU, which the browser host does not promise: swap instead.
    const swapped = new Uint8Array(le.length);
    for (let i = 0; i < le.length; i += 2) {
      swapped[i] = le[i + 1];
      swapped[i + 1] = le[i];
    }
    le = swapped;
  }
  return utf16Decoder.decode(le); // a leading BOM (U+FEFF) is dropped by the decoder
}

/** DER under 128 bytes (a short-form length): a SEQUENCE exactly as long as the file whose content parses as DER. */
function isShortDer(bytes: Uint8Array): boolean {
  if (bytes.length < 2 || bytes[0] !== 0x30 || bytes[1] + 2 !== bytes.length) {
    return false;
  }
  const top = readTlv(bytes, 0);
  return !!top && children(bytes, top) !== undefined;
}
