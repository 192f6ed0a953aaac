import { Inventory } from '../inventory/inventory';
import { capitalise, Check, describeNode, Finding, finding, ITEMS_PER_STEP, reportedCertificates, ResolvedCheckOptions, RuleSteps } from './finding';
import { KU_CERT_SIGN, KU_DIGITAL_SIGNATURE, KU_KEY_ENCIPHERMENT, allowsServerAuth, hasEku, isKubeadmMade, kubeadmRoles } from './hygiene';

/** Usages kubeadm's pairing may come with: a CA's. */
const KUBEADM_PAIRING = new Set([KU_DIGITAL_SIGNATURE, KU_KEY_ENCIPHERMENT, KU_CERT_SIGN, 'CRL Sign']);

function isKubeadmPairing(ku: readonly string[]): boolean {
  return ku.every(u => KUBEADM_PAIRING.has(u));
}

const GO_INCOMPATIBLE = 'x509: certificate specifies an incompatible key usage';

/**
 * key-usage-mismatch: key usage that does not fit the key, or an EKU that does not fit the role.
 * - keyEncipherment on an EC or EdDSA key: these keys cannot encipher (RFC 5480 §3, RFC 8410 §5).
 *   Not kubeadm's known case: kubeadm (and cfssl's and cert-manager's defaults) write the pair
 *   digitalSignature + keyEncipherment whatever the key, Go and every Kubernetes client accept it,
 *   and a healthy cluster should be quiet — so keyEncipherment beside digitalSignature on a
 *   kubeadm-made certificate, or in exactly kubeadm's pairing (plus a CA's keyCertSign/cRLSign),
 *   is let be; keyEncipherment without digitalSignature, or beside other usages, is reported.
 * - a TLS server certificate whose key usage lacks digitalSignature: an ECDSA or EdDSA key cannot
 *   serve at all, an RSA key only with TLS 1.2 RSA key exchange (TLS 1.3 signs, RFC 8446 §4.4.2.2).
 * - a kubeconfig client certificate whose EKU does not allow clientAuth: the API server refuses it.
 *   kubeadm's own kubeconfigs are judged by profile-eku.
 */
export const checkKeyUsageMismatch: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const roles = kubeadmRoles(inventory);
  const clients = new Set(inventory.kubeconfigs.flatMap(k => k.users.map(u => u.certificates[0]).filter(c => c !== undefined)));
  const nodes = yield* reportedCertificates(inventory);
  for (let visited = 0; visited < nodes.length; visited++) {
    if (visited % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const node = nodes[visited];
    const cert = node.certificate;
    const algorithm = cert.publicKey.algorithm;
    const ku = cert.keyUsage;
    const problems: string[] = [];
    const signingOnly = algorithm === 'EC' || algorithm === 'Ed25519' || algorithm === 'Ed448';
    if (ku?.includes(KU_KEY_ENCIPHERMENT) && signingOnly && !(ku.includes(KU_DIGITAL_SIGNATURE) && (isKubeadmPairing(ku) || isKubeadmMade(node, inventory)))) {
      problems.push(`its key usage asserts keyEncipherment on an ${cert.publicKey.description} key, which cannot encipher (RFC ${algorithm === 'EC' ? '5480 §3' : '8410 §5'}) — strict TLS stacks refuse it; list digitalSignature (and keyAgreement for static ECDH) instead`);
    }
    if (ku && !ku.includes(KU_DIGITAL_SIGNATURE) && !cert.isCa && allowsServerAuth(cert) && cert.extendedKeyUsage) {
      problems.push(signingOnly || algorithm === 'RSA-PSS'
        ? `it is a TLS server certificate whose key usage (${ku.join(', ')}) lacks digitalSignature: an ${cert.publicKey.description} key can only serve TLS by signing, so handshakes fail — ${GO_INCOMPATIBLE} in strict clients`
        : `it is a TLS server certificate whose key usage (${ku.join(', ')}) lacks digitalSignature: only TLS 1.2 RSA key exchange can use it; TLS 1.3 (RFC 8446 §4.4.2.2) and every ECDHE suite sign with the key`);
    }
    if (clients.has(node) && !roles.has(node) && cert.extendedKeyUsage && !hasEku(cert, 'clientAuth') && !hasEku(cert, 'anyExtendedKeyUsage')) {
      problems.push(`it is a kubeconfig client certificate whose EKU (${cert.extendedKeyUsage.map(e => e.short).join(', ')}) does not allow clientAuth: the API server refuses it — ${GO_INCOMPATIBLE}`);
    }
    if (problems.length) {
      findings.push(finding('key-usage-mismatch', 'warning', node, `${capitalise(describeNode(node))}: ${problems.join('; ')}`));
    }
  }
  return findings;
};
