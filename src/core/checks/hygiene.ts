/**
 * What the hygiene rules (ca-constraints, san-missing, key-usage-mismatch) share: who counts as a
 * serving certificate, and which certificates kubeadm made (kubeadm writes keyEncipherment on its
 * ECDSA leaves and is judged by the profile rules, so the hygiene rules do not say it again).
 */
import { CertificateInfo } from '../x509/certificate';
import { CertificateNode, Inventory } from '../inventory/inventory';
import { ProfileTarget, profileTargets } from './profileTargets';

export const KU_DIGITAL_SIGNATURE = 'Digital Signature';
export const KU_KEY_ENCIPHERMENT = 'Key Encipherment';
export const KU_CERT_SIGN = 'Certificate Sign';

export function hasEku(cert: CertificateInfo, short: string): boolean {
  return !!cert.extendedKeyUsage?.some(e => e.short === short);
}

/** The EKU allows TLS server use: serverAuth listed, or anyExtendedKeyUsage. */
export function allowsServerAuth(cert: CertificateInfo): boolean {
  return hasEku(cert, 'serverAuth') || hasEku(cert, 'anyExtendedKeyUsage');
}

/** Certificates whose place names a kubeadm role, by occurrence. */
export function kubeadmRoles(inventory: Inventory): Map<CertificateNode, ProfileTarget> {
  let map = roles.get(inventory);
  if (!map) {
    map = new Map(profileTargets(inventory).map(t => [t.node, t] as const));
    roles.set(inventory, map);
  }
  return map;
}

const roles = new WeakMap<Inventory, Map<CertificateNode, ProfileTarget>>();

/**
 * Made by kubeadm (or by the kubelet under kubeadm's CA): the certificate sits where a kubeadm role
 * lives, or one of its confirmed issuers does (the kubelet's rotated certificates, a kubeconfig
 * client certificate referenced by path).
 */
export function isKubeadmMade(node: CertificateNode, inventory: Inventory): boolean {
  const byRole = kubeadmRoles(inventory);
  if (byRole.has(node)) {
    return true;
  }
  const caNodes = new Set([...byRole.values()].filter(t => t.role.ca).map(t => t.node.record));
  return node.record.issuers.some(issuer => caNodes.has(issuer));
}
