import { Inventory } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { Check, Finding, ResolvedCheckOptions, capitalise, describeNode, finding, relatedTo, reportedCertificates, ITEMS_PER_STEP, RuleSteps } from './finding';
import { looksPubliclyIssued } from './publicCa';

/**
 * chain-unknown-issuer: no certificate in the workspace is this one's issuer. Never for
 * self-signed certificates. A kubeconfig client certificate signed by a CA that is absent gets
 * this AND kubeconfig-ca-mismatch: the first says the issuer is missing from the workspace, the
 * second that the cluster will refuse the certificate.
 */
export const checkUnknownIssuer: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const nodes = yield* reportedCertificates(inventory);
  for (let visited = 0; visited < nodes.length; visited++) {
    if (visited % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const node = nodes[visited];
    if (node.record.issuerStatus !== 'unknown') {
      continue;
    }
    const cert = node.certificate;
    const issuerName = shortName(cert.issuer);
    const otherKey = node.record.sameNameOtherKey[0];
    if (looksPubliclyIssued(cert)) {
      findings.push(finding('chain-unknown-issuer', 'information', node,
        `${capitalise(describeNode(node))} is issued by ${issuerName}, a public CA that is not in the workspace; clients verify it with their system trust store`));
      continue;
    }
    const related = otherKey
      ? [relatedTo(otherKey.preferred, `${shortName(otherKey.certificate.subject)} here has the issuer's name but another key (authority key id ${cert.authorityKeyId ?? '?'} ≠ subject key id ${otherKey.certificate.subjectKeyId ?? '?'}): a different generation of the CA`)]
      : [];
    const why = otherKey ? ` (a CA named ${issuerName} is here, but with another key)` : '';
    findings.push(finding('chain-unknown-issuer', 'warning', node,
      `Issuer ${issuerName} of ${describeNode(node)} is nowhere in the workspace${why} — unless the verifier has it, it says: x509: certificate signed by unknown authority`, related));
  }
  return findings;
};
