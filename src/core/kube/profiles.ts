/**
 * What kubeadm expects of each certificate it writes (KUBERNETES-PKI.md §1), and how to recognise
 * one by where it sits: a file under a kubeadm-like `pki/` folder, a kubeconfig named admin.conf,
 * kubelet.conf…, or the kubelet's own `pki/` folder.
 */

export type TlsUsage = 'serverAuth' | 'clientAuth';

/** Which names a serving certificate must carry for its clients to reach it. */
export type SanProfile = 'apiserver' | 'etcd';

export type KubeadmSigner = 'self' | 'ca' | 'front-proxy-ca' | 'etcd/ca';

/** One row of kubeadm's table. */
export interface KubeadmRole {
  /** Stable id, also the path under the cert dir without extension: `apiserver`, `etcd/server`, `admin.conf`. */
  id: string;
  /** Where it lives: a certificate under the cert dir (`pki/`), a kubeconfig beside it, or the kubelet's pki folder. */
  place: 'pki' | 'kubeconfig' | 'kubelet';
  /** Who signs it. */
  signer: KubeadmSigner;
  ca: boolean;
  /** Exact subject CN, or a pattern (`system:node:<name>`) with its human spelling. */
  commonName?: { pattern: RegExp; spelled: string };
  /** At least one of these must be among the subject's O values. */
  organizations?: string[];
  /** Every one of these must be in the EKU (when the certificate has an EKU extension at all). */
  usages: TlsUsage[];
  sans?: SanProfile;
  /** Shown in messages: "the API server's serving certificate". */
  description: string;
}

