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

/** The report's CERTIFICATE AUTHORITY column: the issuer's row name, `self-signed`, or the issuer `(not in workspace)`. */
export function authorityName(record: CertificateRecord, inventory: Inventory): string {
  if (record.issuerStatus === 'self-signed') {
    return 'self-signed';
  }
  if (record.issuer) {
    return reportRowName(record.issuer.preferred, inventory);
  }
  return `${shortName(record.certificate.issuer)} (not in workspace)`;
}

/**
 * kubeadm's EXTERNALLY MANAGED: a CA whose key is not at hand; a leaf whose CA's key is not at hand
 * (so it cannot be renewed here).
 */
export function externallyManaged(record: CertificateRecord): boolean {
  if (isAuthority(record)) {
    return !record.hasKeyInWorkspace;
  }
  return record.issuerStatus === 'self-signed' ? !record.hasKeyInWorkspace : !record.issuer?.hasKeyInWorkspace;
}

export function expiryReportFromInventory(inventory: Inventory, now: Date, subtitle?: string): ExpiryReportInput {
  const records = [...inventory.records.values()];
  const nameOf = (r: CertificateRecord) => reportRowName(r.preferred, inventory);
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
      authority: authorityName(r, inventory),
      externallyManaged: externallyManaged(r),
    })),
    authorities: records.filter(isAuthority).map(r => ({
      name: nameOf(r),
      notBefore: r.certificate.notBefore,
      notAfter: r.certificate.notAfter,
      externallyManaged: externallyManaged(r),
    })),
    undecodable,
  };
}
