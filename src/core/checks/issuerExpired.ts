import { Inventory } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { formatDate } from '../render/time';
import { Check, Finding, finding, ITEMS_PER_STEP, relatedTo, reportedCertificates, ResolvedCheckOptions, RuleSteps } from './finding';
import { X509_EXPIRED } from './validity';

/**
 * chain-issuer-expired: a certificate in date whose every confirmed issuer is out of date. Placed
 * on the leaf (the expired CA gets its own cert-expired); only the direct issuer is considered —
 * an in-date intermediate under an expired root gets this finding itself.
 */
export const checkIssuerExpired: Check = function* (inventory: Inventory, options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const now = options.now.getTime();
  const inDate = (c: { notBefore: Date; notAfter: Date }) => c.notBefore.getTime() <= now && now <= c.notAfter.getTime();
  const nodes = yield* reportedCertificates(inventory);
  for (let visited = 0; visited < nodes.length; visited++) {
    if (visited % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const node = nodes[visited];
    const record = node.record;
    if (record.issuerStatus !== 'found' || !record.issuer || !inDate(node.certificate) || record.issuers.some(i => inDate(i.certificate))) {
      continue;
    }
    const issuer = record.issuer.preferred;
    const ca = issuer.certificate;
    const name = shortName(ca.subject);
    const when = now > ca.notAfter.getTime() ? `expired on ${formatDate(ca.notAfter)}` : `is not valid before ${formatDate(ca.notBefore)}`;
    findings.push(finding('chain-issuer-expired', 'error', node,
      `${shortName(node.certificate.subject)} is in date, but its issuer ${name} ${when}: the chain no longer verifies — ${X509_EXPIRED}`,
      [relatedTo(issuer, `issuer ${name} ${when}`)]));
  }
  return findings;
};
