import { CertificateRecord, Inventory } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { capitalise, Check, describeNode, Finding, finding, ITEMS_PER_STEP, relatedTo, reportedCertificates, ResolvedCheckOptions, RuleSteps } from './finding';
import { KU_CERT_SIGN, isKubeadmMade, kubeadmRoles } from './hygiene';

/**
 * ca-constraints: a CA (basicConstraints CA:TRUE) whose extensions do not say so the way RFC 5280
 * asks — basicConstraints not critical (§4.2.1.9), key usage absent or without keyCertSign
 * (§4.2.1.3), or a path length its children already exceed (§4.2.1.9: pathLenConstraint counts
 * the CAs that may follow) — and a leaf that says CA:TRUE.
 *
 * Said once: a CA whose missing keyCertSign already refuses a child of the workspace gets
 * chain-issuer-not-ca on that child, not this. A certificate without CA:TRUE that signed others
 * is chain-issuer-not-ca too. "Leaf" is decided by role only, never guessed from a self-signed
 * `openssl req -x509` certificate (which says CA:TRUE by default and harms nobody): a kubeadm
 * role that is not a CA, or a certificate issued by another CA that carries host names (DNS/IP
 * SANs) and signed nothing here — intermediates carry no host names.
 */
export const checkCaConstraints: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const roles = kubeadmRoles(inventory);
  const nodes = yield* reportedCertificates(inventory);
  for (let visited = 0; visited < nodes.length; visited++) {
    if (visited % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const node = nodes[visited];
    const cert = node.certificate;
    const bc = cert.basicConstraints;
    if (!bc?.ca) {
      continue;
    }
    const role = roles.get(node)?.role;
    const hostNames = cert.subjectAltNames.some(s => s.type === 'DNS' || s.type === 'IP');
    if ((role && !role.ca) || (!role && !cert.selfIssued && hostNames && !node.record.issued.length && !isKubeadmMade(node, inventory))) {
      findings.push(finding('ca-constraints', 'warning', node,
        `${capitalise(describeNode(node))} says CA:TRUE but is ${role ? role.description : 'a leaf (it names hosts and signed nothing)'}: its key can sign certificates that verify under its issuer — issue it with basicConstraints critical, CA:FALSE`));
      continue;
    }
    const problems: string[] = [];
    if (!bc.critical) {
      problems.push('basicConstraints is not marked critical (RFC 5280 §4.2.1.9: a CA MUST mark it critical)');
    }
    if (!cert.keyUsage) {
      problems.push('it has no key usage extension (RFC 5280 §4.2.1.3: a CA certificate MUST carry one with keyCertSign)');
    } else if (!cert.keyUsage.includes(KU_CERT_SIGN) && !node.record.issued.length) {
      problems.push(`its key usage (${cert.keyUsage.join(', ')}) lacks keyCertSign (RFC 5280 §4.2.1.3), so nothing it signs verifies`);
    }
    const related = [];
    if (bc.pathLength !== undefined) {
      const deepest = deepestCaChain(node.record, new Set());
      if (deepest.depth > bc.pathLength) {
        const child = deepest.path[0];
        problems.push(`its path length ${bc.pathLength} allows ${bc.pathLength === 0 ? 'no intermediate CA' : `${bc.pathLength} intermediate CA${bc.pathLength > 1 ? 's' : ''}`} below it, but ${deepest.depth} follow${deepest.depth > 1 ? '' : 's'} (${deepest.path.map(r => shortName(r.certificate.subject)).join(' → ')}): x509: too many intermediates for path length constraint`);
        related.push(relatedTo(child.preferred, `intermediate CA ${shortName(child.certificate.subject)} issued under path length ${bc.pathLength}`));
      }
    }
    if (problems.length) {
      findings.push(finding('ca-constraints', 'warning', node, `${capitalise(describeNode(node))}: ${problems.join('; ')}`, related));
    }
  }
  return findings;
};

/**
 * The longest line of intermediate CAs (not self-issued, CA:TRUE) below a CA in the workspace. A
 * CA further down counts only when it signed something here (else it may be the end of the path,
 * as a leaf with CA:TRUE is); a direct child CA always counts, since whatever it signs is refused.
 * Cycles stop at a record seen before.
 */
function deepestCaChain(record: CertificateRecord, seen: Set<CertificateRecord>, top = true): { depth: number; path: CertificateRecord[] } {
  seen.add(record);
  let best: { depth: number; path: CertificateRecord[] } = { depth: 0, path: [] };
  for (const child of record.issued) {
    if (seen.has(child) || !child.certificate.isCa || child.certificate.selfIssued) {
      continue;
    }
    const below = deepestCaChain(child, seen, false);
    const counts = top || child.issued.length > 0;
    const depth = below.depth + (counts ? 1 : 0);
    if (depth > best.depth) {
      best = { depth, path: counts ? [child, ...below.path] : below.path };
    }
  }
  return best;
}
