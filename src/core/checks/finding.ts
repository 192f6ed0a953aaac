import { CertificateInfo } from '../x509/certificate';
import { ExpiryThresholds } from '../x509/expiry';
import { shortName } from '../x509/name';
import { CertificateNode, CertificateRecord, Inventory, MaterialNode } from '../inventory/inventory';
import { TextRange } from '../x509/pem';

export type Severity = 'error' | 'warning' | 'information';

/** Another place a finding is about: the issuer, the key, the cluster's CA. */
export interface RelatedLocation {
  uri: string;
  range: TextRange;
  message: string;
}

/** One problem found in the workspace's PKI, placed on the material it is about. */
export interface Finding {
  /** A `CHECK_CODES` key, e.g. `cert-expired`. */
  code: CheckCode;
  severity: Severity;
  message: string;
  uri: string;
  range: TextRange;
  related: RelatedLocation[];
}

export type CheckCode =
  | 'cert-expired'
  | 'cert-not-yet-valid'
  | 'cert-expiring'
  | 'cert-validity-inverted'
  | 'chain-unknown-issuer'
  | 'chain-bad-signature'
  | 'chain-issuer-not-ca'
  | 'chain-issuer-expired'
  | 'key-mismatch'
  | 'kubeconfig-ca-mismatch'
  | 'kubeconfig-server-name'
  | 'kubeconfig-stale-copy'
  | 'decode-error'
  | 'profile-eku'
  | 'profile-san'
  | 'profile-subject'
  | 'profile-front-proxy-ca'
  | 'profile-issuer'
  | 'weak-key'
  | 'weak-signature'
  | 'keystore-locked'
  | 'weak-keystore'
  | 'ingress-host-not-covered'
  | 'ingress-secret-key-mismatch'
  | 'ingress-chain-order'
  | 'ingress-secret-missing'
  | 'certificate-spec-drift'
  | 'validity-not-nested'
  | 'ca-constraints'
  | 'san-missing'
  | 'key-usage-mismatch'
  | 'crl-stale'
  | 'csr-bad-signature'
  | 'csr-key-mismatch'
  | 'csr-profile';

/** A rule's setting in a folder (`pkiLens.rules.<code>`): switched off, or reported at this severity. */
export type RuleLevel = 'off' | Severity;

/** By code; a code not listed keeps the severity its rule gives (see ruleSettings.ts). */
export type RuleSettings = Partial<Record<CheckCode, RuleLevel>>;

export interface CheckOptions {
  /** The moment validity is judged at; defaults to the time of the call. */
  now?: Date;
  /** Expiry thresholds; missing fields take `DEFAULT_THRESHOLDS`. */
  thresholds?: Partial<ExpiryThresholds>;
  /**
   * Thresholds of the file at `uri`, where they differ per file (a multi-root workspace with folder
   * settings); missing fields take `thresholds`.
   */
  thresholdsFor?: (uri: string) => Partial<ExpiryThresholds> | undefined;
  /** Codes not to report. */
  disabled?: Iterable<string>;
  /**
   * `pkiLens.rules.<code>` of the file at `uri` (each folder may have its own): a rule switched
   * off there, or reported at another severity. See ruleSettings.ts.
   */
  rulesFor?: (uri: string) => RuleSettings | undefined;
  /** The API server's service IP (first IP of the service CIDR). When unset, any IP SAN will do. */
  serviceIp?: string;
  /** The cluster DNS domain. When unset, any `kubernetes.default.svc.<domain>` will do. */
  dnsDomain?: string;
}

/** `CheckOptions` with every default filled in, as rules receive them. */
export interface ResolvedCheckOptions {
  now: Date;
  /** The default thresholds; a rule judging one file's material asks `thresholdsFor(file uri)`. */
  thresholds: ExpiryThresholds;
  thresholdsFor: (uri: string) => ExpiryThresholds;
  serviceIp?: string;
  dnsDomain?: string;
}

