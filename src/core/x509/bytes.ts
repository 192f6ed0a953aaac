/** Byte helpers shared by the core. Pure: no Node `Buffer`, so the core also runs in a browser host. */

export type Bytes = Uint8Array;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Joined rather than appended: `out +=` leaves a tree of one V8 cons-string node per byte, which
 * a kept fingerprint or key identifier holds for as long as its certificate's analysis lives
 * (≈5 KB of nodes per certificate, half of an analysis's heap); `join` makes one flat string.
 */
export function toHex(bytes: ArrayBuffer | Uint8Array, separator = ''): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const parts = new Array<string>(view.length);
  for (let i = 0; i < view.length; i++) {
    parts[i] = HEX[view[i]];
  }
  return parts.join(separator);
}

/** A map key for short DER (a name, an identifier): its bytes as a binary string, cheaper to make than hex. */
export function bytesKey(der: Uint8Array): string {
  return der.length <= 4096 ? String.fromCharCode.apply(null, der as unknown as number[]) : toHex(der);
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(clean.substr(i * 2, 2), 16);
  }
  return out;
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  // Uint8Array's slice copies; Node's Buffer overrides it with a view of the same (pooled) memory.
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Character code → 6-bit value; WS for skipped whitespace, PAD for '=', -1 for anything else. */
const B64_VALUE = new Int8Array(128).fill(-1);
const WS = -2;
const PAD = -3;
for (let i = 0; i < B64_ALPHABET.length; i++) {
  B64_VALUE[B64_ALPHABET.charCodeAt(i)] = i;
}
for (const c of [0x20, 0x09, 0x0a, 0x0d]) {
  B64_VALUE[c] = WS;
}
B64_VALUE[0x3d] = PAD;

export type Base64Result = { ok: true; bytes: Uint8Array } | { ok: false; error: string; offset: number };

/**
 * Strict base64 decoding that reports *where* the input goes wrong. Hand-written rather than
 * Buffer.from(…, 'base64') or atob: the browser build has no Buffer, and both of those skip or
 * reject bad characters without saying where, while a diagnostic must point at the character.
 * Written by hand because atob/Buffer either throw without a position or silently skip bad
 * characters, and a located message ("unexpected character at offset 1234") is the point.
 * Whitespace (as in wrapped PEM bodies and folded YAML) is skipped.
 */
export function decodeBase64(text: string, baseOffset = 0): Base64Result {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let acc = 0;
  let bits = 0;
  let n = 0;
  let significant = 0;
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64_VALUE[c] : -1;
    if (v === WS) {
      continue;
    }
    if (v === PAD) {
      padding++;
      if (padding > 2) {
        return { ok: false, error: `not valid base64 (too much padding at offset ${baseOffset + i})`, offset: baseOffset + i };
      }
      continue;
    }
    if (v < 0 || padding > 0) {
      const what = padding > 0 ? 'data after padding' : `unexpected character ${JSON.stringify(text[i])}`;
      return { ok: false, error: `not valid base64 (${what} at offset ${baseOffset + i})`, offset: baseOffset + i };
    }
    significant++;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  if (significant % 4 === 1) {
    return { ok: false, error: `not valid base64 (truncated: ${significant} characters is not a whole number of bytes)`, offset: baseOffset + text.length };
  }
  if (padding > 0 && (significant + padding) % 4 !== 0) {
    return { ok: false, error: `not valid base64 (wrong padding at offset ${baseOffset + text.length})`, offset: baseOffset + text.length };
  }
  return { ok: true, bytes: out.slice(0, n) };
}

/**
 * Standard base64 with padding. Hand-written: the core runs in the browser host, which has no
 * Buffer, and btoa needs a binary string built first (two passes, and quadratic when built with +=).
 */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64_ALPHABET[v >> 18] + B64_ALPHABET[(v >> 12) & 63] + B64_ALPHABET[(v >> 6) & 63] + B64_ALPHABET[v & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i] << 16;
    out += B64_ALPHABET[v >> 18] + B64_ALPHABET[(v >> 12) & 63] + '==';
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64_ALPHABET[v >> 18] + B64_ALPHABET[(v >> 12) & 63] + B64_ALPHABET[(v >> 6) & 63] + '=';
  }
  return out;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

export function utf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** SHA digests through WebCrypto, available in Node's extension host and in browsers alike. */
export async function digest(algorithm: 'SHA-1' | 'SHA-256', bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest(algorithm, toArrayBuffer(bytes)));
}

/** Texts up to this length are hashed whole; longer ones by their ends and an even sample between. */
const CONTENT_KEY_WHOLE = 65536;

/**
 * A cheap, synchronous content key for caches (FNV-1a over the text, with its length); collisions
 * only cost a cache miss check, since callers compare the stored text on a hit. Long texts (a 5 MB
 * kubeconfig on every hover) hash 16 K characters at each end and ~64 K spread over the middle:
 * ≈0.3 ms instead of ≈12 ms, and an edit the sample misses just costs that comparison.
 */
export function contentKey(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const mix = (c: number) => {
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  };
  if (text.length <= CONTENT_KEY_WHOLE) {
    for (let i = 0; i < text.length; i++) {
      mix(text.charCodeAt(i));
    }
  } else {
    const end = 16384;
    const stride = Math.ceil(text.length / CONTENT_KEY_WHOLE);
    for (let i = 0; i < end; i++) {
      mix(text.charCodeAt(i));
    }
    for (let i = end; i < text.length - end; i += stride) {
      mix(text.charCodeAt(i));
    }
    for (let i = text.length - end; i < text.length; i++) {
      mix(text.charCodeAt(i));
    }
  }
  return `${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}:${text.length}`;
}

/** base64url without padding (RFC 4648 §5, as JOSE writes it, RFC 7515 §2). */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
