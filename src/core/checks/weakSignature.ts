import { Inventory } from '../inventory/inventory';
import { WEAK_SIGNATURE_ALGORITHMS } from '../x509/oids';
import { Check, Finding, ResolvedCheckOptions, capitalise, describeNode, finding, reportedCertificates, ITEMS_PER_STEP, RuleSteps } from './finding';

/** How Go spells the algorithm in "x509: cannot verify signature: insecure algorithm …". */
const GO_NAMES: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'MD2-RSA',
  '1.2.840.113549.1.1.4': 'MD5-RSA',
  '1.2.840.113549.1.1.5': 'SHA1-RSA',
  '1.2.840.10040.4.3': 'DSA-SHA1',
  '1.2.840.10045.4.1': 'ECDSA-SHA1',
};

/**
 * weak-signature: signed with MD5 or SHA-1 (or MD2). Not for self-signed certificates: nobody
 * verifies a trust anchor's own signature.
 */
export const checkWeakSignature: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const nodes = yield* reportedCertificates(inventory);
  for (let visited = 0; visited < nodes.length; visited++) {
    if (visited % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const node = nodes[visited];
    const alg = node.certificate.signatureAlgorithm;
    if (!WEAK_SIGNATURE_ALGORITHMS.has(alg.oid) || node.record.issuerStatus === 'self-signed') {
      continue;
    }
    findings.push(finding('weak-signature', 'warning', node,
      `${capitalise(describeNode(node))} is signed with ${alg.name}: collisions in this hash are practical, and Go refuses it — x509: cannot verify signature: insecure algorithm ${GO_NAMES[alg.oid] ?? alg.name}`));
  }
  return findings;
};
