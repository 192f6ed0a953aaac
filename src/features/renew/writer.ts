import path = require('node:path');
import vscode = require('vscode');
import { bytesEqual, decodeBase64, encodeBase64, utf8, utf8Bytes } from '../../core/x509/bytes';
import { CarrierLocation, findCarriers } from '../../core/kube/carriers';
import { TextEdit, applyEdits, base64OfText, carrierValueEdit, kubeconfigEdits, pemBlockEdit, pemFileEdits } from '../../core/kube/kubeconfigEdit';
import { findPemBlocks } from '../../core/x509/pem';
import type { PkiLensConfiguration } from '../../settings';
import { atomicWrite, backupFile, backupTimestamp } from '../../workspace/fileWriter';
import { displayPath, readBytes } from './keys';
import { RenewCommandError, WrittenFile } from './model';
import type { CertificateChange, FilePlan } from './filePlan';

/**
 * Writing renewed material back, losing nothing. Every change is a minimal text edit computed
 * against the file's current content (found again by content, never by stale offsets): only the
 * certificate's PEM block or the carrier's value changes. Files are prepared first (nothing
 * written), then committed: backup, atomic write keeping mode and owner, and on any failure the
 * files already written are restored. A document open with unsaved changes is edited through a
 * WorkspaceEdit (undoable) instead of behind the editor's back.
 */

