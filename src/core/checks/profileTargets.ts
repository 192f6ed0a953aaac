import { CertificateNode, Inventory } from '../inventory/inventory';
import { KubeadmRole, kubeadmRoleForPath, kubeconfigRoleForPath } from '../kube/profiles';

/** A certificate recognised as one of kubeadm's, with the root of its kubeadm tree. */
export interface ProfileTarget {
  node: CertificateNode;
  role: KubeadmRole;
  root: string;
}

/**
 * Every certificate whose place names its kubeadm role: the first certificate of a file under
 * `pki/` (`pki/apiserver.crt`, `pki/etcd/server.crt`), of the kubelet's pki folder, and the client
 * certificate of each user of admin.conf, kubelet.conf… when it is written in the kubeconfig
 * itself (a `client-certificate:` path is judged in the file it points to).
 */
export function profileTargets(inventory: Inventory): ProfileTarget[] {
  let targets = computed.get(inventory);
  if (!targets) {
    targets = findTargets(inventory);
    computed.set(inventory, targets);
  }
  return targets;
}

/** The four profile rules share one pass over the files. */
const computed = new WeakMap<Inventory, ProfileTarget[]>();

function findTargets(inventory: Inventory): ProfileTarget[] {
  const targets: ProfileTarget[] = [];
  for (const file of inventory.files) {
    const byPath = kubeadmRoleForPath(file.relativePath);
    const first = file.certificates.find(c => !c.carrier);
    if (byPath && first && (first.bundleIndex ?? 0) === 0) {
      targets.push({ node: first, role: byPath.role, root: byPath.root });
    }
    const byName = file.kubeconfigs.length ? kubeconfigRoleForPath(file.relativePath) : undefined;
    if (byName) {
      for (const kubeconfig of file.kubeconfigs) {
        for (const user of kubeconfig.users) {
          const client = user.certificates[0];
          if (client && client.file === file) {
            targets.push({ node: client, role: byName.role, root: byName.root });
          }
        }
      }
    }
  }
  return targets;
}
