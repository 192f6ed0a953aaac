import { httpsHost, serverCertificateFor } from '../checks/kubeconfigServerName';
import { CertificateNode, Inventory, InventoryFile } from '../inventory/inventory';
import { KUBEADM_CERTIFICATES, kubeadmCertificatePath, kubeadmRoleForPath } from '../kube/profiles';
import { CertificateInfo } from '../x509/certificate';
import { ManifestEndpoint, manifestEndpoints, staticPodComponent } from './manifests';
import { Endpoint, ExpectedCertificate } from './types';

/**
 * Every TLS endpoint the workspace names, with what its clients trust and which certificate file
 * it should be serving: kubeconfig clusters (`server:`, `tls-server-name`, the cluster's CA, and
 * the API server certificate the workspace holds — the same one `kubeconfig-server-name` judges),
 * kubeadm static pod manifests (the flag's `--tls-cert-file`, or kubeadm's default, under the
 * `pki/` beside `manifests/`), and extra `host:port` entries from a setting or the command line.
 * Nothing is ever dialled that is not named here.
 */

/** A static pod manifest's text, as the host read it (manifests hold no material, so the index does not keep them). */
export interface ManifestText {
  uri: string;
  relativePath: string;
  text: string;
}

/** A `host:port` (or `https://host:port`) named outside the workspace files, with the CA to judge it by. */
export interface ExtraEndpoint {
  address: string;
  serverName?: string;
  roots: CertificateInfo[];
  rootsFrom?: string;
}

export interface EndpointDiscovery {
  endpoints: Endpoint[];
  /** Places that name something the probe will not dial, with why (an http:// server, a bad address). */
  skipped: string[];
}

const isIpv6 = (host: string) => host.includes(':');
export const endpointUrl = (host: string, port: number) => `https://${isIpv6(host) ? `[${host}]` : host}:${port}`;

/** `host:port`, `[v6]:port` or `https://host[:port]` → host and port (443 by default for a URL). */
export function parseAddress(address: string): { host: string; port: number } | undefined {
  const text = address.trim();
  const url = /^https:\/\//i.test(text);
  const m = /^(?:https:\/\/)?(?:[^@/?#]*@)?(\[[^\]/]+\]|[^:/?#[\]]+)(?::(\d{1,5}))?(?:[/?#].*)?$/i.exec(text);
  if (!m || (!url && m[2] === undefined)) {
    return undefined;
  }
  const port = m[2] === undefined ? 443 : Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1].replace(/^\[|\]$/g, ''), port } : undefined;
}

function expectedFrom(node: CertificateNode): ExpectedCertificate {
  return { certificate: node.certificate, uri: node.file.uri, relativePath: node.file.relativePath, range: node.range };
}

function kubeconfigEndpoints(inventory: ProbedInventory, skipped: string[]): Endpoint[] {
  const out: Endpoint[] = [];
  for (const kubeconfig of inventory.kubeconfigs) {
    for (const cluster of kubeconfig.clusters) {
      const model = kubeconfig.model.clusters.find(c => c.index === cluster.index);
      if (!model?.server || !model.serverRange) {
        continue;
      }
      const where = `cluster "${cluster.name}" of ${kubeconfig.file.relativePath}`;
      const hp = httpsHost(model.server) !== undefined ? parseAddress(model.server) : undefined;
      if (!hp) {
        skipped.push(`${where}: ${model.server} is not an https:// URL; not probed`);
        continue;
      }
      const serverName = model.tlsServerName || hp.host;
      const found = cluster.caCertificates.length ? serverCertificateFor(cluster, serverName) : undefined;
      out.push({
        ...hp,
        url: endpointUrl(hp.host, hp.port),
        serverName,
        component: 'kube-apiserver',
        label: where,
        locations: [{ uri: kubeconfig.file.uri, relativePath: kubeconfig.file.relativePath, range: model.serverRange }],
        roots: cluster.caCertificates.map(n => n.certificate),
        rootsFrom: cluster.caCertificates.length ? `${kubeconfig.file.relativePath} ${cluster.caCarrier?.path ?? 'certificate-authority'}` : undefined,
        expected: found && expectedFrom(found.record.preferred),
      });
    }
  }
  return out;
}