const exactly = (cn: string) => ({ pattern: new RegExp(`^${cn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), spelled: cn });
const NODE_CN = { pattern: /^system:node:[^\s]+$/, spelled: 'system:node:<nodeName>' };
const ADMIN_GROUPS = ['kubeadm:cluster-admins', 'system:masters'];

/** Certificates under the kubeadm cert dir (`/etc/kubernetes/pki`), keyed by path below it without extension. */
export const KUBEADM_CERTIFICATES: KubeadmRole[] = [
  { id: 'ca', place: 'pki', signer: 'self', ca: true, usages: [], description: 'the cluster CA' },
  { id: 'apiserver', place: 'pki', signer: 'ca', ca: false, usages: ['serverAuth'], sans: 'apiserver', description: "the API server's serving certificate" },
  { id: 'apiserver-kubelet-client', place: 'pki', signer: 'ca', ca: false, usages: ['clientAuth'], description: "the API server's client certificate for kubelets" },
  { id: 'front-proxy-ca', place: 'pki', signer: 'self', ca: true, usages: [], description: 'the front-proxy (aggregation layer) CA' },
  { id: 'front-proxy-client', place: 'pki', signer: 'front-proxy-ca', ca: false, commonName: exactly('front-proxy-client'), usages: ['clientAuth'], description: "the aggregation layer's front-proxy client certificate" },
  { id: 'etcd/ca', place: 'pki', signer: 'self', ca: true, usages: [], description: 'the etcd CA' },
  { id: 'etcd/server', place: 'pki', signer: 'etcd/ca', ca: false, usages: ['serverAuth', 'clientAuth'], sans: 'etcd', description: 'the etcd serving certificate' },
  { id: 'etcd/peer', place: 'pki', signer: 'etcd/ca', ca: false, usages: ['serverAuth', 'clientAuth'], sans: 'etcd', description: 'the etcd peer certificate' },
  { id: 'etcd/healthcheck-client', place: 'pki', signer: 'etcd/ca', ca: false, usages: ['clientAuth'], description: 'the etcd health-check client certificate' },
  { id: 'apiserver-etcd-client', place: 'pki', signer: 'etcd/ca', ca: false, usages: ['clientAuth'], description: "the API server's client certificate for etcd" },
];

/** The client certificate of the (current) user of each kubeconfig kubeadm writes beside `pki/`. */
export const KUBEADM_KUBECONFIGS: KubeadmRole[] = [
  // The admin's power comes from the group; other distributions name the admin user differently, so CN is not checked.
  { id: 'admin.conf', place: 'kubeconfig', signer: 'ca', ca: false, organizations: ADMIN_GROUPS, usages: ['clientAuth'], description: 'the admin.conf client certificate' },
  { id: 'super-admin.conf', place: 'kubeconfig', signer: 'ca', ca: false, organizations: ['system:masters'], usages: ['clientAuth'], description: 'the super-admin.conf client certificate' },
  { id: 'controller-manager.conf', place: 'kubeconfig', signer: 'ca', ca: false, commonName: exactly('system:kube-controller-manager'), usages: ['clientAuth'], description: "the controller manager's client certificate" },
  { id: 'scheduler.conf', place: 'kubeconfig', signer: 'ca', ca: false, commonName: exactly('system:kube-scheduler'), usages: ['clientAuth'], description: "the scheduler's client certificate" },
  { id: 'kubelet.conf', place: 'kubeconfig', signer: 'ca', ca: false, commonName: NODE_CN, organizations: ['system:nodes'], usages: ['clientAuth'], description: "the kubelet's client certificate" },
];

/** The kubelet's own folder (`/var/lib/kubelet/pki`): its rotated client certificate and its serving certificate. */
export const KUBELET_CERTIFICATES: (KubeadmRole & { file: RegExp })[] = [
  { id: 'kubelet-client', file: /^kubelet-client-(current|\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})\.pem$/, place: 'kubelet', signer: 'ca', ca: false, commonName: NODE_CN, organizations: ['system:nodes'], usages: ['clientAuth'], description: "the kubelet's rotated client certificate" },
  { id: 'kubelet-server', file: /^kubelet-server-(current|\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})\.pem$/, place: 'kubelet', signer: 'ca', ca: false, usages: ['serverAuth'], description: "the kubelet's rotated serving certificate" },
  { id: 'kubelet', file: /^kubelet\.crt$/, place: 'kubelet', signer: 'self', ca: false, usages: ['serverAuth'], description: "the kubelet's self-signed serving certificate" },
];

/** A role matched to a file, with the folder holding the kubeadm tree (`''` or `etc/kubernetes/`), for finding siblings. */
export interface RoleMatch {
  role: KubeadmRole;
  /** Prefix of the relative path up to and including the folder that holds `pki/` (kubeadm roles) or the kubelet pki folder. */
  root: string;
}

const CERT_EXTENSION = /\.crt$/;

/** The kubeadm role of a certificate file, from its path: `…/pki/apiserver.crt`, `…/pki/etcd/server.crt`. */
export function kubeadmRoleForPath(relativePath: string): RoleMatch | undefined {
  // Every role lies under a `pki` folder: most paths say no here, before any copy of them is made
  // (a build asks for every file's role, and for the API server's certificate every serving one's).
  if (!relativePath.includes('pki')) {
    return undefined;
  }
  const path = relativePath.replace(/\\/g, '/');
  const at = path.lastIndexOf('pki/');
  if (at >= 0 && (at === 0 || path[at - 1] === '/') && CERT_EXTENSION.test(path)) {
    const id = path.slice(at + 4).replace(CERT_EXTENSION, '');
    const role = KUBEADM_CERTIFICATES.find(r => r.id === id);
    if (role) {
      return { role, root: path.slice(0, at) };
    }
  }
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  const folder = path.slice(0, Math.max(0, slash));
  if (folder === 'pki' || folder.endsWith('/pki')) {
    const role = KUBELET_CERTIFICATES.find(r => r.file.test(name));
    // kubelet.crt is too common a name to claim outside the kubelet's own folder.
    if (role && (role.id !== 'kubelet' || folder === 'kubelet/pki' || folder.endsWith('/kubelet/pki'))) {
      return { role, root: folder + '/' };
    }
  }
  return undefined;
}

/** The kubeadm role of a kubeconfig's client certificate, from the kubeconfig's file name. */
export function kubeconfigRoleForPath(relativePath: string): RoleMatch | undefined {
  const path = relativePath.replace(/\\/g, '/');
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  const role = KUBEADM_KUBECONFIGS.find(r => r.id === name);
  return role ? { role, root: path.slice(0, slash + 1) } : undefined;
}

/** The path of a kubeadm cert dir file, e.g. `kubeadmCertificatePath('etc/kubernetes/', 'ca')` → `etc/kubernetes/pki/ca.crt`. */
export function kubeadmCertificatePath(root: string, id: string): string {
  return `${root}pki/${id}.crt`;
}

/** DNS names the API server's certificate must carry; the `<dnsDomain>` one is checked separately. */
export const APISERVER_DNS_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc'];
/** kubeadm's defaults, used in messages and when no setting says otherwise. */
export const DEFAULT_DNS_DOMAIN = 'cluster.local';
export const DEFAULT_SERVICE_IP = '10.96.0.1';
/** Names etcd's serving and peer certificates carry so that local clients (the API server on the same node, etcdctl) connect. */
export const ETCD_LOCAL_NAMES: { type: 'DNS' | 'IP'; value: string }[] = [{ type: 'DNS', value: 'localhost' }, { type: 'IP', value: '127.0.0.1' }];
