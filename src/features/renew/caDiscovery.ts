import vscode = require('vscode');
import { CertificateInfo, decodeCertificate } from '../../core/x509/certificate';
import { CertificateRecord, PrivateKeyNode } from '../../core/inventory/inventory';
import { PrivateKeyMaterial } from '../../core/x509/keygen';
import { completePublicKey, describePrivateKey } from '../../core/x509/keys';
import { shortName } from '../../core/x509/name';
import type { IndexSnapshot } from '../../workspace/index';
import { FoundKey, decryptKey, displayPath, keyOfEntry, readCertificateFile, readPrivateKeyFile } from './keys';
import { RenewCancelled, RenewCommandError, RenewOptions, toUri } from './model';

/**
 * Finding the CA that signs a renewal. First choice: the issuer the workspace index linked to the
 * certificate (confirmed by signature) whose private key is also in the workspace (matched by
 * public key, or an encrypted key sitting where the CA's key belongs). Otherwise the files the
 * caller named, or the files the user picks. The CA's key is read only here and only for the
 * duration of one command.
 */

/** A CA ready to sign: its certificate and decrypted key, and where both came from. */
export interface SigningCa {
  certificateDer: Uint8Array;
  certificate: CertificateInfo;
  key: PrivateKeyMaterial;
  certificateUri?: vscode.Uri;
  keyUri?: vscode.Uri;
  /** The CA as the index knows it (absent for a CA from outside the workspace). */
  record?: CertificateRecord;
}

/** Where a CA comes from; the index-backed resolver below is the one the commands use. */
export interface CaSource {
  /** The CA to re-issue `record` with. Throws RenewCommandError, or RenewCancelled. */
  issuerOf(record: CertificateRecord): Promise<SigningCa>;
  /** A self-signed certificate's own key, to renew it (a CA renewed with the same key). */
  selfOf(record: CertificateRecord): Promise<SigningCa>;
  /** Would `issuerOf` find the CA and its key in the workspace? (the batch filter) */
  hasWorkspaceIssuer(record: CertificateRecord): boolean;
  /** Is a self-signed certificate's own key in the workspace? */
  hasOwnKey(record: CertificateRecord): boolean;
}

/** How many times a mistyped passphrase may be typed again. */
const PASSPHRASE_ATTEMPTS = 3;

export class WorkspaceCaSource implements CaSource {
  /** One lookup (and one passphrase prompt) per CA per command. */
  private readonly cache = new Map<string, Promise<SigningCa>>();

  constructor(private readonly snapshot: IndexSnapshot, private readonly options: RenewOptions, private readonly interactive: boolean) {}

  issuerOf(record: CertificateRecord): Promise<SigningCa> {
    if (this.options.caCertificate || this.options.caKey) {
      return this.memo('explicit', () => this.explicitCa(record));
    }
    const issuer = this.workspaceIssuer(record);
    if (issuer) {
      return this.memo(issuer.fingerprint, () => this.withKey(issuer.certificate, this.fileUriOf(issuer), issuer));
    }
    return this.memo(`pick:${record.fingerprint}`, () => this.pickCa(record));
  }

  selfOf(record: CertificateRecord): Promise<SigningCa> {
    return this.memo(`self:${record.fingerprint}`, () => this.withKey(record.certificate, this.fileUriOf(record), record));
  }

  hasWorkspaceIssuer(record: CertificateRecord): boolean {
    const issuer = this.workspaceIssuer(record);
    return !!issuer && !!this.workspaceKey(issuer);
  }

  hasOwnKey(record: CertificateRecord): boolean {
    return !!this.workspaceKey(record);
  }

  /** The best confirmed issuer with its key at hand, else the best confirmed issuer. */
  private workspaceIssuer(record: CertificateRecord): CertificateRecord | undefined {
    if (record.issuerStatus !== 'found') {
      return undefined;
    }
    return record.issuers.find(i => this.workspaceKey(i)) ?? record.issuer;
  }

  /** The CA's key in the workspace: one matching its public key, else an encrypted one where it belongs. */
  private workspaceKey(ca: CertificateRecord): PrivateKeyNode | undefined {
    const plain = [...ca.privateKeys].sort((a, b) => Number(!!a.carrier) - Number(!!b.carrier));
    if (plain.length) {
      return plain[0];
    }
    return this.snapshot.inventory.privateKeys.find(k => k.key.encrypted && k.pairing?.certificates.some(c => c.record === ca));
  }

  private fileUriOf(record: CertificateRecord): vscode.Uri | undefined {
    return this.snapshot.byUri.get(record.preferred.file.uri)?.uri;
  }

  /** The CA certificate is known; its key is the one the caller named, else the workspace's, else the user's pick. */
  private async withKey(certificate: CertificateInfo, certificateUri: vscode.Uri | undefined, record?: CertificateRecord): Promise<SigningCa> {
    const name = shortName(certificate.subject);
    if (this.options.caKey) {
      const keyUri = toUri(this.options.caKey);
      const key = await this.loadKey(await readPrivateKeyFile(keyUri, 'CA key'), `CA key ${displayPath(keyUri)}`);
      return { certificateDer: certificate.der, certificate, key, certificateUri, keyUri, record };
    }
    const node = (record && this.workspaceKey(record))
      ?? this.snapshot.inventory.privateKeys.find(k => k.key.publicKey?.id === certificate.publicKey.id);
    if (node) {
      const file = this.snapshot.byUri.get(node.file.uri);
      const ordinal = node.entry.objects.filter(o => o.kind === 'private-key').indexOf(node.object);
      const found = file?.text !== undefined ? keyOfEntry(file.text, node.entry, ordinal) : undefined;
      if (found) {
        const key = await this.loadKey(found, `key of the CA ${name} (${node.where})`);
        return { certificateDer: certificate.der, certificate, key, certificateUri, keyUri: file?.uri, record };
      }
    }
    if (!this.interactive) {
      throw new RenewCommandError('ca-key-missing', `the private key of the CA ${name}${certificateUri ? ` (${displayPath(certificateUri)})` : ''} is not in the workspace: pass caKey, or run the command interactively to pick it`);
    }
    const keyUri = await pickFile(`Private key of the CA ${name}`, 'Use as CA key', certificateUri, { 'Private keys': ['key', 'pem'] });
    const key = await this.loadKey(await readPrivateKeyFile(keyUri, 'CA key'), `CA key ${displayPath(keyUri)}`);
    return { certificateDer: certificate.der, certificate, key, certificateUri, keyUri, record };
  }

