import { CertificateInfo } from '../x509/certificate';
import { HostMatch, HostNames, parseIp, toLowerCaseAscii, verifyHostname } from '../verify/hostMatch';
import { CertificateRecord, Inventory, KubeconfigClusterNode, KubeconfigNode } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { bytesKey } from '../x509/bytes';
import { TextRange } from '../x509/pem';
import { kubeadmRoleForPath } from '../kube/profiles';
import { runStraight } from '../slices';
import { Check, Finding, ITEMS_PER_STEP, ResolvedCheckOptions, RuleSteps, relatedTo } from './finding';

/**
 * kubeconfig-server-name: the name kubectl dials (the `server:` URL's host, or `tls-server-name`)
 * is not among the SANs of the API server's certificate, so every connection fails with Go's
 * HostnameError. The API server's certificate is the one in the workspace issued by the cluster's
 * certificate-authority(-data) CA for serverAuth that looks like an API server's (see
 * serverCertificateFor). When no such certificate is here nothing is said: a guess would be noise.
 *
 * Checks are synchronous, so the host is matched with `verifyHostname` — the very function
 * `verifyChain` uses for its hostname check — giving the same words Go prints. The rest of the
 * chain (dates, signature) is other rules' business; the hover runs the whole verification.
 */

const OID_SAN = '2.5.29.17';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_EKU = '2.5.29.37.0';
/** DNS SANs every Kubernetes API server certificate carries for in-cluster clients (kubeadm, k3s, the hard way). */
const APISERVER_NAME = /^kubernetes(\.default(\.svc(\..+)?)?)?$/i;

/** What a kubeconfig cluster's client would dial, and whether the API server's certificate covers it. */
export interface ServerNamePrediction {
  kubeconfig: KubeconfigNode;
  cluster: KubeconfigClusterNode;
  /** The `server:` URL as written. */
  server: string;
  serverRange: TextRange;
  /** The name matched against the SANs: `tls-server-name` when set, else the URL's host (brackets of IPv6 removed). */
  host: string;
  viaTlsServerName: boolean;
  /** The certificate judged to be the API server's. */
  certificate: CertificateRecord;
  /** Go's verdict on the host alone; its message is Go's HostnameError text on failure. */
  match: HostMatch;
}

/**
 * The host of an `https://` URL as Go's `url.URL.Hostname()` returns it: userinfo and port
 * dropped, IPv6 brackets removed, nothing lower-cased or normalised (Go keeps `010.0.0.1` as is,
 * where WHATWG's URL would rewrite it). Undefined for any other scheme or no host.
 */
