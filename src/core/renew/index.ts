import { bytesEqual, encodeBase64 } from '../x509/bytes';
import { PrivateKeyEncoding, SigningKey, encodePrivateKeyPem, encodingForLabel, generateKeyLike } from '../x509/keygen';
import { extensionName } from '../x509/oids';
import { toPem } from '../x509/pem';
import { describeChanges } from './changes';
import { RenewalError } from './errors';
import { caSigningKey, checkCanSign, checkNow, checkPrivateKeyMatches, days, issuerRelation, withKeyErrors } from './preconditions';
import {
  OID_AKI, OID_SKI, ParsedCertificate, akiExtensionFor, akiNamesIssuerSerial, keyIdentifier, parseCertificate, rawCertificate,
  skiExtension,
} from './rawCertificate';
import { signCertificate, verifySignature } from './signing';
import { OID_SAN, SanEdit, checkNameConstraints, editSubjectAltNames } from './subjectAltNames';
import { KeyPolicy, RenewCaOptions, RenewCertificateOptions, RenewalChanges, RenewalResult } from './types';

export { RenewalError } from './errors';
export { parseSanName, sanLabel } from './subjectAltNames';
export type { SanEdit, SanName } from './subjectAltNames';
export { DEFAULT_SIGN_DAYS, signCsr } from './signCsr';
export type { SignCsrOptions, SignedCertificate } from './signCsr';
export type { RenewalErrorCode } from './errors';
export type { FieldChange, KeyPolicy, RenewCaOptions, RenewCertificateOptions, RenewalChanges, RenewalResult } from './types';

/**
 * Re-issuing certificates. The new TBSCertificate is assembled from the old certificate's raw DER
 * (subject Name, SubjectPublicKeyInfo when the key is kept, every extension) and the CA's subject
 * Name, so nothing is re-encoded: what the old certificate said, byte for byte, the new one says.
 * A leaf or intermediate (`renewCertificate`) and a self-signed CA (`renewCa`) differ only in their
 * preconditions and in the few steps `Reissue.selfSigned` names; both then take `reissue`.
 */

const BACKDATE = 5 * 60_000;
/** Signed certificate timestamps and the CT poison belong to one precise TBSCertificate; they cannot carry over. */
const NON_TRANSFERABLE = new Set(['1.3.6.1.4.1.11129.2.4.2', '1.3.6.1.4.1.11129.2.4.3']);
/** Extensions that point at the previous issuer's services. */
const ISSUER_POINTERS = new Set(['1.3.6.1.5.5.7.1.1', '2.5.29.31']);

/** Re-issue `certificate` from the CA, keeping its subject, SANs and extensions byte for byte. Throws RenewalError. */
export async function renewCertificate(options: RenewCertificateOptions): Promise<RenewalResult> {
  const now = checkNow(options.now);
  const old = await parseCertificate(options.certificate, 'the certificate to renew');
  const ca = await parseCertificate(options.caCertificate, 'the CA certificate');
  if (bytesEqual(options.certificate, options.caCertificate)) {
    throw new RenewalError('is-the-ca', `${old.info.subject.text} is the CA itself: renew it as a CA (same key, self-signed)`);
  }
  checkCanSign(ca.info, now);
  const signer = await caSigningKey(options.caKey, ca.info);
  const warnings: string[] = [];
  const issuedByCa = await issuerRelation(old, ca, options.allowDifferentIssuer ?? false, warnings);
  const key = await keyPair(old, options.key);
  return reissue({ now, old, ca, signer, selfSigned: false, validityDays: options.validityDays, key, issuedByCa, warnings, sanEdit: options.subjectAltNames });
}

/**
 * Re-issue a self-signed CA with the same key, subject and extensions (SKI kept): every certificate
 * it issued keeps verifying against the new one. Only the serial, the validity and the signature change.
 */