/** A rule: pure, synchronous, never touches an editor. */
/**
 * A rule: its findings, or — for a rule that visits every certificate — a generator that yields
 * every `ITEMS_PER_STEP` items and returns its findings, so a sliced run (the extension host) gets a
 * turn inside the rule, not only between rules (one rule over 100,000 certificates held the host
 * for up to a second). `runChecks` runs either straight through.
 */
export type Check = (inventory: Inventory, options: ResolvedCheckOptions) => Finding[] | RuleSteps;
export type RuleSteps = Generator<void, Finding[], void>;

/**
 * Items a stepped rule visits between two yields: well under a millisecond of work each once the
 * caches a rule keeps per certificate are made, and 15 ms at most the first time: at 100,000 files
 * a cold start's first pass of kubeconfig-stale-copy took 62 ms for 512 certificates. A yield costs
 * a generator's resume and a look at the clock: 80 a rule at 10,000 certificates. A stepped
 * rule walks its list by index, not with `for…of`: inside a generator V8 makes an iterator result
 * for every item (0.5 MB of garbage a pass over 10,000 certificates, four times the time of the
 * indexed loop, for each of a dozen rules at every relink).
 */
export const ITEMS_PER_STEP = 128;

export function finding(code: CheckCode, severity: Severity, node: Pick<MaterialNode, 'file' | 'range'>, message: string, related: RelatedLocation[] = []): Finding {
  return { code, severity, message, uri: node.file.uri, range: node.range, related };
}

/** Point at another node: "issuer CN=kubernetes (pki/ca.crt)". */
export function relatedTo(node: Pick<MaterialNode, 'file' | 'range'>, message: string): RelatedLocation {
  return { uri: node.file.uri, range: node.range, message };
}

/** How messages name a certificate: `CA certificate CN=kubernetes`, `certificate CN=kube-apiserver`. */
export function describeCertificate(cert: CertificateInfo): string {
  return `${cert.isCa ? 'CA certificate' : 'certificate'} ${shortName(cert.subject)}`;
}

/** A certificate occurrence as messages name it, with its place in a bundle: `CA certificate CN=x (certificate 2 of 3 in this bundle)`. */
export function describeNode(node: CertificateNode): string {
  const text = describeCertificate(node.certificate);
  return node.bundle ? `${text} (certificate ${(node.bundleIndex ?? 0) + 1} of ${node.bundle.certificates.length} in this bundle)` : text;
}

/** The same with a capital letter, to open a message. */
export function Describe(cert: CertificateInfo): string {
  return capitalise(describeCertificate(cert));
}

export function capitalise(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/**
 * The certificate occurrences rules report on: every one, except a repeat of the same certificate
 * inside one bundle (it shares the carrier's range and would say the same thing twice). Made once
 * per inventory, in steps (`yield*` it from a stepped rule): 100,000 occurrences filtered in one
 * piece were one task of 48 ms in the extension host.
 */
export function* reportedCertificates(inventory: Inventory): Generator<void, CertificateNode[], void> {
  let list = reported.get(inventory);
  if (!list) {
    list = [];
    const all = inventory.certificates;
    for (let i = 0; i < all.length; i++) {
      if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
        yield;
      }
      const node = all[i];
      if (!node.bundle || node.bundle.certificates.findIndex(c => c.fingerprint === node.fingerprint) === node.bundleIndex) {
        list.push(node);
      }
    }
    reported.set(inventory, list);
  }
  return list;
}

const reported = new WeakMap<Inventory, CertificateNode[]>();

/** Every distinct certificate once, in the order the inventory found them, as an array a stepped rule walks by index (see ITEMS_PER_STEP). */
export function distinctRecords(inventory: Inventory): CertificateRecord[] {
  let list = distinct.get(inventory);
  if (!list) {
    list = Array.from(inventory.records.values());
    distinct.set(inventory, list);
  }
  return list;
}

const distinct = new WeakMap<Inventory, CertificateRecord[]>();