/** A file with its new content, ready to be committed. */
export interface PreparedFile {
  plan: FilePlan;
  /** Open with unsaved changes: edited in the editor. */
  document?: vscode.TextDocument;
  /** The disk bytes read while preparing (absent when the file does not exist on disk). */
  original?: Uint8Array;
  originalText?: string;
  edits: TextEdit[];
  newBytes: Uint8Array;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Text that re-encodes to the same bytes, or undefined (binary, or not UTF-8). */
function exactText(bytes: Uint8Array): string | undefined {
  if (bytes.subarray(0, 8192).includes(0) || (bytes.length > 1 && bytes[0] === 0x30 && bytes[1] >= 0x80)) {
    return undefined;
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function changed(where: string, why: string): RenewCommandError {
  return new RenewCommandError('file-changed', `${where}: ${why}; nothing was written (run the renewal again)`);
}

/** Read every planned file and compute its new content. Writes nothing. */
export async function prepareFiles(plans: readonly FilePlan[]): Promise<PreparedFile[]> {
  const out: PreparedFile[] = [];
  for (const plan of plans) {
    const document = vscode.workspace.textDocuments.find(d => !d.isClosed && d.uri.toString() === plan.uri.toString());
    let original: Uint8Array | undefined;
    try {
      original = await readBytes(plan.uri);
    } catch {
      if (!document) {
        throw changed(plan.relativePath, 'the file can no longer be read');
      }
    }
    if (document?.isDirty) {
      const text = document.getText();
      const edits = textEdits(plan, text);
      out.push({ plan, document, original, originalText: text, edits, newBytes: utf8Bytes(applyEdits(text, edits)) });
      continue;
    }
    const text = exactText(original!);
    if (text === undefined) {
      out.push({ plan, original, edits: [], newBytes: derFileContent(plan, original!) });
      continue;
    }
    const edits = textEdits(plan, text);
    out.push({ plan, original, originalText: text, edits, newBytes: utf8Bytes(applyEdits(text, edits)) });
  }
  return out;
}

/** A binary file can only be a DER certificate, replaced whole. */
function derFileContent(plan: FilePlan, bytes: Uint8Array): Uint8Array {
  const [r] = plan.replacements;
  if (plan.replacements.length !== 1 || r.type !== 'pem-file' || r.privateKeyPem !== undefined) {
    throw new RenewCommandError('write-failed', `${plan.relativePath} is not a text file; only a lone DER certificate can be rewritten in it`);
  }
  if (!bytesEqual(bytes, r.oldDer)) {
    throw changed(plan.relativePath, 'the DER certificate in it is not the one that was renewed');
  }
  return r.newDer;
}

/** The edits for one file's text. Each replacement finds its place again by content. */
export function textEdits(plan: FilePlan, text: string): TextEdit[] {
  const edits: TextEdit[] = [];
  const scan = plan.replacements.some(r => r.type === 'carrier' || r.type === 'key-carrier' || r.type === 'kubeconfig-user') ? findCarriers(text) : undefined;
  const claimed = new Set<CarrierLocation>();
  const pemDone: Uint8Array[] = [];
  for (const r of plan.replacements) {
    try {
      switch (r.type) {
        case 'pem-file':
          // A certificate present twice in one file (a CA copied into a bundle) is rewritten once per block it occupies.
          if (pemDone.some(d => bytesEqual(d, r.oldDer))) {
            break;
          }
          pemDone.push(r.oldDer);
          for (const edit of pemFileEdits(text, { oldCertificateDer: r.oldDer, certificatePem: r.certificatePem, privateKeyPem: r.privateKeyPem })) {
            edits.push(edit);
          }
          for (const block of findPemBlocks(text).filter(b => b.der && bytesEqual(b.der, r.oldDer)).slice(1)) {
            edits.push(pemBlockEdit(text, block.range, r.certificatePem));
          }
          break;
        case 'kubeconfig-user': {
          const carrier = scan!.carriers.find(c => c.key === 'client-certificate-data' && c.owner.kind === 'kubeconfig-user' && c.owner.name === r.user);
          if (!carrier || !holds(carrier.value, r.oldDer)) {
            throw changed(r.where, `user "${r.user}" no longer holds the certificate that was renewed`);
          }
          edits.push(...kubeconfigEdits(text, { user: r.user, certificatePem: r.certificatePem, privateKeyPem: r.privateKeyPem }));
          break;
        }
        case 'carrier': {
          const carrier = scan!.carriers.find(c => !claimed.has(c) && c.path === r.path && c.encoding === 'base64' && holds(c.value, r.oldDer));
          if (!carrier) {
            throw changed(r.where, 'the value no longer holds the certificate that was renewed');
          }
          claimed.add(carrier);
          edits.push(carrierValueEdit(text, carrier, replacedValue(carrier.value, r)));
          break;
        }
        case 'key-carrier': {
          const carrier = scan!.carriers.find(c => !claimed.has(c) && c.path === r.path && c.value === r.oldValue);
          if (!carrier) {
            throw changed(r.where, 'the key changed since it was read');
          }
          claimed.add(carrier);
          edits.push(carrierValueEdit(text, carrier, base64OfText(r.privateKeyPem)));
          break;
        }
        case 'key-block': {
          const start = text.indexOf(r.oldBlock);
          if (start < 0) {
            throw changed(r.where, 'the key changed since it was read');
          }
          edits.push(pemBlockEdit(text, { start, end: start + r.oldBlock.length }, r.privateKeyPem));
          break;
        }
      }
    } catch (e) {
      if (e instanceof RenewCommandError) {
        throw e;
      }
      // kubeconfigEdits / pemFileEdits say what is missing ("the certificate to replace is not in this file").
      throw changed(r.where, (e as Error).message);
    }
  }
  return edits;
}

/** Does a base64 value hold this certificate (as PEM inside, or as DER)? */
function holds(value: string, der: Uint8Array): boolean {
  const decoded = decodeBase64(value);
  if (!decoded.ok) {
    return false;
  }
  if (bytesEqual(decoded.bytes, der)) {
    return true;
  }
  return findPemBlocks(utf8(decoded.bytes)).some(b => b.der && bytesEqual(b.der, der));
}

/** The carrier's new base64: the decoded PEM with the one block replaced (a bundle keeps its other certificates), or the new DER. */
function replacedValue(value: string, r: CertificateChange): string {
  const decoded = decodeBase64(value);
  if (decoded.ok && bytesEqual(decoded.bytes, r.oldDer)) {
    return encodeBase64(r.newDer);
  }
  const inner = utf8(decoded.ok ? decoded.bytes : new Uint8Array());
  const edits = findPemBlocks(inner).filter(b => b.der && bytesEqual(b.der, r.oldDer)).map(b => pemBlockEdit(inner, b.range, r.certificatePem));
  return base64OfText(applyEdits(inner, edits));
}

/** Where backups go for a file: next to it, or under `pkiLens.renewal.backupFolder` (relative to its workspace folder). */
function backupLocation(uri: vscode.Uri, settings: PkiLensConfiguration): { folder?: string; relativePath?: string } {
  const setting = settings.get(uri).renewal.backupFolder.trim();
  if (!setting) {
    return {};
  }
  const root = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  const folder = path.isAbsolute(setting) ? setting : path.join(root ?? path.dirname(uri.fsPath), setting);
  return { folder, relativePath: root ? path.relative(root, uri.fsPath) : path.basename(uri.fsPath) };
}

interface Committed {
  file: PreparedFile;
  written: WrittenFile;
}

/**
 * Write every prepared file: disk files first (each backed up, then replaced atomically), then the
 * open documents with unsaved changes (WorkspaceEdit). A file changed since it was prepared, or a
 * failed write, restores what was already written and throws.
 */
export async function commitFiles(files: readonly PreparedFile[], now: Date, settings: PkiLensConfiguration): Promise<WrittenFile[]> {
  const done: Committed[] = [];
  try {
    for (const file of files.filter(f => !f.document)) {
      done.push({ file, written: await writeToDisk(file, now, settings) });
    }
    const editorFiles = files.filter(f => f.document);
    if (editorFiles.length) {
      const edit = new vscode.WorkspaceEdit();
      const written: Committed[] = [];
      for (const file of editorFiles) {
        const doc = file.document!;
        if (doc.isClosed || doc.getText() !== file.originalText) {
          throw changed(file.plan.relativePath, 'the document was edited meanwhile');
        }
        // The disk still holds the last saved bytes: keep them too, so Show Diff and recovery work the same way.
        const backup = file.original && doc.uri.scheme === 'file' ? await backupFile(doc.uri.fsPath, { ...backupLocation(doc.uri, settings), now }) : undefined;
        for (const e of file.edits) {
          edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.range.start), doc.positionAt(e.range.end)), e.newText);
        }
        written.push({ file, written: { uri: doc.uri.toString(), path: doc.uri.fsPath, realPath: doc.uri.fsPath, backup, via: 'editor' } });
      }
      if (!await vscode.workspace.applyEdit(edit)) {
        throw new RenewCommandError('write-failed', `the editor refused the changes to ${editorFiles.map(f => f.plan.relativePath).join(', ')}`);
      }
      done.push(...written);
    }
  } catch (e) {
    const restored = await rollback(done.filter(d => d.written.via === 'disk'));
    const reason = e instanceof RenewCommandError ? e.message : `writing failed: ${(e as Error).message}`;
    throw new RenewCommandError(e instanceof RenewCommandError ? e.code : 'write-failed',
      restored.length ? `${reason} (restored ${restored.join(', ')} to what it was)` : reason);
  }
  return done.map(d => d.written);
}

