/**
 * The linked model of the workspace's PKI, as the inventory hands it to the rules and the features:
 * files, certificate occurrences and their distinct records, keys, bundles, kubeconfigs and pairings.
 */
import { DocumentAnalysis, MaterialEntry } from '../analyze';
import { CarrierLocation, KubeconfigModel } from '../kube/carriers';
import { CertificateInfo } from '../x509/certificate';
import { PrivateKeyInfo, PublicKeyInfo } from '../x509/keys';
import { CsrInfo, DecodedObject } from '../x509/material';
import type { CsrSpec } from '../kube/csrObject';
import type { SignatureCheck } from '../x509/signature';
import { TextRange } from '../x509/pem';
import type { SignatureCache } from './signatureCache';

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
  /**
   * false: certificates are not linked to issuers (no signature is verified; each keeps issuerStatus
   * 'unknown'). Enough for the rules that judge a file alone (pipeline `localFindings`).
   */
  linkIssuers?: boolean;
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
  requests: RequestNode[];
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
  /**
   * The distinct certificate: every occurrence shares its record, and with it its issuer
   * (`issuerStatusOf`, `issuerOf` in links.ts): a certificate's issuer does not depend on where it sits.
   */
  record: CertificateRecord;
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

/** A certificate request: a PEM or DER CSR, or the spec.request of a CertificateSigningRequest object. */
export interface RequestNode extends MaterialNode {
  kind: 'csr';
  csr: CsrInfo;
  /** The CertificateSigningRequest object holding it: its signer and usages. */
  spec?: CsrSpec;
  /** Its self-signature checked with the key it carries; undefined when the request cannot be read for it. */
  signature?: SignatureCheck;
  /** Private keys where this request's key belongs (`x.key` or `x-key.pem` beside `x.csr`; `admin.conf` beside `admin.conf.csr`). */
  keys: PrivateKeyNode[];
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
  /** Certificate requests, in file order. */
  requests: RequestNode[];
  bundles: CertificateBundle[];
  pairings: KeyPairing[];
  /** The files by URI, made at the first use (features ask it for one file at a time). */
  readonly fileByUri: Map<string, InventoryFile>;
  /** The files, in file order, that hold what only a few rules judge (see `FilesWith`). */
  filesWith: FilesWith;
  /** The node of a decoded object, for features that start from a document position. */
  nodeOf(object: DecodedObject): CertificateNode | PrivateKeyNode | PublicKeyNode | undefined;
  stats: InventoryStats;
}

/**
 * Files by what a few rules look for, noted while the files are collected: those rules visit these
 * and not every file. A pass over all 11,000 files of the bench workspace (file, analysis, entries,
 * objects: a few dependent reads each, scattered over the heap) cost each of them 3–5 ms a build.
 */
export interface FilesWith {
  /** An entry that did not decode, or an object that did not (decode-error). */
  errors: InventoryFile[];
  /** A keystore (keystore-locked, weak-keystore). */
  keystores: InventoryFile[];
  /** A CRL (crl-stale). */
  crls: InventoryFile[];
  /** A Secret's carrier, an Ingress/Gateway TLS route or a cert-manager Certificate (the TLS index, checks/tlsRouteSecrets.ts). */
  tls: InventoryFile[];
  /** A kubeconfig (linking its clusters and users, kubeconfigs.ts). */
  kubeconfigs: InventoryFile[];
}

export interface InventoryStats {
  /** Signature checks computed in this build (cache misses). */
  verified: number;
  /** Signature checks answered by the cache. */
  cached: number;
  milliseconds: number;
}
