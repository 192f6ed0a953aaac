import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import vscode = require('vscode');
import { MaterialEntry } from '../../core/analyze';
import { decodeBase64, utf8 } from '../../core/x509/bytes';
import { PrivateKeyMaterial } from '../../core/x509/keygen';
import { looksLikeDerCertificate } from '../../core/x509/material';
import { PemBlock, findPemBlocks } from '../../core/x509/pem';
import { RenewCommandError } from './model';

/**
 * Reading the material renewal signs with: certificates and private keys from files the user
 * names and from places the workspace index found. Encrypted keys are decrypted here, in the
 * Node host only, with a passphrase that lives as long as the call. Private key bytes never
 * reach a log, a message or a result.
 */

const PRIVATE_KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/** A private key as found: decrypted material, or what is needed to decrypt it. */
export type FoundKey =
  | { encrypted: false; material: PrivateKeyMaterial }
  | { encrypted: true; pem: string };

export function displayPath(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

/** A file's bytes: local files through Node, other schemes through VS Code's file system. */
export async function readBytes(uri: vscode.Uri): Promise<Uint8Array> {
  if (uri.scheme === 'file') {
    return new Uint8Array(await readFile(uri.fsPath));
  }
  return vscode.workspace.fs.readFile(uri);
}

async function readNamed(uri: vscode.Uri, what: string, code: 'ca-missing' | 'ca-key-missing'): Promise<Uint8Array> {
  try {
    return await readBytes(uri);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof vscode.FileSystemError ? 'no such file' : (e as Error).message;
    throw new RenewCommandError(code, `cannot read the ${what} ${displayPath(uri)}: ${reason}`);
  }
}

function isText(bytes: Uint8Array): boolean {
  return !bytes.subarray(0, 4096).includes(0) && !(bytes.length > 1 && bytes[0] === 0x30 && bytes[1] >= 0x80);
}

/** The first certificate of a file (PEM or DER), as DER. */
export async function readCertificateFile(uri: vscode.Uri, what: string): Promise<Uint8Array> {
  const bytes = await readNamed(uri, what, 'ca-missing');
  if (isText(bytes)) {
    const block = findPemBlocks(utf8(bytes)).find(b => CERTIFICATE_LABELS.has(b.label) && b.der);
    if (block) {
      return block.der!;
    }
  } else if (looksLikeDerCertificate(bytes)) {
    return bytes;
  }
  throw new RenewCommandError('ca-missing', `the ${what} ${displayPath(uri)} holds no certificate`);
}

/** The first private key of a file (PEM, or DER in PKCS#8, PKCS#1 or SEC1). */
export async function readPrivateKeyFile(uri: vscode.Uri, what: string): Promise<FoundKey> {
  const bytes = await readNamed(uri, what, 'ca-key-missing');
  if (isText(bytes)) {
    const text = utf8(bytes);
    const block = findPemBlocks(text).find(b => PRIVATE_KEY_LABELS.has(b.label));
    if (block) {
      return keyOfBlock(text, block);
    }
  } else {
    for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
      try {
        const der = createPrivateKey({ key: Buffer.from(bytes), format: 'der', type }).export({ type: 'pkcs8', format: 'der' });
        return { encrypted: false, material: { label: 'PRIVATE KEY', der: new Uint8Array(der) } };
      } catch {
        // try the next encoding
      }
    }
  }
  throw new RenewCommandError('ca-key-missing', `the ${what} ${displayPath(uri)} holds no private key`);
}

/**
 * The key of one inventory occurrence. `text` is the file's text as the index read it; `entry`
 * the material entry holding the key and `ordinal` its place among that entry's private keys.
 */
export function keyOfEntry(text: string, entry: MaterialEntry, ordinal: number): FoundKey | undefined {
  const inner = entryText(text, entry);
  if (inner === undefined) {
    return undefined;
  }
  const blocks = findPemBlocks(inner).filter(b => PRIVATE_KEY_LABELS.has(b.label));
  // A PEM block of the file itself is its entry; inside a carrier, keys come in order.
  const block = entry.carrier ? blocks[ordinal] : blocks.find(b => b.range.start === entry.range.start);
  return block ? keyOfBlock(inner, block) : undefined;
}

/** An entry's PEM text: the file itself, a PEM-valued carrier, or a base64 carrier decoded. */
function entryText(text: string, entry: MaterialEntry): string | undefined {
  const carrier = entry.carrier;
  if (!carrier) {
    return text;
  }
  if (carrier.encoding === 'pem') {
    return carrier.value;
  }
  if (carrier.encoding === 'base64') {
    const decoded = decodeBase64(carrier.value);
    return decoded.ok ? utf8(decoded.bytes) : undefined;
  }
  return undefined;
}

function keyOfBlock(text: string, block: PemBlock): FoundKey {
  const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' || /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
  if (encrypted || !block.der) {
    // Indentation (a YAML block scalar) is not part of PEM; OpenSSL wants it gone.
    const pem = text.slice(block.range.start, block.range.end).split(/\r?\n/).map(l => l.trim()).join('\n') + '\n';
    return { encrypted: true, pem };
  }
  return { encrypted: false, material: { label: block.label, der: block.der } };
}

/** Decrypt with OpenSSL (through Node) and hand back PKCS#8 DER; a wrong passphrase is `bad-passphrase`. */
export function decryptKey(pem: string, passphrase: string, what: string): PrivateKeyMaterial {
  try {
    const der = createPrivateKey({ key: pem, format: 'pem', passphrase }).export({ type: 'pkcs8', format: 'der' });
    return { label: 'PRIVATE KEY', der: new Uint8Array(der) };
  } catch (e) {
    // OpenSSL's reason ("bad decrypt") names no secret; the message never repeats the passphrase.
    const reason = (e as { reason?: string }).reason ?? (e as Error).message;
    throw new RenewCommandError('bad-passphrase', `the ${what} cannot be decrypted with that passphrase (${reason})`);
  }
}
