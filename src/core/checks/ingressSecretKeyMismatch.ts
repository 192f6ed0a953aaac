import { Inventory } from '../inventory/inventory';
import { keyMatches } from '../x509/keys';
import { shortName } from '../x509/name';
import { Check, Finding, ResolvedCheckOptions, RuleSteps } from './finding';
import { routeName, secretRelated, servedCertificate, tlsIndex } from './tlsRouteSecrets';

/**
 * ingress-secret-key-mismatch: the Secret an Ingress or Gateway serves holds a tls.key that does
 * not belong to its tls.crt: the controller cannot load it ("tls: private key does not match
 * public key") and serves its default certificate instead. Reported on the route's secretName.
 */
export const checkIngressSecretKeyMismatch: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const { routes } = yield* tlsIndex(inventory);
  for (const { file, route, secret } of routes) {
    const served = servedCertificate(secret);
    const key = secret?.key && !secret.key.error ? secret.key.objects[0]?.privateKey : undefined;
    if (served && key && keyMatches(key, served.leaf.publicKey) === false) {
      findings.push({
        code: 'ingress-secret-key-mismatch', severity: 'error', uri: file.uri, range: route.secretRange,
        related: secretRelated(secret!, secret!.key, `tls.key of Secret ${secret!.name}`),
        message: `${routeName(route)}: the tls.key of Secret ${secret!.name} does not belong to its certificate ${shortName(served.leaf.subject)}; the controller would say: tls: private key does not match public key`,
      });
    }
  }
  return findings;
};
