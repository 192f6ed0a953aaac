import { RenewalError, RenewalResult, SanEdit, renewCertificate } from '../../core/renew';
import { TextEdit, applyEdits, kubeconfigEdits, pemBlockEdit, pemFileEdits } from '../../core/kube/kubeconfigEdit';
import { utf8Bytes } from '../../core/x509/bytes';
import { findPemBlocks } from '../../core/x509/pem';
import { PlannedFile } from './diskCommit';
import { PRIVATE_KEY_LABELS, SigningFiles, readFileBytes } from './material';
import { RenewTarget, textOf } from './renewTargets';

/**
 * From targets to re-issued certificates and the files that change: the core re-issues, the
 * edits are the minimal ones of core/kube/kubeconfigEdit (only the certificate's PEM block or
 * `*-data` value, and the key's when rotated), every edit of a file computed against the bytes
 * read once. Nothing is written here.
 */

export interface RenewRequest {
  key: 'reuse' | 'rotate';
  validityDays?: number;
  san: SanEdit;
  now: Date;
}

export interface Renewed {
  target: RenewTarget;
  ca: SigningFiles;
  result: RenewalResult;
}

export interface Refused {
  target: RenewTarget;
  code: string;
  message: string;
}

/** Re-issue each target with its CA; a refusal is collected, not thrown. */
export async function renewTargets(targets: readonly { target: RenewTarget; ca: SigningFiles }[], request: RenewRequest): Promise<{ renewed: Renewed[]; refused: Refused[] }> {
  const renewed: Renewed[] = [];
  const refused: Refused[] = [];
  for (const { target, ca } of targets) {
    try {
      if (request.key === 'rotate' && !target.key) {
        throw new RenewalError('invalid-input', 'the key is to be rotated, but the certificate\'s key was not found beside it (no key file, no key block, no client-key-data)');
      }
      const result = await renewCertificate({
        certificate: target.certificateDer,
        caCertificate: ca.certificateDer,
        caKey: ca.key,
        key: request.key === 'rotate' ? { policy: 'rotate', previousKeyLabel: target.key?.label } : { policy: 'reuse', privateKey: target.key?.material },
        validityDays: request.validityDays,
        subjectAltNames: request.san,
        now: request.now,
      });
      renewed.push({ target, ca, result });
    } catch (e) {
      if (!(e instanceof RenewalError)) {
        throw e;
      }
      refused.push({ target, code: e.code, message: e.message });
    }
  }
  return { renewed, refused };
}

/** The files the renewals change, each with its new bytes. */
export function plannedFiles(renewed: readonly Renewed[]): PlannedFile[] {
  const byFile = new Map<string, { original: Uint8Array; edits: TextEdit[]; whole?: Uint8Array; privateMaterial: boolean }>();
  const entry = (file: string) => {
    let e = byFile.get(file);
    if (!e) {
      e = { original: readFileBytes(file, 'the file'), edits: [], privateMaterial: false };
      byFile.set(file, e);
    }
    return e;
  };
  for (const { target, result } of renewed) {
    const newKey = result.privateKeyPem;
    const file = entry(target.file);
    const text = textOf(file.original);
    if (target.kind === 'der' || text === undefined) {
      file.whole = result.certificateDer;
    } else if (target.kind === 'kubeconfig') {
      file.edits.push(...kubeconfigEdits(text, { user: target.user!, certificatePem: result.certificatePem, privateKeyPem: newKey }));
      file.privateMaterial ||= newKey !== undefined;
    } else {
      const sameFileKey = newKey !== undefined && target.key?.where === 'same-file' ? newKey : undefined;
      file.edits.push(...pemFileEdits(text, { oldCertificateDer: target.certificateDer, certificatePem: result.certificatePem, privateKeyPem: sameFileKey }));
      file.privateMaterial ||= sameFileKey !== undefined;
    }
    if (newKey !== undefined && target.key?.where === 'key-file') {
      const keyFile = entry(target.key.file);
      const keyText = textOf(keyFile.original) ?? '';
      const block = findPemBlocks(keyText).find(b => PRIVATE_KEY_LABELS.has(b.label));
      if (!block) {
        throw new Error(`${target.key.file} no longer holds a private key`);
      }
      keyFile.edits.push(pemBlockEdit(keyText, block.range, newKey));
      keyFile.privateMaterial = true;
    }
  }
  return [...byFile].map(([path, e]) => ({
    path,
    original: e.original,
    newBytes: e.whole ?? utf8Bytes(applyEdits(textOf(e.original)!, e.edits)),
    privateMaterial: e.privateMaterial,
  }));
}
