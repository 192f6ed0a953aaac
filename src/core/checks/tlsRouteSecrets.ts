/**
 * What the ingress rules share: each Ingress/Gateway TLS route with the Secret it names (same
 * namespace unless a Gateway certificateRef says otherwise) found anywhere in the workspace, and
 * the certificate a TLS client would be served from that Secret's tls.crt.
 */
import { MaterialEntry } from '../analyze';
import { InventoryFile } from '../inventory/inventory';
import { TlsRoute } from '../kube/tlsRoutes';
import { CertificateInfo } from '../x509/certificate';
import { RelatedLocation } from './finding';

export interface TlsSecret {
  file: InventoryFile;
  name: string;
  crt?: MaterialEntry;
  key?: MaterialEntry;
}

export interface RouteSecret {
  file: InventoryFile;
  route: TlsRoute;
  secret?: TlsSecret;
}

/** Every Secret with carriers in the workspace, by `namespace/name` (namespace "default" when unset). */
export function tlsSecrets(files: readonly InventoryFile[]): Map<string, TlsSecret> {
  const secrets = new Map<string, TlsSecret>();
  for (const file of files) {
    for (const entry of file.analysis.entries) {
      const owner = entry.carrier?.owner;
      if (owner?.kind !== 'secret') {
        continue;
      }
      const id = `${owner.namespace ?? 'default'}/${owner.name}`;
      const secret = secrets.get(id) ?? secrets.set(id, { file, name: id }).get(id)!;
      if (entry.carrier!.key === 'tls.crt') {
        secret.crt ??= entry;
      } else if (entry.carrier!.key === 'tls.key') {
        secret.key ??= entry;
      }
    }
  }
  return secrets;
}

export function routeSecrets(files: readonly InventoryFile[]): RouteSecret[] {
  const secrets = tlsSecrets(files);
  return files.flatMap(file => (file.analysis.tlsRoutes ?? []).map(route => ({ file, route, secret: secrets.get(`${route.secretNamespace}/${route.secretName}`) })));
}

export interface ServedCertificate {
  /** What the server sends first: tls.crt's first certificate. */
  first: CertificateInfo;
  /** The server's own certificate: the first non-CA one of the bundle (the first when all are CAs). */
  leaf: CertificateInfo;
  /** Position of `leaf` in tls.crt, from 0: above 0 means the bundle is out of order. */
  leafIndex: number;
}

/** The certificates of a Secret's tls.crt, when it decoded. */
export function servedCertificate(secret: TlsSecret | undefined): ServedCertificate | undefined {
  const certs = (secret?.crt && !secret.crt.error ? secret.crt.objects : []).map(o => o.certificate);
  if (!certs.length || certs.some(c => !c)) {
    return undefined;
  }
  const leafIndex = Math.max(0, certs.findIndex(c => !c!.isCa));
  return { first: certs[0]!, leaf: certs[leafIndex]!, leafIndex };
}

export function routeName(route: TlsRoute): string {
  return `${route.kind} ${route.namespace}/${route.name}`;
}

export function secretRelated(secret: TlsSecret, entry: MaterialEntry | undefined, message: string): RelatedLocation[] {
  return entry ? [{ uri: secret.file.uri, range: entry.range, message }] : [];
}
