import vscode = require('vscode');
import { promises as fs } from 'node:fs';
import { Command } from '../../commands';
import { MaterialEntry } from '../../core/analyze';
import { utf8Bytes } from '../../core/x509/bytes';
import { Services } from '../../services';
import { pemOfTarget } from './clipboard';
import { MaterialReader, materialReader } from './documentMaterial';
import { decodedSource } from './decodedView';
import { EntryRef, resolveTarget } from './targets';

/**
 * `pkiLens.decodeToFile`: a carrier's material as a file next to its document, named after its
 * owner (`alice.crt`, `alice.key`, `prod-ca.crt`, `web-tls.crt`). Keys are created with mode 0600
 * and never written where permissions cannot be set. An existing file is never replaced without
 * asking. Takes `(uri?, { index?, object?, carrier?, ifExists? })`; `ifExists` is 'ask' (default),
 * 'rename' (pick a free name), 'overwrite' or 'skip'. Resolves to `{ uri, mode, overwritten }`,
 * or undefined when nothing was written.
 */

export type IfExists = 'ask' | 'rename' | 'overwrite' | 'skip';

export interface DecodedFile {
  uri: vscode.Uri;
  /** Unix permission bits the file was written with (0o600 for keys), when they could be set. */
  mode?: number;
  overwritten: boolean;
}

const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'material';
}

function extensionFor(labels: string[]): string {
  const keys = labels.filter(l => l.endsWith('PRIVATE KEY')).length;
  if (keys && keys === labels.length) { return '.key'; }
  if (keys) { return '.pem'; }
  if (labels.every(l => l.endsWith('CERTIFICATE'))) { return '.crt'; }
  if (labels.every(l => l.endsWith('CERTIFICATE REQUEST'))) { return '.csr'; }
  if (labels.every(l => l.endsWith('PUBLIC KEY'))) { return '.pub'; }
  return '.pem';
}

/** A name an operator would choose: the kubeconfig user or cluster, the Secret, or the file and field. */
export function suggestedName(documentUri: vscode.Uri, entry: MaterialEntry | undefined, index: number | undefined, labels: string[]): string {
  const fileStem = documentUri.path.slice(documentUri.path.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '') || 'decoded';
  const ext = extensionFor(labels);
  const carrier = entry?.carrier;
  if (!carrier) {
    return `${sanitize(fileStem)}-${(index ?? 0) + 1}${ext}`;
  }
  const owner = carrier.owner;
  let stem: string;
  switch (owner.kind) {
    case 'kubeconfig-user': stem = owner.name; break;
    case 'kubeconfig-cluster': stem = `${owner.name}-ca`; break;
    case 'secret': stem = carrier.role === 'ca' ? `${owner.name || fileStem}-ca` : owner.name || fileStem; break;
    default: stem = `${fileStem}-${carrier.key.replace(/\.(crt|key|pem)$/, '')}`;
  }
  return sanitize(stem) + ext;
}

function withSuffix(uri: vscode.Uri, n: number): vscode.Uri {
  return uri.with({ path: uri.path.replace(/(\.[^./]*)?$/, m => `-${n}${m}`) });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function freeName(uri: vscode.Uri): Promise<vscode.Uri> {
  for (let n = 1; n < 1000; n++) {
    const candidate = withSuffix(uri, n);
    if (!(await exists(candidate))) {
      return candidate;
    }
  }
  throw new Error(`no free name next to ${uri.path}`);
}

/** What to do about a file that is already there; undefined means "write nothing". */
async function settleExisting(uri: vscode.Uri, policy: IfExists): Promise<{ uri: vscode.Uri; overwrite: boolean } | undefined> {
  if (!(await exists(uri))) {
    return { uri, overwrite: false };
  }
  let choice = policy;
  if (policy === 'ask') {
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const answer = await vscode.window.showWarningMessage(`${name} already exists.`, { modal: true, detail: 'PKI Lens never replaces a file without asking.' }, 'Overwrite', 'Keep Both');
    choice = answer === 'Overwrite' ? 'overwrite' : answer === 'Keep Both' ? 'rename' : 'skip';
  }
  switch (choice) {
    case 'overwrite': return { uri, overwrite: true };
    case 'rename': return { uri: await freeName(uri), overwrite: false };
    default: return undefined;
  }
}

async function write(uri: vscode.Uri, text: string, isKey: boolean, overwrite: boolean): Promise<number | undefined> {
  const mode = isKey ? KEY_MODE : CERT_MODE;
  if (uri.scheme === 'file') {
    // 'wx' refuses to replace a file that appeared since we looked; the mode applies on creation,
    // and chmod makes an overwritten key 0600 too.
    await fs.writeFile(uri.fsPath, text, { mode, flag: overwrite ? 'w' : 'wx' });
    if (isKey) {
      await fs.chmod(uri.fsPath, mode);
    }
    return mode;
  }
  if (isKey) {
    throw new Error(`a private key is only written to local files, where its permissions can be set to 0600 (${uri.scheme}: cannot)`);
  }
  await vscode.workspace.fs.writeFile(uri, utf8Bytes(text));
  return undefined;
}

async function decodeToFile(reader: MaterialReader, args: unknown[]): Promise<DecodedFile | undefined> {
  const options = (args[1] && typeof args[1] === 'object' ? args[1] : {}) as EntryRef & { ifExists?: IfExists };
  const target = await resolveTarget(reader, args, decodedSource);
  const entry = target && (target.entry ?? (target.material.analysis.entries.length === 1 ? target.material.analysis.entries[0] : undefined));
  const pem = target && entry && await pemOfTarget({ ...target, entry });
  if (!target || !entry || !pem) {
    void vscode.window.showInformationMessage('PKI Lens: put the cursor on a certificate or key value to decode it to a file.');
    return undefined;
  }
  const source = target.material.uri;
  const name = suggestedName(source, entry, target.index, pem.labels);
  let destination: vscode.Uri | undefined = source.scheme === 'untitled' ? undefined : vscode.Uri.joinPath(source, '..', name);
  if (!destination) {
    destination = await vscode.window.showSaveDialog({ saveLabel: 'Decode to File', defaultUri: vscode.Uri.file(name) });
    if (!destination) {
      return undefined;
    }
  }
  const settled = await settleExisting(destination, options.ifExists ?? 'ask');
  if (!settled) {
    return undefined;
  }
  const isKey = pem.labels.some(l => l.endsWith('PRIVATE KEY'));
  const mode = await write(settled.uri, pem.text, isKey, settled.overwrite);
  const shown = settled.uri.path.slice(settled.uri.path.lastIndexOf('/') + 1);
  void vscode.window.showInformationMessage(`PKI Lens: wrote ${shown}${isKey && mode ? ' (mode 0600)' : ''}.`, 'Open').then(choice => {
    if (choice === 'Open') {
      void vscode.window.showTextDocument(settled.uri);
    }
  });
  return { uri: settled.uri, mode, overwritten: settled.overwrite };
}

export function registerDecodeToFile(context: vscode.ExtensionContext, services: Services): void {
  const reader = materialReader(context, services);
  context.subscriptions.push(vscode.commands.registerCommand(Command.DecodeToFile, async (...args: unknown[]) => {
    try {
      return await decodeToFile(reader, args);
    } catch (e) {
      services.logger.error('decode to file failed', e);
      void vscode.window.showErrorMessage(`PKI Lens: could not write the file: ${(e as Error).message}`);
      return undefined;
    }
  }));
}