export async function renewCa(options: RenewCaOptions): Promise<RenewalResult> {
  const now = checkNow(options.now);
  const ca = await parseCertificate(options.caCertificate, 'the CA certificate');
  if (!bytesEqual(ca.raw.subject, ca.raw.issuer)) {
    throw new RenewalError('not-self-signed', `${ca.info.subject.text} is issued by ${ca.info.issuer.text}: an intermediate CA is renewed by its own issuer (renew it as a certificate, keeping its key)`);
  }
  const signer = await caSigningKey(options.caKey, ca.info);
  const warnings = ca.info.isCa ? [] : [`${ca.info.subject.text} is self-signed but not a CA (no basicConstraints CA:TRUE)`];
  return reissue({ now, old: ca, ca, signer, selfSigned: true, validityDays: options.validityDays, key: { policy: 'reuse' }, issuedByCa: 'verified', warnings });
}

/**
 * True when the certificate's Authority Key Identifier names its issuer's serial number
 * (`authorityKeyIdentifier = keyid, issuer:always`). Such a certificate stops chaining to its CA
 * once the CA is renewed (new serial): openssl refuses the mismatch. kubeadm names the key only.
 */
export function authorityKeyIdNamesSerial(certificate: Uint8Array): boolean {
  try {
    const aki = rawCertificate(certificate).extensions.find(e => e.oid === OID_AKI);
    return aki !== undefined && akiNamesIssuerSerial(aki.value);
  } catch {
    return false;
  }
}

/** The new certificate's key pair: the old public key, or a freshly generated one with its private key. */
type NewKey =
  | { policy: 'reuse' }
  | { policy: 'rotate'; spki: Uint8Array; privateKey: { pem: string; encoding: PrivateKeyEncoding } };

/** Everything `reissue` needs, checked: what differs between the two renewals is decided before. */
interface Reissue {
  now: Date;
  /** The certificate re-issued. */
  old: ParsedCertificate;
  /** The CA that signs: for a self-signed CA, `old` itself. */
  ca: ParsedCertificate;
  /** The CA's key, proven to belong to `ca`. */
  signer: SigningKey;
  /**
   * A self-signed CA renewed under its own key: its NotAfter is not bound by the old one, and its
   * AKI (if any) names itself, so it is only rewritten when it names the old serial and never added.
   */
  selfSigned: boolean;
  validityDays?: number;
  key: NewKey;
  issuedByCa: RenewalChanges['issuedByCa'];
  /** Filled on the way; the result's warnings. */
  warnings: string[];
  /** Names added or removed (a leaf only); absent: the SANs are copied as they are. */
  sanEdit?: SanEdit;
}

async function keyPair(old: ParsedCertificate, policy: KeyPolicy): Promise<NewKey> {
  if (policy.policy === 'reuse') {
    if (policy.privateKey) {
      await checkPrivateKeyMatches(policy.privateKey, old.info.publicKey, old.info.subject.text);
    }
    return { policy: 'reuse' };
  }
  const generated = await withKeyErrors(() => generateKeyLike(old.info.publicKey));
  const encoding = policy.format ?? encodingForLabel(policy.previousKeyLabel, generated.publicKey.algorithm);
  return { policy: 'rotate', spki: generated.spki, privateKey: encodePrivateKeyPem(generated.pkcs8, encoding, generated.publicKey) };
}

