import { Inventory } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { Check, Finding, RelatedLocation, ResolvedCheckOptions, relatedTo } from './finding';

/**
 * kubeconfig-ca-mismatch: a user's client certificate does not chain to the CA in
 * certificate-authority-data of a cluster it is used with (through contexts). In a kubeadm
 * cluster that CA is also the API server's --client-ca-file, so the server refuses the
 * certificate. Placed on the client-certificate(-data) value. Not reported when the certificate's
 * signature fails against that very CA: chain-bad-signature says it more precisely.
 */
export const checkKubeconfigCa: Check = (inventory: Inventory, _options: ResolvedCheckOptions): Finding[] => {
  const findings: Finding[] = [];
  for (const kubeconfig of inventory.kubeconfigs) {
    for (const user of kubeconfig.users) {
      const client = user.certificates[0];
      const carrier = user.certificateCarrier;
      if (!client || !carrier) {
        continue;
      }
      for (const verdict of user.caVerdicts) {
        if (verdict.signed !== false) {
          continue;
        }
        const cluster = verdict.cluster;
        const cas = new Set(cluster.caCertificates.map(c => c.record));
        if (client.record.badSignatureIssuers.some(r => cas.has(r))) {
          continue;
        }
        const caNames = cluster.caCertificates.map(c => shortName(c.certificate.subject)).join(', ');
        const related: RelatedLocation[] = [];
        if (cluster.caRange) {
          related.push({ uri: kubeconfig.file.uri, range: cluster.caRange, message: `cluster "${cluster.name}" trusts ${caNames}` });
        }
        const issuer = client.record.issuer?.preferred;
        if (issuer && client.record.issuerStatus === 'found') {
          related.push(relatedTo(issuer, `the client certificate's actual issuer, ${shortName(issuer.certificate.subject)}`));
        }
        const signedBy = client.record.issuerStatus === 'found' && issuer ? `it was issued by ${shortName(issuer.certificate.subject)}` : `its issuer is ${shortName(client.certificate.issuer)}`;
        findings.push({
          code: 'kubeconfig-ca-mismatch',
          severity: 'error',
          message: `Client certificate ${shortName(client.certificate.subject)} of user "${user.name}" is not signed by the CA of cluster "${cluster.name}" (${caNames}); ${signedBy} — the API server would refuse it: x509: certificate signed by unknown authority`,
          uri: kubeconfig.file.uri,
          range: client.file === kubeconfig.file ? client.range : carrier.valueRange,
          related,
        });
      }
    }
  }
  return findings;
};
