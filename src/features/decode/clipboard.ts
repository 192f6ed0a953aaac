import vscode = require('vscode');
import { Command } from '../../commands';
import { MaterialEntry, decodeFileText } from '../../core/analyze';
import { CertificateInfo } from '../../core/x509/certificate';
import { shortName } from '../../core/x509/name';
import { kubeadmCaCertHash } from '../../core/x509/spki';
import { PemTextResult, entryPemText } from '../../core/render/pemText';
import { Services } from '../../services';
import { MaterialReader, materialReader } from './documentMaterial';
import { decodedSource } from './decodedView';
import { Target, resolveTarget } from './targets';

/**
 * Clipboard commands over the entry under the cursor (or named by arguments, see targets.ts):
 * `pkiLens.copyAsPem` puts a carrier's decoded PEM on the clipboard and resolves to
 * `{ text, labels }`; `pkiLens.copyFingerprint` copies a certificate's SHA-256 fingerprint and
 * resolves to `{ fingerprint, subject }`. Both resolve to undefined when there was nothing to copy.
 */

export type CopiedPem = PemTextResult;

export interface CopiedFingerprint {
  fingerprint: string;
  subject: string;
}

/** The entry to act on: the one named, or the file's only one. */
function chosenEntry(target: Target): MaterialEntry | undefined {
  const entries = target.material.analysis.entries;
  return target.entry ?? (entries.length === 1 ? entries[0] : undefined);
}

/** PEM text of the entry; a path carrier gives its file's blocks. */
export async function pemOfTarget(target: Target): Promise<PemTextResult | undefined> {
  const entry = chosenEntry(target);
  if (!entry) {
    return undefined;
  }
  const file = target.material.targets.get(entry);
  if (entry.carrier?.encoding === 'path') {
    if (!file || entry.error) {
      return undefined;
    }
    const bytes = await vscode.workspace.fs.readFile(file);
    const text = decodeFileText(bytes);
    const whole: MaterialEntry = { range: { start: 0, end: text?.length ?? 0 }, objects: entry.objects };
    return entryPemText(whole, text === undefined ? { binary: bytes } : { documentText: text }, target.object);
  }
  return entryPemText(entry, { documentText: target.material.text, binary: target.material.binary }, target.object);
}

async function copyAsPem(reader: MaterialReader, args: unknown[]): Promise<CopiedPem | undefined> {
  const target = await resolveTarget(reader, args, decodedSource);
  const pem = target && await pemOfTarget(target);
  if (!pem) {
    void vscode.window.showInformationMessage('PKI Lens: put the cursor on a certificate or key value to copy it as PEM.');
    return undefined;
  }
  await vscode.env.clipboard.writeText(pem.text);
  vscode.window.setStatusBarMessage(`$(check) Copied ${pem.labels.join(', ')} as PEM`, 3000);
  return pem;
}

async function pickCertificate(certs: CertificateInfo[]): Promise<CertificateInfo | undefined> {
  if (certs.length <= 1) {
    return certs[0];
  }
  const picked = await vscode.window.showQuickPick(
    certs.map(cert => ({ label: shortName(cert.subject), description: cert.fingerprints.sha256.slice(0, 23) + '…', cert })),
    { placeHolder: 'Which certificate’s fingerprint?' },
  );
  return picked?.cert;
}

async function copyFingerprint(reader: MaterialReader, args: unknown[]): Promise<CopiedFingerprint | undefined> {
  // A tree node already knows its certificate.
  const element = args[0] as { fingerprint?: unknown; label?: unknown } | undefined;
  if (element && !(element instanceof vscode.Uri) && typeof element.fingerprint === 'string') {
    await vscode.env.clipboard.writeText(element.fingerprint);
    return { fingerprint: element.fingerprint, subject: typeof element.label === 'string' ? element.label : '' };
  }
  const target = await resolveTarget(reader, args, decodedSource);
  const entry = target && chosenEntry(target);
  const objects = entry ? (target!.object !== undefined ? [entry.objects[target!.object]] : entry.objects) : [];
  const cert = await pickCertificate(objects.map(o => o.certificate).filter((c): c is CertificateInfo => !!c));
  if (!cert) {
    void vscode.window.showInformationMessage('PKI Lens: no certificate here to copy a fingerprint from.');
    return undefined;
  }
  await vscode.env.clipboard.writeText(cert.fingerprints.sha256);
  vscode.window.setStatusBarMessage(`$(check) Copied SHA-256 fingerprint of ${shortName(cert.subject)}`, 3000);
  return { fingerprint: cert.fingerprints.sha256, subject: shortName(cert.subject) };
}

