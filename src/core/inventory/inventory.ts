/**
 * The workspace's PKI as one linked model: every certificate and key of every file, which
 * certificate signed which (by name and key identifier, confirmed by the signature), which key
 * belongs to which certificate, and what each kubeconfig user trusts.
 *
 * Pure and linear in the number of objects: certificates are indexed by subject DER and by SKI,
 * keys by public key id, files by folder and stem; signatures are verified only for candidate
 * pairs and cached by (certificate, issuer) fingerprints across builds.
 *
 * This module is the inventory's front door; each phase of `buildInventory` lives in its own file:
 * collect.ts (nodes, records, bundles), keysByPublicKey.ts, issuers.ts, kubeconfigs.ts,
 * keysByLocation.ts; the types in model.ts.
 */
export * from './model';
export { buildInventory } from './build';
export { inventoryInputs, resolvePathCarriers } from './inputs';
export { chainsTo } from './issuers';
export { SignatureCache, verifySignature } from './signatureCache';
export type { SignatureCheck } from './signatureCache';
