import { Inventory } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { Check, Describe, Finding, ResolvedCheckOptions, finding, relatedTo, reportedCertificates, ITEMS_PER_STEP, RuleSteps } from './finding';

/**
 * chain-bad-signature: a certificate carries its issuer's name (and key identifier), but the
 * issuer's key does not verify its signature — altered bytes, or signed by another key under the
 * same name. For a self-signed certificate: its own key does not verify it.
 */
export const checkBadSignature: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const nodes = yield* reportedCertificates(inventory);
  for (let visited = 0; visited < nodes.length; visited++) {
    if (visited % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const node = nodes[visited];
    if (node.record.issuerStatus !== 'bad-signature') {
      continue;
    }
    const cert = node.certificate;
    const candidate = node.record.badSignatureIssuers[0];
    const self = candidate === node.record;
    const message = self
      ? `${Describe(cert)} names itself as issuer, but its own key does not verify its signature (altered, or signed by another key) — x509: certificate signed by unknown authority`
      : `Signature of ${shortName(cert.subject)} does not verify with the key of its issuer ${shortName(candidate.certificate.subject)} (${candidate.preferred.where}), whose name${cert.authorityKeyId ? ' and key identifier' : ''} match — altered, or signed by another key with the same name: x509: certificate signed by unknown authority (crypto/x509: verification error)`;
    findings.push(finding('chain-bad-signature', 'error', node, message,
      self ? [] : [relatedTo(candidate.preferred, `${shortName(candidate.certificate.subject)}: name matches, signature does not verify with its key`)]));
  }
  return findings;
};
