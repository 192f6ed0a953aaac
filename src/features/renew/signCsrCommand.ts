import vscode = require('vscode');
import { findCsrObjects } from '../../core/kube/csrObject';
import { SIGNING_PROFILES, SigningProfileName } from '../../core/kube/signingProfile';
import { CertificateRecord } from '../../core/inventory/inventory';
import { SignedCertificate, signCsr } from '../../core/renew';
import { formatDate } from '../../core/render/time';
import { utf8, utf8Bytes } from '../../core/x509/bytes';
import { shortName } from '../../core/x509/name';
import { findPemBlocks } from '../../core/x509/pem';
import { Services } from '../../services';
import { atomicWrite, backupFile } from '../../workspace/fileWriter';
import { WorkspaceCaSource } from './caDiscovery';
import { displayPath, readBytes } from './keys';
import { RenewCancelled, RenewCommandError, asRenewError, reviveUri, toUri } from './model';
import { afterWrite } from './indexSync';

/**
 * `pkiLens.signCsr`: sign the certificate request in the editor (a PEM CSR, or a Kubernetes
 * CertificateSigningRequest's spec.request) with a CA of the workspace whose key is there — read
 * as renewal reads it (WorkspaceCaSource: passphrase asked once, never stored). The core decides
 * profile and validity; a CSR file's certificate is written next to it as `<name>.crt` (backup of
 * an existing one, atomic write); an object's is shown as `status.certificate` and copied.
 * `(uri, { caCertificate?, profile?, validityDays?, confirm? })` for tests and scripts.
 */

export interface SignCsrResult {
  ok: boolean;
  cancelled?: boolean;
  error?: { code: string; message: string };
  /** The written certificate (CSR files). */
  certificateUri?: string;
  backup?: string;
  /** base64 of the PEM (CertificateSigningRequest objects). */
  statusCertificate?: string;
  subject?: string;
  profile?: string;
}

interface SignOptions {
  caCertificate?: vscode.Uri | string;
  profile?: SigningProfileName | 'auto';
  validityDays?: number;
  confirm?: boolean;
}

