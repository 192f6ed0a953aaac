/**
 * A public key's identity, for matching only (a certificate to its private key, a CSR to its key,
 * a CA to another by key): the algorithm and a SHA-256 over the key's parts, each with its length.
 * Not the parts in hex: an RSA 2048 key's modulus made a 530-character string in the analysis of
 * every certificate, the largest single value of a certificate kept in the extension host's heap.
 * Every decoder makes it here, so a key decoded from a certificate, a private key or a CSR gets the
 * same identity.
 */
import { toHex } from './bytes';
import { flat } from '../flatString';
import { sha256 } from './sha';

export function keyId(algorithm: string, ...parts: Uint8Array[]): string {
  let length = 0;
  for (const part of parts) {
    length += 4 + part.length;
  }
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const part of parts) {
    view.setUint32(at, part.length);
    bytes.set(part, at + 4);
    at += 4 + part.length;
  }
  return flat(algorithm, ':', toHex(sha256(bytes)));
}

/** An INTEGER's magnitude without its leading zero bytes (one zero stays for zero): RSA's modulus and exponent as every encoder agrees on them. */
export function unsignedBytes(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) {
    i++;
  }
  return bytes.subarray(i);
}
