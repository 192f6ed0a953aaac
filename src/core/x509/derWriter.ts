/**
 * A minimal DER writer, the counterpart of der.ts: definite lengths, the handful of universal types
 * a TBSCertificate needs. Hand-written rather than built on an ASN.1 library because renewal copies
 * most of a certificate as the exact bytes it was (Names, SubjectPublicKeyInfo, extensions) and only
 * wraps them: a schema-based encoder would decode and re-encode them, and could change their bytes.
 */

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Tag, minimal definite length, then the contents in order: written into one array (the host's ECDSA checks make three for each of 10,000 signatures). */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const part of content) {
    n += part.length;
  }
  const head = n < 0x80 ? 2 : n < 0x100 ? 3 : n < 0x10000 ? 4 : 5;
  const out = new Uint8Array(head + n);
  out[0] = tag;
  if (head === 2) {
    out[1] = n;
  } else {
    out[1] = 0x80 | (head - 2);
    for (let i = head - 1, rest = n; i >= 2; i--, rest >>= 8) {
      out[i] = rest & 0xff;
    }
  }
  let o = head;
  for (const part of content) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

/** The zero byte before an INTEGER whose first bit is set (it would read as negative). */
const SIGN_BYTE = new Uint8Array([0]);

/** INTEGER from unsigned big-endian bytes, minimal. */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) {
    i++;
  }
  const v = bytes.subarray(i);
  return v[0] & 0x80 ? tlv(0x02, SIGN_BYTE, v) : tlv(0x02, v);
}

/** OBJECT IDENTIFIER from its dotted form, arcs up to 2^53 (der.ts's `oidString` reads it back). */
export function oidBytes(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const out: number[] = [];
  // The first two arcs share one subidentifier, itself base-128 when past 127 (2.999 → 88 37).
  for (const arc of [40 * arcs[0] + arcs[1], ...arcs.slice(2)]) {
    // Arithmetic, not bit operators: those cut arcs to 32 bits.
    const groups = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) {
      groups.unshift((v % 128) | 0x80);
    }
    out.push(...groups);
  }
  return tlv(0x06, new Uint8Array(out));
}

/** A certificate Time, to the second (sub-second parts are dropped, as X.509 has none). */
export function timeBytes(d: Date): Uint8Array {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const year = d.getUTCFullYear();
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  const utc = year >= 1950 && year < 2050;
  const text = utc ? `${p(year % 100)}${rest}` : `${p(year, 4)}${rest}`;
  return tlv(utc ? 0x17 : 0x18, new Uint8Array([...text].map(c => c.charCodeAt(0))));
}
