import { Inventory } from '../inventory/inventory';
import { kubeadmCertificatePath } from '../kube/profiles';
import { Check, Finding, ResolvedCheckOptions, RuleSteps, finding, relatedTo } from './finding';
import { profileIndex } from './profileTargets';

/**
 * profile-front-proxy-ca: the front-proxy CA is the cluster CA (same certificate, or the same
 * key). Then --client-ca-file and --requestheader-client-ca-file trust the same signer and any
 * ordinary client certificate can pose as the front proxy. On front-proxy-ca.crt.
 */
export const checkProfileFrontProxyCa: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const { targets, kubeadmFiles } = yield* profileIndex(inventory);
  for (const { node, role, root } of targets) {
    if (role.id !== 'front-proxy-ca') {
      continue;
    }
    const ca = kubeadmFiles.get(kubeadmCertificatePath(root, 'ca'))?.certificates.find(c => !c.carrier);
    if (!ca) {
      continue;
    }
    const same = ca.fingerprint === node.fingerprint ? 'the same certificate as' : ca.certificate.publicKey.id === node.certificate.publicKey.id ? 'the same key as' : undefined;
    if (!same) {
      continue;
    }
    findings.push(finding('profile-front-proxy-ca', 'error', node,
      `The front-proxy CA is ${same} the cluster CA (${ca.where}): --client-ca-file and --requestheader-client-ca-file then trust one signer, ordinary client certificates are taken for front-proxy requests and refused (or worse, any client can pose as the aggregation layer)`,
      [relatedTo(ca, 'the cluster CA')]));
  }
  return findings;
};
