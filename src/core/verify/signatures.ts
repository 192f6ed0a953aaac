import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier as AsnAlgorithmIdentifier } from '@peculiar/asn1-x509';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { signatureAlgorithmName } from '../x509/oids';
import { VerifyKeyCache, verifySignedData } from '../x509/signature';
import { ERR_CONSTRAINT_VIOLATION, ERR_UNSUPPORTED_ALGORITHM } from './goWords';
import { Node } from './nodes';

/** Signatures as Go's CheckSignatureFrom judges them: which algorithms it refuses, and in which words. */

type Hash = 'MD2' | 'MD5' | 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

interface GoSignatureAlgorithm {
  /** Go's SignatureAlgorithm.String(): `SHA256-RSA`, `ECDSA-SHA1`, `SHA256-RSAPSS`, `Ed25519`. */
  name: string;
  hash: Hash | 'none';
  key: 'RSA' | 'DSA' | 'ECDSA' | 'Ed25519';
  pss?: boolean;
}

/**
 * Go's signatureAlgorithmDetails, read off the one OID table (x509/oids.ts) by its OpenSSL names
 * rather than kept as a second table: `sha256WithRSAEncryption` is Go's SHA256-RSA, and so on. The
 * algorithms Go does not list (SHA-224, Ed448) come out undefined, which Go calls unimplemented.
 */
function goSignatureAlgorithm(oid: string): GoSignatureAlgorithm | undefined {
  const name = signatureAlgorithmName(oid);
  let m = /^(md2|md5|sha1|sha256|sha384|sha512)WithRSAEncryption$/.exec(name);
  if (m) {
    const hash = m[1].toUpperCase();
    return { name: `${hash}-RSA`, hash: hash.replace(/^SHA/, 'SHA-') as Hash, key: 'RSA' };
  }
  m = /^(ecdsa-with|dsa_with)_?-?(SHA1|SHA256|SHA384|SHA512)$/.exec(name);
  if (m && !(m[1] === 'dsa_with' && (m[2] === 'SHA384' || m[2] === 'SHA512'))) {
    const key = m[1] === 'ecdsa-with' ? 'ECDSA' : 'DSA';
    return { name: `${key}-${m[2]}`, hash: m[2].replace('SHA', 'SHA-') as Hash, key };
  }
  return name === 'ED25519' ? { name: 'Ed25519', hash: 'none', key: 'Ed25519' } : undefined;
}

const PSS_HASHES: Record<string, { hash: 'SHA-256' | 'SHA-384' | 'SHA-512'; size: number }> = {
  '2.16.840.1.101.3.4.2.1': { hash: 'SHA-256', size: 32 },
  '2.16.840.1.101.3.4.2.2': { hash: 'SHA-384', size: 48 },
  '2.16.840.1.101.3.4.2.3': { hash: 'SHA-512', size: 64 },
};
const RSA_PSS_OID = '1.2.840.113549.1.1.10';
/** Go's crypto/rsa minimum modulus size since Go 1.24. */
const MIN_RSA_BITS = 1024;
const PSS_SALT: Record<string, number> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** Go recognises RSA-PSS only with SHA-256/384/512, MGF1 over the same hash and a salt as long as the hash. */
function goPssAlgorithm(params: Uint8Array | undefined): GoSignatureAlgorithm | undefined {
  if (!params) {
    return undefined;
  }
  try {
    const p = AsnConvert.parse(params, RsaSaPssParams);
    const h = PSS_HASHES[p.hashAlgorithm.algorithm];
    if (!h || p.maskGenAlgorithm.algorithm !== '1.2.840.113549.1.1.8' || !p.maskGenAlgorithm.parameters || p.saltLength !== h.size || p.trailerField !== 1) {
      return undefined;
    }
    const mgfHash = AsnConvert.parse(p.maskGenAlgorithm.parameters, AsnAlgorithmIdentifier);
    if (mgfHash.algorithm !== p.hashAlgorithm.algorithm) {
      return undefined;
    }
    return { name: `${h.hash.replace('-', '')}-RSAPSS`, hash: h.hash, key: 'RSA', pss: true };
  } catch {
    return undefined;
  }
}

