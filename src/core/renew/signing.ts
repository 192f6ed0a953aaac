import { bytesEqual, toArrayBuffer } from '../x509/bytes';
import { SigningKey, signParams } from '../x509/keygen';
import { PublicKeyInfo } from '../x509/keys';
import { oidBytes, timeBytes, tlv, unsignedInteger } from '../x509/derWriter';
import { verifySignedData } from '../x509/signature';
import { ParsedCertificate } from './rawCertificate';

/** Assembling and signing the new TBSCertificate with WebCrypto, and checking a certificate's signature. */

const SIGNATURE_ALGORITHM_IDS: Record<string, { oid: string; nullParams: boolean }> = {
  'RSA/SHA-256': { oid: '1.2.840.113549.1.1.11', nullParams: true },
  'RSA/SHA-384': { oid: '1.2.840.113549.1.1.12', nullParams: true },
  'RSA/SHA-512': { oid: '1.2.840.113549.1.1.13', nullParams: true },
  'ECDSA/SHA-256': { oid: '1.2.840.10045.4.3.2', nullParams: false },
  'ECDSA/SHA-384': { oid: '1.2.840.10045.4.3.3', nullParams: false },
  'ECDSA/SHA-512': { oid: '1.2.840.10045.4.3.4', nullParams: false },
  'Ed25519': { oid: '1.3.101.112', nullParams: false },
};

function signatureAlgorithmFor(key: SigningKey): Uint8Array {
  const id = SIGNATURE_ALGORITHM_IDS[key.family === 'Ed25519' ? 'Ed25519' : `${key.family}/${key.hash}`];
  return tlv(0x30, oidBytes(id.oid), id.nullParams ? new Uint8Array([0x05, 0x00]) : new Uint8Array(0));
}

/** ECDSA signatures: WebCrypto speaks r||s, X.509 speaks SEQUENCE { r INTEGER, s INTEGER }. */
function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return tlv(0x30, unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half)));
}

/**
 * True when the certificate's signature verifies with the public key, false when it does not,
 * undefined when it cannot be told here (an algorithm WebCrypto does not offer, RSA-PSS included).
 */
export async function verifySignature(cert: ParsedCertificate, publicKey: PublicKeyInfo): Promise<boolean | undefined> {
  const result = await verifySignedData({ oid: cert.info.signatureAlgorithm.oid, parts: { tbs: cert.raw.tbs, signature: cert.raw.signature } }, publicKey);
  return result === 'unsupported' ? undefined : result === 'valid';
}

export interface CertificateTemplate {
  issuer: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  extensions: Uint8Array[];
  signer: SigningKey;
  /** Serials the new one must not repeat. */
  serialAvoid: Uint8Array[];
}

/** 16 random bytes, positive and exactly 16 bytes long once DER-encoded: 126 bits of entropy. */
function randomSerial(avoid: Uint8Array[]): Uint8Array {
  for (;;) {
    const s = globalThis.crypto.getRandomValues(new Uint8Array(16));
    s[0] = (s[0] & 0x7f) | 0x40;
    if (!avoid.some(a => bytesEqual(a, s))) {
      return s;
    }
  }
}

/** A v3 certificate from the template, with a fresh random serial; the DER of the whole certificate. */
export async function signCertificate(t: CertificateTemplate): Promise<Uint8Array> {
  const algorithm = signatureAlgorithmFor(t.signer);
  const tbs = tlv(0x30,
    tlv(0xa0, new Uint8Array([0x02, 0x01, 0x02])), // v3
    unsignedInteger(randomSerial(t.serialAvoid)),
    algorithm,
    t.issuer,
    tlv(0x30, timeBytes(t.notBefore), timeBytes(t.notAfter)),
    t.subject,
    t.spki,
    ...(t.extensions.length ? [tlv(0xa3, tlv(0x30, ...t.extensions))] : []),
  );
  let signature: Uint8Array = new Uint8Array(await globalThis.crypto.subtle.sign(signParams(t.signer), t.signer.key, toArrayBuffer(tbs)));
  if (t.signer.family === 'ECDSA') {
    signature = ecdsaRawToDer(signature);
  }
  return tlv(0x30, tbs, algorithm, tlv(0x03, new Uint8Array([0]), signature));
}