/** The certificates of the file at `relativePath`, if the inventory read it. */
function certificatesAt(files: Map<string, InventoryFile>, relativePath: string): CertificateNode[] {
  return files.get(relativePath)?.certificates ?? [];
}

function manifestEndpoint(files: Map<string, InventoryFile>, manifest: ManifestText, e: ManifestEndpoint): Endpoint {
  const root = manifest.relativePath.slice(0, manifest.relativePath.replace(/\\/g, '/').lastIndexOf('manifests/'));
  const roleId = (e.certFile && kubeadmRoleForPath(e.certFile)?.role.id) || (!e.certFile ? e.defaultRole : undefined);
  const role = KUBEADM_CERTIFICATES.find(r => r.id === roleId);
  const expectedNode = role ? certificatesAt(files, kubeadmCertificatePath(root, role.id))[0] : undefined;
  const signerPath = role && role.signer !== 'self' ? kubeadmCertificatePath(root, role.signer) : undefined;
  let roots = signerPath ? certificatesAt(files, signerPath).map(n => n.certificate) : [];
  let rootsFrom = roots.length ? signerPath : undefined;
  const issuer = expectedNode?.record.issuer;
  if (!roots.length && issuer) {
    roots = [issuer.certificate];
    rootsFrom = issuer.preferred.where;
  }
  return {
    host: e.host,
    port: e.port,
    url: endpointUrl(e.host, e.port),
    serverName: e.host,
    component: e.component,
    label: `${e.component} (${manifest.relativePath})`,
    locations: [{ uri: manifest.uri, relativePath: manifest.relativePath, range: e.range }],
    roots,
    rootsFrom,
    expected: expectedNode && expectedFrom(expectedNode),
  };
}

/** Endpoints named twice (admin.conf and the API server's manifest) are probed once and reported at every place. */
function merge(endpoints: Endpoint[]): Endpoint[] {
  const byKey = new Map<string, Endpoint>();
  for (const e of endpoints) {
    const key = `${e.url}|${e.serverName.toLowerCase()}`;
    const held = byKey.get(key);
    if (!held) {
      byKey.set(key, { ...e, locations: [...e.locations] });
      continue;
    }
    held.locations.push(...e.locations);
    if (!held.roots.length && e.roots.length) {
      held.roots = e.roots;
      held.rootsFrom = e.rootsFrom;
    }
    held.expected ??= e.expected;
    held.component ??= e.component;
  }
  return [...byKey.values()];
}

/** What discovery reads of the inventory (an empty one when only URLs are probed). */
export type ProbedInventory = Pick<Inventory, 'kubeconfigs' | 'files'>;

export function findEndpoints(inventory: ProbedInventory, manifests: readonly ManifestText[], extra: readonly ExtraEndpoint[] = []): EndpointDiscovery {
  const skipped: string[] = [];
  const files = new Map(inventory.files.map(f => [f.relativePath, f]));
  const found = kubeconfigEndpoints(inventory, skipped);
  for (const manifest of manifests) {
    if (staticPodComponent(manifest.relativePath)) {
      found.push(...manifestEndpoints(manifest.relativePath, manifest.text).map(e => manifestEndpoint(files, manifest, e)));
    }
  }
  for (const x of extra) {
    const hp = parseAddress(x.address);
    if (!hp) {
      skipped.push(`${x.address}: not host:port or an https:// URL; not probed`);
      continue;
    }
    found.push({ ...hp, url: endpointUrl(hp.host, hp.port), serverName: x.serverName || hp.host, label: endpointUrl(hp.host, hp.port), locations: [], roots: x.roots, rootsFrom: x.rootsFrom });
  }
  return { endpoints: merge(found), skipped };
}
