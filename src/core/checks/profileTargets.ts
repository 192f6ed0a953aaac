import { CertificateNode, Inventory, InventoryFile } from '../inventory/inventory';
import { runStraight } from '../slices';
import { ITEMS_PER_STEP } from './finding';
import { KubeadmRole, kubeadmRoleForPath, kubeconfigRoleForPath } from '../kube/profiles';

/** A certificate recognised as one of kubeadm's, with the root of its kubeadm tree. */
export interface ProfileTarget {
  node: CertificateNode;
  role: KubeadmRole;
  root: string;
}

/** What the profile rules look at, found in one pass over the files. */
export interface ProfileIndex {
  /** Every certificate whose place names its kubeadm role (see `profileIndex`). */
  targets: ProfileTarget[];
  /** Files whose path names a kubeadm role, by relative path: where a role's CA is looked up (kubeadmCertificatePath). */
  kubeadmFiles: Map<string, InventoryFile>;
  /** Files in a cluster CA's place (`pki/ca.crt` of any tree). */
  clusterCaFiles: InventoryFile[];
}

/**
 * Every certificate whose place names its kubeadm role: the first certificate of a file under
 * `pki/` (`pki/apiserver.crt`, `pki/etcd/server.crt`), of the kubelet's pki folder, and the client
 * certificate of each user of admin.conf, kubelet.conf… when it is written in the kubeconfig
 * itself (a `client-certificate:` path is judged in the file it points to). Made once per
 * inventory, for every profile rule, a step every ITEMS_PER_STEP files: at 110,000 files, matching
 * every path against kubeadm's, and making maps of every file for two rules, held the host for 80 ms.
 */
export function* profileIndex(inventory: Inventory): Generator<void, ProfileIndex, void> {
  let index = computed.get(inventory);
  if (!index) {
    index = yield* findTargets(inventory);
    computed.set(inventory, index);
  }
  return index;
}

/** `profileIndex`'s targets, straight through (for a rule that does not step). */
export function profileTargets(inventory: Inventory): ProfileTarget[] {
  return runStraight(profileIndex(inventory)).targets;
}

const computed = new WeakMap<Inventory, ProfileIndex>();

function* findTargets(inventory: Inventory): Generator<void, ProfileIndex, void> {
  const index: ProfileIndex = { targets: [], kubeadmFiles: new Map(), clusterCaFiles: [] };
  const files = inventory.files;
  for (let i = 0; i < files.length; i++) {
    if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const file = files[i];
    const byPath = kubeadmRoleForPath(file.relativePath);
    if (byPath) {
      index.kubeadmFiles.set(file.relativePath, file);
      if (byPath.role.id === 'ca') {
        index.clusterCaFiles.push(file);
      }
    }
    const first = file.certificates.find(c => !c.carrier);
    if (byPath && first && (first.bundleIndex ?? 0) === 0) {
      index.targets.push({ node: first, role: byPath.role, root: byPath.root });
    }
    const byName = file.kubeconfigs.length ? kubeconfigRoleForPath(file.relativePath) : undefined;
    if (byName) {
      for (const kubeconfig of file.kubeconfigs) {
        for (const user of kubeconfig.users) {
          const client = user.certificates[0];
          if (client && client.file === file) {
            index.targets.push({ node: client, role: byName.role, root: byName.root });
          }
        }
      }
    }
  }
  return index;
}
