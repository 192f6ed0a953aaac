import { Inventory } from '../inventory/inventory';
import { APISERVER_DNS_NAMES, DEFAULT_SERVICE_IP, ETCD_LOCAL_NAMES, KubeadmRole } from '../kube/profiles';
import { CertificateInfo } from '../x509/certificate';
import { Check, Finding, RuleSteps, ResolvedCheckOptions, capitalise, finding } from './finding';
import { profileIndex } from './profileTargets';

/**
 * profile-san: a serving certificate without the names its clients dial. The API server: the
 * in-cluster names `kubernetes`, `kubernetes.default`, `kubernetes.default.svc`,
 * `kubernetes.default.svc.<dnsDomain>` and the service IP; etcd server and peer: localhost and
 * 127.0.0.1 (the API server of a stacked control plane dials etcd on 127.0.0.1).
 */
/** The names a kubeadm serving certificate of `role` lacks (`DNS:kubernetes`, `IP:10.96.0.1`), and what its clients would say. */
export function missingProfileSans(certificate: CertificateInfo, role: KubeadmRole, options: Pick<ResolvedCheckOptions, 'dnsDomain' | 'serviceIp'>): { missing: string[]; consequence: string } {
  const sans = certificate.subjectAltNames;
  const dns = new Set(sans.filter(s => s.type === 'DNS').map(s => s.value.toLowerCase()));
  const ips = sans.filter(s => s.type === 'IP').map(s => s.value);
  const missing: string[] = [];
  if (role.sans === 'apiserver') {
    for (const name of APISERVER_DNS_NAMES) {
      if (!dns.has(name)) {
        missing.push(`DNS:${name}`);
      }
    }
    if (options.dnsDomain ? !dns.has(`kubernetes.default.svc.${options.dnsDomain.toLowerCase()}`) : ![...dns].some(d => d.startsWith('kubernetes.default.svc.'))) {
      missing.push(`DNS:kubernetes.default.svc.${options.dnsDomain ?? 'cluster.local'}`);
    }
    const serviceIp = options.serviceIp;
    if (serviceIp ? !ips.includes(serviceIp) : !ips.length) {
      missing.push(`IP:${serviceIp ?? DEFAULT_SERVICE_IP}${serviceIp ? '' : ' (the service IP; no IP SAN at all)'}`);
    }
    if (!missing.length) {
      return { missing, consequence: '' };
    }
    const first = missing[0].replace(/^(DNS|IP):/, '').replace(/ .*$/, '');
    const consequence = missing[0].startsWith('IP:') && !ips.length
      ? `pods reaching the API server at its service IP get: x509: cannot validate certificate for ${first} because it doesn't contain any IP SANs`
      : `pods reaching the API server as ${first} get: x509: certificate is valid for ${sans.map(s => s.value).slice(0, 4).join(', ')}${sans.length > 4 ? ', …' : ''}, not ${first}`;
    return { missing, consequence };
  }
  for (const want of ETCD_LOCAL_NAMES) {
    if (!(want.type === 'DNS' ? dns.has(want.value) : ips.includes(want.value))) {
      missing.push(`${want.type}:${want.value}`);
    }
  }
  return { missing, consequence: 'the API server of a stacked control plane and etcdctl on the node dial etcd at 127.0.0.1 / localhost and fail: x509: certificate is valid for …, not 127.0.0.1' };
}

export const checkProfileSan: Check = function* (inventory: Inventory, options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const { targets } = yield* profileIndex(inventory);
  for (const { node, role } of targets) {
    if (!role.sans) {
      continue;
    }
    const { missing, consequence } = missingProfileSans(node.certificate, role, options);
    if (!missing.length) {
      continue;
    }
    findings.push(finding('profile-san', role.id === 'etcd/peer' ? 'warning' : 'error', node,
      `${capitalise(role.description)} lacks the subject alternative name${missing.length > 1 ? 's' : ''} ${missing.join(', ')} — ${consequence}`));
  }
  return findings;
};
