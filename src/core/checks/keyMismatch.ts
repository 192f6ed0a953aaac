import { Inventory, KeyPairing } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { Check, Finding, RelatedLocation, ResolvedCheckOptions, finding, relatedTo } from './finding';

const WHY: Record<KeyPairing['reason'], string> = {
  'combined-file': 'the certificate in the same file',
  'same-name': 'the certificate beside it',
  'kubeconfig-user': "the same user's client certificate",
  secret: "the Secret's tls.crt",
  'sibling-fields': 'the certificate next to it',
  'key-pair-files': 'the public key beside it',
};

/**
 * key-mismatch: a private key does not belong to the certificate (or public key) its location
 * pairs it with. On the key; the certificate is related. Encrypted keys are not judged.
 */
export const checkKeyMismatch: Check = (inventory: Inventory, _options: ResolvedCheckOptions): Finding[] => {
  const findings: Finding[] = [];
  for (const pairing of inventory.pairings) {
    if (pairing.matches !== false) {
      continue;
    }
    const key = pairing.key;
    const related: RelatedLocation[] = [];
    let message: string;
    if (pairing.publicKey) {
      const pub = pairing.publicKey;
      related.push(relatedTo(pub, `${pub.file.relativePath}: the public key it should pair with`));
      const sa = /(^|\/)sa\.key$/.test(key.file.relativePath);
      message = `${key.file.name} and ${pub.file.name} are not one key pair${sa
        ? ': service-account tokens signed with sa.key fail verification against sa.pub (401 Unauthorized for every pod token)'
        : ': what one signs, the other does not verify'}`;
    } else {
      const cert = pairing.certificates[0];
      related.push(relatedTo(cert, `${shortName(cert.certificate.subject)} (${cert.where}): the certificate it should belong to`));
      const elsewhere = key.certificates[0]?.preferred;
      if (elsewhere) {
        related.push(relatedTo(elsewhere, `the key belongs to ${shortName(elsewhere.certificate.subject)} (${elsewhere.where})`));
      }
      message = `Private key does not match ${WHY[pairing.reason]} (${shortName(cert.certificate.subject)}, ${cert.where})${elsewhere ? `; it belongs to ${shortName(elsewhere.certificate.subject)} (${elsewhere.where})` : ''} — tls: private key does not match public key`;
    }
    findings.push(finding('key-mismatch', 'error', key, message, related));
  }
  return findings;
};
