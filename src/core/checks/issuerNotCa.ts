import { CertificateInfo } from '../x509/certificate';
import { CertificateRecord, Inventory } from '../inventory/inventory';
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
  // Per issuer, not per certificate: a workspace's thousands of certificates have a handful of issuers.
  const verdicts = new Map<CertificateRecord, string | undefined>();
  const whyNot = (issuer: CertificateRecord) => {
    if (!verdicts.has(issuer)) {
      verdicts.set(issuer, whyNotCa(issuer.certificate));
    }
    return verdicts.get(issuer);
  };
  const mayNotSign = (issuer: CertificateRecord) => whyNot(issuer) !== undefined;
  const nodes = yield* reportedCertificates(inventory);
  for (let visited = 0; visited < nodes.length; visited++) {
    if (visited % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const node = nodes[visited];
    const record = node.record;
    if (record.issuerStatus !== 'found' || !record.issuer) {
      continue;
    }
    // The first issuer's reason, when no issuer may sign (one that may is enough).
    const why = record.issuers.every(mayNotSign) ? whyNot(record.issuers[0]) : undefined;
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
