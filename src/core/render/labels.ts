/**
 * How a certificate is named where space is short (the inventory tree, the expiry timeline): the
 * short name first, the location left to the tooltip. One place, so the tree and the timeline agree.
 */
import { push } from '../collections';
import type { CertificateRecord, Inventory, KubeconfigUserNode } from '../inventory/inventory';
import { shortName } from '../x509/name';

/**
 * Kubernetes' identity prefixes: every kubelet user is `system:node:…`, every control-plane
 * component `system:…`; in a label they only push the distinguishing part out of view.
 */
const PREFIXES = ['system:node:', 'system:'];

/**
 * `system:node:cp-1` → `cp-1`, `system:kube-scheduler` → `kube-scheduler`; other names unchanged.
 * The full name stays in the tooltip.
 */
export function shortUserName(name: string): string {
  const prefix = PREFIXES.find(p => name.startsWith(p) && name.length > p.length);
  return prefix ? name.slice(prefix.length) : name;
}

/** A certificate's own name: its CN, else its subject. */
export function certificateLabel(record: Pick<CertificateRecord, 'certificate'>): string {
  const subject = record.certificate.subject;
  return subject.commonName ?? (subject.text || shortName(subject));
}

/**
 * The kubeconfig users presenting each certificate record (the first user names it in the tree and
 * the timeline).
 */
export function kubeconfigUsersByRecord(inventory: Inventory): Map<CertificateRecord, { user: KubeconfigUserNode; file: string }[]> {
  const out = new Map<CertificateRecord, { user: KubeconfigUserNode; file: string }[]>();
  for (const kubeconfig of inventory.kubeconfigs) {
    for (const user of kubeconfig.users) {
      const client = user.certificates[0];
      if (client) {
        push(out, client.record, { user, file: kubeconfig.file.name });
      }
    }
  }
  return out;
}