export interface CopiedCaCertHash {
  /** `sha256:<hex of the CA's SubjectPublicKeyInfo>`. */
  hash: string;
  subject: string;
}

/**
 * `pkiLens.copyCaCertHash`: the value of `kubeadm join --discovery-token-ca-cert-hash` for the CA
 * under the cursor, or the tree's CA (found in the index by its fingerprint). kubeadm pins the
 * cluster CA's key, so a certificate that is no CA is refused with a message, not hashed.
 */
async function copyCaCertHash(reader: MaterialReader, services: Services, args: unknown[]): Promise<CopiedCaCertHash | undefined> {
  const element = args[0] as { fingerprint?: unknown } | undefined;
  let cert: CertificateInfo | undefined;
  if (element && !(element instanceof vscode.Uri) && typeof element.fingerprint === 'string') {
    cert = services.index.snapshot?.inventory.records.get(element.fingerprint)?.certificate;
  } else {
    const target = await resolveTarget(reader, args, decodedSource);
    const entry = target && chosenEntry(target);
    const objects = entry ? (target!.object !== undefined ? [entry.objects[target!.object]] : entry.objects) : [];
    cert = await pickCertificate(objects.map(o => o.certificate).filter((c): c is CertificateInfo => !!c?.isCa));
  }
  if (!cert || !cert.isCa) {
    void vscode.window.showInformationMessage('PKI Lens: put the cursor on a CA certificate (CA:TRUE) — kubeadm join pins the cluster CA\'s public key.');
    return undefined;
  }
  const hash = kubeadmCaCertHash(cert.publicKey);
  await vscode.env.clipboard.writeText(hash);
  vscode.window.setStatusBarMessage(`$(check) Copied the kubeadm CA cert hash of ${shortName(cert.subject)}`, 3000);
  return { hash, subject: shortName(cert.subject) };
}

function guarded<T>(services: Services, what: string, fn: (...args: unknown[]) => Promise<T>): (...args: unknown[]) => Promise<T | undefined> {
  return async (...args: unknown[]) => {
    try {
      return await fn(...args);
    } catch (e) {
      services.logger.error(`${what} failed`, e);
      void vscode.window.showErrorMessage(`PKI Lens: ${what} failed: ${(e as Error).message}`);
      return undefined;
    }
  };
}

export function registerClipboard(context: vscode.ExtensionContext, services: Services): void {
  const reader = materialReader(context, services);
  context.subscriptions.push(vscode.commands.registerCommand(Command.CopyAsPem, guarded(services, 'copy as PEM', (...args) => copyAsPem(reader, args))));
  context.subscriptions.push(vscode.commands.registerCommand(Command.CopyCaCertHash, guarded(services, 'copy CA cert hash', (...args) => copyCaCertHash(reader, services, args))));
  const copyFingerprintHandler = guarded(services, 'copy fingerprint', (...args) => copyFingerprint(reader, args));
  // The inventory tree may still register its own copyFingerprint; a second registration would throw.
  void vscode.commands.getCommands(true).then(ids => {
    if (ids.includes(Command.CopyFingerprint)) {
      services.logger.info(`${Command.CopyFingerprint} is already registered; the decode features' version stays unregistered`);
      return;
    }
    context.subscriptions.push(vscode.commands.registerCommand(Command.CopyFingerprint, copyFingerprintHandler));
  });
}