  /** `caCertificate` and/or `caKey` given: what is missing comes from the workspace. */
  private async explicitCa(record: CertificateRecord): Promise<SigningCa> {
    if (this.options.caCertificate) {
      const certificateUri = toUri(this.options.caCertificate);
      const certificate = await decodeNamed(await readCertificateFile(certificateUri, 'CA certificate'), certificateUri);
      // The same CA in the workspace lends its key when no key file was named.
      const known = [...this.snapshot.inventory.records.values()].find(r => r.fingerprint === certificate.fingerprints.sha256);
      return this.withKey(certificate, certificateUri, known);
    }
    // Only the key was named: the CA certificate is the workspace's certificate holding that key.
    const keyUri = toUri(this.options.caKey!);
    const found = await readPrivateKeyFile(keyUri, 'CA key');
    const key = await this.loadKey(found, `CA key ${displayPath(keyUri)}`);
    const id = await publicKeyId(key);
    const candidates = [...this.snapshot.inventory.records.values()].filter(r => r.certificate.publicKey.id === id);
    const ca = candidates.find(c => record.issuers.includes(c)) ?? candidates.find(c => c.certificate.isCa) ?? candidates[0];
    if (!ca) {
      throw new RenewCommandError('ca-missing', `no certificate in the workspace holds the key ${displayPath(keyUri)}: pass caCertificate too`);
    }
    return { certificateDer: ca.certificate.der, certificate: ca.certificate, key, certificateUri: this.fileUriOf(ca), keyUri, record: ca };
  }

  /** No issuer in the workspace: the user picks the CA's certificate and key files. */
  private async pickCa(record: CertificateRecord): Promise<SigningCa> {
    const name = shortName(record.certificate.subject);
    const issuer = shortName(record.certificate.issuer);
    if (!this.interactive) {
      throw new RenewCommandError('ca-missing', `the CA that issued ${name} (${issuer}) is not in the workspace with its private key: pass caCertificate and caKey, or run the command interactively to pick them`);
    }
    const near = this.fileUriOf(record);
    const certificateUri = await pickFile(`Certificate of the CA that issued ${name} (${issuer})`, 'Use as CA certificate', near, { Certificates: ['crt', 'pem', 'cer', 'der'] });
    const certificate = await decodeNamed(await readCertificateFile(certificateUri, 'CA certificate'), certificateUri);
    const known = [...this.snapshot.inventory.records.values()].find(r => r.fingerprint === certificate.fingerprints.sha256);
    return this.withKey(certificate, certificateUri, known);
  }

  private async loadKey(found: FoundKey, what: string): Promise<PrivateKeyMaterial> {
    if (!found.encrypted) {
      return found.material;
    }
    if (this.options.passphrase !== undefined) {
      return decryptKey(found.pem, this.options.passphrase, what);
    }
    if (!this.interactive) {
      throw new RenewCommandError('encrypted-key', `the ${what} is encrypted: pass its passphrase, or run the command interactively to type it`);
    }
    for (let attempt = 1; ; attempt++) {
      const passphrase = await vscode.window.showInputBox({
        title: 'PKI Lens: Renew',
        prompt: attempt === 1 ? `Passphrase of the ${what} (used once, not stored)` : `Wrong passphrase. Passphrase of the ${what} (attempt ${attempt} of ${PASSPHRASE_ATTEMPTS})`,
        password: true,
        ignoreFocusOut: true,
      });
      if (passphrase === undefined) {
        throw new RenewCancelled();
      }
      try {
        return decryptKey(found.pem, passphrase, what);
      } catch (e) {
        if (attempt >= PASSPHRASE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private memo(key: string, make: () => Promise<SigningCa>): Promise<SigningCa> {
    let hit = this.cache.get(key);
    if (!hit) {
      hit = make();
      this.cache.set(key, hit);
    }
    return hit;
  }
}

async function decodeNamed(der: Uint8Array, uri: vscode.Uri): Promise<CertificateInfo> {
  try {
    return await decodeCertificate(der);
  } catch (e) {
    throw new RenewCommandError('ca-missing', `the CA certificate ${displayPath(uri)} cannot be read: ${(e as Error).message}`);
  }
}

/** The public key id of a decrypted key, to find its certificate. */
async function publicKeyId(key: PrivateKeyMaterial): Promise<string | undefined> {
  try {
    const info = await completePublicKey(describePrivateKey(key.label, key.der), key.label, key.der);
    return info.publicKey?.id;
  } catch {
    return undefined;
  }
}

async function pickFile(title: string, openLabel: string, near: vscode.Uri | undefined, filters: Record<string, string[]>): Promise<vscode.Uri> {
  const picked = await vscode.window.showOpenDialog({
    title,
    openLabel,
    canSelectMany: false,
    canSelectFiles: true,
    canSelectFolders: false,
    defaultUri: near ? vscode.Uri.joinPath(near, '..') : vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { ...filters, 'All files': ['*'] },
  });
  if (!picked?.length) {
    throw new RenewCancelled();
  }
  return picked[0];
}
