/**
 * The workspace's PKI as one linked model: every certificate and key of every file, which
 * certificate signed which (by name and key identifier, confirmed by the signature), which key
 * belongs to which certificate, and what each kubeconfig user trusts.
 *
 * Pure and linear in the number of objects: certificates are indexed by subject DER and by SKI,
 * keys by public key id, files by folder and stem; signatures are verified only for candidate
 * pairs and cached by (certificate, issuer) fingerprints across builds.
 */
import { DocumentAnalysis, MaterialEntry } from '../analyze';
import { toHex } from '../x509/bytes';
import { push } from '../collections';
import { CarrierLocation, KubeconfigModel } from '../kube/carriers';
import { CertificateInfo } from '../x509/certificate';
import { PrivateKeyInfo, PublicKeyInfo } from '../x509/keys';
import { DecodedObject } from '../x509/material';
import { TextRange } from '../x509/pem';
import { SignatureCheck, VerifyKeyCache, verifyCertificateSignature } from '../x509/signature';

/** One analysed file, as the workspace layer hands it over. */
export interface InventoryInput {
  /** Any stable id of the file: a URI string or a path. Findings point back at it. */
  uri: string;
  /** `/`-separated path inside the workspace; folder and name drive pairing by location and kubeadm roles. */
  relativePath: string;
  analysis: DocumentAnalysis;
}

/** A kubeconfig path carrier (`client-certificate: ../pki/admin.crt`) that the workspace layer resolved to one of the inputs. */
export interface ResolvedPathCarrier {
  /** The file holding the carrier. */
  uri: string;
  /** `CarrierLocation.path` of the carrier, e.g. `users[0].user.client-certificate`. */
  carrierPath: string;
  /** The input it points at. */
  targetUri: string;
}

export interface BuildInventoryOptions {
  resolvedPaths?: ResolvedPathCarrier[];
  /** Verification results to reuse; defaults to one shared by every build in this process. */
  signatureCache?: SignatureCache;
}

export interface InventoryFile extends InventoryInput {
  /** Folder of `relativePath` with a trailing `/`, `''` at the root. */
  folder: string;
  /** File name without folder. */
  name: string;
  certificates: CertificateNode[];
  privateKeys: PrivateKeyNode[];
  publicKeys: PublicKeyNode[];
  kubeconfigs: KubeconfigNode[];
}

/** Where one decoded object sits. */
export interface MaterialNode {
  file: InventoryFile;
  entryIndex: number;
  objectIndex: number;
  entry: MaterialEntry;
  object: DecodedObject;
  /** The object's range: its PEM block, or the value of the carrier holding it. */
  range: TextRange;
  /** The kubeconfig field, Secret key… holding it; absent for a PEM block or a DER file. */
  carrier?: CarrierLocation;
  /** How a person would name the place: `pki/ca.crt`, `admin.conf users[0].user.client-certificate-data`, `ca-bundle.crt (certificate 2 of 3)`. */
  where: string;
}

export type IssuerStatus = 'found' | 'unknown' | 'bad-signature' | 'self-signed';

/** One occurrence of a certificate. The same certificate found in several places shares one `record`. */
export interface CertificateNode extends MaterialNode {
  kind: 'certificate';
  certificate: CertificateInfo;
  /** SHA-256 fingerprint, `AA:BB:…`. */
  fingerprint: string;
  record: CertificateRecord;
  issuerStatus: IssuerStatus;
  /** The occurrence of the best confirmed issuer (see `CertificateRecord.issuers`). */
  issuer?: CertificateNode;
  /** The bundle (several certificates in one carrier or file) this occurrence belongs to. */
  bundle?: CertificateBundle;
  /** Position in its bundle, from 0. */
  bundleIndex?: number;
}

