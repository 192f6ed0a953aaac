/**
 * The rules over the workspace's PKI. Each rule is a pure function of the inventory; this module
 * runs them all and lists what each code means.
 *
 * What is said once rather than twice:
 * - an expired CA gets cert-expired; the in-date certificates it signed get chain-issuer-expired
 *   (never cert-expired for the CA's fault);
 * - a kubeconfig client certificate signed by a CA that is nowhere in the workspace gets both
 *   chain-unknown-issuer (the CA is missing) and kubeconfig-ca-mismatch (the cluster refuses it);
 *   when its issuer is elsewhere in the workspace, only kubeconfig-ca-mismatch; when its
 *   signature fails against the cluster's own CA, only chain-bad-signature;
 * - a key paired by location is reported on the key (key-mismatch), never again on the certificate;
 *   a weak key held by a certificate is reported on the certificate only;
 * - a certificate repeated inside one bundle is reported once; the same certificate in several
 *   files or carriers is reported at each place (each is a copy someone must fix);
 * - a carrier that does not decode gets decode-error and nothing else (no mismatch judged on it);
 * - a kubeadm role certificate from the wrong CA gets profile-issuer only when no chain rule and no
 *   kubeconfig-ca-mismatch already says it is refused (issuer absent, bad signature, issuer no CA);
 * - a certificate whose NotBefore is after its NotAfter gets cert-validity-inverted instead of
 *   cert-expired or cert-not-yet-valid (one of which it always is).
 */
import { DEFAULT_THRESHOLDS, ExpiryThresholds } from '../x509/expiry';
import { Inventory } from '../inventory/inventory';
import { checkBadSignature } from './badSignature';
import { checkDecodeError } from './decodeError';
import { Pause, runInSlices, runStraight } from '../slices';
import { Check, CheckCode, CheckOptions, Finding, ResolvedCheckOptions, Severity } from './finding';
import { checkIssuerExpired } from './issuerExpired';
import { checkIssuerNotCa } from './issuerNotCa';
import { checkKeyMismatch } from './keyMismatch';
import { checkKubeconfigCa } from './kubeconfigCa';
import { checkKubeconfigServerName } from './kubeconfigServerName';
import { checkKubeconfigStaleCopy } from './kubeconfigStaleCopy';
import { checkProfileEku } from './profileEku';
import { checkProfileFrontProxyCa } from './profileFrontProxyCa';
import { checkProfileIssuer } from './profileIssuer';
import { checkProfileSan } from './profileSan';
import { checkProfileSubject } from './profileSubject';
import { checkUnknownIssuer } from './unknownIssuer';
import { checkValidity } from './validity';
import { checkWeakKey } from './weakKey';
import { checkWeakSignature } from './weakSignature';
import { checkKeystoreLocked } from './keystoreLocked';
import { checkWeakKeystore } from './weakKeystore';
import { checkIngressHostNotCovered } from './ingressHostNotCovered';
import { checkIngressSecretKeyMismatch } from './ingressSecretKeyMismatch';
import { checkIngressChainOrder } from './ingressChainOrder';
import { checkIngressSecretMissing } from './ingressSecretMissing';
import { checkCertificateSpecDrift } from './certificateSpecDrift';
import { checkValidityNotNested } from './validityNotNested';
import { checkCaConstraints } from './caConstraints';
import { checkSanMissing } from './sanMissing';
import { checkKeyUsageMismatch } from './keyUsageMismatch';
import { applyRuleSettings } from './ruleSettings';
import { checkCrlStale } from './crlStale';
import { checkCsrBadSignature } from './csrBadSignature';
import { checkCsrKeyMismatch } from './csrKeyMismatch';
import { checkCsrProfile } from './csrProfile';

export type { Check, CheckCode, RuleLevel, RuleSettings, CheckOptions, Finding, RelatedLocation, ResolvedCheckOptions, Severity } from './finding';

export { RULES_URL } from './rulesUrl';

