// What a build decided, as plain data two builds can be compared by (relinkEquivalence.test.ts): every
// link of the inventory, node for node and in order, and every finding, with each place named by its
// path under the scanned folder, so a build of a copy of the folder compares with one of the folder.
import type { Finding } from '../../src/core/checks';
import type { CertificateRecord, Inventory, KeyPairing, MaterialNode } from '../../src/core/inventory/inventory';

/** A node by where it sits: `pki/ca.crt#0.1` (entry 0, object 1). */
const nodeId = (node: MaterialNode) => `${node.file.relativePath}#${node.entryIndex}.${node.objectIndex}`;
const recordId = (record: CertificateRecord) => record.fingerprint;

function pairingOf(pairing: KeyPairing) {
  return {
    key: nodeId(pairing.key),
    reason: pairing.reason,
    certificates: pairing.certificates.map(nodeId),
    publicKey: pairing.publicKey && nodeId(pairing.publicKey),
    matches: pairing.matches,
  };
}

/** Every link the inventory holds, in the order it holds them. */
export function describeLinks(inventory: Inventory) {
  const files = (list: readonly { relativePath: string }[]) => list.map(f => f.relativePath);
  return {
    files: files(inventory.files),
    filesWith: Object.fromEntries(Object.entries(inventory.filesWith).map(([kind, list]) => [kind, files(list)])),
    certificates: inventory.certificates.map(n => ({
      node: nodeId(n), where: n.where, record: recordId(n.record), bundle: n.bundle && n.bundle.certificates.map(nodeId), bundleIndex: n.bundleIndex,
    })),
    records: [...inventory.records.values()].map(r => ({
      record: recordId(r), preferred: nodeId(r.preferred), occurrences: r.occurrences.map(nodeId), issuerStatus: r.issuerStatus,
      issuers: r.issuers.map(recordId), issuer: r.issuer && recordId(r.issuer), badSignatureIssuers: r.badSignatureIssuers.map(recordId),
      sameNameOtherKey: r.sameNameOtherKey.map(recordId), signatureVerified: r.signatureVerified, issued: r.issued.map(recordId),
      privateKeys: r.privateKeys.map(nodeId), hasKeyInWorkspace: r.hasKeyInWorkspace,
    })),
    privateKeys: inventory.privateKeys.map(k => ({
      node: nodeId(k), where: k.where, certificates: k.certificates.map(recordId), publicKeys: k.publicKeys.map(nodeId), pairing: k.pairing && pairingOf(k.pairing),
    })),
    publicKeys: inventory.publicKeys.map(k => ({ node: nodeId(k), where: k.where, certificates: k.certificates.map(recordId), privateKeys: k.privateKeys.map(nodeId) })),
    requests: inventory.requests.map(r => ({ node: nodeId(r), where: r.where, signature: r.signature, keys: r.keys.map(nodeId), spec: r.spec?.document })),
    bundles: inventory.bundles.map(b => ({ file: b.file.relativePath, carrier: b.carrier?.path, certificates: b.certificates.map(nodeId) })),
    pairings: inventory.pairings.map(pairingOf),
    kubeconfigs: inventory.kubeconfigs.map(k => ({
      file: k.file.relativePath,
      clusters: k.clusters.map(c => ({ name: c.name, index: c.index, server: c.server, ca: c.caCarrier?.path, caCertificates: c.caCertificates.map(nodeId) })),
      users: k.users.map(u => ({
        name: u.name, index: u.index, certificate: u.certificateCarrier?.path, key: u.keyCarrier?.path,
        certificates: u.certificates.map(nodeId), keys: u.keys.map(nodeId), clusters: u.clusters.map(c => c.name), contexts: u.contexts,
        caVerdicts: u.caVerdicts.map(v => ({ cluster: v.cluster.name, signed: v.signed })),
      })),
    })),
  };
}

/** The findings in their order, each URI (`file:///…/root/pki/ca.crt`) cut to its path under `root`. */
export function describeFindings(findings: readonly Finding[], rootUri: string) {
  const under = (uri: string) => (uri.startsWith(rootUri) ? uri.slice(rootUri.length) : `outside: ${uri}`);
  return findings.map(f => ({ ...f, uri: under(f.uri), related: f.related.map(r => ({ ...r, uri: under(r.uri) })) }));
}
