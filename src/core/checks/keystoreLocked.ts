import { Inventory } from '../inventory/inventory';
import { Check, Finding, ResolvedCheckOptions, ITEMS_PER_STEP, RuleSteps } from './finding';

/** How a person gives the password, in every host (the message never names or hints at the password). */
const HOW = 'give its password with the PKI Lens: Unlock Keystore command, `pki-lens check --password-file FILE` or PKI_LENS_PASSWORD';

/**
 * keystore-locked: a PKCS#12 file or JKS/JCEKS store that no password tried opens (the empty one,
 * then every supplied one). A PKCS#12 store hides its certificates and keys until opened, so the
 * scan did not read them: a warning, never a silent skip. A JKS store's certificates are in the
 * clear and were read, only its integrity is unchecked: information.
 */
export const checkKeystoreLocked: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  let visited = 0;
  for (const file of inventory.filesWith.keystores) {
    if (++visited % ITEMS_PER_STEP === 0) {
      yield;
    }
    for (const entry of file.analysis.entries) {
      const store = entry.keystore;
      if (!store?.locked) {
        continue;
      }
      const where = entry.carrier ? ` in ${entry.carrier.path}` : '';
      const hidden = store.format === 'PKCS#12';
      const message = hidden
        ? `${store.format} keystore${where} is locked: ${store.locked}; its encrypted certificates and keys were not read — ${HOW}`
        : `${store.format} keystore${where}: ${store.locked} — ${HOW}`;
      findings.push({ code: 'keystore-locked', severity: hidden ? 'warning' : 'information', message, uri: file.uri, range: entry.range, related: [] });
    }
  }
  return findings;
};