export async function signCsrCommand(services: Services, target?: unknown, rawOptions?: unknown): Promise<SignCsrResult> {
  const options = (rawOptions ?? {}) as SignOptions;
  const interactive = options.confirm !== false;
  try {
    if (!vscode.workspace.isTrusted) {
      throw new RenewCommandError('untrusted', 'signing writes files, and this workspace is not trusted: trust it first (Manage Workspace Trust)');
    }
    if (options.profile !== undefined && !SIGNING_PROFILES.includes(options.profile)) {
      throw new RenewCommandError('invalid-input', `profile must be one of ${SIGNING_PROFILES.join(', ')}`);
    }
    // A URI, its string, or a tree node / `{ uri }` (the PKI tree's request nodes).
    const uri = (typeof target === 'string' ? toUri(target) : reviveUri(target) ?? reviveUri((target as { uri?: unknown } | undefined)?.uri))
      ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      throw new RenewCommandError('no-certificate', 'open a certificate request (.csr, or a CertificateSigningRequest YAML) first');
    }
    const text = utf8(await readBytes(uri));
    const block = findPemBlocks(text).find(b => (b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST') && b.der);
    const object = block ? undefined : findCsrObjects(text)[0];
    if (object && !object.request.ok) {
      throw new RenewCommandError('invalid-input', `CertificateSigningRequest ${object.name}: ${object.request.error}`);
    }
    const der = block?.der ?? (object?.request.ok ? object.request.der : undefined);
    if (!der) {
      throw new RenewCommandError('no-certificate', `${displayPath(uri)} holds no certificate request`);
    }
    const snapshot = await services.index.ready();
    const source = new WorkspaceCaSource(snapshot, {}, interactive);
    const ca = await source.selfOf(await chooseCa(snapshot.inventory.records.values(), options, interactive, source));
    const result = await signCsr({
      csr: der, caCertificate: ca.certificateDer, caKey: ca.key, profile: options.profile ?? 'auto', path: vscode.workspace.asRelativePath(uri, false),
      signerName: object?.signerName, usages: object?.usages, expirationSeconds: object?.expirationSeconds,
      // An argument (tests, scripts) wins over pkiLens.sign.validityDays of the request's folder.
      validityDays: options.validityDays ?? services.settings.get(uri).sign.validityDays,
    });
    const base = { ok: true, subject: result.certificate.subject.text, profile: result.profile.name };
    if (object) {
      await vscode.env.clipboard.writeText(result.statusCertificate);
      if (interactive) {
        const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: `# ${summary(result, shortName(ca.certificate.subject)).join('\n# ')}\nstatus:\n  certificate: ${result.statusCertificate}\n` });
        await vscode.window.showTextDocument(doc, { preview: true });
      }
      return { ...base, statusCertificate: result.statusCertificate };
    }
    const out = vscode.Uri.joinPath(uri, '..', `${uri.path.split('/').pop()!.replace(/\.(csr|pem|req)$/, '')}.crt`);
    if (interactive) {
      const choice = await vscode.window.showInformationMessage(`Sign ${displayPath(uri)} with ${shortName(ca.certificate.subject)}?`,
        { modal: true, detail: [...summary(result, shortName(ca.certificate.subject)), `Writes ${displayPath(out)} (an existing file is backed up first).`].join('\n') }, 'Sign');
      if (choice !== 'Sign') {
        throw new RenewCancelled();
      }
    }
    const exists = await vscode.workspace.fs.stat(out).then(() => true, () => false);
    const backup = exists ? await backupFile(out.fsPath) : undefined;
    const bytes = utf8Bytes(result.certificatePem);
    await atomicWrite(out.fsPath, bytes);
    await afterWrite(services, [{ uri: out.toString(), path: out.fsPath, realPath: out.fsPath, backup, via: 'disk' }], () => bytes);
    return { ...base, certificateUri: out.toString(), backup };
  } catch (e) {
    if (e instanceof RenewCancelled) {
      return { ok: false, cancelled: true };
    }
    const refusal = asRenewError(e);
    const message = refusal?.message ?? `signing failed unexpectedly: ${(e as Error)?.message ?? String(e)}`;
    if (!refusal) {
      services.logger.error('signing a CSR failed', e);
    }
    void vscode.window.showErrorMessage(`PKI Lens: cannot sign — ${message}`);
    return { ok: false, error: { code: refusal?.code ?? 'internal', message } };
  }
}

function summary(r: SignedCertificate, ca: string): string[] {
  return [
    `${r.certificate.subject.text}, issued by ${ca}`,
    `Profile ${r.profile.name} (${r.profile.reason}): ${r.profile.usages.join(', ')}`,
    `Names: ${r.subjectAltNames.join(', ') || '(none)'}`,
    `Valid until ${formatDate(r.certificate.notAfter)}${r.clampMessage ? ` (${r.clampMessage})` : ''}`,
    ...r.warnings.map(w => `Warning: ${w}`),
  ];
}

/** The CA named by `caCertificate`, else the only CA whose key the workspace holds, else the user's pick. */
async function chooseCa(records: Iterable<CertificateRecord>, options: SignOptions, interactive: boolean, source: WorkspaceCaSource): Promise<CertificateRecord> {
  const cas = [...records].filter(r => r.certificate.isCa && source.hasOwnKey(r));
  if (options.caCertificate) {
    const wanted = toUri(options.caCertificate).toString();
    const named = cas.find(r => r.occurrences.some(o => o.file.uri === wanted));
    if (!named) {
      throw new RenewCommandError('ca-missing', `${displayPath(toUri(options.caCertificate))} is not a CA whose private key is in the workspace`);
    }
    return named;
  }
  if (cas.length === 1 || (cas.length && !interactive)) {
    if (cas.length > 1) {
      throw new RenewCommandError('ca-missing', `${cas.length} CAs have their key in the workspace: pass caCertificate`);
    }
    return cas[0];
  }
  if (!cas.length) {
    throw new RenewCommandError('ca-missing', 'no CA with its private key is in the workspace');
  }
  const picked = await vscode.window.showQuickPick(cas.map(r => ({ label: shortName(r.certificate.subject), description: r.preferred.where, record: r })), { title: 'Sign with which CA?' });
  if (!picked) {
    throw new RenewCancelled();
  }
  return picked.record;
}
