import { validityState } from '../x509/expiry';
import { DAY } from '../x509/time';
import { CertificateNode, Inventory } from '../inventory/inventory';
import { duration, formatDate } from '../render/time';
import { capitalise, Check, describeCertificate, describeNode, Finding, finding, ITEMS_PER_STEP, relatedTo, reportedCertificates, ResolvedCheckOptions, RuleSteps } from './finding';

/** What Go's crypto/x509 (kubectl, every component) says about a certificate out of its validity period. */
export const X509_EXPIRED = 'x509: certificate has expired or is not yet valid';

/**
 * cert-expired, cert-not-yet-valid, cert-expiring: one rule, the three states of a certificate's validity period;
 * cert-validity-inverted when the period is empty (NotBefore after NotAfter), instead of the first two.
 */
export const checkValidity: Check = function* (inventory: Inventory, options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const now = options.now.getTime();
  const nodes = yield* reportedCertificates(inventory);
  for (let visited = 0; visited < nodes.length; visited++) {
    if (visited % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const node = nodes[visited];
    // Per file, not per certificate: the same certificate in two folders is judged by each folder's settings.
    const thresholds = options.thresholdsFor(node.file.uri);
    const state = validityState(node.certificate, options.now, thresholds);
    if (state === 'valid') {
      continue;
    }
    const cert = node.certificate;
    const issuer = issuerRelated(node);
    if (cert.notBefore.getTime() > cert.notAfter.getTime()) {
      // Always one of expired / not yet valid, but waiting or renewing the CA helps neither: the dates are in the wrong order.
      const gap = duration(cert.notBefore.getTime() - cert.notAfter.getTime());
      const both = now > cert.notAfter.getTime() && now < cert.notBefore.getTime() ? ' (right now it is both not yet valid and already expired)' : '';
      findings.push(finding('cert-validity-inverted', 'error', node,
        `${capitalise(describeNode(node))} is never valid: its NotBefore ${formatDate(cert.notBefore)} is after its NotAfter ${formatDate(cert.notAfter)} (${gap} later), so no moment lies in its validity period${both} — reissue it with the dates in order; until then: ${X509_EXPIRED}`, issuer));
      continue;
    }
    if (state === 'expired') {
      // An expired CA beside an in-date one in a trust bundle (mid-rotation) breaks nothing: worth removing, not an error.
      const inDate = node.bundle && node.carrier?.role === 'ca'
        ? node.bundle.certificates.filter(c => c !== node && c.certificate.notBefore.getTime() <= now && now <= c.certificate.notAfter.getTime()).length
        : 0;
      const consequence = inDate
        ? `; the bundle still trusts ${inDate} CA certificate${inDate > 1 ? 's' : ''} in date, so remove this one`
        : cert.isCa ? '; nothing it signed verifies any more' : '';
      findings.push(finding('cert-expired', inDate ? 'warning' : 'error', node,
        `${capitalise(describeNode(node))} expired on ${formatDate(cert.notAfter)} (${duration(now - cert.notAfter.getTime())} ago)${consequence} — ${X509_EXPIRED}`, issuer));
    } else if (state === 'not-yet-valid') {
      findings.push(finding('cert-not-yet-valid', 'error', node,
        `${capitalise(describeNode(node))} is not valid before ${formatDate(cert.notBefore)} (another ${duration(cert.notBefore.getTime() - now)}: issued ahead of time, or a clock is wrong) — ${X509_EXPIRED}`, issuer));
    } else {
      const remaining = cert.notAfter.getTime() - now;
      const lifetime = cert.notAfter.getTime() - cert.notBefore.getTime();
      const used = lifetime > 0 ? Math.floor(((now - cert.notBefore.getTime()) / lifetime) * 100) : 100;
      const severity = remaining <= thresholds.errorDays * DAY ? 'error' : 'warning';
      findings.push(finding('cert-expiring', severity, node,
        `${capitalise(describeNode(node))} expires on ${formatDate(cert.notAfter)} (in ${duration(remaining)}; ${used}% of its lifetime of ${duration(lifetime)} used) — renew it before clients see: ${X509_EXPIRED}`, issuer));
    }
  }
  return findings;
};

/**
 * The issuer to renew from, when it is known. Its place is the related location's own (the Problems
 * panel shows the file and line beside the message; JSON and SARIF give them), not in the words:
 * these said "(ca/intermediate.crt)" too, so a chain appended to the issuer's file (its occurrence
 * became "certificate 1 of 2") changed the finding of every certificate it issued, and the panel
 * received all of them again (the bench workspace: 1,101 findings re-sent to the renderer at each
 * such change, 50–60 ms of the host's thread for their serialisation, compression and write).
 */
function issuerRelated(node: CertificateNode) {
  const issuer = node.record.issuerStatus === 'found' ? node.record.issuer?.preferred : undefined;
  return issuer ? [relatedTo(issuer, `issued by ${describeCertificate(issuer.certificate)}`)] : [];
}
