import { Inventory } from '../inventory/inventory';
import { TextRange } from '../x509/pem';
import { Check, Finding, ResolvedCheckOptions, ITEMS_PER_STEP, RuleSteps } from './finding';

/** Labels we do not read (PGP, OpenSSH, PKCS#7…) are someone else's material, not broken ours. */
const UNSUPPORTED = /^unsupported PEM label/;

/**
 * decode-error: PKI material that does not decode — a PEM block or carrier value (bad base64,
 * truncated, not a certificate, no PEM inside). YAML syntax errors are not ours to report.
 */
export const checkDecodeError: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  let visited = 0;
  for (const file of inventory.filesWith.errors) {
    if (++visited % ITEMS_PER_STEP === 0) {
      yield;
    }
    for (const entry of file.analysis.entries) {
      const what = entry.carrier ? `${entry.carrier.path}: ` : '';
      if (entry.error) {
        // kubectl decodes every -data field when it loads the file: one bad value and the whole kubeconfig is refused.
        const kubectl = entry.carrier?.key.endsWith('-data') && /^not valid base64/.test(entry.error) ? ' — kubectl refuses the whole file: illegal base64 data at input byte …' : '';
        findings.push({ code: 'decode-error', severity: 'error', message: `Cannot decode ${what}${entry.error}${kubectl}`, uri: file.uri, range: pinpoint(entry.range, entry.errorOffset), related: [] });
        continue;
      }
      entry.objects.forEach((object, i) => {
        if (!object.error || UNSUPPORTED.test(object.error)) {
          return;
        }
        const which = entry.objects.length > 1 ? `block ${i + 1} of ${entry.objects.length} in ` : '';
        const where = entry.carrier ? `${which}${entry.carrier.path}: ` : `PEM block "${object.label}": `;
        findings.push({ code: 'decode-error', severity: 'error', message: `Cannot decode ${where}${object.error}`, uri: file.uri, range: pinpoint(object.range, object.errorOffset), related: [] });
      });
    }
  }
  return findings;
};

/** The character an error points at, inside the block; the whole block when the offset is at or past its end. */
function pinpoint(range: TextRange, offset: number | undefined): TextRange {
  if (offset === undefined || offset < range.start || offset >= range.end) {
    return range;
  }
  return { start: offset, end: offset + 1 };
}
