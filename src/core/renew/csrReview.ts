import { ProfileChoice, chooseSigningProfile, SigningProfileName } from '../kube/signingProfile';
import { TlsUsage } from '../kube/profiles';
import { expectChildren as children, oidString, expectTlv as readTlv } from '../x509/der';
import { ParsedCsr } from './csr';

/**
 * Does a certificate request fit what it will be signed as? One judgement for two readers:
 * signing (signCsr.ts refuses on a refusal and lists the warnings in its preview) and the rules
 * (checks/csrProfile.ts shows the same words in Problems, hover and `pki-lens check` before
 * anyone signs). The profile comes from chooseSigningProfile (signer, then usages, then the
 * kubeadm role of the file name, then the request); this adds what the request itself asks for.
 */

/** Where the request sits and how it asks to be signed. */
export interface CsrContext {
  requested?: SigningProfileName | 'auto';
  /** The CSR file's path, for the kubeadm role its name implies. */
  path?: string;
  /** A CertificateSigningRequest object's `spec.signerName` and `spec.usages`. */
  signerName?: string;
  usages?: readonly string[];
}

export interface CsrReview {
  choice: ProfileChoice;
  /** What the signer would refuse (signing refuses too). */
  refusals: string[];
  /** What differs from the role without being refused (said, the operator may know better). */
  warnings: string[];
}

const OID_EKU = '2.5.29.37';
const EKU_NAMES: Record<string, TlsUsage> = { '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth' };
const OID_ANY_EKU = '2.5.29.37.0';

export function reviewCsr(request: ParsedCsr, context: CsrContext): CsrReview {
  const choice = chooseSigningProfile({
    requested: context.requested ?? 'auto', path: context.path, signerName: context.signerName, usages: context.usages,
    subject: request.subjectName, subjectAltNames: request.subjectAltNames.text,
  });
  if (!choice.ok) {
    return { choice, refusals: [choice.reason], warnings: [] };
  }
  const warnings = [...choice.warnings];
  const asked = requestedUsages(request);
  if (asked && !asked.includes(OID_ANY_EKU)) {
    const missing = choice.profile.usages.filter(u => !asked.some(oid => EKU_NAMES[oid] === u));
    if (missing.length) {
      const names = asked.map(oid => EKU_NAMES[oid] ?? oid).join(', ') || 'none';
      warnings.push(`the request asks for extended key usage ${names} but is signed as ${choice.profile.name} (${choice.profile.reason}), which needs ${missing.join(' and ')}: the certificate gets the profile's usages, not the requested ones`);
    }
  }
  return { choice, refusals: [], warnings };
}

/** The EKU OIDs the request asks for in its extensionRequest; undefined when it asks for none (or the value cannot be read). */
function requestedUsages(request: ParsedCsr): string[] | undefined {
  const eku = request.extensions.find(e => e.oid === OID_EKU);
  if (!eku) {
    return undefined;
  }
  try {
    return children(eku.value, readTlv(eku.value, 0)).map(t => oidString(eku.value, t) ?? '');
  } catch {
    return undefined;
  }
}
