import { CertificateRecord, Inventory } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { formatDate } from '../render/time';
import { capitalise, Check, describeNode, Finding, finding, ITEMS_PER_STEP, relatedTo, reportedCertificates, ResolvedCheckOptions, RuleSteps } from './finding';
import { X509_EXPIRED } from './validity';

/**
 * validity-not-nested: a certificate valid after its issuer expires. From the issuer's NotAfter on,
 * the certificate stops verifying whatever its own date says (in a kubeadm tree, every leaf of a
 * CA dies with it), so the real end of its life is the issuer's date, which the message names.
 *
 * Judged only while both are in date now or the certificate is still to come: an issuer already
 * out of date is chain-issuer-expired, an expired certificate is cert-expired. The other edge (a
 * certificate starting before its issuer) is then already past and costs nothing. With several
 * confirmed issuers (a CA re-issued with the same key), the one that lasts longest counts.
 */
export const checkValidityNotNested: Check = function* (inventory: Inventory, options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const now = options.now.getTime();
  const nodes = yield* reportedCertificates(inventory);
  for (let visited = 0; visited < nodes.length; visited++) {
    if (visited % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const node = nodes[visited];
    const record = node.record;
    const cert = node.certificate;
    if (record.issuerStatus !== 'found' || !record.issuers.length || cert.notAfter.getTime() < now || cert.notBefore > cert.notAfter) {
      continue;
    }
    // The in-date issuer that lasts longest (the first of equals), without a list per certificate.
    let issuer: CertificateRecord | undefined;
    for (const candidate of record.issuers) {
      const c = candidate.certificate;
      if (c.notBefore.getTime() <= now && now <= c.notAfter.getTime() && (!issuer || c.notAfter.getTime() > issuer.certificate.notAfter.getTime())) {
        issuer = candidate;
      }
    }
    if (!issuer) {
      continue;
    }
    const end = issuer.certificate.notAfter;
    if (cert.notAfter.getTime() <= end.getTime()) {
      continue;
    }
    const name = shortName(issuer.certificate.subject);
    findings.push(finding('validity-not-nested', 'warning', node,
      `${capitalise(describeNode(node))} is valid until ${formatDate(cert.notAfter)}, but its issuer ${name} expires on ${formatDate(end)}: from that day it stops verifying — ${X509_EXPIRED} (RFC 5280 §6.1.3 judges every certificate of the path at the same time)`,
      [relatedTo(issuer.preferred, `issuer ${name} expires on ${formatDate(end)}`)]));
  }
  return findings;
};
