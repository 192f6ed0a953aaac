import { CertificateInfo } from '../x509/certificate';

/** The public shapes of the verifier: what callers pass in and what they get back. */

export type VerifyPurpose = 'serverAuth' | 'clientAuth' | 'any';

export interface VerifyInput {
  leaf: CertificateInfo;
  /** Untrusted certificates that may complete the path (what a TLS peer sends after its leaf). */
  intermediates: CertificateInfo[];
  /** Trust anchors: every certificate of a CA bundle is one, as in Go's `CertPool`. */
  roots: CertificateInfo[];
}

export interface VerifyOptions {
  /** The moment to judge validity at (default: now). Go's `VerifyOptions.CurrentTime`. */
  at?: Date;
  /** DNS name or IP address the client dials. Go's `VerifyOptions.DNSName`. */
  host?: string;
  /** Required extended key usage; Go's default when none is given is serverAuth. */
  purpose?: VerifyPurpose;
}

export type VerificationCheckName =
  | 'parse' | 'critical-extensions' | 'validity' | 'issuer' | 'ca' | 'signature' | 'path-length'
  | 'name-constraints' | 'trust-anchor' | 'extended-key-usage' | 'hostname';

/** One thing that was checked, on one certificate of the path (or on the path as a whole). */
export interface VerificationCheck {
  name: VerificationCheckName;
  ok: boolean;
  /** On failure, the words Go prints; on success, what was found. */
  message: string;
  /** Index into `path` of the certificate the check is about. */
  certificate?: number;
  /** Extra context on a failure that Go's message leaves out (which OID, which certificate). */
  detail?: string;
  /** Informational only: does not change the verdict (where other verifiers would disagree with Go). */
  advisory?: boolean;
}

export interface VerificationResult {
  /** Whether Go's Verify would accept the leaf with these options. */
  ok: boolean;
  /** The path found, leaf first; when verification fails, the closest path that could be built. */
  path: CertificateInfo[];
  checks: VerificationCheck[];
  /** Every reason it fails, Go's wording; the first one is the error Go itself would return. */
  errors: string[];
  /** The single error `Certificate.Verify` returns (what kubectl prints after "Unable to connect to the server: "). */
  goError?: string;
  /** Whether the path's last certificate is one of the roots. */
  trusted: boolean;
  /** The options as applied. */
  at: Date;
  purpose: VerifyPurpose;
  host?: string;
}