async function writeToDisk(file: PreparedFile, now: Date, settings: PkiLensConfiguration): Promise<WrittenFile> {
  const uri = file.plan.uri;
  const current = await readBytes(uri).catch(() => undefined);
  if (!current || !file.original || !bytesEqual(current, file.original)) {
    throw changed(file.plan.relativePath, 'the file changed on disk since it was read');
  }
  if (uri.scheme !== 'file') {
    // No modes or symlinks to keep on a virtual file system: a backup beside it and a plain write.
    const backup = uri.with({ path: `${uri.path}.${backupTimestamp(now)}.bak` });
    await vscode.workspace.fs.writeFile(backup, file.original);
    await vscode.workspace.fs.writeFile(uri, file.newBytes);
    return { uri: uri.toString(), path: uri.path, realPath: uri.path, backup: backup.path, via: 'disk' };
  }
  const backup = await backupFile(uri.fsPath, { ...backupLocation(uri, settings), now });
  const result = await atomicWrite(uri.fsPath, file.newBytes, { privateMaterial: file.plan.privateMaterial });
  return { uri: uri.toString(), path: uri.fsPath, realPath: result.realPath, backup, via: 'disk', mode: result.mode, inPlace: result.inPlace || undefined };
}

/** Put the old bytes back (best effort: the backups exist either way). */
async function rollback(done: readonly Committed[]): Promise<string[]> {
  const restored: string[] = [];
  for (const { file, written } of [...done].reverse()) {
    try {
      if (file.plan.uri.scheme === 'file') {
        await atomicWrite(written.realPath, file.original!);
      } else {
        await vscode.workspace.fs.writeFile(file.plan.uri, file.original!);
      }
      restored.push(displayPath(file.plan.uri));
    } catch {
      // the backup next to it still holds the old bytes
    }
  }
  return restored;
}
