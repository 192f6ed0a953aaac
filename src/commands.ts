/** Every command id, in one place; package.json contributes the same list with category "PKI Lens". */
export const enum Command {
  ShowDecoded = 'pkiLens.showDecoded',
  CopyAsPem = 'pkiLens.copyAsPem',
  CopyFingerprint = 'pkiLens.copyFingerprint',
  EncodeForKubeconfig = 'pkiLens.encodeForKubeconfig',
  DecodeToFile = 'pkiLens.decodeToFile',
  RefreshInventory = 'pkiLens.refreshInventory',
  ExpiryReport = 'pkiLens.expiryReport',
  RevealEntry = 'pkiLens.revealEntry',
  RenewCertificate = 'pkiLens.renewCertificate',
  RenewExpiring = 'pkiLens.renewExpiring',
  RenewCa = 'pkiLens.renewCa',
  VerifyChain = 'pkiLens.verifyChain',
  FocusInventory = 'pkiLens.focusInventory',
  GroupByTrust = 'pkiLens.groupByTrust',
  GroupByFile = 'pkiLens.groupByFile',
  ProbeEndpoints = 'pkiLens.probeEndpoints',
}