export function httpsHost(server: string): string | undefined {
  const m = /^https:\/\/(?:[^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)(?::[0-9]*)?(?:[/?#].*)?$/is.exec(server.trim());
  if (!m || !m[1]) {
    return undefined;
  }
  return m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
}

/** The names Go's VerifyHostname looks at, from the decoded certificate. */
export function hostNamesOf(cert: CertificateInfo): HostNames {
  const ipAddresses: Uint8Array[] = [];
  for (const san of cert.subjectAltNames) {
    const ip = san.type === 'IP' ? parseIp(san.value) : undefined;
    if (ip) {
      ipAddresses.push(ip);
    }
  }
  return {
    dnsNames: cert.subjectAltNames.filter(s => s.type === 'DNS').map(s => s.value),
    ipAddresses,
    hasSanExtension: cert.extensions.some(e => e.oid === OID_SAN),
    commonName: cert.subject.commonName,
  };
}

function servesTls(cert: CertificateInfo): boolean {
  return !cert.isCa && !!cert.extendedKeyUsage?.some(e => e.oid === SERVER_AUTH || e.oid === ANY_EKU);
}

/** Names the in-cluster `kubernetes…` names every API server's certificate carries. */
function apiserverNamed(cert: CertificateInfo): boolean {
  return cert.subjectAltNames.some(s => s.type === 'DNS' && APISERVER_NAME.test(s.value));
}

/** Sits where kubeadm keeps the API server's certificate (`pki/apiserver.crt`): a question for each build, whose paths may differ. */
function apiserverPlaced(record: CertificateRecord): boolean {
  return record.occurrences.some(o => kubeadmRoleForPath(o.file.relativePath)?.role.id === 'apiserver');
}

const newer = (a: CertificateRecord, b: CertificateRecord | undefined) => !b || a.certificate.notBefore.getTime() > b.certificate.notBefore.getTime();

/**
 * A CA's serving certificates indexed by the names they claim, so each cluster costs a few map
 * lookups rather than a match against every certificate the CA issued (a bench CA issues
 * thousands). The index only narrows: every hit is confirmed with Go's own matcher.
 *
 * The index is kept with the CA's decoded certificate, which a file that did not change keeps from
 * build to build: made again at every relink, the index of a CA that issued 10,000 certificates was
 * 7 ms and 5 MB of garbage of a 100 ms relink (Node). A build uses a kept index only when the CA
 * issued the same certificates, each verified as before (a lookup each); their order may have
 * moved (a certificate now first met in another file), so where order decides between two equally
 * new certificates, this build's order is asked.
 */
interface ServerIndex {
  /** Lower-cased DNS SANs that are not wildcards, to positions in `issued`. */
  exact: Map<string, number[]>;
  /** `*.example.com` under `example.com`; a bare `*` under `''`. */
  wildcard: Map<string, number[]>;
  /** IP SANs by their 16-byte form (`ipKey`). */
  ips: Map<string, number[]>;
  /** The verified serverAuth leaves. */
  serving: number[];
  /** The serving certificates that carry an API server's in-cluster names (see `apiserverNamed`). */
  named: Set<number>;
  /** What the index was made from: the certificates the CA issued, their positions, and which were verified. */
  issued: CertificateInfo[];
  positions: Map<CertificateInfo, number>;
  verified: boolean[];
}

/** A build's view of an index: this build's record at each position, and its place in the CA's `issued` list. */
interface IndexView {
  index: ServerIndex;
  records: CertificateRecord[];
  order: Int32Array;
  /** The newest serving certificate that looks like the API server's (paths can change while the index holds); null: none. */
  apiserver?: CertificateRecord | null;
}

/** Kept across builds, by the CA's decoded certificate. */
const kept = new WeakMap<CertificateInfo, ServerIndex>();
/** This build's view of each CA record's index: whether a kept one holds is asked once per build, not once per cluster. */
const views = new WeakMap<CertificateRecord, IndexView>();

/** An IP's 16 bytes as a map key: one string of 16 characters (a hex spelling made 17 strings and an array per address). */
const ipKey = (ip: Uint8Array) => bytesKey(ip);

function add(map: Map<string, number[]>, key: string, position: number): void {
  const list = map.get(key);
  if (list) {
    list.push(position);
  } else {
    map.set(key, [position]);
  }
}

function serverIndex(ca: CertificateRecord): IndexView {
  return runStraight(serverIndexSteps(ca));
}

/** `index` seen from this build's `issued` list; undefined when it does not describe it. */
function viewOf(index: ServerIndex, issued: readonly CertificateRecord[]): IndexView | undefined {
  if (index.issued.length !== issued.length) {
    return undefined;
  }
  const records = new Array<CertificateRecord>(issued.length);
  const order = new Int32Array(issued.length);
  for (let i = 0; i < issued.length; i++) {
    const record = issued[i];
    const position = index.positions.get(record.certificate);
    if (position === undefined || records[position] !== undefined || index.verified[position] !== record.signatureVerified) {
      return undefined;
    }
    records[position] = record;
    order[position] = i;
  }
  return { index, records, order };
}

/** `serverIndex` made in steps of `ITEMS_PER_STEP` issued certificates: a bench CA issues 10,000 (25–60 ms in one piece). */
function* serverIndexSteps(ca: CertificateRecord): Generator<void, IndexView, void> {
  const current = views.get(ca);
  if (current) {
    return current;
  }
  const issued = ca.issued;
  const known = kept.get(ca.certificate);
  const held = known && viewOf(known, issued);
  if (held) {
    views.set(ca, held);
    return held;
  }
  const index: ServerIndex = { exact: new Map(), wildcard: new Map(), ips: new Map(), serving: [], named: new Set(), issued: new Array(issued.length), positions: new Map(), verified: new Array(issued.length) };
  for (let position = 0; position < issued.length; position++) {
    if (position % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const record = issued[position];
    index.issued[position] = record.certificate;
    index.positions.set(record.certificate, position);
    index.verified[position] = record.signatureVerified;
    if (!record.signatureVerified || !servesTls(record.certificate)) {
      continue;
    }
    index.serving.push(position);
    if (apiserverNamed(record.certificate)) {
      index.named.add(position);
    }
    for (const san of record.certificate.subjectAltNames) {
      if (san.type === 'DNS') {
        const name = toLowerCaseAscii(san.value);
        if (name === '*' || name.startsWith('*.')) {
          add(index.wildcard, name.slice(2), position);
        } else {
          add(index.exact, name, position);
        }
      } else if (san.type === 'IP') {
        const ip = parseIp(san.value);
        if (ip) {
          add(index.ips, ipKey(ip), position);
        }
      }
    }
  }
  kept.set(ca.certificate, index);
  const view: IndexView = { index, records: issued.slice(), order: Int32Array.from(issued.keys()) };
  views.set(ca, view);
  return view;
}

/** The newest of the CA's serving certificates that looks like an API server's (the first in this build's order among equals). */
function apiserverOf(view: IndexView): CertificateRecord | undefined {
  if (view.apiserver === undefined) {
    let best: number | undefined;
    for (const position of view.index.serving) {
      const record = view.records[position];
      // The cheap comparison first: the name (noted in the index) and path tests only for a certificate that would win.
      if ((best === undefined || precedes(view, position, best)) && (view.index.named.has(position) || apiserverPlaced(record))) {
        best = position;
      }
    }
    view.apiserver = best === undefined ? null : view.records[best];
  }
  return view.apiserver ?? undefined;
}

/** The certificate at `a` is newer than the one at `b`, or as new and first in this build's order. */
function precedes(view: IndexView, a: number, b: number): boolean {
  const x = view.records[a].certificate.notBefore.getTime();
  const y = view.records[b].certificate.notBefore.getTime();
  return x > y || (x === y && view.order[a] < view.order[b]);
}

/** Certificates of the index that may cover `host`, each list in this build's order: a superset of Go's matches, never missing one. */
function mayCover(view: IndexView, host: string): CertificateRecord[] {
  const { index } = view;
  const inOrder = (positions: number[] | undefined) => (positions ?? []).slice().sort((a, b) => view.order[a] - view.order[b]).map(position => view.records[position]);
  const bare = host.length >= 3 && host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const ip = parseIp(bare);
  if (ip) {
    return inOrder(index.ips.get(ipKey(ip)));
  }
  const lower = toLowerCaseAscii(host);
  const noDot = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  const dot = noDot.indexOf('.');
  const parent = dot < 0 ? '' : noDot.slice(dot + 1);
  return [...inOrder(index.exact.get(lower)), ...inOrder(index.exact.get(noDot)), ...inOrder(index.wildcard.get(parent))];
}

/**
 * The certificate a cluster's API server presents, as far as the workspace tells. Among the
 * serverAuth leaves the cluster's CA verifiably issued: the newest that covers `host`, if any
 * (then nothing is wrong, whichever it is); else the newest that looks like an API server's
 * (kubeadm's pki/apiserver.crt, or the in-cluster `kubernetes…` names every API server carries).
 * Undefined otherwise: webhook or kubelet serving certificates signed by the same CA say nothing
 * about the API server, and guessing would put a false error on a correct kubeconfig.
 */
export function serverCertificateFor(cluster: KubeconfigClusterNode, host: string): { record: CertificateRecord; match: HostMatch } | undefined {
  let covering: { record: CertificateRecord; match: HostMatch } | undefined;
  let apiserver: CertificateRecord | undefined;
  for (const ca of new Set(cluster.caCertificates.map(c => c.record))) {
    const view = serverIndex(ca);
    for (const record of mayCover(view, host)) {
      if (covering && !newer(record, covering.record)) {
        continue;
      }
      const match = verifyHostname(hostNamesOf(record.certificate), host);
      if (match.ok) {
        covering = { record, match };
      }
    }
    const candidate = apiserverOf(view);
    if (candidate && newer(candidate, apiserver)) {
      apiserver = candidate;
    }
  }
  if (covering) {
    return covering;
  }
  return apiserver && { record: apiserver, match: verifyHostname(hostNamesOf(apiserver.certificate), host) };
}

/** One prediction per https cluster of every kubeconfig whose API server certificate is in the workspace. */
export function predictServerNames(inventory: Inventory): ServerNamePrediction[] {
  return runStraight(predictionSteps(inventory));
}

/** `predictServerNames` in steps: the CAs' indexes, then a step every `ITEMS_PER_STEP` clusters. */
function* predictionSteps(inventory: Inventory): Generator<void, ServerNamePrediction[], void> {
  const out: ServerNamePrediction[] = [];
  let visited = 0;
  for (const kubeconfig of inventory.kubeconfigs) {
    for (const cluster of kubeconfig.clusters) {
      if (++visited % ITEMS_PER_STEP === 0) {
        yield;
      }
      for (const ca of cluster.caCertificates) {
        yield* serverIndexSteps(ca.record);
      }
      const prediction = predictCluster(kubeconfig, cluster);
      if (prediction) {
        out.push(prediction);
      }
    }
  }
  return out;
}

export function predictCluster(kubeconfig: KubeconfigNode, cluster: KubeconfigClusterNode): ServerNamePrediction | undefined {
  // serverRange and tls-server-name live in the parsed model; the inventory node keeps the index.
  const model = kubeconfig.model.clusters.find(c => c.index === cluster.index);
  const server = model?.server;
  const urlHost = server !== undefined ? httpsHost(server) : undefined;
  if (!model?.serverRange || !server || urlHost === undefined || !cluster.caCertificates.length) {
    return undefined;
  }
  const viaTlsServerName = !!model.tlsServerName;
  const host = model.tlsServerName || urlHost;
  const found = serverCertificateFor(cluster, host);
  if (!found) {
    return undefined;
  }
  return { kubeconfig, cluster, server, serverRange: model.serverRange, host, viaTlsServerName, certificate: found.record, match: found.match };
}

export const checkKubeconfigServerName: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const predictions = yield* predictionSteps(inventory);
  const findings: Finding[] = [];
  for (const p of predictions) {
    if (p.match.ok) {
      continue;
    }
    const cert = p.certificate.certificate;
    const what = p.viaTlsServerName ? `the tls-server-name of cluster "${p.cluster.name}"` : `the host of cluster "${p.cluster.name}"'s server URL`;
    findings.push({
      code: 'kubeconfig-server-name',
      severity: 'error',
      message: `The API server's certificate ${shortName(cert.subject)} does not cover ${p.host}, ${what} — kubectl would say: ${p.match.message}`,
      uri: p.kubeconfig.file.uri,
      range: p.serverRange,
      related: [relatedTo(p.certificate.preferred, `the API server's certificate ${shortName(cert.subject)}, issued by the cluster's CA`)],
    });
  }
  return findings;
};
