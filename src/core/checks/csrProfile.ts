import { Inventory, RequestNode } from '../inventory/inventory';
import { ParsedCsr, parseCsr } from '../renew/csr';
import { reviewCsr } from '../renew/csrReview';
import { RenewalError } from '../renew/errors';
import { shortName } from '../x509/name';
import { Check, Finding, ResolvedCheckOptions, finding } from './finding';

/**
 * csr-profile: what a certificate request asks for against what it will be signed as — the
 * signer of its CertificateSigningRequest (`kubernetes.io/kubelet-serving` needs
 * `system:node:<name>` / `system:nodes`, only DNS/IP names and "server auth"), else the kubeadm
 * role its file name implies (`pki/apiserver.csr`, `admin.conf.csr`). The judgement is signing's
 * own (renew/csrReview.ts): an error where signing refuses, a warning where it signs and says so.
 */
export const checkCsrProfile: Check = (inventory: Inventory, _options: ResolvedCheckOptions): Finding[] => {
  const findings: Finding[] = [];
  for (const node of inventory.requests) {
    if (!node.object.der) {
      continue;
    }
    const name = `Certificate request ${shortName(node.csr.subject) || '(empty subject)'}`;
    let request: ParsedCsr;
    try {
      request = parseCsr(node.object.der);
    } catch (e) {
      if (e instanceof RenewalError) {
        findings.push(finding('csr-profile', 'error', node, `${name}: ${e.message}; no CA will sign it`));
        continue;
      }
      throw e;
    }
    const review = reviewCsr(request, contextOf(node));
    for (const refusal of review.refusals) {
      findings.push(finding('csr-profile', 'error', node, `${name}: ${refusal}; the signer refuses it`));
    }
    for (const warning of review.warnings) {
      findings.push(finding('csr-profile', 'warning', node, `${name}: ${warning}`));
    }
  }
  return findings;
};

/** How signing would be asked for it: the object's signer and usages, else the file's kubeadm name. */
function contextOf(node: RequestNode) {
  return node.spec
    ? { signerName: node.spec.signerName, usages: node.spec.usages }
    : { path: node.carrier ? undefined : node.file.relativePath };
}