/** The one road: validity, extensions, signing, a check of the signature, the preview of what changed. */
async function reissue(r: Reissue): Promise<RenewalResult> {
  const { old, ca, now } = r;
  const spki = r.key.policy === 'rotate' ? r.key.spki : old.raw.spki;

  const lifetime = r.validityDays !== undefined ? days(r.validityDays) : old.info.notAfter.getTime() - old.info.notBefore.getTime();
  const notBefore = new Date(now.getTime() - BACKDATE);
  let notAfter = new Date(now.getTime() + lifetime);
  let clamped = false;
  let clampMessage: string | undefined;
  if (!r.selfSigned && notAfter.getTime() > ca.info.notAfter.getTime()) {
    clamped = true;
    const wanted = notAfter;
    notAfter = new Date(ca.info.notAfter.getTime());
    clampMessage = `NotAfter cut to the CA's NotAfter ${notAfter.toISOString()} (asked for ${wanted.toISOString()}): a certificate cannot outlive its CA; renew the CA ${ca.info.subject.text} to get the full lifetime`;
  }

  const { extensions, summary } = await carriedExtensions(r, spki);
  const der = await signCertificate({
    issuer: ca.raw.subject,
    subject: old.raw.subject,
    spki,
    notBefore,
    notAfter,
    extensions,
    signer: r.signer,
    serialAvoid: [old.raw.serial],
  });
  const renewed = await parseCertificate(der, 'the new certificate');
  if (await verifySignature(renewed, ca.info.publicKey) !== true) {
    throw new Error('internal error: the new certificate does not verify with the CA key');
  }
  const info = renewed.info;
  // A renewed CA is its own signer: the preview shows the new CA certificate as the one that signs.
  const changes = await describeChanges(old.info, info, r.selfSigned ? info : ca.info, r.key.policy, summary, r.issuedByCa);
  return {
    certificateDer: der,
    certificatePem: toPem('CERTIFICATE', encodeBase64(der)),
    certificate: info,
    keyPolicy: r.key.policy,
    privateKeyPem: r.key.policy === 'rotate' ? r.key.privateKey.pem : undefined,
    privateKeyFormat: r.key.policy === 'rotate' ? r.key.privateKey.encoding : undefined,
    serialNumber: info.serialNumber,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    clamped,
    clampMessage,
    signatureAlgorithm: info.signatureAlgorithm.name,
    warnings: r.warnings,
    changes,
  };
}

/** Every extension copied raw, except: AKI pointed at the signing CA, SKI recomputed for a new key, SCTs left out. */
async function carriedExtensions(r: Reissue, spki: Uint8Array): Promise<{ extensions: Uint8Array[]; summary: RenewalChanges['extensions'] }> {
  const aki = await akiExtensionFor(r.ca.raw);
  const extensions: Uint8Array[] = [];
  const summary: RenewalChanges['extensions'] = { kept: [], replaced: [], added: [], dropped: [] };
  let hadAki = false;
  const sans = editedSans(r);
  for (const e of r.old.raw.extensions) {
    const name = extensionName(e.oid);
    if (sans && e.oid === OID_SAN) {
      if (sans.extension) {
        extensions.push(sans.extension);
        (bytesEqual(e.der, sans.extension) ? summary.kept : summary.replaced).push(name);
      } else {
        summary.dropped.push(name);
      }
    } else if (NON_TRANSFERABLE.has(e.oid)) {
      summary.dropped.push(name);
    } else if (e.oid === OID_AKI && (!r.selfSigned || akiNamesIssuerSerial(e.value))) {
      // A self-signed CA's AKI naming the old serial would no longer match the certificate itself: openssl would not see it as self-signed.
      hadAki = true;
      extensions.push(aki);
      (bytesEqual(e.der, aki) ? summary.kept : summary.replaced).push(name);
    } else if (e.oid === OID_SKI && r.key.policy === 'rotate') {
      extensions.push(skiExtension(await keyIdentifier(spki), e.critical));
      summary.replaced.push(name);
    } else {
      extensions.push(e.der);
      summary.kept.push(name);
      if (r.issuedByCa === 'different-issuer' && ISSUER_POINTERS.has(e.oid)) {
        r.warnings.push(`${name} still points at the previous issuer's services`);
      }
    }
  }
  if (!hadAki && !r.selfSigned) {
    extensions.push(aki);
    summary.added.push(extensionName(OID_AKI));
  }
  if (sans?.extension && !r.old.raw.extensions.some(e => e.oid === OID_SAN)) {
    extensions.push(sans.extension);
    summary.added.push(extensionName(OID_SAN));
  }
  return { extensions, summary };
}

/** The SAN edit applied, its names checked against the CA's name constraints; undefined when nothing is to change. */
function editedSans(r: Reissue): ReturnType<typeof editSubjectAltNames> | undefined {
  if (!r.sanEdit || (!r.sanEdit.add?.length && !r.sanEdit.remove?.length)) {
    return undefined;
  }
  const edited = editSubjectAltNames(r.old.raw.extensions.find(e => e.oid === OID_SAN), r.sanEdit, r.old.info.subject.text === '');
  checkNameConstraints(r.ca.raw.extensions, r.ca.info.subject.text, edited.generalNames);
  return edited;
}