/** One distinct certificate (by SHA-256) with every place it occurs and its links. */
export interface CertificateRecord {
  fingerprint: string;
  certificate: CertificateInfo;
  occurrences: CertificateNode[];
  /** The occurrence to point people at: a file of its own before a carrier, then by path. */
  preferred: CertificateNode;
  issuerStatus: IssuerStatus;
  /** Every certificate whose key verifies this one's signature, best first (in date, key present, latest). Empty when self-signed. */
  issuers: CertificateRecord[];
  /** `issuers[0]`. */
  issuer?: CertificateRecord;
  /** Same issuer name and compatible key identifier, but the signature does not verify. */
  badSignatureIssuers: CertificateRecord[];
  /** Certificates named like the issuer but with another key identifier: another generation of the CA. */
  sameNameOtherKey: CertificateRecord[];
  /** False when the issuer was accepted on names alone because the signature algorithm cannot be checked here (MD5…). */
  signatureVerified: boolean;
  /** Certificates this one signed (confirmed). */
  issued: CertificateRecord[];
  /** Private keys anywhere in the workspace holding this certificate's key pair. */
  privateKeys: PrivateKeyNode[];
  /** The key is in the workspace: matched by public key, or an encrypted key sits where this certificate's key belongs. */
  hasKeyInWorkspace: boolean;
}

export interface PrivateKeyNode extends MaterialNode {
  kind: 'private-key';
  key: PrivateKeyInfo;
  /** Certificates holding this key's public half (none when it cannot be derived, e.g. encrypted). */
  certificates: CertificateRecord[];
  publicKeys: PublicKeyNode[];
  /** What the key is expected to belong to by where it sits. */
  pairing?: KeyPairing;
}

export interface PublicKeyNode extends MaterialNode {
  kind: 'public-key';
  publicKey: PublicKeyInfo;
  certificates: CertificateRecord[];
  privateKeys: PrivateKeyNode[];
}

export type PairingReason = 'combined-file' | 'same-name' | 'kubeconfig-user' | 'secret' | 'sibling-fields' | 'key-pair-files';

/** A private key and the certificate (or public key) that its location says it belongs to. */
export interface KeyPairing {
  key: PrivateKeyNode;
  reason: PairingReason;
  /** The partner location's certificates in order; the first is the one TLS stacks pair the key with. */
  certificates: CertificateNode[];
  /** `sa.key` ↔ `sa.pub`: a bare public key instead of a certificate. */
  publicKey?: PublicKeyNode;
  /** Undefined when the key's public half is unknown (encrypted key). */
  matches?: boolean;
}

/** Several certificates in one carrier or one file (a CA bundle, a chain). */
export interface CertificateBundle {
  file: InventoryFile;
  /** Absent for the loose PEM blocks of a file. */
  carrier?: CarrierLocation;
  certificates: CertificateNode[];
}

export interface KubeconfigClusterNode {
  name: string;
  index: number;
  server?: string;
  /** certificate-authority-data, or certificate-authority (a path). */
  caCarrier?: CarrierLocation;
  caRange?: TextRange;
  /** The CA bundle the cluster trusts: decoded from the data, or the resolved file's certificates. */
  caCertificates: CertificateNode[];
}

/** Whether a user's client certificate chains to one of its clusters' CA. */
export interface UserCaVerdict {
  cluster: KubeconfigClusterNode;
  /** Undefined when it cannot be told: the cluster has no CA, or the user no decodable certificate. */
  signed?: boolean;
}

export interface KubeconfigUserNode {
  name: string;
  index: number;
  certificateCarrier?: CarrierLocation;
  keyCarrier?: CarrierLocation;
  /** The client certificate first, then any chain sent with it. */
  certificates: CertificateNode[];
  keys: PrivateKeyNode[];
  /** Clusters the user is used with through contexts; every cluster of the kubeconfig when no context names the user. */
  clusters: KubeconfigClusterNode[];
  contexts: string[];
  caVerdicts: UserCaVerdict[];
}

export interface KubeconfigNode {
  file: InventoryFile;
  model: KubeconfigModel;
  clusters: KubeconfigClusterNode[];
  users: KubeconfigUserNode[];
}

