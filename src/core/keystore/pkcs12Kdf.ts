/**
 * The PKCS#12 key derivation (RFC 7292 appendix B.2), which derives the MAC key of every PKCS#12
 * file and the keys of its legacy ciphers. Hand-written: WebCrypto offers PBKDF2 but not this
 * older function, and no maintained npm package provides it without Node's crypto module.
 */
import { sha1, sha256 } from '../x509/sha';

export type Pkcs12Hash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const HASHES: Record<Pkcs12Hash, { u: number; v: number }> = {
  'SHA-1': { u: 20, v: 64 },
  'SHA-256': { u: 32, v: 64 },
  'SHA-384': { u: 48, v: 128 },
  'SHA-512': { u: 64, v: 128 },
};

/** 1 derives a cipher key, 2 an IV, 3 a MAC key. */
export type Pkcs12Purpose = 1 | 2 | 3;

/** A password as PKCS#12 wants it: a BMPString (UTF-16BE) with a two-byte zero terminator; the empty password is just the terminator. */
export function bmpPassword(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    out[2 * i] = password.charCodeAt(i) >> 8;
    out[2 * i + 1] = password.charCodeAt(i) & 0xff;
  }
  return out;
}

/** The synchronous SHA of the x509 room: far cheaper than a WebCrypto round trip for thousands of tiny digests. */
const SYNC_HASHES: Partial<Record<Pkcs12Hash, (bytes: Uint8Array) => Uint8Array>> = { 'SHA-1': sha1, 'SHA-256': sha256 };

async function hash(name: Pkcs12Hash, bytes: Uint8Array, iterations: number): Promise<Uint8Array> {
  const sync = SYNC_HASHES[name];
  let a = sync ? sync(bytes) : new Uint8Array(await globalThis.crypto.subtle.digest(name, bytes.slice().buffer));
  for (let r = 1; r < iterations; r++) {
    a = sync ? sync(a) : new Uint8Array(await globalThis.crypto.subtle.digest(name, a.slice().buffer));
  }
  return a;
}

/**
 * At most this many iterations: above any real file (openssl writes 2048, Java 10,000), low
 * enough that a hostile count cannot stall a scan (each iteration is a digest in JavaScript).
 */
export const MAX_ITERATIONS = 100_000;

export async function pkcs12Kdf(hashName: Pkcs12Hash, password: Uint8Array, salt: Uint8Array, iterations: number, purpose: Pkcs12Purpose, length: number): Promise<Uint8Array> {
  const { u, v } = HASHES[hashName];
  if (iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new Error(`iteration count ${iterations} is out of range`);
  }
  const repeat = (src: Uint8Array) => {
    const out = new Uint8Array(src.length ? v * Math.ceil(src.length / v) : 0);
    for (let i = 0; i < out.length; i++) {
      out[i] = src[i % src.length];
    }
    return out;
  };
  const d = new Uint8Array(v).fill(purpose);
  const s = repeat(salt);
  const p = repeat(password);
  const i = new Uint8Array(s.length + p.length);
  i.set(s);
  i.set(p, s.length);
  const out = new Uint8Array(length);
  const input = new Uint8Array(v + i.length);
  for (let done = 0; done < length;) {
    input.set(d);
    input.set(i, v);
    const a = await hash(hashName, input, iterations);
    out.set(a.subarray(0, Math.min(u, length - done)), done);
    done += u;
    if (done >= length) {
      break;
    }
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I, B being A repeated to v bytes.
    const b = new Uint8Array(v);
    for (let k = 0; k < v; k++) {
      b[k] = a[k % a.length];
    }
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k] + b[k] + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out;
}
