import { Inventory } from '../inventory/inventory';
import { shortName } from '../x509/name';
import { formatDate, duration } from '../render/time';
import { Check, Finding, ITEMS_PER_STEP, ResolvedCheckOptions, RuleSteps, finding } from './finding';

/**
 * crl-stale: a CRL (PEM or DER, in its own file or a bundle) past its nextUpdate. A verifier that
 * checks revocation against it (nginx `ssl_crl`, Apache, HAProxy, `openssl verify -crl_check` —
 * anything on OpenSSL) refuses every certificate it covers, "CRL has expired", until a fresh CRL
 * replaces it; monitoring exporters alert on the same date. CRLs are not linked in the inventory,
 * so the rule reads them from the analyses of the files that hold one (`filesWith.crls`); a CRL
 * without nextUpdate never goes stale. A step every ITEMS_PER_STEP files (when it visited every
 * file, 110,000 were 80 ms in one go).
 */
export const checkCrlStale: Check = function* (inventory: Inventory, options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const now = options.now.getTime();
  let visited = 0;
  for (const file of inventory.filesWith.crls) {
    if (++visited % ITEMS_PER_STEP === 0) {
      yield;
    }
    for (const entry of file.analysis.entries) {
      entry.objects.forEach((object, index) => {
        const crl = object.crl;
        if (!crl?.nextUpdate || crl.nextUpdate.getTime() >= now) {
          return;
        }
        const many = entry.objects.length > 1 ? ` (object ${index + 1} of ${entry.objects.length})` : '';
        findings.push(finding('crl-stale', 'error', { file, range: object.range },
          `CRL of ${shortName(crl.issuer)}${many} is past its nextUpdate ${formatDate(crl.nextUpdate)} (${duration(now - crl.nextUpdate.getTime())} ago): verifiers that check revocation with it (nginx ssl_crl, openssl verify -crl_check) refuse every certificate it covers — CRL has expired; publish a fresh CRL`));
      });
    }
  }
  return findings;
};