export interface Inventory {
  files: InventoryFile[];
  /** Every certificate occurrence, in file order. */
  certificates: CertificateNode[];
  /** Distinct certificates by SHA-256 fingerprint. */
  records: Map<string, CertificateRecord>;
  privateKeys: PrivateKeyNode[];
  publicKeys: PublicKeyNode[];
  kubeconfigs: KubeconfigNode[];
  bundles: CertificateBundle[];
  pairings: KeyPairing[];
  fileByUri: Map<string, InventoryFile>;
  /** The node of a decoded object, for features that start from a document position. */
  nodeOf(object: DecodedObject): CertificateNode | PrivateKeyNode | PublicKeyNode | undefined;
  stats: InventoryStats;
}

export interface InventoryStats {
  /** Signature checks computed in this build (cache misses). */
  verified: number;
  /** Signature checks answered by the cache. */
  cached: number;
  milliseconds: number;
}

/**
 * Inventory inputs for files: two files with the same text share one cached analysis, and the
 * inventory maps decoded objects to their node, so each file must bring objects of its own.
 */
export function inventoryInputs<F extends { analysis: DocumentAnalysis }>(files: readonly F[], describe: (file: F) => Omit<InventoryInput, 'analysis'>): InventoryInput[] {
  const used = new Set<DocumentAnalysis>();
  return files.map(file => {
    const analysis = used.has(file.analysis) ? cloneAnalysis(file.analysis) : file.analysis;
    used.add(file.analysis);
    return { ...describe(file), analysis };
  });
}

function cloneAnalysis(analysis: DocumentAnalysis): DocumentAnalysis {
  return { ...analysis, entries: analysis.entries.map(e => ({ ...e, objects: e.objects.map(o => ({ ...o })) })) };
}

/**
 * kubeconfig `client-certificate: ../pki/admin.crt` style references of the files, each followed by
 * `resolve` (given the file and the trimmed path) to the URI of an input; those it cannot follow are left out.
 */
