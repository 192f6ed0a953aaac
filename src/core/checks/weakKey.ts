import { Inventory, MaterialNode } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { capitalise, Check, describeNode, Finding, finding, ITEMS_PER_STEP, reportedCertificates, ResolvedCheckOptions, RuleSteps } from './finding';

const MIN_BITS = 2048;
const WEAK_ALGORITHMS = new Set(['RSA', 'RSA-PSS', 'DSA']);

/**
 * weak-key: an RSA (or DSA) key under 2048 bits. On certificates, on keys that no
 * certificate in the workspace holds (sa.key / sa.pub), and on certificate requests; a key whose
 * certificate is already reported is not reported twice.
 */
export const checkWeakKey: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  // `what` is asked only of a weak key: describing every certificate was most of this rule's work and garbage.
  const report = (node: MaterialNode, key: { algorithm: string; bits?: number }, what: () => string) => {
    if (WEAK_ALGORITHMS.has(key.algorithm) && key.bits !== undefined && key.bits < MIN_BITS) {
      findings.push(finding('weak-key', 'warning', node,
        `${what()} has a ${key.algorithm} ${key.bits}-bit key, below the ${MIN_BITS}-bit minimum (kubeadm's default, NIST's floor since 2013); re-key it with RSA 2048+ or ECDSA P-256`));
    }
  };
  const nodes = yield* reportedCertificates(inventory);
  for (let visited = 0; visited < nodes.length; visited++) {
    if (visited % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const node = nodes[visited];
    report(node, node.certificate.publicKey, () => capitalise(describeNode(node)));
  }
  // A key beside its request (apiserver.key + apiserver.csr) is reported once, on the request.
  const requested = new Set(inventory.requests.flatMap(r => r.keys.filter(k => k.key.publicKey?.id === r.csr.publicKey.id)));
  for (const node of inventory.privateKeys) {
    if (!node.certificates.length && !requested.has(node)) {
      report(node, node.key, () => 'Private key');
    }
  }
  for (const node of inventory.publicKeys) {
    if (!node.certificates.length) {
      report(node, node.publicKey, () => 'Public key');
    }
  }
  // A request's key becomes its certificate's: said before it is signed.
  for (const node of inventory.requests) {
    report(node, node.csr.publicKey, () => `Certificate request ${shortName(node.csr.subject) || '(empty subject)'}`);
  }
  return findings;
};
