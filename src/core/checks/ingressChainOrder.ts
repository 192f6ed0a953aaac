import { Inventory } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { Check, Finding, ResolvedCheckOptions, RuleSteps } from './finding';
import { routeName, secretRelated, servedCertificate, tlsIndex } from './tlsRouteSecrets';

/**
 * ingress-chain-order: the tls.crt of a served Secret does not start with the server's own
 * certificate but with a CA: ingress-nginx rejects such a Secret and TLS clients would be handed
 * the CA as the server certificate. Reported on the route's secretName.
 */
export const checkIngressChainOrder: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const { routes } = yield* tlsIndex(inventory);
  for (const { file, route, secret } of routes) {
    const served = servedCertificate(secret);
    if (served && served.leafIndex > 0) {
      findings.push({
        code: 'ingress-chain-order', severity: 'error', uri: file.uri, range: route.secretRange,
        related: secretRelated(secret!, secret!.crt, `tls.crt of Secret ${secret!.name}`),
        message: `${routeName(route)}: tls.crt of Secret ${secret!.name} starts with CA ${shortName(served.first.subject)}, not with the server certificate ${shortName(served.leaf.subject)} (certificate ${served.leafIndex + 1}); put the leaf first, then its intermediates`,
      });
    }
  }
  return findings;
};
