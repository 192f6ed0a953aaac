import { encodeBase64, utf8Bytes } from '../x509/bytes';
import { CertificateInfo } from '../x509/certificate';
import { PrivateKeyMaterial } from '../x509/keygen';
import { oidBytes, tlv } from '../x509/derWriter';
import { toPem } from '../x509/pem';
import { SigningProfile, SigningProfileName } from '../kube/signingProfile';
import { reviewCsr } from './csrReview';
import { TlsUsage } from '../kube/profiles';
import { readCsr } from './csr';
import { RenewalError } from './errors';
import { caSigningKey, checkCanSign, checkNow, days } from './preconditions';
import { akiExtensionFor, extension, parseCertificate } from './rawCertificate';
import { signCertificate, verifySignature } from './signing';
import { OID_SAN, checkNameConstraints } from './subjectAltNames';
import { DEFAULT_SIGN_DAYS } from './signDefaults';
export { DEFAULT_SIGN_DAYS };

/**
 * Signing a certificate request with a local CA (kubeadm's external-CA mode, a kubelet serving
 * CSR): the subject and public key exactly as requested, the names requested (validated and
 * checked against the CA's name constraints), and the rest from the profile — never from what the
 * request asks for, so a request cannot make itself a CA or widen its own usages.
 */

const BACKDATE = 5 * 60_000;
const EKU_OIDS: Record<TlsUsage, string> = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' };
/** The shortest lifetime the Kubernetes signers accept (`spec.expirationSeconds` minimum). */
const MIN_EXPIRATION_SECONDS = 600;

export interface SignCsrOptions {
  /** DER of the PKCS#10 request. */
  csr: Uint8Array;
  caCertificate: Uint8Array;
  caKey: PrivateKeyMaterial | CryptoKey;
  profile?: SigningProfileName | 'auto';
  /** The CSR file's path, for `auto` (kubeadm's file names). */
  path?: string;
  /** From a CertificateSigningRequest object. */
  signerName?: string;
  usages?: readonly string[];
  expirationSeconds?: number;
  /** Lifetime; default 365 days. Clamped to the CA's NotAfter. */
  validityDays?: number;
  now?: Date;
}

export interface SignedCertificate {
  certificateDer: Uint8Array;
  certificatePem: string;
  certificate: CertificateInfo;
  profile: SigningProfile;
  /** Requested names carried into the certificate (`DNS:…`, `IP:…`). */
  subjectAltNames: string[];
  clamped: boolean;
  clampMessage?: string;
  warnings: string[];
  /** base64 of the PEM: what a CertificateSigningRequest's `status.certificate` holds. */
  statusCertificate: string;
}

/** Signs the request. Throws RenewalError with the reason; nothing is signed then. */
export async function signCsr(options: SignCsrOptions): Promise<SignedCertificate> {
  const now = checkNow(options.now);
  const request = await readCsr(options.csr);
  const ca = await parseCertificate(options.caCertificate, 'the CA certificate');
  checkCanSign(ca.info, now);
  const signer = await caSigningKey(options.caKey, ca.info);
  // The same review the csr-profile rule shows in Problems before anyone signs.
  const review = reviewCsr(request, { requested: options.profile ?? 'auto', path: options.path, signerName: options.signerName, usages: options.usages });
  if (!review.choice.ok || review.refusals.length) {
    throw new RenewalError('invalid-input', review.refusals[0]);
  }
  const choice = review.choice;
  checkNameConstraints(ca.raw.extensions, ca.info.subject.text, request.subjectAltNames.der);
  const warnings = [...review.warnings];
  const ignored = request.extensions.filter(e => e.oid !== OID_SAN).map(e => e.oid);
  if (ignored.length) {
    warnings.push(`the request also asks for extensions ${ignored.join(', ')}; the ${choice.profile.name} profile decides those`);
  }

  const lifetime = lifetimeOf(options);
  const notBefore = new Date(now.getTime() - BACKDATE);
  let notAfter = new Date(now.getTime() + lifetime);
  let clampMessage: string | undefined;
  if (notAfter.getTime() > ca.info.notAfter.getTime()) {
    clampMessage = `NotAfter cut to the CA's NotAfter ${ca.info.notAfter.toISOString()} (asked for ${notAfter.toISOString()}): a certificate cannot outlive its CA`;
    notAfter = new Date(ca.info.notAfter.getTime());
  }
  const extensions = [
    // basicConstraints CA:FALSE, critical, as kubeadm writes it.
    extension('2.5.29.19', true, tlv(0x30)),
    // keyUsage digitalSignature + keyEncipherment, critical: kubeadm's leaves (ECDSA ones too).
    extension('2.5.29.15', true, new Uint8Array([0x03, 0x02, 0x05, 0xa0])),
    extension('2.5.29.37', false, tlv(0x30, ...choice.profile.usages.map(u => oidBytes(EKU_OIDS[u])))),
    await akiExtensionFor(ca.raw),
    ...(request.subjectAltNames.der.length ? [extension(OID_SAN, request.subjectName.text === '', tlv(0x30, ...request.subjectAltNames.der))] : []),
  ];
  const der = await signCertificate({
    issuer: ca.raw.subject, subject: request.subject, spki: request.spki, notBefore, notAfter, extensions, signer, serialAvoid: [],
  });
  const signed = await parseCertificate(der, 'the new certificate');
  if (await verifySignature(signed, ca.info.publicKey) !== true) {
    throw new Error('internal error: the new certificate does not verify with the CA key');
  }
  const certificatePem = toPem('CERTIFICATE', encodeBase64(der));
  return {
    certificateDer: der,
    certificatePem,
    certificate: signed.info,
    profile: choice.profile,
    subjectAltNames: request.subjectAltNames.text,
    clamped: clampMessage !== undefined,
    clampMessage,
    warnings,
    statusCertificate: encodeBase64(utf8Bytes(certificatePem)),
  };
}

/** The lifetime asked for: `expirationSeconds` of the object (at least Kubernetes' 600 s) capped by the days asked for. */
function lifetimeOf(options: SignCsrOptions): number {
  const fromDays = days(options.validityDays ?? DEFAULT_SIGN_DAYS);
  if (options.expirationSeconds === undefined) {
    return fromDays;
  }
  if (!Number.isInteger(options.expirationSeconds) || options.expirationSeconds < MIN_EXPIRATION_SECONDS) {
    throw new RenewalError('invalid-input', `spec.expirationSeconds must be a whole number of at least ${MIN_EXPIRATION_SECONDS} (got ${options.expirationSeconds})`);
  }
  return Math.min(fromDays, options.expirationSeconds * 1000);
}
