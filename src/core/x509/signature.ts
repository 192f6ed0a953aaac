/**
 * Verifying a certificate's signature with an issuer's public key (SPKI), shared by the inventory,
 * renewal and the chain verifier. WebCrypto directly for RSA PKCS#1 v1.5, ECDSA (P-256/384/521)
 * and Ed25519; RSA-PSS with WebCrypto when the caller has read its parameters, else through
 * @peculiar/x509, loaded on demand. MD5, MD2, SHA-224 and DSA are 'unsupported' (WebCrypto has no
 * such algorithms). Pure: no vscode or Node imports. Never throws.
 */
import { toArrayBuffer } from './bytes';
import { Tlv, readTlv } from './der';
import { tlv, unsignedInteger } from './derWriter';
import { nativeVerify } from './hostVerify';
import { PublicKeyInfo } from './keys';
import { SIGNATURES } from './oids';

export type SignatureCheck = 'valid' | 'invalid' | 'unsupported';

type ImportParams = RsaHashedImportParams | EcKeyImportParams | Algorithm;

/** Public keys imported for WebCrypto, by owner (e.g. the issuer's fingerprint) and import parameters. */
export class VerifyKeyCache {
  private readonly keys = new Map<string, Promise<CryptoKey | undefined>>();
  constructor(private readonly maxEntries = Infinity) {}

  import(owner: string, spki: Uint8Array, algorithm: ImportParams): Promise<CryptoKey | undefined> {
    const id = `${owner}|${JSON.stringify(algorithm)}`;
    let key = this.keys.get(id);
    if (!key) {
      if (this.keys.size >= this.maxEntries) {
        this.keys.clear(); // crude but bounded
      }
      key = importVerifyKey(spki, algorithm);
      this.keys.set(id, key);
    }
    return key;
  }
}

/**
 * Imported extractable: a public key holds nothing secret, and a Node host hands the key itself to
 * `crypto.verify` (hostVerify.ts), which from Node 24 warns of a key that is not (DEP0204).
 */
function importVerifyKey(spki: Uint8Array, algorithm: ImportParams): Promise<CryptoKey | undefined> {
  return globalThis.crypto.subtle.importKey('spki', toArrayBuffer(spki), algorithm, true, ['verify']).catch(() => undefined);
}

export interface SignedData {
  /** The signatureAlgorithm OID. */
  oid: string;
  /** The signed bytes (DER TBSCertificate) and the signature (BIT STRING contents, unused-bits byte removed); undefined when unreadable. */
  parts?: { tbs: Uint8Array; signature: Uint8Array };
  /** The whole certificate: RSA-PSS without `pss` goes through @peculiar/x509, which reads the parameters from it. */
  certificate?: Uint8Array;
  /** RSA-PSS parameters the caller already read: verified with WebCrypto directly. */
  pss?: { hash: string; saltLength: number };
}

export interface VerifyKeyOptions {
  /** Where to keep imported keys… */
  cache?: VerifyKeyCache;
  /** …and under which owner (the issuer's fingerprint). */
  owner?: string;
}

