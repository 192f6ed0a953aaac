import vscode = require('vscode');
import { CertificateNode, PrivateKeyNode } from '../../core/inventory/inventory';
import { RenewalResult } from '../../core/renew';
import type { IndexSnapshot } from '../../workspace/index';
import { RenewCommandError } from './model';
import type { RenewalJob } from './plan';

/**
 * What changes in which file: the replacements planned from the jobs (plan.ts), located by
 * content when the writer (writer.ts) applies them.
 */

/** A certificate change, wherever it is written. */
export interface CertificateChange {
  where: string;
  oldDer: Uint8Array;
  newDer: Uint8Array;
  certificatePem: string;
}

/** One change inside a file, located by content. */
export type Replacement =
  /** A certificate block in PEM text (a file, or PEM in a YAML block scalar), or a whole DER file; the combined file's key with it. */
  | CertificateChange & { type: 'pem-file'; privateKeyPem?: string }
  /** A kubeconfig user's `client-certificate-data` (and `client-key-data` when rotating). */
  | CertificateChange & { type: 'kubeconfig-user'; user: string; privateKeyPem?: string }
  /** Any other base64 carrier (Secret `tls.crt`, `ca.crt`, `caBundle`, `certificate-authority-data`, bundles). */
  | CertificateChange & { type: 'carrier'; path: string }
  /** A base64 key carrier (Secret `tls.key`) holding `oldValue`. */
  | { type: 'key-carrier'; where: string; path: string; oldValue: string; privateKeyPem: string }
  /** A key's PEM block, found by its old text. */
  | { type: 'key-block'; where: string; oldBlock: string; privateKeyPem: string };

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
