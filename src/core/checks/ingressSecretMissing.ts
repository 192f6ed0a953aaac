import { Inventory } from '../inventory/inventory';
import { Check, Finding, ResolvedCheckOptions, RuleSteps } from './finding';
import { routeName, tlsIndex } from './tlsRouteSecrets';

/**
 * ingress-secret-missing: an Ingress or Gateway names a TLS Secret that is not in the workspace
 * (it may live only in the cluster). Information: nothing here can check what it serves.
 */
export const checkIngressSecretMissing: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const { routes } = yield* tlsIndex(inventory);
  return routes.filter(r => !r.secret).map(({ file, route }): Finding => ({
    code: 'ingress-secret-missing', severity: 'information', uri: file.uri, range: route.secretRange, related: [],
    message: `${routeName(route)} serves Secret ${route.secretNamespace}/${route.secretName}, which is not in the workspace: the certificate it serves cannot be checked here`,
  }));
};
