import { Inventory } from '../inventory/inventory';
import { csrSignatureProblem } from '../renew/csr';
import { shortName } from '../x509/name';
import { Check, Finding, ResolvedCheckOptions, finding } from './finding';

/**
 * csr-bad-signature: a certificate request whose self-signature does not verify with the public
 * key it carries (altered after it was made, or not made by the key's holder). Every signer refuses
 * it — `pkiLens.signCsr` and `pki-lens sign` with the same words (renew/csr.ts). A signature this
 * host cannot check (MD5, DSA) is said as information: not judged is not "fine".
 */
export const checkCsrBadSignature: Check = (inventory: Inventory, _options: ResolvedCheckOptions): Finding[] => {
  const findings: Finding[] = [];
  for (const node of inventory.requests) {
    const problem = node.signature && csrSignatureProblem(node.signature, node.csr.signatureAlgorithm);
    if (problem) {
      const message = `Certificate request ${shortName(node.csr.subject) || '(empty subject)'}: ${problem}; no CA will sign it — make it again with its key (openssl req -new -key …)`;
      findings.push(finding('csr-bad-signature', node.signature === 'invalid' ? 'error' : 'information', node, message));
    }
  }
  return findings;
};