/** Every code a rule can report, with its usual severity and one line saying what it means (README, CLI, diagnostics' code links). */
export const CHECK_CODES: Record<CheckCode, { severity: Severity; description: string }> = {
  'cert-expired': { severity: 'error', description: 'The certificate is past its NotAfter date: "x509: certificate has expired or is not yet valid".' },
  'cert-not-yet-valid': { severity: 'error', description: 'The certificate\'s NotBefore date is in the future (clock skew, or issued ahead): "x509: certificate has expired or is not yet valid".' },
  'cert-expiring': { severity: 'warning', description: 'The certificate expires within the warning window (days, or percent of its lifetime used); an error within the error window.' },
  'cert-validity-inverted': { severity: 'error', description: 'The certificate\'s NotBefore is after its NotAfter: it is never valid (not yet valid, then already expired): "x509: certificate has expired or is not yet valid".' },
  'chain-unknown-issuer': { severity: 'warning', description: 'No certificate in the workspace issued this one: "x509: certificate signed by unknown authority" unless the verifier has the CA (information for public CAs).' },
  'chain-bad-signature': { severity: 'error', description: 'The issuer named by the certificate is here, but its key does not verify the signature.' },
  'chain-issuer-not-ca': { severity: 'error', description: 'The certificate was signed by a certificate that may not sign others (no CA:TRUE, or key usage without keyCertSign).' },
  'chain-issuer-expired': { severity: 'error', description: 'The certificate is in date but its issuing CA is not, so the chain no longer verifies.' },
  'key-mismatch': { severity: 'error', description: 'A private key does not belong to the certificate (or public key) its location pairs it with: "tls: private key does not match public key".' },
  'kubeconfig-ca-mismatch': { severity: 'error', description: 'A kubeconfig user\'s client certificate is not signed by its cluster\'s certificate-authority-data CA; the API server would refuse it.' },
  'kubeconfig-server-name': { severity: 'error', description: 'The host of a kubeconfig cluster\'s server: URL (or its tls-server-name) is not among the SANs of the API server\'s certificate in the workspace: "x509: certificate is valid for …, not …".' },
  'kubeconfig-stale-copy': { severity: 'warning', description: 'A kubeconfig user\'s client certificate is superseded: the workspace holds a newer one of the same issuer, subject and purpose (admin.conf renewed, this copy not); an error once the old one has expired.' },
  'decode-error': { severity: 'error', description: 'Certificate or key material that does not decode: bad base64, truncated PEM, not a certificate, no PEM data.' },
  'profile-eku': { severity: 'error', description: 'A kubeadm certificate lacks the extended key usage its role needs: "x509: certificate specifies an incompatible key usage".' },
  'profile-san': { severity: 'error', description: 'A kubeadm serving certificate lacks names its clients dial (API server in-cluster names and service IP; etcd localhost and 127.0.0.1).' },
  'profile-subject': { severity: 'error', description: 'A kubeadm client certificate\'s CN/O do not give the identity its role needs (kubelet system:node:<name>/system:nodes, admin groups, front-proxy-client).' },
  'profile-front-proxy-ca': { severity: 'error', description: 'The front-proxy CA is the cluster CA: client certificates and front-proxy requests become indistinguishable.' },
  'profile-issuer': { severity: 'error', description: 'A kubeadm certificate is not issued by its role\'s CA (ca, etcd/ca, front-proxy-ca) but by another CA of the workspace, or is self-signed: "x509: certificate signed by unknown authority".' },
  'weak-key': { severity: 'warning', description: 'An RSA key shorter than 2048 bits.' },
  'weak-signature': { severity: 'warning', description: 'Signed with MD5 or SHA-1: "x509: cannot verify signature: insecure algorithm".' },
  'keystore-locked': { severity: 'warning', description: 'A PKCS#12 keystore that no password tried opens: its certificates and keys were not read (information for a JKS/JCEKS store, whose certificates are read but whose integrity is unchecked).' },
  'weak-keystore': { severity: 'warning', description: 'A keystore protected with legacy algorithms: PKCS#12 with RC2/RC4/3DES or a SHA-1 MAC, JKS key protection, JCEKS PBEWithMD5AndTripleDES.' },
  'ingress-host-not-covered': { severity: 'error', description: 'A host of an Ingress tls entry or Gateway listener is not among the SANs of the certificate its Secret serves: "x509: certificate is valid for …, not …".' },
  'ingress-secret-key-mismatch': { severity: 'error', description: 'The Secret an Ingress or Gateway serves holds a tls.key that does not belong to its tls.crt: "tls: private key does not match public key".' },
  'ingress-chain-order': { severity: 'error', description: 'The tls.crt of a Secret an Ingress or Gateway serves starts with a CA instead of the server certificate (ingress-nginx refuses it).' },
  'ingress-secret-missing': { severity: 'information', description: 'An Ingress or Gateway names a TLS Secret that is not in the workspace: what it serves cannot be checked.' },
  'certificate-spec-drift': { severity: 'warning', description: 'A cert-manager Certificate and the certificate in its Secret disagree: a DNS name or IP not in the SANs, another lifetime than its duration, a usage missing.' },
  'validity-not-nested': { severity: 'warning', description: 'The certificate is valid after its issuer expires: from the issuer\'s NotAfter on it stops verifying, whatever its own date says.' },
  'ca-constraints': { severity: 'warning', description: 'A CA without critical basicConstraints or keyCertSign, or with a path length its children exceed; or a leaf with CA:TRUE (RFC 5280 §4.2.1.3, §4.2.1.9).' },
  'san-missing': { severity: 'warning', description: 'A serving certificate without a subjectAltName: "x509: certificate relies on legacy Common Name field, use SANs instead".' },
  'key-usage-mismatch': { severity: 'warning', description: 'Key usage that does not fit the key (keyEncipherment on an EC key, no digitalSignature on a TLS server key), or an EKU that does not fit the role.' },
  'crl-stale': { severity: 'error', description: 'A CRL past its nextUpdate: verifiers that check revocation with it refuse every certificate it covers ("CRL has expired").' },
  'csr-bad-signature': { severity: 'error', description: 'A certificate request whose self-signature does not verify with the public key it carries (altered, or not made by the key\'s holder): no signer accepts it.' },
  'csr-key-mismatch': { severity: 'error', description: 'The private key beside a certificate request (x.key beside x.csr, admin.conf beside admin.conf.csr) is not the key the request carries: the signed certificate would not pair with it.' },
  'csr-profile': { severity: 'error', description: 'A certificate request does not fit its signer or kubeadm role: kubelet-serving needs system:node:<name>/system:nodes, only DNS/IP names and "server auth"; client-kubelet needs "client auth" and no names (a warning where signing proceeds and says so).' },
};