/** Signature algorithms WebCrypto verifies directly: RSA PKCS#1 v1.5, ECDSA and Ed25519 over SHA-1/2 (from the one table in oids.ts). */
const FAST_SIGNATURES: Record<string, { family: 'RSA' | 'EC' | 'Ed25519'; hash: string }> = Object.fromEntries(
  Object.entries(SIGNATURES)
    .filter(([, s]) => (s.key === 'RSA' || s.key === 'ECDSA') ? ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'].includes(s.hash) : s.key === 'Ed25519')
    .map(([oid, s]) => [oid, { family: s.key === 'ECDSA' ? 'EC' : s.key as 'RSA' | 'Ed25519', hash: s.hash === 'none' ? '' : s.hash }]),
);
/** RSASSA-PSS: parameters live in the AlgorithmIdentifier. */
const RSA_PSS_OID = '1.2.840.113549.1.1.10';
const EC_SIZES: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

/** Signatures are checked over the bytes as they are, so non-minimal lengths are read too. */
function derElement(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv | undefined {
  return readTlv(bytes, offset, limit, true);
}

/** The signed bytes and the signature value of a DER certificate. */
function certificateParts(der: Uint8Array): { tbs: Uint8Array; signature: Uint8Array } | undefined {
  const outer = derElement(der, 0);
  const tbs = outer && derElement(der, outer.contentStart);
  const algorithm = tbs && derElement(der, tbs.end);
  const bits = algorithm && derElement(der, algorithm.end);
  if (!tbs || !bits || bits.tag !== 0x03 || bits.end - bits.contentStart < 2) {
    return undefined;
  }
  return { tbs: der.subarray(tbs.start, tbs.end), signature: der.subarray(bits.contentStart + 1, bits.end) };
}

/**
 * ECDSA-Sig-Value (DER SEQUENCE of exactly r and s, nothing after it) to the fixed-width r‖s
 * WebCrypto expects; undefined when malformed or an integer is too long for the curve.
 */
function ecdsaRaw(signature: Uint8Array, size: number): Uint8Array | undefined {
  const seq = derElement(signature, 0);
  const r = seq && derElement(signature, seq.contentStart, seq.end);
  const s = r && derElement(signature, r.end, seq.end);
  if (!seq || !r || !s || seq.end !== signature.length || s.end !== seq.end || r.tag !== 0x02 || s.tag !== 0x02) {
    return undefined;
  }
  const out = new Uint8Array(size * 2);
  for (const [el, at] of [[r, 0], [s, size]] as const) {
    let from = el.contentStart;
    while (from < el.end - 1 && signature[from] === 0) {
      from++;
    }
    const len = el.end - from;
    if (len > size) {
      return undefined;
    }
    out.set(signature.subarray(from, el.end), at + size - len);
  }
  return out;
}

/**
 * r‖s (as `ecdsaRaw` made it) back to an ECDSA-Sig-Value, in its one minimal encoding: the host's
 * check takes DER (hostVerify.ts), and a signature WebCrypto would take, padded or not, is handed
 * over as the same r and s.
 */
function ecdsaDer(raw: Uint8Array): Uint8Array {
  const size = raw.length / 2;
  return tlv(0x30, unsignedInteger(raw.subarray(0, size)), unsignedInteger(raw.subarray(size)));
}

/** Does `key` verify the signature of a DER certificate? */
export function verifyCertificateSignature(der: Uint8Array, oid: string, key: PublicKeyInfo, options: VerifyKeyOptions = {}): Promise<SignatureCheck> {
  return verifySignedData({ oid, parts: certificateParts(der), certificate: der }, key, options);
}

/** Does `key` verify `signed`? */
export async function verifySignedData(signed: SignedData, key: PublicKeyInfo, options: VerifyKeyOptions = {}): Promise<SignatureCheck> {
  const fast = FAST_SIGNATURES[signed.oid];
  const { parts } = signed;
  let algorithm: ImportParams;
  let verifyAlgorithm: Algorithm | EcdsaParams | RsaPssParams;
  let signature = parts?.signature;
  if (fast) {
    if (!parts) {
      return 'invalid';
    }
    if (fast.family === 'RSA') {
      if (key.algorithm !== 'RSA') {
        return 'invalid';
      }
      algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: fast.hash };
      verifyAlgorithm = { name: 'RSASSA-PKCS1-v1_5' };
    } else if (fast.family === 'EC') {
      if (key.algorithm !== 'EC') {
        return 'invalid';
      }
      const size = key.curve ? EC_SIZES[key.curve] : undefined;
      if (!size) {
        return 'unsupported';
      }
      algorithm = { name: 'ECDSA', namedCurve: key.curve! };
      verifyAlgorithm = { name: 'ECDSA', hash: fast.hash } as EcdsaParams;
      signature = ecdsaRaw(parts.signature, size);
      if (!signature) {
        return 'invalid';
      }
    } else {
      if (key.algorithm !== 'Ed25519') {
        return 'invalid';
      }
      algorithm = { name: 'Ed25519' };
      verifyAlgorithm = { name: 'Ed25519' };
    }
  } else if (signed.oid === RSA_PSS_OID && (key.algorithm === 'RSA' || key.algorithm === 'RSA-PSS')) {
    if (!signed.pss) {
      return verifyPssCertificate(signed.certificate, key);
    }
    if (!parts) {
      return 'invalid';
    }
    algorithm = { name: 'RSA-PSS', hash: signed.pss.hash };
    verifyAlgorithm = { name: 'RSA-PSS', saltLength: signed.pss.saltLength };
  } else {
    return 'unsupported';
  }
  const imported = options.cache ? await options.cache.import(options.owner ?? '', key.spki, algorithm) : await importVerifyKey(key.spki, algorithm);
  if (!imported) {
    return key.algorithm === 'Ed25519' ? 'unsupported' : 'invalid';
  }
  const native = fast && nativeVerify();
  if (native) {
    const hostSignature = algorithm.name === 'ECDSA' ? ecdsaDer(signature!) : signature!;
    return (await native(fast.hash, imported, hostSignature, parts.tbs)) ? 'valid' : 'invalid';
  }
  try {
    const ok = await globalThis.crypto.subtle.verify(verifyAlgorithm, imported, toArrayBuffer(signature!), toArrayBuffer(parts.tbs));
    return ok ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** RSA-PSS with the parameters the certificate carries, through @peculiar/x509. */
async function verifyPssCertificate(der: Uint8Array | undefined, key: PublicKeyInfo): Promise<SignatureCheck> {
  if (!der) {
    return 'unsupported';
  }
  try {
    // Loaded on demand: @peculiar/x509 needs reflect-metadata, which the entry point provides.
    const { X509Certificate } = await import('@peculiar/x509');
    return (await new X509Certificate(toArrayBuffer(der)).verify({ publicKey: toArrayBuffer(key.spki), signatureOnly: true })) ? 'valid' : 'invalid';
  } catch {
    return 'unsupported';
  }
}