const GO_KEY_TYPES: Record<string, string> = { RSA: '*rsa.PublicKey', EC: '*ecdsa.PublicKey', Ed25519: 'ed25519.PublicKey', DSA: '*dsa.PublicKey' };
const GO_KEY_ALGORITHM: Record<string, GoSignatureAlgorithm['key']> = { RSA: 'RSA', EC: 'ECDSA', Ed25519: 'Ed25519', DSA: 'DSA' };

/** The constraint half of Go's CheckSignatureFrom: may `parent` sign certificates at all? */
export function parentConstraintError(parent: Node): string | undefined {
  const bc = parent.info.basicConstraints;
  if ((parent.info.version === 3 && !bc) || (bc && !bc.ca)) {
    return ERR_CONSTRAINT_VIOLATION;
  }
  if (parent.info.keyUsage && parent.info.keyUsage.length > 0 && !parent.info.keyUsage.includes('Certificate Sign')) {
    return ERR_CONSTRAINT_VIOLATION;
  }
  return undefined;
}

export class SignatureChecker {
  private readonly results = new Map<string, Promise<string | undefined>>();
  private readonly keys = new VerifyKeyCache();

  /** Go's CheckSignatureFrom(child, parent): undefined when it passes, else Go's error text. */
  checkFrom(child: Node, parent: Node): Promise<string | undefined> {
    const constraint = parentConstraintError(parent);
    if (constraint) {
      return Promise.resolve(constraint);
    }
    return this.check(child, parent);
  }

  /** Go's checkSignature with SHA-1 refused (the part of CheckSignatureFrom after the CA checks). */
  check(child: Node, parent: Node): Promise<string | undefined> {
    const key = `${child.fp}>${parent.fp}`;
    let result = this.results.get(key);
    if (!result) {
      result = this.compute(child, parent);
      this.results.set(key, result);
    }
    return result;
  }

  private async compute(child: Node, parent: Node): Promise<string | undefined> {
    const keyAlg = GO_KEY_ALGORITHM[parent.info.publicKey.algorithm];
    if (!keyAlg) {
      return ERR_UNSUPPORTED_ALGORITHM;
    }
    const oid = child.info.signatureAlgorithm.oid;
    const alg = oid === RSA_PSS_OID ? goPssAlgorithm(child.sigParams) : goSignatureAlgorithm(oid);
    if (!alg || alg.hash === 'MD2' || (alg.hash === 'none' && alg.key !== 'Ed25519')) {
      return ERR_UNSUPPORTED_ALGORITHM;
    }
    if (alg.hash === 'MD5' || alg.hash === 'SHA-1') {
      return `x509: cannot verify signature: insecure algorithm ${alg.name}`;
    }
    if (keyAlg === 'DSA') {
      return ERR_UNSUPPORTED_ALGORITHM;
    }
    if (alg.key !== keyAlg) {
      return `x509: signature algorithm specifies an ${alg.key} public key, but have public key of type ${GO_KEY_TYPES[parent.info.publicKey.algorithm]}`;
    }
    const bits = parent.info.publicKey.bits ?? 0;
    if (keyAlg === 'RSA' && bits < MIN_RSA_BITS) {
      // Go 1.24+ crypto/rsa refuses to verify with such a key (GODEBUG rsa1024min=1 is the default).
      return `crypto/rsa: ${bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`;
    }
    const failure = keyAlg === 'RSA' ? 'crypto/rsa: verification error' : keyAlg === 'ECDSA' ? 'x509: ECDSA verification failure' : 'x509: Ed25519 verification failure';
    const result = await verifySignedData({
      oid,
      parts: { tbs: child.tbs, signature: child.signature },
      pss: alg.pss ? { hash: alg.hash as 'SHA-256', saltLength: PSS_SALT[alg.hash] } : undefined,
    }, parent.info.publicKey, { cache: this.keys, owner: parent.fp });
    if (result === 'valid') {
      return undefined;
    }
    if (result === 'unsupported' && keyAlg === 'ECDSA' && parent.info.publicKey.curve === 'P-224') {
      return 'pki-lens: cannot check ECDSA P-224 signatures (WebCrypto has no P-224)';
    }
    return failure;
  }
}
