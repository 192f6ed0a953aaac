import type { Severity } from '../checks/finding';
import type { CertificateInfo } from '../x509/certificate';
import type { TextRange } from '../x509/pem';

/**
 * The shapes of the probe: endpoints the workspace names, what a TLS handshake to one of them saw,
 * and the verdict. The handshake itself lives in a Node-only host (src/probe); everything here is
 * pure, so the CLI and the extension judge the same way.
 */

/** The five things a probe can say; each is a README section. */
export type ProbeCode =
  | 'served-certificate-differs'
  | 'served-certificate-expired'
  | 'served-chain-untrusted'
  | 'served-name-mismatch'
  | 'endpoint-unreachable';

export const PROBE_SEVERITY: Record<ProbeCode, Severity> = {
  'served-certificate-differs': 'warning',
  'served-certificate-expired': 'error',
  'served-chain-untrusted': 'error',
  'served-name-mismatch': 'error',
  'endpoint-unreachable': 'information',
};

/** Where the workspace names an endpoint: a kubeconfig `server:` value or a static pod manifest flag. */
export interface EndpointLocation {
  uri: string;
  relativePath: string;
  range: TextRange;
}

/** A certificate file of the workspace that the endpoint should be serving. */
export interface ExpectedCertificate {
  certificate: CertificateInfo;
  uri: string;
  relativePath: string;
  range: TextRange;
}

export interface Endpoint {
  host: string;
  port: number;
  /** `https://host:port` (IPv6 in brackets). */
  url: string;
  /** The name the client verifies (and sends as SNI unless it is an IP): `tls-server-name`, else the host. */
  serverName: string;
  /** Who serves it, for the restart advice: `kube-apiserver`, `etcd`, … (undefined when unknown). */
  component?: string;
  /** How a person names it: `kube-apiserver (manifests/kube-apiserver.yaml)`, `cluster "kind" of admin.conf`. */
  label: string;
  /** Every place naming it; findings go to each. Empty for an endpoint from a setting or the command line. */
  locations: EndpointLocation[];
  /** The CA bundle the workspace says its clients trust; empty: the chain is not judged. */
  roots: CertificateInfo[];
  /** Where the roots came from, for messages (`pki/ca.crt`, `admin.conf certificate-authority-data`). */
  rootsFrom?: string;
  expected?: ExpectedCertificate;
}

/** How a handshake ended without a served chain. */
export type ProbeFailure = 'refused' | 'timeout' | 'unreachable' | 'alert' | 'not-tls' | 'closed' | 'error';

/** What the host's TLS handshake saw: the DER certificates the server sent (leaf first), or why there are none. */
export type Observation =
  | { ok: true; chain: Uint8Array[] }
  | { ok: false; failure: ProbeFailure; message: string };

export interface ProbeFinding {
  code: ProbeCode;
  severity: Severity;
  message: string;
  uri: string;
  range: TextRange;
  related: { uri: string; range: TextRange; message: string }[];
}

/** The verdict on one endpoint; the CLI's JSON and the result view are made from it. */
export interface EndpointReport {
  endpoint: Endpoint;
  reachable: boolean;
  failure?: { kind: ProbeFailure; message: string };
  servedChain: CertificateInfo[];
  /** Whether the served chain verifies (Go semantics) against `endpoint.roots` for `serverName`; undefined without roots or chain. */
  verified?: boolean;
  /** Go's words for every reason it does not verify. */
  errors: string[];
  /** The served leaf is not the workspace's certificate for this endpoint. */
  drift: boolean;
  /** One line per problem, with its code; also placed on each of the endpoint's locations in `findings`. */
  problems: { code: ProbeCode; severity: Severity; message: string }[];
  findings: ProbeFinding[];
}
