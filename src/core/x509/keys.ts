import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { RSAPrivateKey, RSAPublicKey } from '@peculiar/asn1-rsa';
import { ECParameters, ECPrivateKey, id_ecPublicKey } from '@peculiar/asn1-ecc';
import { EncryptedPrivateKeyInfo, PrivateKeyInfo as Pkcs8PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { toArrayBuffer } from './bytes';
import { CURVES, KEY_ALGORITHMS } from './oids';
import { keyId, unsignedBytes } from './keyId';
import { withFields } from '../collections';

export type KeyAlgorithm = 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'X25519' | 'X448' | 'DSA' | 'unknown';

/** A public key, from a certificate's SubjectPublicKeyInfo or derived from a private key. */
export interface PublicKeyInfo {
  algorithm: KeyAlgorithm;
  /** RSA modulus size, curve size, 256 for Ed25519. */
  bits?: number;
  /** P-256, P-384, P-521… for EC keys. */
  curve?: string;
  /** "RSA 2048", "ECDSA P-256", "Ed25519". */
  description: string;
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** Canonical identity of the key: equal for a certificate and its private key, whatever their encodings. */
  id: string;
}

export type PrivateKeyFormat = 'PKCS#8' | 'PKCS#1' | 'SEC1' | 'PKCS#8 (encrypted)' | 'PKCS#1 (encrypted, legacy PEM)' | 'SEC1 (encrypted, legacy PEM)';

/** What a private key is, never what it holds: no key material leaves this module. */
export interface PrivateKeyInfo {
  format: PrivateKeyFormat;
  encrypted: boolean;
  algorithm: KeyAlgorithm;
  bits?: number;
  curve?: string;
  description: string;
  /** The matching public key, when it can be derived (never for encrypted keys). */
  publicKey?: PublicKeyInfo;
  /** Encryption scheme of an encrypted key, e.g. "PBES2" or "AES-256-CBC". */
  encryption?: string;
}

function bitLength(buf: ArrayBuffer): number {
  const bytes = new Uint8Array(buf);
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) {
    i++;
  }
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]));
}

function curveOf(parameters: ArrayBuffer | null | undefined): { name: string; bits?: number } {
  if (!parameters) {
    return { name: 'unknown curve' };
  }
  try {
    const params = AsnConvert.parse(parameters, ECParameters);
    if (params.namedCurve) {
      const c = CURVES[params.namedCurve];
      return c ? { name: c.name, bits: c.bits } : { name: params.namedCurve };
    }
    return { name: 'explicit curve parameters' };
  } catch {
    return { name: 'unknown curve' };
  }
}

function describe(algorithm: KeyAlgorithm, bits?: number, curve?: string): string {
  switch (algorithm) {
    case 'RSA': case 'RSA-PSS': case 'DSA': return `${algorithm} ${bits ?? '?'}`;
    case 'EC': return `ECDSA ${curve ?? '?'}`;
    default: return algorithm;
  }
}

/** Describe a DER SubjectPublicKeyInfo. Throws on undecodable input; callers turn that into a located message. */
export function describePublicKey(spkiDer: Uint8Array): PublicKeyInfo {
  const spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  return publicKeyFromAsn(spki, spkiDer);
}

export function publicKeyFromAsn(spki: SubjectPublicKeyInfo, der?: Uint8Array): PublicKeyInfo {
  const spkiDer = der ?? new Uint8Array(AsnConvert.serialize(spki));
  const algorithm: KeyAlgorithm = KEY_ALGORITHMS[spki.algorithm.algorithm] ?? 'unknown';
  const keyBytes = spki.subjectPublicKey;
  switch (algorithm) {
    case 'RSA': case 'RSA-PSS': {
      const rsa = AsnConvert.parse(keyBytes, RSAPublicKey);
      const bits = bitLength(rsa.modulus);
      return { algorithm, bits, description: describe(algorithm, bits), spki: spkiDer, id: rsaId(rsa.modulus, rsa.publicExponent) };
    }
    case 'EC': {
      const curve = curveOf(spki.algorithm.parameters);
      return { algorithm, bits: curve.bits, curve: curve.name, description: describe(algorithm, curve.bits, curve.name), spki: spkiDer, id: keyId(`EC:${curve.name}`, new Uint8Array(keyBytes)) };
    }
    case 'Ed25519': case 'X25519':
      return { algorithm, bits: 256, description: algorithm, spki: spkiDer, id: keyId(algorithm, new Uint8Array(keyBytes)) };
    case 'Ed448': case 'X448':
      return { algorithm, bits: 448, description: algorithm, spki: spkiDer, id: keyId(algorithm, new Uint8Array(keyBytes)) };
    default:
      return { algorithm, description: KEY_ALGORITHMS[spki.algorithm.algorithm] ?? `unknown key algorithm ${spki.algorithm.algorithm}`, spki: spkiDer, id: keyId(spki.algorithm.algorithm, new Uint8Array(keyBytes)) };
  }
}

