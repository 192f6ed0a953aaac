/**
 * JSON Web Keys and JWK Sets (RFC 7517): what a key is (kty, curve or size, kid, use, alg), its
 * RFC 7638 thumbprint, and its public key as SubjectPublicKeyInfo so the inventory can match it
 * with certificates and keys of the workspace. Private members (d, p, q, dp, dq, qi, oth, and an
 * `oct` key's k) are read only to say that they are there: they never leave this module, and the
 * public key is derived from the public members alone.
 *
 * Positions come from jsonc-parser's tree (pure JS, VS Code's own JSON parser), so each key of a
 * set is placed on its own object; the SPKI comes from WebCrypto's JWK import (available in every
 * host of the core), not from a hand-written encoder.
 */
import { Node as JsonNode, parseTree } from 'jsonc-parser';
import { encodeBase64Url } from './bytes';
import { PublicKeyInfo, describePublicKey } from './keys';
import { TextRange } from './pem';
import { sha256 } from './sha';

export interface JwkInfo {
  kty: string;
  crv?: string;
  /** RSA modulus size in bits; an `oct` key's length. */
  bits?: number;
  kid?: string;
  use?: string;
  alg?: string;
  /** RFC 7638 SHA-256 thumbprint, base64url. Undefined when a required member is missing. */
  thumbprint?: string;
  /** The key holds private members (never shown). */
  hasPrivate: boolean;
  /** Why the key cannot be read: a missing member, an unsupported curve. */
  error?: string;
}

export interface JwkObject {
  jwk: JwkInfo;
  range: TextRange;
  publicKey?: PublicKeyInfo;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];
/** RFC 7638 §3.2: the required members, in lexicographic order, per key type. */
const REQUIRED: Record<string, string[]> = { EC: ['crv', 'kty', 'x', 'y'], RSA: ['e', 'kty', 'n'], OKP: ['crv', 'kty', 'x'], oct: ['k', 'kty'] };

/** A JWK or JWK Set document, when the text is one: `{"kty": …}` or `{"keys": [{"kty": …}, …]}`. */
export async function decodeJwkDocument(text: string): Promise<JwkObject[] | undefined> {
  const tree = parseTree(text, [], { allowTrailingComma: true });
  if (!tree || tree.type !== 'object') {
    return undefined;
  }
  const keys = member(tree, 'keys');
  const objects = keys?.type === 'array' ? (keys.children ?? []).filter(k => k.type === 'object' && member(k, 'kty')) : member(tree, 'kty') ? [tree] : [];
  if (!objects.length) {
    return undefined;
  }
  return Promise.all(objects.map(node => decodeJwk(node)));
}

function member(node: JsonNode, name: string): JsonNode | undefined {
  return node.children?.find(p => p.children?.[0]?.value === name)?.children?.[1];
}

function stringMember(node: JsonNode, name: string): string | undefined {
  const value = member(node, name);
  return value?.type === 'string' ? (value.value as string) : undefined;
}

async function decodeJwk(node: JsonNode): Promise<JwkObject> {
  const range = { start: node.offset, end: node.offset + node.length };
  const kty = stringMember(node, 'kty') ?? '';
  const hasPrivate = (kty === 'oct' && member(node, 'k') !== undefined) || PRIVATE_MEMBERS.some(m => member(node, m) !== undefined);
  const jwk: JwkInfo = { kty, hasPrivate, crv: stringMember(node, 'crv'), kid: stringMember(node, 'kid'), use: stringMember(node, 'use'), alg: stringMember(node, 'alg') };
  const required = REQUIRED[kty];
  if (!required) {
    return { jwk: { ...jwk, error: `unknown key type "${kty}" (RFC 7518 §6: EC, RSA, oct; RFC 8037: OKP)` }, range };
  }
  const values: Record<string, string> = {};
  for (const name of required) {
    const value = stringMember(node, name);
    if (value === undefined) {
      return { jwk: { ...jwk, error: `the ${kty} key has no "${name}" member` }, range };
    }
    values[name] = value;
  }
  // RFC 7638 §3: the required members only, lexicographic order, no whitespace; JSON.stringify of
  // an object built in that order gives exactly that (the values are base64url or curve names).
  jwk.thumbprint = encodeBase64Url(sha256(new TextEncoder().encode(JSON.stringify(Object.fromEntries(required.map(n => [n, values[n]]))))));
  if (kty === 'oct') {
    jwk.bits = Math.floor((values.k.length * 6) / 8) * 8;
    return { jwk, range };
  }
  try {
    const publicKey = await spkiOf(kty, values);
    return { jwk: { ...jwk, bits: publicKey.bits }, range, publicKey };
  } catch (e) {
    return { jwk: { ...jwk, error: `the public key does not import: ${(e as Error).message}` }, range };
  }
}

async function spkiOf(kty: string, values: Record<string, string>): Promise<PublicKeyInfo> {
  const jwk = { kty, ...values, ext: true };
  const algorithm = kty === 'RSA' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : kty === 'EC' ? { name: 'ECDSA', namedCurve: values.crv } : { name: values.crv };
  const key = await globalThis.crypto.subtle.importKey('jwk', jwk, algorithm, true, ['verify']);
  return describePublicKey(new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', key)));
}