export function resolvePathCarriers<F extends { analysis: DocumentAnalysis }>(files: readonly F[], uriOf: (file: F) => string, resolve: (file: F, path: string) => string | undefined): ResolvedPathCarrier[] {
  const out: ResolvedPathCarrier[] = [];
  for (const file of files) {
    for (const entry of file.analysis.entries) {
      const carrier = entry.carrier;
      if (carrier?.encoding !== 'path' || !carrier.value.trim()) {
        continue;
      }
      const targetUri = resolve(file, carrier.value.trim());
      if (targetUri !== undefined) {
        out.push({ uri: uriOf(file), carrierPath: carrier.path, targetUri });
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ signatures

export type { SignatureCheck };

/** Verification results by (certificate, issuer) fingerprints, and imported issuer keys, kept across builds. */
export class SignatureCache {
  private readonly results = new Map<string, SignatureCheck>();
  readonly keys: VerifyKeyCache;
  constructor(private readonly maxEntries = 200_000) {
    this.keys = new VerifyKeyCache(maxEntries);
  }

  get(cert: CertificateInfo, issuer: CertificateInfo): SignatureCheck | undefined {
    return this.results.get(pairKey(cert, issuer));
  }

  set(cert: CertificateInfo, issuer: CertificateInfo, result: SignatureCheck): void {
    if (this.results.size >= this.maxEntries) {
      this.results.clear(); // crude but bounded; a rebuild re-verifies what it still needs
    }
    this.results.set(pairKey(cert, issuer), result);
  }

  get size(): number {
    return this.results.size;
  }
}

function pairKey(cert: CertificateInfo, issuer: CertificateInfo): string {
  return `${cert.fingerprints.sha256}|${issuer.fingerprints.sha256}`;
}

const sharedCache = new SignatureCache();

/**
 * Does `issuer`'s key verify `cert`'s signature? WebCrypto directly for RSA PKCS#1 v1.5, ECDSA and
 * Ed25519 with the imported key cached per issuer (≈0.03–0.1 ms a check against ≈1–2 ms through
 * `X509Certificate.verify`, which re-imports the key every call); RSA-PSS through @peculiar/x509;
 * MD5, MD2, SHA-224 and DSA are 'unsupported' (WebCrypto has no such algorithms). Never throws.
 */
export async function verifySignature(cert: CertificateInfo, issuer: CertificateInfo, cache: SignatureCache = sharedCache): Promise<SignatureCheck> {
  const known = cache.get(cert, issuer);
  if (known) {
    return known;
  }
  const result = await verifyCertificateSignature(cert.der, cert.signatureAlgorithm.oid, issuer.publicKey, { cache: cache.keys, owner: issuer.fingerprints.sha256 });
  cache.set(cert, issuer, result);
  return result;
}

/** Run async jobs with a bounded number in flight (WebCrypto work goes to the libuv pool). */
async function runLimited<T>(items: T[], limit: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      await job(items[next++]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// ------------------------------------------------------------------ building

/** More same-named issuers than any real rollover produces; bounds the work on hostile input. */
const MAX_CANDIDATES = 16;
const CERT_FILE = /\.(crt|pem|cer|der)$/i;
const KEY_FILE = /\.(key|pem)$/i;

/** `apiserver.key` → `apiserver`; cfssl's `admin-key.pem` → `admin`. */
function keyStem(name: string): string | undefined {
  if (/-key\.pem$/i.test(name)) {
    return name.slice(0, -'-key.pem'.length);
  }
  return KEY_FILE.test(name) ? name.replace(KEY_FILE, '') : undefined;
}

function parentPath(carrier: CarrierLocation): string {
  return carrier.path.endsWith(carrier.key) ? carrier.path.slice(0, carrier.path.length - carrier.key.length) : carrier.path;
}

function inDate(cert: CertificateInfo, now: number): boolean {
  return cert.notBefore.getTime() <= now && now <= cert.notAfter.getTime();
}

/**
 * Link the material of every file. Async only for signature checks; everything else is a single
 * pass over the objects with hash-map lookups.
 */
export async function buildInventory(inputs: InventoryInput[], options: BuildInventoryOptions = {}): Promise<Inventory> {
  const started = Date.now();
  const cache = options.signatureCache ?? sharedCache;
  const files: InventoryFile[] = [];
  const fileByUri = new Map<string, InventoryFile>();
  const certificates: CertificateNode[] = [];
  const privateKeys: PrivateKeyNode[] = [];
  const publicKeys: PublicKeyNode[] = [];
  const records = new Map<string, CertificateRecord>();
  const nodes = new Map<DecodedObject, CertificateNode | PrivateKeyNode | PublicKeyNode>();

  for (const input of inputs) {
    const relativePath = input.relativePath.replace(/\\/g, '/');
    const slash = relativePath.lastIndexOf('/');
    const file: InventoryFile = {
      uri: input.uri, relativePath, analysis: input.analysis, folder: relativePath.slice(0, slash + 1), name: relativePath.slice(slash + 1),
      certificates: [], privateKeys: [], publicKeys: [], kubeconfigs: [],
    };
    files.push(file);
    fileByUri.set(file.uri, file);
    input.analysis.entries.forEach((entry, entryIndex) => {
      entry.objects.forEach((object, objectIndex) => {
        if (object.error) {
          return;
        }
        const range = object.range;
        const carrier = entry.carrier;
        const where = carrier ? `${relativePath} ${carrier.path}` : relativePath;
        if (object.certificate) {
          const certificate = object.certificate;
          const fingerprint = certificate.fingerprints.sha256;
          const node = { file, entryIndex, objectIndex, entry, object, range, carrier, where, kind: 'certificate', certificate, fingerprint, issuerStatus: 'unknown' } as CertificateNode;
          let record = records.get(fingerprint);
          if (!record) {
            record = {
              fingerprint, certificate, occurrences: [], preferred: node, issuerStatus: 'unknown', issuers: [],
              badSignatureIssuers: [], sameNameOtherKey: [], signatureVerified: false, issued: [], privateKeys: [], hasKeyInWorkspace: false,
            };
            records.set(fingerprint, record);
          }
          node.record = record;
          record.occurrences.push(node);
          certificates.push(node);
          file.certificates.push(node);
          nodes.set(object, node);
        } else if (object.privateKey) {
          const node: PrivateKeyNode = { file, entryIndex, objectIndex, entry, object, range, carrier, where, kind: 'private-key', key: object.privateKey, certificates: [], publicKeys: [] };
          privateKeys.push(node);
          file.privateKeys.push(node);
          nodes.set(object, node);
        } else if (object.publicKey && object.kind === 'public-key') {
          const node: PublicKeyNode = { file, entryIndex, objectIndex, entry, object, range, carrier, where, kind: 'public-key', publicKey: object.publicKey, certificates: [], privateKeys: [] };
          publicKeys.push(node);
          file.publicKeys.push(node);
          nodes.set(object, node);
        }
      });
    });
  }

  // Bundles: several certificates in one carrier, or among the loose blocks of one file.
  const bundles: CertificateBundle[] = [];
  for (const file of files) {
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
          node.where = `${node.where} (certificate ${i + 1} of ${members.length})`;
        });
        bundles.push(bundle);
      }
    }
  }

  // Preferred occurrence: a file of its own before a carrier, then the first path.
  for (const record of records.values()) {
    let best = record.occurrences[0];
    for (const node of record.occurrences) {
      if ((node.carrier ? 1 : 0) < (best.carrier ? 1 : 0) || ((node.carrier ? 1 : 0) === (best.carrier ? 1 : 0) && node.file.relativePath < best.file.relativePath)) {
        best = node;
      }
    }
    record.preferred = best;
  }

  // Keys by public key id.
  const keysById = new Map<string, PrivateKeyNode[]>();
  for (const key of privateKeys) {
    if (key.key.publicKey) {
      push(keysById, key.key.publicKey.id, key);
    }
  }
  const publicById = new Map<string, PublicKeyNode[]>();
  for (const pub of publicKeys) {
    push(publicById, pub.publicKey.id, pub);
    for (const key of keysById.get(pub.publicKey.id) ?? []) {
      key.publicKeys.push(pub);
      pub.privateKeys.push(key);
    }
  }
  for (const record of records.values()) {
    const id = record.certificate.publicKey.id;
    record.privateKeys = keysById.get(id) ?? [];
    record.hasKeyInWorkspace = record.privateKeys.length > 0;
    for (const key of record.privateKeys) {
      key.certificates.push(record);
    }
    for (const pub of publicById.get(id) ?? []) {
      pub.certificates.push(record);
    }
  }

  // Issuers: candidates by subject DER and key identifier, confirmed by signature.
  const bySubject = new Map<string, CertificateRecord[]>();
  const bySubjectAndSki = new Map<string, CertificateRecord[]>();
  const bySubjectWithoutSki = new Map<string, CertificateRecord[]>();
  const bySki = new Map<string, CertificateRecord[]>();
  for (const record of records.values()) {
    const subject = nameKey(record.certificate.subject.der);
    const ski = record.certificate.subjectKeyId;
    push(bySubject, subject, record);
    if (ski) {
      push(bySubjectAndSki, `${subject}|${ski}`, record);
      push(bySki, ski, record);
    } else {
      push(bySubjectWithoutSki, subject, record);
    }
  }
  const stats: InventoryStats = { verified: 0, cached: 0, milliseconds: 0 };
  interface Plan { record: CertificateRecord; candidates: CertificateRecord[]; results: (SignatureCheck | undefined)[] }
  const plans: Plan[] = [];
  for (const record of records.values()) {
    const cert = record.certificate;
    const issuer = nameKey(cert.issuer.der);
    const aki = cert.authorityKeyId;
    let candidates: CertificateRecord[];
    if (aki) {
      candidates = [...(bySubjectAndSki.get(`${issuer}|${aki}`) ?? []), ...(bySubjectWithoutSki.get(issuer) ?? [])];
      if (!candidates.length) {
        // The same name spelled in another string type or case still names the issuer (RFC 5280 name matching).
        const text = cert.issuer.text.toLowerCase();
        candidates = (bySki.get(aki) ?? []).slice(0, 4 * MAX_CANDIDATES).filter(c => c.certificate.subject.text.toLowerCase() === text);
      }
      if (!candidates.length) {
        record.sameNameOtherKey = (bySubject.get(issuer) ?? []).slice(0, MAX_CANDIDATES);
      }
    } else {
      candidates = bySubject.get(issuer) ?? [];
    }
    // Never scan a whole same-name list (thousands of self-signed "CN=localhost"): bounded slices only.
    const self = cert.selfIssued && (!aki || !cert.subjectKeyId || aki === cert.subjectKeyId);
    candidates = candidates.slice(0, MAX_CANDIDATES + 1).filter(c => c !== record);
    if (self) {
      candidates.unshift(record);
    }
    candidates = candidates.slice(0, MAX_CANDIDATES);
    plans.push({ record, candidates, results: new Array(candidates.length) });
  }
  const check = async (plans: Plan[], which: (plan: Plan, candidate: CertificateRecord) => boolean) => {
    const jobs: { plan: Plan; index: number }[] = [];
    for (const plan of plans) {
      plan.candidates.forEach((candidate, index) => {
        if (plan.results[index] || !which(plan, candidate)) {
          return;
        }
        const known = cache.get(plan.record.certificate, candidate.certificate);
        if (known) {
          plan.results[index] = known;
          stats.cached++;
        } else {
          jobs.push({ plan, index });
        }
      });
    }
    await runLimited(jobs, 32, async ({ plan, index }) => {
      plan.results[index] = await verifySignature(plan.record.certificate, plan.candidates[index].certificate, cache);
      stats.verified++;
    });
  };
  // Self-signed certificates first: when they verify with their own key, no other candidate is tried.
  await check(plans, (plan, candidate) => candidate === plan.record);
  const selfSigned = (plan: Plan) => plan.candidates[0] === plan.record && plan.results[0] !== 'invalid';
  await check(plans.filter(p => !selfSigned(p)), () => true);
  const now = Date.now();
  for (const plan of plans) {
    const { record, candidates, results } = plan;
    if (selfSigned(plan)) {
      record.issuerStatus = 'self-signed';
      record.signatureVerified = results[0] === 'valid';
      continue;
    }
    const valid = candidates.filter((c, i) => c !== record && results[i] === 'valid');
    const unsupported = candidates.filter((c, i) => c !== record && results[i] === 'unsupported');
    record.badSignatureIssuers = candidates.filter((_, i) => results[i] === 'invalid');
    const issuers = valid.length ? valid : unsupported;
    if (issuers.length) {
      record.issuerStatus = 'found';
      record.signatureVerified = valid.length > 0;
      record.issuers = issuers.sort((a, b) => rankIssuer(b, now) - rankIssuer(a, now));
      record.issuer = record.issuers[0];
      for (const issuer of issuers) {
        issuer.issued.push(record);
      }
    } else {
      record.issuerStatus = record.badSignatureIssuers.length ? 'bad-signature' : 'unknown';
    }
  }
  for (const node of certificates) {
    node.issuerStatus = node.record.issuerStatus;
    node.issuer = node.record.issuer?.preferred;
  }

  // Path carriers resolved by the workspace layer.
  const resolved = new Map<string, InventoryFile>();
  for (const r of options.resolvedPaths ?? []) {
    const target = fileByUri.get(r.targetUri);
    if (target) {
      resolved.set(`${r.uri}\n${r.carrierPath}`, target);
    }
  }
  const carrierCertificates = (file: InventoryFile, entry: MaterialEntry): CertificateNode[] => {
    const target = entry.carrier?.encoding === 'path' ? resolved.get(`${file.uri}\n${entry.carrier.path}`) : undefined;
    if (target && !entry.objects.length) {
      return target.certificates;
    }
    return entry.objects.map(o => nodes.get(o)).filter((n): n is CertificateNode => n?.kind === 'certificate');
  };
  const carrierKeys = (file: InventoryFile, entry: MaterialEntry): PrivateKeyNode[] => {
    const target = entry.carrier?.encoding === 'path' ? resolved.get(`${file.uri}\n${entry.carrier.path}`) : undefined;
    if (target && !entry.objects.length) {
      return target.privateKeys;
    }
    return entry.objects.map(o => nodes.get(o)).filter((n): n is PrivateKeyNode => n?.kind === 'private-key');
  };

  // Kubeconfigs.
  const kubeconfigs: KubeconfigNode[] = [];
  for (const file of files) {
    file.analysis.kubeconfigs.forEach((model, i) => {
      const kubeconfig: KubeconfigNode = {
        file, model,
        clusters: model.clusters.map(c => ({ name: c.name, index: c.index, server: c.server, caCertificates: [] })),
        users: model.users.map(u => ({ name: u.name, index: u.index, certificates: [], keys: [], clusters: [], contexts: [], caVerdicts: [] })),
      };
      // Carriers carry no document index for kubeconfig owners: they belong to the file's first kubeconfig.
      if (i === 0) {
        for (const entry of file.analysis.entries) {
          const owner = entry.carrier?.owner;
          if (owner?.kind === 'kubeconfig-cluster' && entry.carrier!.role === 'ca') {
            const cluster = kubeconfig.clusters[owner.index];
            if (cluster && !cluster.caCarrier) {
              cluster.caCarrier = entry.carrier;
              cluster.caRange = entry.range;
              cluster.caCertificates = carrierCertificates(file, entry);
            }
          } else if (owner?.kind === 'kubeconfig-user') {
            const user = kubeconfig.users[owner.index];
            if (user && entry.carrier!.role === 'certificate' && !user.certificateCarrier) {
              user.certificateCarrier = entry.carrier;
              user.certificates = carrierCertificates(file, entry);
            } else if (user && entry.carrier!.role === 'key' && !user.keyCarrier) {
              user.keyCarrier = entry.carrier;
              user.keys = carrierKeys(file, entry);
            }
          }
        }
      }
      const clusterByName = new Map(kubeconfig.clusters.map(c => [c.name, c] as const));
      for (const user of kubeconfig.users) {
        const contexts = model.contexts.filter(c => c.user === user.name);
        user.contexts = contexts.map(c => c.name);
        user.clusters = contexts.length
          ? [...new Set(contexts.map(c => (c.cluster !== undefined ? clusterByName.get(c.cluster) : undefined)).filter((c): c is KubeconfigClusterNode => !!c))]
          : kubeconfig.clusters;
        const client = user.certificates[0];
        user.caVerdicts = user.clusters.map(cluster => ({
          cluster,
          signed: client && cluster.caCertificates.length ? chainsTo(client.record, new Set(cluster.caCertificates.map(c => c.record))) : undefined,
        }));
      }
      file.kubeconfigs.push(kubeconfig);
      kubeconfigs.push(kubeconfig);
    });
  }

  // Keys paired by location.
  const pairings: KeyPairing[] = [];
  const paired = new Set<PrivateKeyNode>();
  const pair = (key: PrivateKeyNode, reason: PairingReason, partners: CertificateNode[], publicKey?: PublicKeyNode) => {
    if (paired.has(key) || (!partners.length && !publicKey)) {
      return;
    }
    paired.add(key);
    const id = key.key.publicKey?.id;
    const partnerId = partners.length ? partners[0].certificate.publicKey.id : publicKey!.publicKey.id;
    const pairing: KeyPairing = { key, reason, certificates: partners, publicKey: partners.length ? undefined : publicKey, matches: id === undefined ? undefined : id === partnerId };
    key.pairing = pairing;
    pairings.push(pairing);
    if (pairing.matches === undefined && key.key.encrypted && partners.length) {
      partners[0].record.hasKeyInWorkspace = true;
    }
  };
  for (const kubeconfig of kubeconfigs) {
    for (const user of kubeconfig.users) {
      for (const key of user.keys) {
        pair(key, 'kubeconfig-user', user.certificates);
      }
    }
  }
  const byStem = new Map<string, InventoryFile[]>();
  for (const file of files) {
    if (CERT_FILE.test(file.name) || /\.pub$/i.test(file.name)) {
      push(byStem, file.folder + file.name.replace(/\.[^.]+$/, ''), file);
    }
  }
  for (const file of files) {
    if (!file.privateKeys.length) {
      continue;
    }
    const carried = new Map<string, CertificateNode[]>();
    for (const cert of file.certificates) {
      if (cert.carrier?.role === 'certificate' && cert.carrier.owner.kind !== 'kubeconfig-user') {
        push(carried, siblingKey(cert.carrier), cert);
      }
    }
    const loose = file.certificates.filter(c => !c.carrier);
    for (const key of file.privateKeys) {
      if (key.carrier) {
        if (key.carrier.owner.kind !== 'kubeconfig-user') {
          pair(key, key.carrier.owner.kind === 'secret' ? 'secret' : 'sibling-fields', carried.get(siblingKey(key.carrier)) ?? []);
        }
        continue;
      }
      if (loose.length) {
        pair(key, 'combined-file', loose);
        continue;
      }
      const stem = keyStem(file.name);
      if (stem === undefined) {
        continue;
      }
      const partners = (byStem.get(file.folder + stem) ?? []).filter(f => f !== file);
      const certFile = partners.find(f => CERT_FILE.test(f.name) && f.certificates.some(c => !c.carrier));
      if (certFile) {
        pair(key, 'same-name', certFile.certificates.filter(c => !c.carrier));
        continue;
      }
      const pubFile = partners.find(f => f.publicKeys.length && !f.certificates.length);
      if (pubFile) {
        pair(key, 'key-pair-files', [], pubFile.publicKeys[0]);
      }
    }
  }

  stats.milliseconds = Date.now() - started;
  return {
    files, certificates, records, privateKeys, publicKeys, kubeconfigs, bundles, pairings, fileByUri,
    nodeOf: object => nodes.get(object),
    stats,
  };
}

/** A map key for a DER name: its bytes as a binary string (cheaper than hex; names are short). */
function nameKey(der: Uint8Array): string {
  return der.length <= 4096 ? String.fromCharCode.apply(null, der as unknown as number[]) : toHex(der);
}

function siblingKey(carrier: CarrierLocation): string {
  const owner = carrier.owner;
  const doc = owner.kind === 'secret' || owner.kind === 'other' ? owner.document : -1;
  return `${doc}\n${parentPath(carrier)}`;
}

/** Higher is better: an issuer in date, with its key at hand, expiring last. */
function rankIssuer(record: CertificateRecord, now: number): number {
  const cert = record.certificate;
  return (inDate(cert, now) ? 4e15 : 0) + (record.privateKeys.length ? 2e15 : 0) + cert.notAfter.getTime() / 2;
}

/** Does `record` chain (through confirmed issuers) to one of `anchors`? Bounded depth; cycles stop. */
export function chainsTo(record: CertificateRecord, anchors: Set<CertificateRecord>, depth = 8): boolean {
  const seen = new Set<CertificateRecord>();
  let frontier = [record];
  for (let level = 0; level <= depth && frontier.length; level++) {
    const next: CertificateRecord[] = [];
    for (const r of frontier) {
      if (anchors.has(r)) {
        return true;
      }
      if (seen.has(r)) {
        continue;
      }
      seen.add(r);
      next.push(...r.issuers);
    }
    frontier = next;
  }
  return false;
}
