import { Inventory } from '../inventory/inventory';
import { capitalise, Check, describeNode, Finding, finding, ITEMS_PER_STEP, reportedCertificates, ResolvedCheckOptions, RuleSteps } from './finding';
import { allowsServerAuth, kubeadmRoles } from './hygiene';

/** A common name a client would dial: a DNS name with a dot, `localhost`, or an IP address. */
const HOST_LIKE = /^(localhost|(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+\.?|[0-9a-f]*:[0-9a-f:]+)$/i;

const GO_LEGACY_CN = 'x509: certificate relies on legacy Common Name field, use SANs instead';

/**
 * san-missing: a serving certificate without a subjectAltName. Go (and every browser) matches
 * host names against SANs only. Serving means: serverAuth (or anyExtendedKeyUsage) in the EKU, a
 * kubeadm serving role, or no EKU at all and a common name that is a host name
 * (CN=www.example.com). CAs are not serving certificates; the API server's and etcd's
 * certificates are judged by profile-san, which lists the exact names they need.
 */
export const checkSanMissing: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const roles = kubeadmRoles(inventory);
  const nodes = yield* reportedCertificates(inventory);
  for (let visited = 0; visited < nodes.length; visited++) {
    if (visited % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const node = nodes[visited];
    const cert = node.certificate;
    if (cert.isCa || cert.subjectAltNames.length) {
      continue;
    }
    const role = roles.get(node)?.role;
    if (role?.sans) {
      continue;
    }
    const cn = cert.subject.commonName ?? '';
    const why = role?.usages.includes('serverAuth') ? role.description
      : cert.extendedKeyUsage ? (allowsServerAuth(cert) ? 'a TLS server certificate (serverAuth)' : undefined)
      : HOST_LIKE.test(cn) ? `named after a host (CN=${cn}) with no EKU limiting it` : undefined;
    if (!why) {
      continue;
    }
    findings.push(finding('san-missing', 'warning', node,
      `${capitalise(describeNode(node))} is ${why} but has no subjectAltName: clients match host names against SANs only (RFC 6125 §6.4.4; the common name is ignored) — ${GO_LEGACY_CN}`));
  }
  return findings;
};