function rsaId(modulus: ArrayBuffer, exponent: ArrayBuffer): string {
  return keyId('RSA', unsignedBytes(new Uint8Array(modulus)), unsignedBytes(new Uint8Array(exponent)));
}

function rsaPublicFromModulus(modulus: ArrayBuffer, publicExponent: ArrayBuffer): PublicKeyInfo {
  const spki = new SubjectPublicKeyInfo({
    algorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.1', parameters: null }),
    subjectPublicKey: AsnConvert.serialize(new RSAPublicKey({ modulus, publicExponent })),
  });
  return publicKeyFromAsn(spki);
}

/** `RSA PUBLIC KEY` (PKCS#1) blocks carry the bare RSAPublicKey. */
export function describeRsaPublicKey(der: Uint8Array): PublicKeyInfo {
  const rsa = AsnConvert.parse(der, RSAPublicKey);
  return rsaPublicFromModulus(rsa.modulus, rsa.publicExponent);
}

function fromRsaPrivate(der: ArrayBuffer | Uint8Array, format: PrivateKeyFormat): PrivateKeyInfo {
  const rsa = AsnConvert.parse(der, RSAPrivateKey);
  const publicKey = rsaPublicFromModulus(rsa.modulus, rsa.publicExponent);
  return { format, encrypted: false, algorithm: 'RSA', bits: publicKey.bits, description: publicKey.description, publicKey };
}

function fromEcPrivate(der: ArrayBuffer | Uint8Array, format: PrivateKeyFormat, outerParameters?: ArrayBuffer | null, curveHint?: ArrayBuffer): PrivateKeyInfo {
  const ec = AsnConvert.parse(der, ECPrivateKey);
  const parameters = outerParameters ?? (ec.parameters ? AsnConvert.serialize(ec.parameters) : curveHint ?? null);
  const curve = curveOf(parameters);
  let publicKey: PublicKeyInfo | undefined;
  if (ec.publicKey && parameters) {
    publicKey = publicKeyFromAsn(new SubjectPublicKeyInfo({
      algorithm: new AlgorithmIdentifier({ algorithm: id_ecPublicKey, parameters }),
      subjectPublicKey: ec.publicKey,
    }));
  }
  return { format, encrypted: false, algorithm: 'EC', bits: curve.bits, curve: curve.name, description: describe('EC', curve.bits, curve.name), publicKey };
}

/** The curve named by a preceding `EC PARAMETERS` block (openssl ecparam -genkey writes one). */
export type EcParametersHint = ArrayBuffer | undefined;

/**
 * Describe a private key from its PEM label and DER. Derives the public key where the encoding
 * carries it (RSA always; SEC1/PKCS#8 EC when the optional public point is present); call
 * `completePublicKey` to derive the rest through WebCrypto.
 */
export function describePrivateKey(label: string, der: Uint8Array, headers: Record<string, string> = {}, ecParameters?: EcParametersHint): PrivateKeyInfo {
  const legacyEncrypted = /ENCRYPTED/i.test(headers['Proc-Type'] ?? '');
  if (label === 'ENCRYPTED PRIVATE KEY') {
    const enc = AsnConvert.parse(der, EncryptedPrivateKeyInfo);
    const scheme = enc.encryptionAlgorithm.algorithm === '1.2.840.113549.1.5.13' ? 'PBES2' : enc.encryptionAlgorithm.algorithm;
    return { format: 'PKCS#8 (encrypted)', encrypted: true, algorithm: 'unknown', description: 'encrypted private key (algorithm hidden until decrypted)', encryption: scheme };
  }
  if (label === 'RSA PRIVATE KEY') {
    if (legacyEncrypted) {
      return { format: 'PKCS#1 (encrypted, legacy PEM)', encrypted: true, algorithm: 'RSA', description: 'RSA (encrypted)', encryption: (headers['DEK-Info'] ?? '').split(',')[0] || undefined };
    }
    return fromRsaPrivate(der, 'PKCS#1');
  }
  if (label === 'EC PRIVATE KEY') {
    if (legacyEncrypted) {
      return { format: 'SEC1 (encrypted, legacy PEM)', encrypted: true, algorithm: 'EC', description: 'ECDSA (encrypted)', encryption: (headers['DEK-Info'] ?? '').split(',')[0] || undefined };
    }
    return fromEcPrivate(der, 'SEC1', undefined, ecParameters);
  }
  // PKCS#8 `PRIVATE KEY`
  const info = AsnConvert.parse(der, Pkcs8PrivateKeyInfo);
  const algorithm: KeyAlgorithm = KEY_ALGORITHMS[info.privateKeyAlgorithm.algorithm] ?? 'unknown';
  switch (algorithm) {
    case 'RSA': case 'RSA-PSS': {
      const k = fromRsaPrivate(info.privateKey.buffer, 'PKCS#8');
      return withFields(k, { algorithm, description: describe(algorithm, k.bits) });
    }
    case 'EC':
      return fromEcPrivate(info.privateKey.buffer, 'PKCS#8', info.privateKeyAlgorithm.parameters);
    case 'Ed25519': case 'Ed448': case 'X25519': case 'X448':
      return { format: 'PKCS#8', encrypted: false, algorithm, bits: algorithm.endsWith('448') ? 448 : 256, description: algorithm };
    default:
      return { format: 'PKCS#8', encrypted: false, algorithm, description: `unknown key algorithm ${info.privateKeyAlgorithm.algorithm}` };
  }
}

