import { CertificateInfo } from '../x509/certificate';
import { Inventory } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { Check, Finding, finding, ITEMS_PER_STEP, relatedTo, reportedCertificates, ResolvedCheckOptions, RuleSteps } from './finding';

/** Why a certificate may not sign others, or undefined when it may. */
export function whyNotCa(cert: CertificateInfo): string | undefined {
  if (!cert.basicConstraints) {
    return cert.version < 3 ? 'it is an X.509 v1 certificate without basicConstraints' : 'it has no basicConstraints CA:TRUE';
  }
  if (!cert.basicConstraints.ca) {
    return 'its basicConstraints say CA:FALSE';
  }
  if (cert.keyUsage && !cert.keyUsage.includes('Certificate Sign')) {
    return `its key usage (${cert.keyUsage.join(', ')}) lacks keyCertSign`;
  }
  return undefined;
}

/** chain-issuer-not-ca: the certificate that signed this one is not allowed to sign certificates. */
export const checkIssuerNotCa: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const verdicts = new Map<string, string | undefined>();
  let visited = 0;
  for (const node of reportedCertificates(inventory)) {
    if (++visited % ITEMS_PER_STEP === 0) {
      yield;
    }
    const record = node.record;
    if (record.issuerStatus !== 'found' || !record.issuer) {
      continue;
    }
    let why = verdicts.get(record.fingerprint);
    if (!verdicts.has(record.fingerprint)) {
      const reasons = record.issuers.map(i => whyNotCa(i.certificate));
      why = reasons.every(r => r !== undefined) ? reasons[0] : undefined;
      verdicts.set(record.fingerprint, why);
    }
    if (!why) {
      continue;
    }
    const issuer = record.issuer.preferred;
    const name = shortName(issuer.certificate.subject);
    findings.push(finding('chain-issuer-not-ca', 'error', node,
      `Issuer ${name} of ${shortName(node.certificate.subject)} is not a CA: ${why} — x509: certificate signed by unknown authority (possibly because of "x509: invalid signature: parent certificate cannot sign this kind of certificate")`,
      [relatedTo(issuer, `${name}: ${why}`)]));
  }
  return findings;
};
