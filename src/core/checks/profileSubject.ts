import { Inventory } from '../inventory/inventory';
import { Check, Finding, RuleSteps, ResolvedCheckOptions, capitalise, finding } from './finding';
import { profileIndex } from './profileTargets';

/**
 * profile-subject: a client certificate whose subject does not give the identity its role
 * needs. The API server takes the user name from CN and the groups from every O: the kubelet
 * must be `system:node:<name>` in `system:nodes` (Node authorizer), admin.conf in
 * kubeadm:cluster-admins or system:masters, the front-proxy client `front-proxy-client` (the
 * API server's --requestheader-allowed-names), the controller manager and scheduler their
 * `system:kube-…` names (RBAC).
 */
export const checkProfileSubject: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const { targets } = yield* profileIndex(inventory);
  for (const { node, role } of targets) {
    const subject = node.certificate.subject;
    const problems: string[] = [];
    if (role.commonName && !role.commonName.pattern.test(subject.commonName ?? '')) {
      problems.push(subject.commonName === undefined ? `no CN (it must be ${role.commonName.spelled})` : `CN=${subject.commonName}, not ${role.commonName.spelled}`);
    }
    if (role.organizations && !role.organizations.some(o => subject.organizations.includes(o))) {
      const has = subject.organizations.length ? subject.organizations.map(o => `O=${o}`).join(', ') : 'no O';
      problems.push(`${has}, not ${role.organizations.map(o => `O=${o}`).join(' or ')}`);
    }
    if (!problems.length) {
      continue;
    }
    findings.push(finding('profile-subject', 'error', node, `${capitalise(role.description)} has ${problems.join(' and ')} — ${consequence(role.id)}`));
  }
  return findings;
};

function consequence(role: string): string {
  switch (role) {
    case 'kubelet.conf':
    case 'kubelet-client':
      return 'the Node authorizer refuses a kubelet that is not user system:node:<nodeName> in group system:nodes (the API server takes the user from CN and the groups from O)';
    case 'front-proxy-client':
      return 'the API server drops aggregated requests: x509: subject with cn=… is not in the allowed list (--requestheader-allowed-names)';
    case 'admin.conf':
    case 'super-admin.conf':
      return 'the user is not bound to cluster-admin (the API server takes the groups from O) and gets Forbidden';
    default:
      return 'RBAC binds the component by this user name; it gets Forbidden';
  }
}
