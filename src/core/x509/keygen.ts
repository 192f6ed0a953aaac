import { AsnConvert } from '@peculiar/asn1-schema';
import { ECParameters, ECPrivateKey } from '@peculiar/asn1-ecc';
import { PrivateKeyInfo as Pkcs8PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { RSAPublicKey } from '@peculiar/asn1-rsa';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { encodeBase64, toArrayBuffer } from './bytes';
import { PublicKeyInfo, completePublicKey, describePrivateKey, describePublicKey, toPkcs8 } from './keys';
import { CURVES } from './oids';
import { toPem } from './pem';

/** A private key as found in a file: its PEM label and decrypted DER. */
export interface PrivateKeyMaterial {
  /** `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC1). */
  label: string;
  der: Uint8Array;
}

/** The key families renewal can sign with and generate. */
export type SigningFamily = 'RSA' | 'ECDSA' | 'Ed25519';

export type PrivateKeyEncoding = 'PKCS#8' | 'PKCS#1' | 'SEC1';

/** A private key ready to sign through WebCrypto, with what is known about it. */
export interface SigningKey {
  key: CryptoKey;
  family: SigningFamily;
  /** RSA modulus size or curve size. */
  bits?: number;
  /** P-256, P-384, P-521 for ECDSA. */
  curve?: string;
  /** Hash the signature uses: SHA-256 for RSA (or the CryptoKey's own), by curve for ECDSA, none for Ed25519. */
  hash?: 'SHA-256' | 'SHA-384' | 'SHA-512';
  /** The matching public key when it could be derived from the encoding (never from a CryptoKey). */
  publicKey?: PublicKeyInfo;
}

/** Thrown when a key cannot be used; `code` lets callers tell the cases apart. */
export class KeyError extends Error {
  constructor(readonly code: 'encrypted-key' | 'unsupported-key' | 'invalid-key', message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

const CURVE_HASH: Record<string, 'SHA-256' | 'SHA-384' | 'SHA-512'> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' };
const CURVE_OID: Record<string, string> = Object.fromEntries(Object.entries(CURVES).map(([oid, c]) => [c.name, oid]));

export function isPrivateKeyMaterial(value: unknown): value is PrivateKeyMaterial {
  return typeof value === 'object' && value !== null && 'der' in value && 'label' in value;
}

/** Import a decrypted private key (or take a CryptoKey) for signing. Throws KeyError. */
export async function importSigningKey(input: PrivateKeyMaterial | CryptoKey): Promise<SigningKey> {
  if (!isPrivateKeyMaterial(input)) {
    return fromCryptoKey(input);
  }
  let info;
  try {
    info = describePrivateKey(input.label, input.der);
  } catch (e) {
    throw new KeyError('invalid-key', `the private key (${input.label}) cannot be read: ${(e as Error).message}`);
  }
  if (info.encrypted) {
    throw new KeyError('encrypted-key', 'the private key is encrypted; decrypt it first');
  }
  let family: SigningFamily;
  let importParams: RsaHashedImportParams | EcKeyImportParams | Algorithm;
  let hash: SigningKey['hash'];
  if (info.algorithm === 'RSA') {
    family = 'RSA';
    hash = 'SHA-256';
    importParams = { name: 'RSASSA-PKCS1-v1_5', hash };
  } else if (info.algorithm === 'EC' && info.curve && CURVE_HASH[info.curve]) {
    family = 'ECDSA';
    hash = CURVE_HASH[info.curve];
    importParams = { name: 'ECDSA', namedCurve: info.curve };
  } else if (info.algorithm === 'Ed25519') {
    family = 'Ed25519';
    importParams = { name: 'Ed25519' };
  } else {
    throw new KeyError('unsupported-key', `${info.description} keys cannot sign here (RSA, ECDSA P-256/P-384/P-521 and Ed25519 can)`);
  }
  let key: CryptoKey;
  try {
    const pkcs8 = toPkcs8(input.label, input.der);
    key = await globalThis.crypto.subtle.importKey('pkcs8', toArrayBuffer(pkcs8), importParams, false, ['sign']);
  } catch (e) {
    throw new KeyError('invalid-key', `the private key (${info.description}) cannot be imported: ${(e as Error).message}`);
  }
  const complete = await completePublicKey(info, input.label, input.der);
  return { key, family, bits: info.bits, curve: info.curve, hash, publicKey: complete.publicKey };
}

function fromCryptoKey(key: CryptoKey): SigningKey {
  if (key.type !== 'private' || !key.usages.includes('sign')) {
    throw new KeyError('invalid-key', 'the CryptoKey is not a private signing key');
  }
  const alg = key.algorithm as RsaHashedKeyAlgorithm & EcKeyAlgorithm;
  switch (alg.name) {
    case 'RSASSA-PKCS1-v1_5': {
      const hash = alg.hash.name as SigningKey['hash'];
      if (hash !== 'SHA-256' && hash !== 'SHA-384' && hash !== 'SHA-512') {
        throw new KeyError('unsupported-key', `RSA keys bound to ${alg.hash.name} cannot sign certificates here`);
      }
      return { key, family: 'RSA', bits: alg.modulusLength, hash };
    }
    case 'ECDSA':
      if (!CURVE_HASH[alg.namedCurve]) {
        throw new KeyError('unsupported-key', `ECDSA ${alg.namedCurve} keys cannot sign here`);
      }
      return { key, family: 'ECDSA', curve: alg.namedCurve, bits: Number(alg.namedCurve.slice(2)), hash: CURVE_HASH[alg.namedCurve] };
    case 'Ed25519':
      return { key, family: 'Ed25519', bits: 256 };
    default:
      throw new KeyError('unsupported-key', `${alg.name} keys cannot sign certificates here`);
  }
}

/** WebCrypto parameters for `subtle.sign`/`verify` with a key of this family. */
export function signParams(key: Pick<SigningKey, 'family' | 'hash'>): Algorithm | EcdsaParams {
  switch (key.family) {
    case 'RSA': return { name: 'RSASSA-PKCS1-v1_5' };
    case 'ECDSA': return { name: 'ECDSA', hash: key.hash ?? 'SHA-256' } as EcdsaParams;
    case 'Ed25519': return { name: 'Ed25519' };
  }
}

/** WebCrypto import parameters for a public key (SPKI) that will verify signatures made with `hash`. */
export function verifyImportParams(publicKey: PublicKeyInfo, hash: string | undefined): RsaHashedImportParams | EcKeyImportParams | Algorithm | undefined {
  switch (publicKey.algorithm) {
    case 'RSA': return hash ? { name: 'RSASSA-PKCS1-v1_5', hash } : undefined;
    case 'EC': return publicKey.curve && CURVE_HASH[publicKey.curve] ? { name: 'ECDSA', namedCurve: publicKey.curve } : undefined;
    case 'Ed25519': return { name: 'Ed25519' };
    default: return undefined;
  }
}

/** A freshly generated key, with its encodings. `pkcs8` is private material: never log it. */
export interface GeneratedKey {
  signingKey: SigningKey;
  pkcs8: Uint8Array;
  spki: Uint8Array;
  publicKey: PublicKeyInfo;
}

/** Generate a key of the same algorithm and size as `like`: RSA same modulus size and exponent, same curve, Ed25519. */
export async function generateKeyLike(like: PublicKeyInfo): Promise<GeneratedKey> {
  let params: RsaHashedKeyGenParams | EcKeyGenParams | Algorithm;
  let family: SigningFamily;
  let hash: SigningKey['hash'];
  if (like.algorithm === 'RSA' && like.bits) {
    family = 'RSA';
    hash = 'SHA-256';
    params = { name: 'RSASSA-PKCS1-v1_5', modulusLength: like.bits, publicExponent: rsaExponent(like.spki), hash };
  } else if (like.algorithm === 'EC' && like.curve && CURVE_HASH[like.curve]) {
    family = 'ECDSA';
    hash = CURVE_HASH[like.curve];
    params = { name: 'ECDSA', namedCurve: like.curve };
  } else if (like.algorithm === 'Ed25519') {
    family = 'Ed25519';
    params = { name: 'Ed25519' };
  } else {
    throw new KeyError('unsupported-key', `cannot generate a new ${like.description} key (RSA, ECDSA P-256/P-384/P-521 and Ed25519 can be rotated)`);
  }
  const pair = await globalThis.crypto.subtle.generateKey(params, true, ['sign', 'verify']) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const spki = new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', pair.publicKey));
  const publicKey = describePublicKey(spki);
  return {
    signingKey: { key: pair.privateKey, family, bits: publicKey.bits, curve: publicKey.curve, hash, publicKey },
    pkcs8,
    spki,
    publicKey,
  };
}

function rsaExponent(spki: Uint8Array): Uint8Array<ArrayBuffer> {
  const info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  const rsa = AsnConvert.parse(info.subjectPublicKey, RSAPublicKey);
  const e = new Uint8Array(rsa.publicExponent);
  let i = 0;
  while (i < e.length - 1 && e[i] === 0) {
    i++;
  }
  return Uint8Array.from(e.subarray(i));
}

export const PRIVATE_KEY_LABELS: Record<PrivateKeyEncoding, string> = {
  'PKCS#8': 'PRIVATE KEY',
  'PKCS#1': 'RSA PRIVATE KEY',
  'SEC1': 'EC PRIVATE KEY',
};

/**
 * Encode a PKCS#8 private key as PEM in the requested format. PKCS#1 only for RSA, SEC1 only for
 * EC (with the named curve embedded, as `openssl ec` writes it); other combinations fall back to PKCS#8.
 */
export function encodePrivateKeyPem(pkcs8: Uint8Array, encoding: PrivateKeyEncoding, publicKey: PublicKeyInfo): { pem: string; encoding: PrivateKeyEncoding } {
  const info = AsnConvert.parse(pkcs8, Pkcs8PrivateKeyInfo);
  if (encoding === 'PKCS#1' && publicKey.algorithm === 'RSA') {
    return { pem: toPem(PRIVATE_KEY_LABELS['PKCS#1'], encodeBase64(new Uint8Array(info.privateKey.buffer))), encoding };
  }
  if (encoding === 'SEC1' && publicKey.algorithm === 'EC' && publicKey.curve && CURVE_OID[publicKey.curve]) {
    const ec = AsnConvert.parse(info.privateKey.buffer, ECPrivateKey);
    ec.parameters = new ECParameters({ namedCurve: CURVE_OID[publicKey.curve] });
    if (!ec.publicKey) {
      ec.publicKey = AsnConvert.parse(publicKey.spki, SubjectPublicKeyInfo).subjectPublicKey;
    }
    return { pem: toPem(PRIVATE_KEY_LABELS.SEC1, encodeBase64(new Uint8Array(AsnConvert.serialize(ec)))), encoding };
  }
  return { pem: toPem(PRIVATE_KEY_LABELS['PKCS#8'], encodeBase64(pkcs8)), encoding: 'PKCS#8' };
}

/** The format a replacement key should have, given the PEM label of the key it replaces. */
export function encodingForLabel(label: string | undefined, algorithm: PublicKeyInfo['algorithm']): PrivateKeyEncoding {
  if (label === 'RSA PRIVATE KEY' && algorithm === 'RSA') {
    return 'PKCS#1';
  }
  if (label === 'EC PRIVATE KEY' && algorithm === 'EC') {
    return 'SEC1';
  }
  return 'PKCS#8';
}