/**
 * Rules in the order their findings are listed, by name: property names survive the production
 * build's minifier where function names do not (the log said `check Dg failed`).
 */
const RULES: Readonly<Record<string, Check>> = {
  checkDecodeError,
  checkValidity,
  checkIssuerExpired,
  checkUnknownIssuer,
  checkBadSignature,
  checkIssuerNotCa,
  checkKubeconfigCa,
  checkKubeconfigServerName,
  checkKubeconfigStaleCopy,
  checkKeyMismatch,
  checkProfileEku,
  checkProfileSan,
  checkProfileSubject,
  checkProfileFrontProxyCa,
  checkProfileIssuer,
  checkWeakKey,
  checkWeakSignature,
  checkKeystoreLocked,
  checkWeakKeystore,
  checkIngressHostNotCovered,
  checkIngressSecretKeyMismatch,
  checkIngressChainOrder,
  checkIngressSecretMissing,
  checkCertificateSpecDrift,
  checkValidityNotNested,
  checkCaConstraints,
  checkSanMissing,
  checkKeyUsageMismatch,
  checkCrlStale,
  checkCsrBadSignature,
  checkCsrKeyMismatch,
  checkCsrProfile,
};

export const CHECKS: readonly Check[] = Object.values(RULES);

const RULE_NAMES = new Map<Check, string>(Object.entries(RULES).map(([name, check]) => [check, name]));

/** `checkValidity`: the name a log line gives a rule, minified or not. */
export function ruleName(check: Check): string {
  return RULE_NAMES.get(check) ?? (check.name || '(anonymous)');
}

/**
 * The rules whose verdict on a file depends on that file alone: its own bytes, its own certificates'
 * dates and the thresholds and rule settings of its folder, never another file. A scan may run these
 * on the files read so far and show their findings before everything is linked (the first findings
 * of a cold start, workspace/earlyFindings.ts): the complete run lists the same findings, only with
 * related locations added (the issuer of an expired certificate). Not here, because another file
 * changes their verdict: weak-key (said on the certificate holding the key, wherever it is),
 * weak-signature (not for a self-signed trust anchor, decided by linking), every chain, kubeconfig,
 * profile, ingress and key-pairing rule. test/unit/earlyFindings.test.ts holds the list to that.
 */
