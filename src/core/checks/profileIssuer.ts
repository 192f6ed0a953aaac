import { CertificateNode, CertificateRecord, Inventory, InventoryFile } from '../inventory/inventory';
import { KUBEADM_CERTIFICATES, KubeadmRole, KubeadmSigner, kubeadmCertificatePath, kubeadmRoleForPath } from '../kube/profiles';
import { shortName } from '../x509/name';
import { Check, Finding, RelatedLocation, ResolvedCheckOptions, RuleSteps, capitalise, finding, relatedTo } from './finding';
import { whyNotCa } from './issuerNotCa';
import { ProfileTarget, profileIndex } from './profileTargets';

const UNKNOWN_AUTHORITY = 'x509: certificate signed by unknown authority';

/** Who checks each role's certificate against its CA, and so who refuses it (KUBERNETES-PKI.md §1). */
const VERIFIED_BY: Record<string, string> = {
  apiserver: 'kubectl and every client of the API server (kubelets, controller manager, scheduler)',
  'apiserver-kubelet-client': 'every kubelet (--client-ca-file), refusing the API server\'s logs, exec and port-forward calls,',
  'front-proxy-client': 'aggregated API servers such as metrics-server (--requestheader-client-ca-file)',
  'etcd/server': 'the API server (--etcd-cafile) and etcdctl',
  'etcd/peer': 'the other etcd members (--peer-trusted-ca-file)',
  'etcd/healthcheck-client': 'etcd (--trusted-ca-file), failing the health check,',
  'apiserver-etcd-client': 'etcd (--trusted-ca-file), refusing the API server,',
  'kubelet-server': 'the API server (with --kubelet-certificate-authority) and metrics-server',
};
const API_SERVER = 'the API server (--client-ca-file)';

/**
 * profile-issuer: a kubeadm role certificate that its CA did not issue — signed by another CA of
 * the workspace (etcd's client certificate by the cluster CA…) or self-signed. Whoever checks it
 * against the role's CA refuses it. Said once: an issuer missing from the workspace is
 * chain-unknown-issuer, a signature that fails chain-bad-signature, an issuer that is no CA
 * chain-issuer-not-ca, and a kubeconfig client certificate its own cluster CA refuses
 * kubeconfig-ca-mismatch; this rule speaks when none of those does.
 */
export const checkProfileIssuer: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const { targets, kubeadmFiles, clusterCaFiles } = yield* profileIndex(inventory);
  // The kubelet's folder is not beside pki/: any cluster CA of the workspace may be its CA.
  const clusterCas = clusterCaFiles.flatMap(caCertificates);
  for (const target of targets) {
    const { node, role, root } = target;
    if (role.signer === 'self' || node.record.issuerStatus === 'unknown' || node.record.issuerStatus === 'bad-signature' || refusedByOwnCluster(target)) {
      continue;
    }
    const expected = role.place === 'kubelet' ? clusterCas : caCertificates(kubeadmFiles.get(kubeadmCertificatePath(root, role.signer)));
    const record = node.record;
    if (node.record.issuerStatus === 'found' && !wrongIssuer(target, record, expected)) {
      continue;
    }
    findings.push(report(target, expected));
  }
  return findings;
};

/** The certificates of a CA file (several while a CA is rotated); none when the file is missing. */
function caCertificates(file: InventoryFile | undefined): CertificateNode[] {
  return file ? file.certificates.filter(c => !c.carrier) : [];
}

/** kubeconfig-ca-mismatch already says the API server refuses this client certificate. */
function refusedByOwnCluster({ node, role }: ProfileTarget): boolean {
  return role.place === 'kubeconfig' && node.file.kubeconfigs.some(k => k.users.some(u => u.certificates[0] === node && u.caVerdicts.some(v => v.signed === false)));
}

function wrongIssuer({ root, role }: ProfileTarget, record: CertificateRecord, expected: CertificateNode[]): boolean {
  if (record.issuers.every(i => whyNotCa(i.certificate) !== undefined)) {
    return false;
  }
  if (expected.length) {
    // By key: a re-issued CA certificate with the same key still verifies what the old one signed.
    const keys = new Set(expected.map(c => c.certificate.publicKey.id));
    return !record.issuers.some(i => keys.has(i.certificate.publicKey.id));
  }
  // The role's CA is not here: only an issuer that is visibly another kubeadm CA of the same tree is wrong.
  return record.issuers.every(i => otherKubeadmCa(i, root, role.signer) !== undefined);
}

/** The kubeadm CA role (`etcd/ca`, `front-proxy-ca`…) another than `signer` that a certificate holds in the tree at `root`. */
function otherKubeadmCa(issuer: CertificateRecord, root: string, signer: KubeadmSigner): KubeadmRole | undefined {
  for (const at of issuer.occurrences) {
    const match = kubeadmRoleForPath(at.file.relativePath);
    if (match && match.root === root && match.role.signer === 'self' && match.role.ca && match.role.id !== signer) {
      return match.role;
    }
  }
  return undefined;
}

function report({ node, role, root }: ProfileTarget, expected: CertificateNode[]): Finding {
  const caName = KUBEADM_CERTIFICATES.find(r => r.id === role.signer)?.description ?? role.signer;
  const caPlace = expected.length ? expected[0].where : role.place === 'kubelet' ? 'not in the workspace' : `${kubeadmCertificatePath(root, role.signer)}, not in the workspace`;
  const related: RelatedLocation[] = expected.length ? [relatedTo(expected[0], `${caName}, ${shortName(expected[0].certificate.subject)}, which should have issued it`)] : [];
  let what: string;
  if (node.record.issuerStatus === 'self-signed') {
    what = 'is self-signed';
  } else {
    const issuer = node.record.issuer!.preferred;
    what = `is issued by ${shortName(issuer.certificate.subject)} (${issuer.where})`;
    related.push(relatedTo(issuer, `the actual issuer, ${shortName(issuer.certificate.subject)}`));
  }
  const who = VERIFIED_BY[role.id] ?? API_SERVER;
  return finding('profile-issuer', 'error', node,
    `${capitalise(role.description)} ${what}, not by ${caName} (${caPlace}) — ${who} will say: ${UNKNOWN_AUTHORITY}`, related);
}
