import { Inventory } from '../inventory/inventory';
import { Check, Finding, RuleSteps, ResolvedCheckOptions, capitalise, finding } from './finding';
import { profileIndex } from './profileTargets';

const ANY = '2.5.29.37.0';

/**
 * profile-eku: a kubeadm certificate without the extended key usage its role needs (etcd
 * server/peer: serverAuth and clientAuth; serving certificates: serverAuth; client certificates:
 * clientAuth). A certificate without an EKU extension is allowed any usage, as Go allows it.
 */
export const checkProfileEku: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const { targets } = yield* profileIndex(inventory);
  for (const { node, role } of targets) {
    const eku = node.certificate.extendedKeyUsage;
    if (!role.usages.length || !eku || eku.some(e => e.oid === ANY)) {
      continue;
    }
    const missing = role.usages.filter(u => !eku.some(e => e.short === u));
    if (!missing.length) {
      continue;
    }
    const has = eku.map(e => e.short).join(', ') || 'nothing';
    const needs = role.usages.length > 1 ? ` (it needs ${role.usages.join(' and ')})` : '';
    findings.push(finding('profile-eku', 'error', node,
      `${capitalise(role.description)} lacks ${missing.join(' and ')} in its extended key usage${needs}; it has ${has} — x509: certificate specifies an incompatible key usage`));
  }
  return findings;
};