export const FILE_LOCAL_CHECKS: readonly Check[] = [
  checkDecodeError,
  checkValidity,
  checkKeystoreLocked,
  checkWeakKeystore,
  checkCrlStale,
  checkCsrBadSignature,
];

/** More distinct per-folder thresholds than any workspace has folders; bounds what a build keeps. */
const MERGED_THRESHOLDS = 256;

export function resolveCheckOptions(options: CheckOptions = {}): ResolvedCheckOptions {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...stripUndefined(options.thresholds ?? {}) };
  const perFile = options.thresholdsFor;
  // Merged once per thresholds object the host hands out (the extension: one per folder's settings),
  // not once per file: a relink of 11,000 files made 11,000 merged objects (entries, a filter and two
  // spreads each). A host handing out a new object at every call is merged at every call beyond the bound.
  const merged = new Map<Partial<ExpiryThresholds>, ExpiryThresholds>();
  const mergedWith = (own: Partial<ExpiryThresholds> | undefined): ExpiryThresholds => {
    if (!own) {
      return thresholds;
    }
    let result = merged.get(own);
    if (!result) {
      result = { ...thresholds, ...stripUndefined(own) };
      if (merged.size < MERGED_THRESHOLDS) {
        merged.set(own, result);
      }
    }
    return result;
  };
  return {
    now: options.now ?? new Date(),
    thresholds,
    thresholdsFor: perFile ? uri => mergedWith(perFile(uri)) : () => thresholds,
    serviceIp: options.serviceIp,
    dnsDomain: options.dnsDomain,
  };
}

/** A rule threw: the host logs it; the rule's findings are lost, every other rule's are kept. */
export type CheckFailure = (rule: string, error: unknown) => void;

/**
 * Run every rule over the inventory. Synchronous: everything costly happened in `buildInventory`.
 * With `onFailure`, a rule that throws costs only its own findings (the extension and the CLI
 * both pass one through the pipeline); without it the error propagates (tests want to see it).
 */
export function runChecks(inventory: Inventory, options: CheckOptions = {}, onFailure?: CheckFailure, rules: readonly Check[] = CHECKS): Finding[] {
  return runStraight(checkSteps(inventory, options, onFailure, rules));
}

/** `runChecks` handing the host a turn between rules (`pause`, see core/slices.ts): the same findings. */
export async function runChecksSliced(inventory: Inventory, options: CheckOptions, onFailure: CheckFailure | undefined, pause: Pause, rules: readonly Check[] = CHECKS): Promise<Finding[]> {
  return runInSlices(checkSteps(inventory, options, onFailure, rules), pause);
}

/** The rules one by one (a step after each, named after the rule just run), then the findings: the one body of runChecks and runChecksSliced. */
function* checkSteps(inventory: Inventory, options: CheckOptions, onFailure: CheckFailure | undefined, rules: readonly Check[]): Generator<string, Finding[]> {
  const resolved = resolveCheckOptions(options);
  const disabled = new Set(options.disabled ?? []);
  const findings: Finding[] = [];
  // The same certificate twice in one carrier (both objects share the carrier's range) says the same thing once.
  const seen = new Set<string>();
  let previous = 'check options';
  for (const check of rules) {
    yield previous;
    previous = `check ${ruleName(check)}`;
    let found: Finding[];
    try {
      const result = check(inventory, resolved);
      if (Array.isArray(result)) {
        found = result;
      } else {
        // A stepped rule: its steps are this pass's steps (a turn for the host between them).
        let step = result.next();
        while (!step.done) {
          yield previous;
          step = result.next();
        }
        found = step.value;
      }
    } catch (e) {
      if (!onFailure) {
        throw e;
      }
      onFailure(ruleName(check), e);
      continue;
    }
    for (const raw of found) {
      const f = options.rulesFor ? applyRuleSettings(raw, options.rulesFor(raw.uri)) : raw;
      if (!f) {
        continue; // switched off in this file's folder
      }
      const key = `${f.code}\n${f.uri}\n${f.range.start}\n${f.range.end}\n${f.message}`;
      if (!disabled.has(f.code) && !seen.has(key)) {
        seen.add(key);
        findings.push(f);
      }
    }
  }
  yield previous;
  return findings;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