/** Wrap a traditional (PKCS#1 / SEC1) private key into PKCS#8, the form WebCrypto imports. */
export function toPkcs8(label: string, der: Uint8Array, ecParameters?: EcParametersHint): Uint8Array {
  if (label === 'PRIVATE KEY') {
    return der;
  }
  if (label === 'RSA PRIVATE KEY') {
    return new Uint8Array(AsnConvert.serialize(new Pkcs8PrivateKeyInfo({
      privateKeyAlgorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.1', parameters: null }),
      privateKey: new OctetString(toArrayBuffer(der)),
    })));
  }
  if (label === 'EC PRIVATE KEY') {
    const ec = AsnConvert.parse(der, ECPrivateKey);
    const parameters = ec.parameters ? AsnConvert.serialize(ec.parameters) : ecParameters;
    if (!parameters) {
      throw new Error('EC private key names no curve');
    }
    return new Uint8Array(AsnConvert.serialize(new Pkcs8PrivateKeyInfo({
      privateKeyAlgorithm: new AlgorithmIdentifier({ algorithm: id_ecPublicKey, parameters }),
      privateKey: new OctetString(toArrayBuffer(der)),
    })));
  }
  throw new Error(`cannot convert ${label} to PKCS#8`);
}

/** WebCrypto import parameters for a key, or undefined when WebCrypto cannot use it. */
export function webCryptoAlgorithm(info: { algorithm: KeyAlgorithm; curve?: string }, hash = 'SHA-256'): RsaHashedImportParams | EcKeyImportParams | Algorithm | undefined {
  switch (info.algorithm) {
    case 'RSA': return { name: 'RSASSA-PKCS1-v1_5', hash };
    case 'EC': return info.curve && ['P-256', 'P-384', 'P-521'].includes(info.curve) ? { name: 'ECDSA', namedCurve: info.curve } : undefined;
    case 'Ed25519': return { name: 'Ed25519' };
    default: return undefined;
  }
}

/**
 * Fill in the public key of a private key whose encoding omits it (PKCS#8 EC without the public
 * point, Ed25519): WebCrypto derives it on import. Never throws; leaves `publicKey` unset on failure.
 */
export async function completePublicKey(info: PrivateKeyInfo, label: string, der: Uint8Array, ecParameters?: EcParametersHint): Promise<PrivateKeyInfo> {
  if (info.publicKey || info.encrypted) {
    return info;
  }
  const algorithm = webCryptoAlgorithm(info);
  if (!algorithm) {
    return info;
  }
  try {
    const pkcs8 = toPkcs8(label, der, ecParameters);
    const key = await globalThis.crypto.subtle.importKey('pkcs8', toArrayBuffer(pkcs8), algorithm, true, ['sign']);
    const jwk = await globalThis.crypto.subtle.exportKey('jwk', key);
    delete jwk.d; // keep private material out of anything we hold on to
    const publicKey = await globalThis.crypto.subtle.importKey('jwk', { ...jwk, key_ops: ['verify'] }, algorithm, true, ['verify']);
    const spki = new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', publicKey));
    return withFields(info, { publicKey: describePublicKey(spki) });
  } catch {
    return info;
  }
}

/** True when the private key belongs to the public key. Undefined when it cannot be told (encrypted key). */
export function keyMatches(key: PrivateKeyInfo, publicKey: PublicKeyInfo): boolean | undefined {
  return key.publicKey ? key.publicKey.id === publicKey.id : undefined;
}
