import * as vscode from 'vscode';
import { CertificateNode, Inventory, PrivateKeyNode } from '../../core/inventory/inventory';
import { KeyPolicy, RenewalResult, authorityKeyIdNamesSerial, renewCa, renewCertificate } from '../../core/renew/renew';
import { shortName } from '../../core/x509/name';
import type { IndexSnapshot } from '../../workspace/index';
import { CaSource, SigningCa } from './caDiscovery';
import { RenewCommandError } from './model';
import { kubeconfigUserOf } from './targets';
import { Replacement } from './writer';

/**
 * From occurrences to re-issued certificates and the replacements that write them back. The
 * core does the cryptography; this decides which CA signs, which key is kept or where a new one
 * goes, and which places of which files change.
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
    result = await renewCertificate({ certificate: node.certificate.der, caCertificate: caDer, caKey: ca.key, key: keyPolicy, validityDays: options.validityDays });
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

/** Every file a set of jobs changes, with what changes in it. */
export interface FilePlan {
  uri: vscode.Uri;
  /** `pki/apiserver.crt`. */
  relativePath: string;
  replacements: Replacement[];
  /** A new private key goes into this file: it must not be readable by group or others. */
  privateMaterial: boolean;
}

/** The replacements of every job, grouped by file, in file order. */
export function filePlans(snapshot: IndexSnapshot, jobs: readonly RenewalJob[]): FilePlan[] {
  const plans = new Map<string, FilePlan>();
  const planOf = (uriString: string, relativePath: string) => {
    let plan = plans.get(uriString);
    if (!plan) {
      const uri = snapshot.byUri.get(uriString)?.uri ?? vscode.Uri.parse(uriString);
      plan = { uri, relativePath, replacements: [], privateMaterial: false };
      plans.set(uriString, plan);
    }
    return plan;
  };
  for (const job of jobs) {
    const { result } = job;
    const rotatedKey = job.policy === 'rotate' ? result.privateKeyPem : undefined;
    const keyNode = rotatedKey !== undefined ? job.keyNode : undefined;
    // The key is written with the certificate when both live in one place (combined file, kubeconfig user).
    let keyWritten = false;
    for (const node of [job.node, ...job.copies]) {
      const plan = planOf(node.file.uri, node.file.relativePath);
      const owner = node.carrier?.owner;
      const sameUser = keyNode?.carrier?.owner.kind === 'kubeconfig-user' && owner?.kind === 'kubeconfig-user'
        && keyNode.file === node.file && keyNode.carrier.owner.name === owner.name;
      const combined = keyNode !== undefined && !keyNode.carrier && !node.carrier && keyNode.file === node.file;
      const withKey = node === job.node && (sameUser || combined) ? rotatedKey : undefined;
      plan.replacements.push(certificateReplacement(node, result, withKey));
      if (withKey !== undefined) {
        keyWritten = true;
        plan.privateMaterial = true;
      }
    }
    if (keyNode && rotatedKey !== undefined && !keyWritten) {
      const plan = planOf(keyNode.file.uri, keyNode.file.relativePath);
      plan.replacements.push(keyReplacement(snapshot, keyNode, rotatedKey));
      plan.privateMaterial = true;
    }
  }
  return [...plans.values()];
}

function certificateReplacement(node: CertificateNode, result: RenewalResult, privateKeyPem: string | undefined): Replacement {
  const oldDer = node.certificate.der;
  const carrier = node.carrier;
  const common = { oldDer, newDer: result.certificateDer, certificatePem: result.certificatePem, where: node.where };
  if (!carrier || carrier.encoding === 'pem') {
    // A PEM file, PEM in a YAML block scalar, or a DER file (the writer tells them apart by content).
    return { ...common, type: 'pem-file', privateKeyPem };
  }
  if (carrier.owner.kind === 'kubeconfig-user' && carrier.role === 'certificate' && node.entry.objects.length === 1) {
    return { ...common, type: 'kubeconfig-user', user: carrier.owner.name, privateKeyPem };
  }
  return { ...common, type: 'carrier', path: carrier.path };
}

function keyReplacement(snapshot: IndexSnapshot, key: PrivateKeyNode, privateKeyPem: string): Replacement {
  const carrier = key.carrier;
  if (carrier && carrier.encoding === 'base64') {
    return { type: 'key-carrier', path: carrier.path, oldValue: carrier.value, privateKeyPem, where: key.where };
  }
  const text = snapshot.byUri.get(key.file.uri)?.text ?? '';
  const oldBlock = text.slice(key.range.start, key.range.end);
  if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(oldBlock)) {
    throw new RenewCommandError('unsupported-key', `the key ${key.where} is not a PEM block that can be replaced in place`);
  }
  return { type: 'key-block', oldBlock, privateKeyPem, where: key.where };
}
