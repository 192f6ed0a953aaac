import { Inventory } from '../inventory/inventory';
import { verifyHostname } from '../verify/hostMatch';
import { shortName } from '../x509/name';
import { Check, Finding, ResolvedCheckOptions, RuleSteps } from './finding';
import { hostNamesOf } from './kubeconfigServerName';
import { routeName, secretRelated, servedCertificate, tlsIndex } from './tlsRouteSecrets';

/**
 * ingress-host-not-covered: a host of an Ingress `tls` entry (or a Gateway listener's hostname) is
 * not among the SANs of the certificate its Secret serves, so every TLS client refuses it — in
 * Go's words, from the verifier's own hostname check. A wildcard host (`*.example.com`) is judged
 * by a name it stands for. An out-of-order tls.crt is ingress-chain-order's, not judged here.
 */
export const checkIngressHostNotCovered: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const { routes } = yield* tlsIndex(inventory);
  for (const { file, route, secret } of routes) {
    const served = servedCertificate(secret);
    if (!served || served.leafIndex > 0) {
      continue;
    }
    const names = hostNamesOf(served.first);
    for (const host of route.hosts) {
      const dialled = host.name.startsWith('*.') ? `wildcard-probe${host.name.slice(1)}` : host.name;
      const match = verifyHostname(names, dialled);
      if (!match.ok) {
        findings.push({
          code: 'ingress-host-not-covered', severity: 'error', uri: file.uri, range: host.range,
          related: secretRelated(secret!, secret!.crt, `tls.crt of Secret ${secret!.name}: ${shortName(served.first.subject)}`),
          message: `${routeName(route)}: host ${host.name} is not covered by the certificate of Secret ${secret!.name} (${shortName(served.first.subject)}); clients would say: ${match.message.replace('wildcard-probe.', '*.')}`,
        });
      }
    }
  }
  return findings;
};
