/**
 * The expiry report's rows from a linked inventory: which certificates are leaves and which are
 * authorities, who issued each, and whether its CA's key is at hand (kubeadm's "externally
 * managed"). Pure, so the extension's report command and `pki-lens check` print the same table.
 */
import { CertificateNode, CertificateRecord, Inventory } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { ExpiryReportInput } from './report';

/** A CA is a certificate with CA:TRUE, or one that signed something in the workspace. */
export function isAuthority(record: CertificateRecord): boolean {
  return record.certificate.isCa || record.issued.length > 0;
}

/**
 * The name of a certificate in the report: its workspace path, `admin.conf` for a kubeconfig's
 * only user (`file › user` when there are several), a carrier's path otherwise. Paths rather than
 * kubeadm's short names, so two clusters in one workspace never share a row name.
 */
export function reportRowName(node: CertificateNode, inventory: Inventory): string {
  if (node.carrier?.owner.kind === 'kubeconfig-user') {
    const users = node.file.kubeconfigs[0]?.users.length ?? inventory.kubeconfigs.find(k => k.file === node.file)?.users.length ?? 1;
    return users > 1 ? `${node.file.relativePath} › ${node.carrier.owner.name}` : node.file.relativePath;
  }
  return node.where;
}

export function expiryReportFromInventory(inventory: Inventory, now: Date, subtitle?: string): ExpiryReportInput {
  const records = [...inventory.records.values()];
  const nameOf = (r: CertificateRecord) => reportRowName(r.preferred, inventory);
  const authority = (r: CertificateRecord): string => {
    if (r.issuerStatus === 'self-signed') {
      return 'self-signed';
    }
    if (r.issuer) {
      return nameOf(r.issuer);
    }
    return `${shortName(r.certificate.issuer)} (not in workspace)`;
  };
  const undecodable: string[] = [];
  for (const file of inventory.files) {
    for (const entry of file.analysis.entries) {
      const where = entry.carrier ? `${file.relativePath} ${entry.carrier.path}` : file.relativePath;
      if (entry.error) {
        undecodable.push(`${where}: ${entry.error}`);
      }
      for (const o of entry.objects) {
        if (o.error && (o.kind === 'certificate' || o.kind === 'unknown')) {
          undecodable.push(`${where}: ${o.error}`);
        }
      }
    }
  }
  return {
    now,
    subtitle,
    certificates: records.filter(r => !isAuthority(r)).map(r => ({
      name: nameOf(r),
      notBefore: r.certificate.notBefore,
      notAfter: r.certificate.notAfter,
      authority: authority(r),
      // kubeadm: a leaf is externally managed when its CA's key is not at hand to renew it.
      externallyManaged: r.issuerStatus === 'self-signed' ? !r.hasKeyInWorkspace : !r.issuer?.hasKeyInWorkspace,
    })),
    authorities: records.filter(isAuthority).map(r => ({
      name: nameOf(r),
      notBefore: r.certificate.notBefore,
      notAfter: r.certificate.notAfter,
      externallyManaged: !r.hasKeyInWorkspace,
    })),
    undecodable,
  };
}
