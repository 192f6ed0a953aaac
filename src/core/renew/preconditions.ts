import { DAY } from '../x509/time';
import { bytesEqual, toArrayBuffer } from '../x509/bytes';
import { CertificateInfo } from '../x509/certificate';
import { KeyError, PrivateKeyMaterial, SigningKey, importSigningKey, signParams, verifyImportParams } from '../x509/keygen';
import { PublicKeyInfo, completePublicKey, describePrivateKey } from '../x509/keys';
import { RenewalError, RenewalErrorCode } from './errors';
import { ParsedCertificate } from './rawCertificate';
import { verifySignature } from './signing';
import { RenewalChanges } from './types';

/** What must hold before anything is signed; each refusal is a RenewalError worded for the operator. */


/** The renewal time, to the whole second: X.509 times have whole seconds, and what we report is what is encoded. */
export function checkNow(now: Date | undefined): Date {
  const t = now ?? new Date();
  if (Number.isNaN(t.getTime())) {
    throw new RenewalError('invalid-input', 'the renewal time is not a valid date');
  }
  return new Date(Math.floor(t.getTime() / 1000) * 1000);
}

/** A lifetime of `n` days in whole seconds of milliseconds. */
export function days(n: number): number {
  if (!Number.isFinite(n) || n <= 0) {
    throw new RenewalError('invalid-input', `the validity must be a positive number of days (got ${n})`);
  }
  return Math.round(n * DAY / 1000) * 1000;
}

/** The CA may sign certificates now: CA:TRUE, keyCertSign when key usage is present, within its validity. */
export function checkCanSign(ca: CertificateInfo, now: Date): void {
  if (!ca.basicConstraints?.ca) {
    throw new RenewalError('not-a-ca', `${ca.subject.text} is not a CA (basicConstraints CA:TRUE is missing) and cannot sign certificates`);
  }
  if (ca.keyUsage && !ca.keyUsage.includes('Certificate Sign')) {
    throw new RenewalError('not-a-ca', `${ca.subject.text} may not sign certificates (its key usage lacks keyCertSign)`);
  }
  if (now.getTime() > ca.notAfter.getTime()) {
    throw new RenewalError('ca-expired', `the CA ${ca.subject.text} expired on ${ca.notAfter.toISOString()}; renew the CA first (same key keeps its certificates valid)`);
  }
  if (now.getTime() < ca.notBefore.getTime()) {
    throw new RenewalError('ca-not-yet-valid', `the CA ${ca.subject.text} is not valid before ${ca.notBefore.toISOString()}`);
  }
}

/**
 * How the certificate relates to the CA about to sign it. Refuses a certificate another CA issued
 * unless moving it to this CA was asked for; `warnings` receives what the operator should know.
 */
export async function issuerRelation(
  old: ParsedCertificate, ca: ParsedCertificate, allowDifferentIssuer: boolean, warnings: string[],
): Promise<RenewalChanges['issuedByCa']> {
  const sameName = bytesEqual(old.info.issuer.der, ca.info.subject.der);
  const verified = await verifySignature(old, ca.info.publicKey);
  if (verified === true) {
    return 'verified';
  }
  if (sameName && verified === undefined) {
    return 'same-name';
  }
  if (sameName) {
    // Same name, different key: typically a CA that was re-created. Renewing moves the certificate to this one.
    warnings.push(`the old certificate's signature does not verify with this CA's key: it was issued by another CA named ${ca.info.subject.text}; the new certificate chains to this CA only`);
    return 'same-name';
  }
  if (allowDifferentIssuer) {
    warnings.push(`the old certificate was issued by ${old.info.issuer.text}; the new one is issued by ${ca.info.subject.text}`);
    return 'different-issuer';
  }
  throw new RenewalError('not-issued-by-ca', `${old.info.subject.text} was issued by ${old.info.issuer.text}, not by the CA ${ca.info.subject.text} (its signature does not verify with this CA's key)`);
}

/** Runs `f`, turning the key layer's KeyError into a RenewalError with the same code. */
export async function withKeyErrors<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof KeyError) {
      throw new RenewalError(e.code, e.message);
    }
    throw e;
  }
}

/** The CA's signing key, proven to belong to the CA certificate. */
export async function caSigningKey(input: PrivateKeyMaterial | CryptoKey, ca: CertificateInfo): Promise<SigningKey> {
  const key = await withKeyErrors(async () => {
    try {
      return await importSigningKey(input);
    } catch (e) {
      if (e instanceof KeyError) {
        throw new KeyError(e.code, `CA key: ${e.message}`);
      }
      throw e;
    }
  });
  await checkKeyMatches(key, ca.publicKey, 'ca-key-mismatch', `the CA key does not belong to the CA certificate ${ca.subject.text}`);
  return key;
}

/** Proves the signing key belongs to the certificate: by public key when derivable, else by signing a challenge. */
async function checkKeyMatches(key: SigningKey, publicKey: PublicKeyInfo, code: RenewalErrorCode, message: string): Promise<void> {
  if (key.publicKey) {
    if (key.publicKey.id !== publicKey.id) {
      throw new RenewalError(code, `${message} (the key is ${key.publicKey.description}, the certificate's is ${publicKey.description})`);
    }
    return;
  }
  const params = verifyImportParams(publicKey, key.hash);
  if (!params || !sameFamily(key, publicKey)) {
    throw new RenewalError(code, `${message} (the key is ${key.family}, the certificate's is ${publicKey.description})`);
  }
  const challenge = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const signature = await globalThis.crypto.subtle.sign(signParams(key), key.key, challenge);
  const verifier = await globalThis.crypto.subtle.importKey('spki', toArrayBuffer(publicKey.spki), params, false, ['verify']);
  if (!await globalThis.crypto.subtle.verify(signParams(key), verifier, signature, challenge)) {
    throw new RenewalError(code, message);
  }
}

function sameFamily(key: SigningKey, publicKey: PublicKeyInfo): boolean {
  return (key.family === 'RSA' && publicKey.algorithm === 'RSA')
    || (key.family === 'ECDSA' && publicKey.algorithm === 'EC' && key.curve === publicKey.curve)
    || (key.family === 'Ed25519' && publicKey.algorithm === 'Ed25519');
}

/** The private key given with a kept key pair belongs to the certificate. */
export async function checkPrivateKeyMatches(material: PrivateKeyMaterial, publicKey: PublicKeyInfo, subject: string): Promise<void> {
  let info;
  try {
    info = describePrivateKey(material.label, material.der);
  } catch (e) {
    throw new RenewalError('invalid-key', `the certificate's private key (${material.label}) cannot be read: ${(e as Error).message}`);
  }
  if (info.encrypted) {
    throw new RenewalError('encrypted-key', 'the certificate\'s private key is encrypted; decrypt it first');
  }
  const complete = await completePublicKey(info, material.label, material.der);
  if (!complete.publicKey) {
    throw new RenewalError('unsupported-key', `cannot tell whether the ${info.description} key belongs to ${subject}`);
  }
  if (complete.publicKey.id !== publicKey.id) {
    throw new RenewalError('key-mismatch', `the private key does not belong to ${subject} (the key is ${complete.publicKey.description}, the certificate's is ${publicKey.description}); renewing with it would give a certificate nobody can use`);
  }
}
