/**
 * What the ingress rules share: each Ingress/Gateway TLS route with the Secret it names (same
 * namespace unless a Gateway certificateRef says otherwise) found anywhere in the workspace, and
 * the certificate a TLS client would be served from that Secret's tls.crt.
 */
import { MaterialEntry } from '../analyze';
import { Inventory, InventoryFile } from '../inventory/inventory';
import { CertificateSpec } from '../kube/certificateSpecs';
import { TlsRoute } from '../kube/tlsRoutes';
import { CertificateInfo } from '../x509/certificate';
import { ITEMS_PER_STEP, RelatedLocation } from './finding';

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

/** What the ingress and cert-manager rules look at, found in one pass over the files. */
export interface TlsIndex {
  /** Every Secret with carriers in the workspace, by `namespace/name` (namespace "default" when unset). */
  secrets: Map<string, TlsSecret>;
  /** Every Ingress/Gateway TLS route, with the Secret it names when the workspace holds it. */
  routes: RouteSecret[];
  /** Every cert-manager Certificate, with its file. */
  specs: { file: InventoryFile; spec: CertificateSpec }[];
}

/**
 * The TLS index of an inventory, made once for the five rules that read it, from the files that
 * hold a Secret's carrier, a TLS route or a cert-manager Certificate (`filesWith.tls`, noted as the
 * files are collected): each rule made it over every file on its own, the same pass five times
 * (about 20 ms of every relink at 10,000 files), and then one pass over all 11,000 files cost 4 ms
 * of every relink of a workspace holding none.
 */
export function* tlsIndex(inventory: Inventory): Generator<void, TlsIndex, void> {
  let index = computed.get(inventory);
  if (!index) {
    index = { secrets: new Map(), routes: [], specs: [] };
    const files = inventory.filesWith.tls;
    for (let i = 0; i < files.length; i++) {
      if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
        yield;
      }
      const file = files[i];
      for (const entry of file.analysis.entries) {
        const owner = entry.carrier?.owner;
        if (owner?.kind !== 'secret') {
          continue;
        }
        const id = `${owner.namespace ?? 'default'}/${owner.name}`;
        const secret = index.secrets.get(id) ?? index.secrets.set(id, { file, name: id }).get(id)!;
        if (entry.carrier!.key === 'tls.crt') {
          secret.crt ??= entry;
        } else if (entry.carrier!.key === 'tls.key') {
          secret.key ??= entry;
        }
      }
      for (const route of file.analysis.tlsRoutes ?? []) {
        index.routes.push({ file, route, secret: undefined });
      }
      for (const spec of file.analysis.certificateSpecs ?? []) {
        index.specs.push({ file, spec });
      }
    }
    // A route's Secret may be in a file after the route's: named once every Secret is known.
    for (const route of index.routes) {
      route.secret = index.secrets.get(`${route.route.secretNamespace}/${route.route.secretName}`);
    }
    computed.set(inventory, index);
  }
  return index;
}

const computed = new WeakMap<Inventory, TlsIndex>();

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
