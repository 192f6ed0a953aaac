/**
 * Manifests that point at a TLS Secret: Ingress `spec.tls[]` (hosts + secretName) and Gateway API
 * `spec.listeners[]` (hostname + tls.certificateRefs). Read from the same parsed YAML documents
 * as the carriers (carriers.ts), with exact ranges, so the ingress rules can place their findings
 * on the host or the secretName as written.
 */
import { Node, isMap, isScalar, isSeq } from 'yaml';
import { TextRange } from '../x509/pem';

export interface TlsRouteHost {
  name: string;
  range: TextRange;
}

export interface TlsRoute {
  kind: 'Ingress' | 'Gateway';
  /** metadata.name and metadata.namespace (default: "default") of the Ingress or Gateway. */
  name: string;
  namespace: string;
  document: number;
  /** The Secret it serves, in `namespace` unless a Gateway certificateRef names another. */
  secretName: string;
  secretNamespace: string;
  secretRange: TextRange;
  /** The names clients dial (may be empty: a catch-all listener or tls entry). */
  hosts: TlsRouteHost[];
}

type Get = (map: unknown, key: string) => unknown;
type Str = (node: unknown) => string | undefined;
type RangeOf = (node: Node | null | undefined) => TextRange;

/** The TLS routes of one YAML document (an Ingress or a Gateway; nothing for other kinds). */
export function tlsRoutesOf(root: Node, document: number, kind: string | undefined, get: Get, str: Str, range: RangeOf): TlsRoute[] {
  if (kind !== 'Ingress' && kind !== 'Gateway') {
    return [];
  }
  const metadata = get(root, 'metadata');
  const name = str(get(metadata, 'name')) ?? '';
  const namespace = str(get(metadata, 'namespace')) ?? 'default';
  const items = (n: unknown) => (isSeq(n) ? n.items : []);
  const host = (n: unknown): TlsRouteHost[] => (isScalar(n) && str(n) ? [{ name: str(n)!, range: range(n as Node) }] : []);
  const routes: TlsRoute[] = [];
  if (kind === 'Ingress') {
    for (const tls of items(get(get(root, 'spec'), 'tls'))) {
      const secret = get(tls, 'secretName');
      if (isScalar(secret) && str(secret)) {
        routes.push({ kind, name, namespace, document, secretName: str(secret)!, secretNamespace: namespace, secretRange: range(secret as Node), hosts: items(get(tls, 'hosts')).flatMap(host) });
      }
    }
    return routes;
  }
  for (const listener of items(get(get(root, 'spec'), 'listeners'))) {
    for (const ref of items(get(get(listener, 'tls'), 'certificateRefs'))) {
      const secret = get(ref, 'name');
      const refKind = str(get(ref, 'kind')) ?? 'Secret';
      if (refKind === 'Secret' && isScalar(secret) && str(secret) && isMap(ref)) {
        routes.push({
          kind, name, namespace, document, secretName: str(secret)!, secretNamespace: str(get(ref, 'namespace')) ?? namespace,
          secretRange: range(secret as Node), hosts: host(get(listener, 'hostname')),
        });
      }
    }
  }
  return routes;
}
