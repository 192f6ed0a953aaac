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
  certificates: CertificateNode[];
  privateKeys: PrivateKeyNode[];
  publicKeys: PublicKeyNode[];
  requests: RequestNode[];
  records: Map<string, CertificateRecord>;
  /**
   * The nodes of objects inside a carrier (a kubeconfig's or Secret's field), which linking looks
   * up by object. The inventory's `nodeOf` for any object is made from the lists at its first use:
   * a map of every object, made again at every relink, was 10,000 inserts a build for nothing.
   */
  carried: Map<DecodedObject, CertificateNode | PrivateKeyNode | PublicKeyNode>;
  filesWith: FilesWith;
}

export function emptyCollection(): CollectedMaterial {
  return { files: [], certificates: [], privateKeys: [], publicKeys: [], requests: [], records: new Map(), carried: new Map(), filesWith: { errors: [], keystores: [], crls: [], tls: [], kubeconfigs: [] } };
}

/** One file's objects into the collection (a pass over many files can yield between them). Plain loops: it runs for every object at every relink. */
export function collectFile(collected: CollectedMaterial, input: InventoryInput): void {
  const { files, certificates, privateKeys, publicKeys, requests, records, carried } = collected;
  const relativePath = input.relativePath.replace(/\\/g, '/');
  const slash = relativePath.lastIndexOf('/');
  const file: InventoryFile = {
    uri: input.uri, relativePath, analysis: input.analysis, folder: relativePath.slice(0, slash + 1), name: relativePath.slice(slash + 1),
    certificates: none(), privateKeys: none(), publicKeys: none(), kubeconfigs: none(), requests: none(),
  };
  files.push(file);
  let error = false;
  let keystore = false;
  let crl = false;
  let tls = !!input.analysis.tlsRoutes?.length || !!input.analysis.certificateSpecs?.length;
  const entries = input.analysis.entries;
  for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
    const entry = entries[entryIndex];
    error ||= entry.error !== undefined;
    keystore ||= entry.keystore !== undefined;
    const carrier = entry.carrier;
    tls ||= carrier?.owner?.kind === 'secret';
    const objects = entry.objects;
    for (let objectIndex = 0; objectIndex < objects.length; objectIndex++) {
      const object = objects[objectIndex];
      crl ||= object.crl !== undefined;
      if (object.error) {
        error = true;
        continue;
      }
      const range = object.range;
      const where = carrier ? flat(relativePath, ' ', carrier.path) : relativePath;
      if (object.certificate) {
        const certificate = object.certificate;
        const fingerprint = certificate.fingerprints.sha256;
        let record = records.get(fingerprint);
        // Every field the node and the record will ever have, set here: a field added later (by linking)
        // gives V8 another shape, and each rule reading nodes of several shapes pays for it.
        const node: CertificateNode = {
          file, entryIndex, objectIndex, entry, object, range, carrier, where, kind: 'certificate', certificate, fingerprint,
          record: record as CertificateRecord, bundle: undefined, bundleIndex: undefined,
        };
        if (!record) {
          record = {
            fingerprint, certificate, occurrences: [node], preferred: node, issuerStatus: 'unknown', issuers: none(), issuer: undefined,
            badSignatureIssuers: none(), sameNameOtherKey: none(), signatureVerified: false, issued: none(), privateKeys: none(), hasKeyInWorkspace: false,
          };
          records.set(fingerprint, record);
          node.record = record;
        } else {
          record.occurrences.push(node);
        }
        certificates.push(node);
        file.certificates = appended(file.certificates, node);
        if (carrier) {
          carried.set(object, node);
        }
      } else if (object.privateKey) {
        const node: PrivateKeyNode = { file, entryIndex, objectIndex, entry, object, range, carrier, where, kind: 'private-key', key: object.privateKey, certificates: none(), publicKeys: none(), pairing: undefined };
        privateKeys.push(node);
        file.privateKeys = appended(file.privateKeys, node);
        if (carrier) {
          carried.set(object, node);
        }
      } else if (object.publicKey && object.kind === 'public-key') {
        const node: PublicKeyNode = { file, entryIndex, objectIndex, entry, object, range, carrier, where, kind: 'public-key', publicKey: object.publicKey, certificates: none(), privateKeys: none() };
        publicKeys.push(node);
        file.publicKeys = appended(file.publicKeys, node);
        if (carrier) {
          carried.set(object, node);
        }
      } else if (object.csr) {
        const owner = carrier?.owner;
        const spec = owner?.kind === 'other' && carrier?.path === 'spec.request' ? input.analysis.certificateRequests?.find(s => s.document === owner.document) : undefined;
        const node: RequestNode = { file, entryIndex, objectIndex, entry, object, range, carrier, where, kind: 'csr', csr: object.csr, spec, keys: none(), signature: undefined };
        requests.push(node);
        file.requests = appended(file.requests, node);
      }
    }
  }
  // A list of two or more grew by push: without its room to grow (see trimmed). A list of one is
  // `appended`'s literal, already its exact size: copying it was 11,000 lists of garbage a relink.
  if (file.certificates.length > 1) {
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
  if (tls) {
    filesWith.tls.push(file);
  }
  if (input.analysis.kubeconfigs.length) {
    filesWith.kubeconfigs.push(file);
  }
}

/**
 * The files by URI (the inventory's `fileByUri`), made at its first use: features ask it for one
 * file; linking never does (a kubeconfig's path reference finds its target in kubeconfigs.ts). Made
 * at every relink it was 11,000 inserts into a growing map, the largest line of collecting.
 */
export function filesByUri(files: readonly InventoryFile[]): Map<string, InventoryFile> {
  const byUri = new Map<string, InventoryFile>();
  for (let i = 0; i < files.length; i++) {
    byUri.set(files[i].uri, files[i]);
  }
  return byUri;
}

/** Every certificate, private key and public key node by its decoded object (the inventory's `nodeOf`). */
export function nodesByObject({ certificates, privateKeys, publicKeys }: Pick<CollectedMaterial, 'certificates' | 'privateKeys' | 'publicKeys'>): Map<DecodedObject, CertificateNode | PrivateKeyNode | PublicKeyNode> {
  const nodes = new Map<DecodedObject, CertificateNode | PrivateKeyNode | PublicKeyNode>();
  for (const list of [certificates, privateKeys, publicKeys]) {
    for (const node of list) {
      nodes.set(node.object, node);
    }
  }
  return nodes;
}

/** Files or records looked at between two steps of a pass over all of them (walked by index: see checks/finding.ts ITEMS_PER_STEP). */
const ITEMS_PER_STEP = 4096;

/**
 * Bundles: several certificates in one carrier, or among the loose blocks of one file. A step every
 * ITEMS_PER_STEP files: 110,000 files, scattered over a heap of a gigabyte, took about 30 ms.
 */
export function* groupBundles(files: readonly InventoryFile[]): Generator<void, CertificateBundle[], void> {
  const bundles: CertificateBundle[] = [];
  for (let i = 0; i < files.length; i++) {
    if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const file = files[i];
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
  const list = Array.from(records.values());
  for (let i = 0; i < list.length; i++) {
    if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const record = list[i];
    const occurrences = record.occurrences;
    let best = occurrences[0];
    for (let k = 1; k < occurrences.length; k++) {
      const node = occurrences[k];
      if ((node.carrier ? 1 : 0) < (best.carrier ? 1 : 0) || ((node.carrier ? 1 : 0) === (best.carrier ? 1 : 0) && node.file.relativePath < best.file.relativePath)) {
        best = node;
      }
    }
    record.preferred = best;
  }
}
