import { Inventory } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { Check, Finding, ResolvedCheckOptions, finding, relatedTo } from './finding';

/**
 * csr-key-mismatch: the private key that sits where a request's key belongs (`apiserver.key` beside
 * `apiserver.csr`, the `admin.conf` kubeadm wrote beside `admin.conf.csr`) holds another key pair
 * than the request carries: the certificate signed from it would not pair with that key. Keys whose
 * public half cannot be derived (encrypted) are not judged; a kubeconfig with several users'
 * keys fits when any of them matches.
 */
export const checkCsrKeyMismatch: Check = (inventory: Inventory, _options: ResolvedCheckOptions): Finding[] => {
  const findings: Finding[] = [];
  for (const node of inventory.requests) {
    const known = node.keys.filter(k => k.key.publicKey);
    if (!known.length || known.some(k => k.key.publicKey!.id === node.csr.publicKey.id)) {
      continue;
    }
    const key = known[0];
    findings.push(finding('csr-key-mismatch', 'error', node,
      `Certificate request ${shortName(node.csr.subject) || '(empty subject)'} carries another public key than ${key.where} beside it (${node.csr.publicKey.description} against ${key.key.description}): a certificate signed from it would not pair with that key ("tls: private key does not match public key") — make the request again from that key`,
      [relatedTo(key, `the private key beside it: ${key.where}`)]));
  }
  return findings;
};
