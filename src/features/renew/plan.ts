import { CertificateNode, Inventory, PrivateKeyNode } from '../../core/inventory/inventory';
import { KeyPolicy, RenewalResult, SanEdit, authorityKeyIdNamesSerial, renewCa, renewCertificate } from '../../core/renew';
import { shortName } from '../../core/x509/name';
import type { IndexSnapshot } from '../../workspace/index';
import { CaSource, SigningCa } from './caDiscovery';
import { RenewCommandError } from './model';
import { kubeconfigUserOf } from './targets';

/**
 * From occurrences to re-issued certificates. The core does the cryptography; this decides which
 * CA signs, which key is kept or where a new one goes, and which copies change with it (filePlan.ts
 * turns the jobs into the places of each file that change).
 */

/** One certificate re-issued, with everything the preview, the writer and the result need. */
export interface RenewalJob {
  node: CertificateNode;
  /** Renewed with its own key (a self-signed CA): `renewCa`. */
  selfSigned: boolean;
  policy: 'reuse' | 'rotate';
  /** Where the rotated key is written. */
  keyNode?: PrivateKeyNode;
  /** The key that keeps working when reused (shown in the preview). */
  matchingKey?: PrivateKeyNode;
  ca: SigningCa;
  result: RenewalResult;
  /** Other places holding the same certificate that are rewritten too (a CA's copies). */
  copies: CertificateNode[];
  /** Kubeconfig user presenting the certificate. */
  kubeconfigUser?: string;
  notes: string[];
}

export interface JobOptions {
  policy: 'reuse' | 'rotate';
  validityDays?: number;
  /** Old CA fingerprint → the renewed CA's DER, so leaves of a batch are signed by the new CA certificate. */
  renewedCas: Map<string, Uint8Array>;
  /** Names added or removed on re-issue (Change Subject Alternative Names). */
  subjectAltNames?: SanEdit;
}

/** Re-issue one occurrence. Throws RenewCommandError, RenewalError or RenewCancelled. */
export async function planJob(snapshot: IndexSnapshot, node: CertificateNode, caSource: CaSource, options: JobOptions): Promise<RenewalJob> {
  const inventory = snapshot.inventory;
  const record = node.record;
  const notes: string[] = [];
  const selfSigned = record.issuerStatus === 'self-signed';
  let policy = options.policy;
  if (policy === 'rotate' && (selfSigned || node.certificate.isCa)) {
    // A CA's key signs what it issued: a new key would orphan every one of them.
    policy = 'reuse';
    notes.push(`${shortName(node.certificate.subject)} is a CA: its key is kept (a new key would invalidate every certificate it issued)`);
  }
  const kubeconfigUser = kubeconfigUserOf(inventory, node)?.user.name;
  let keyNode: PrivateKeyNode | undefined;
  let keyPolicy: KeyPolicy = { policy: 'reuse' };
  if (policy === 'rotate') {
    keyNode = keyLocation(inventory, node);
    if (!keyNode) {
      throw new RenewCommandError('key-missing', `rotating the key of ${shortName(node.certificate.subject)} (${node.where}) needs a place to write the new key, and none was found in the workspace; renew with key policy "reuse"`);
    }
    if (keyNode.key.encrypted) {
      throw new RenewCommandError('unsupported-key', `the key of ${shortName(node.certificate.subject)} (${keyNode.where}) is encrypted; rotating would replace it with an unencrypted key: renew with key policy "reuse"`);
    }
    keyPolicy = { policy: 'rotate', previousKeyLabel: keyNode.object.label };
    for (const other of keyNode.certificates.filter(r => r !== record)) {
      notes.push(`the key ${keyNode.where} also belongs to ${shortName(other.certificate.subject)} (${other.preferred.where}), which will no longer match it`);
    }
  }
  const matchingKey = policy === 'reuse' ? record.privateKeys[0] : undefined;

  let ca: SigningCa;
  let result: RenewalResult;
  let copies: CertificateNode[] = [];
  if (selfSigned && options.subjectAltNames) {
    throw new RenewCommandError('invalid-input', `${shortName(node.certificate.subject)} is a self-signed CA; its names are not changed here (a CA's SANs name no service)`);
  }
  if (selfSigned) {
    ca = await caSource.selfOf(record);
    result = await renewCa({ caCertificate: node.certificate.der, caKey: ca.key, validityDays: options.validityDays });
    // Every copy (kubeconfig certificate-authority-data, bundles, Secrets' ca.crt) gets the renewed CA.
    copies = record.occurrences.filter(o => o !== node);
    const pinned = record.issued.filter(r => authorityKeyIdNamesSerial(r.certificate.der));
    if (pinned.length) {
      notes.push(`${pinned.map(r => `${shortName(r.certificate.subject)} (${r.preferred.where})`).join(', ')} name${pinned.length === 1 ? 's' : ''} the old CA serial in the Authority Key Identifier and will stop chaining to the renewed CA: renew ${pinned.length === 1 ? 'it' : 'them'} afterwards`);
    }
  } else {
    ca = await caSource.issuerOf(record);
    const caDer = options.renewedCas.get(ca.certificate.fingerprints.sha256) ?? ca.certificateDer;
    result = await renewCertificate({ certificate: node.certificate.der, caCertificate: caDer, caKey: ca.key, key: keyPolicy, validityDays: options.validityDays, subjectAltNames: options.subjectAltNames });
    const elsewhere = record.occurrences.filter(o => o !== node);
    if (elsewhere.length) {
      notes.push(`the same certificate is also in ${elsewhere.map(o => o.where).join(', ')} (not changed)`);
    }
  }
  if (selfSigned) {
    options.renewedCas.set(record.fingerprint, result.certificateDer);
  }
  return { node, selfSigned, policy, keyNode, matchingKey, ca, result, copies, kubeconfigUser, notes: [...notes, ...result.warnings] };
}

/**
 * Where a rotated key goes: the kubeconfig user's `client-key-data`, else the key the index
 * paired with this certificate by location (same name, same file, same Secret), else a key
 * holding the certificate's public key (same folder first).
 */
function keyLocation(inventory: Inventory, node: CertificateNode): PrivateKeyNode | undefined {
  const user = kubeconfigUserOf(inventory, node)?.user;
  if (user) {
    return user.keys[0];
  }
  const paired = inventory.privateKeys.find(k => k.pairing?.certificates[0] === node);
  if (paired) {
    return paired;
  }
  const keys = node.record.privateKeys;
  return keys.find(k => k.file === node.file) ?? keys.find(k => k.file.folder === node.file.folder) ?? keys[0];
}
