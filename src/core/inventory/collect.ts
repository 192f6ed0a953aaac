// Phase 1 of linking: every decoded object of every file becomes a node; certificates are grouped
// into distinct records (by fingerprint) and bundles, and each record picks the occurrence shown first.
import { MaterialEntry } from '../analyze';
import { appended, none, push, trimmed } from '../collections';
import { flat } from '../flatString';
import { DecodedObject } from '../x509/material';
import { CertificateBundle, CertificateNode, CertificateRecord, FilesWith, InventoryFile, InventoryInput, PrivateKeyNode, PublicKeyNode, RequestNode } from './model';

/** The nodes of every file, before any link between them. */
export interface CollectedMaterial {
  files: InventoryFile[];
  fileByUri: Map<string, InventoryFile>;
  certificates: CertificateNode[];
  privateKeys: PrivateKeyNode[];
  publicKeys: PublicKeyNode[];
  requests: RequestNode[];
  records: Map<string, CertificateRecord>;
  nodes: Map<DecodedObject, CertificateNode | PrivateKeyNode | PublicKeyNode>;
  filesWith: FilesWith;
}

export function emptyCollection(): CollectedMaterial {
  return { files: [], fileByUri: new Map(), certificates: [], privateKeys: [], publicKeys: [], requests: [], records: new Map(), nodes: new Map(), filesWith: { errors: [], keystores: [], crls: [] } };
}

/** One file's objects into the collection (a pass over many files can yield between them). */
export function collectFile(collected: CollectedMaterial, input: InventoryInput): void {
  const { files, fileByUri, certificates, privateKeys, publicKeys, requests, records, nodes } = collected;
  const relativePath = input.relativePath.replace(/\\/g, '/');
  const slash = relativePath.lastIndexOf('/');
  const file: InventoryFile = {
    uri: input.uri, relativePath, analysis: input.analysis, folder: relativePath.slice(0, slash + 1), name: relativePath.slice(slash + 1),
    certificates: none(), privateKeys: none(), publicKeys: none(), kubeconfigs: none(), requests: none(),
  };
  files.push(file);
  fileByUri.set(file.uri, file);
  let error = false;
  let keystore = false;
  let crl = false;
  input.analysis.entries.forEach((entry, entryIndex) => {
    error ||= entry.error !== undefined;
    keystore ||= entry.keystore !== undefined;
    entry.objects.forEach((object, objectIndex) => {
      crl ||= object.crl !== undefined;
      if (object.error) {
        error = true;
        return;
      }
      const range = object.range;
      const carrier = entry.carrier;
      const where = carrier ? flat(relativePath, ' ', carrier.path) : relativePath;
      if (object.certificate) {
        const certificate = object.certificate;
        const fingerprint = certificate.fingerprints.sha256;
        const node = { file, entryIndex, objectIndex, entry, object, range, carrier, where, kind: 'certificate', certificate, fingerprint, issuerStatus: 'unknown' } as CertificateNode;
        let record = records.get(fingerprint);
        if (!record) {
          record = {
            fingerprint, certificate, occurrences: [node], preferred: node, issuerStatus: 'unknown', issuers: none(),
            badSignatureIssuers: none(), sameNameOtherKey: none(), signatureVerified: false, issued: none(), privateKeys: none(), hasKeyInWorkspace: false,
          };
          records.set(fingerprint, record);
        } else {
          record.occurrences.push(node);
        }
        node.record = record;
        certificates.push(node);
        file.certificates = appended(file.certificates, node);
        nodes.set(object, node);
      } else if (object.privateKey) {
        const node: PrivateKeyNode = { file, entryIndex, objectIndex, entry, object, range, carrier, where, kind: 'private-key', key: object.privateKey, certificates: none(), publicKeys: none() };
        privateKeys.push(node);
        file.privateKeys = appended(file.privateKeys, node);
        nodes.set(object, node);
      } else if (object.publicKey && object.kind === 'public-key') {
        const node: PublicKeyNode = { file, entryIndex, objectIndex, entry, object, range, carrier, where, kind: 'public-key', publicKey: object.publicKey, certificates: none(), privateKeys: none() };
        publicKeys.push(node);
        file.publicKeys = appended(file.publicKeys, node);
        nodes.set(object, node);
      } else if (object.csr) {
        const owner = carrier?.owner;
        const spec = owner?.kind === 'other' && carrier?.path === 'spec.request' ? input.analysis.certificateRequests?.find(s => s.document === owner.document) : undefined;
        const node: RequestNode = { file, entryIndex, objectIndex, entry, object, range, carrier, where, kind: 'csr', csr: object.csr, spec, keys: none() };
        requests.push(node);
        file.requests = appended(file.requests, node);
      }
    });
  });
  // Most files hold one certificate: its list without room to grow (see trimmed).
  if (file.certificates.length) {
    file.certificates = trimmed(file.certificates);
  }
  const { filesWith } = collected;
  if (error) {
    filesWith.errors.push(file);
  }
  if (keystore) {
    filesWith.keystores.push(file);
  }
  if (crl) {
    filesWith.crls.push(file);
  }
}

/** Files or records looked at between two steps of a pass over all of them. */
const ITEMS_PER_STEP = 4096;

/**
 * Bundles: several certificates in one carrier, or among the loose blocks of one file. A step every
 * ITEMS_PER_STEP files: 110,000 files, scattered over a heap of a gigabyte, took about 30 ms.
 */
export function* groupBundles(files: readonly InventoryFile[]): Generator<void, CertificateBundle[], void> {
  const bundles: CertificateBundle[] = [];
  for (const [i, file] of files.entries()) {
    if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    if (file.certificates.length < 2) {
      continue;
    }
    const groups = new Map<MaterialEntry | undefined, CertificateNode[]>();
    for (const node of file.certificates) {
      push(groups, node.carrier ? node.entry : undefined, node);
    }
    for (const [entry, members] of groups) {
      if (members.length > 1) {
        const bundle: CertificateBundle = { file, carrier: entry?.carrier, certificates: members };
        members.forEach((node, i) => {
          node.bundle = bundle;
          node.bundleIndex = i;
          node.where = flat(node.where, ' (certificate ', i + 1, ' of ', members.length, ')');
        });
        bundles.push(bundle);
      }
    }
  }
  return bundles;
}

/** Preferred occurrence: a file of its own before a carrier, then the first path (in steps, as `groupBundles`). */
export function* choosePreferredOccurrences(records: Map<string, CertificateRecord>): Generator<void, void, void> {
  let n = 0;
  for (const record of records.values()) {
    if (++n % ITEMS_PER_STEP === 0) {
      yield;
    }
    let best = record.occurrences[0];
    for (const node of record.occurrences) {
      if ((node.carrier ? 1 : 0) < (best.carrier ? 1 : 0) || ((node.carrier ? 1 : 0) === (best.carrier ? 1 : 0) && node.file.relativePath < best.file.relativePath)) {
        best = node;
      }
    }
    record.preferred = best;
  }
}
