import vscode = require('vscode');
import { DocumentAnalysis, analyzeBinary, decodeFileText } from '../../core/analyze';
import { CertificateInfo } from '../../core/x509/certificate';
import { httpsHost } from '../../core/checks/kubeconfigServerName';
import { CertificateRecord, Inventory } from '../../core/inventory/inventory';
import { shortName } from '../../core/x509/name';
import { renderVerificationText } from '../../core/render/verification';
import { VerificationResult, VerifyPurpose, verifyChain } from '../../core/verify';
import { Services } from '../../services';
import type { VerifyDocuments } from './documents';

/**
 * `pkiLens.verifyChain`: what a Go client would say about one certificate — picked from the
 * inventory, under the cursor, or named by arguments — against a CA bundle (by default the
 * issuers the workspace index links, up to a self-signed root), for a host and a purpose. The
 * verdict is shown as a read-only document and returned, so tests (and other commands) can use it.
 *
 * Arguments: `(uri | { fingerprint } | tree node, { index?, host?, purpose?, at?, caBundle?, show? })`.
 * With an options object nothing is asked; without, the missing choices are asked for.
 * Registered by register.ts; this module is in dist/commands.js, loaded at the first verification.
 */

export interface VerifyChainOptions {
  /** Which certificate of the file, in document order (default: the one under the cursor, else the first). */
  index?: number;
  /** DNS name or IP the client dials; omitted or empty: no host check. */
  host?: string;
  purpose?: VerifyPurpose;
  /** ISO-8601 time (or epoch ms) to judge validity at; default now. */
  at?: string | number;
  /** A file whose certificates are the trust anchors, instead of the linked issuers. */
  caBundle?: vscode.Uri | string;
  /** Open the document (default true). */
  show?: boolean;
}

export interface VerifyChainOutcome {
  result: VerificationResult;
  uri: vscode.Uri;
  text: string;
}

interface Trust {
  roots: CertificateInfo[];
  intermediates: CertificateInfo[];
  source: string;
}

/** Every certificate of a document in order, with the range of the entry holding it. */
interface DocCertificate {
  certificate: CertificateInfo;
  start: number;
  end: number;
  /** Certificates after it in the same block or carrier (a fullchain): intermediates a server would send. */
  following: CertificateInfo[];
}


function asUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) {
    return value;
  }
  if (typeof value === 'string' && value) {
    return /^[a-z][a-z0-9+.-]*:/i.test(value) ? vscode.Uri.parse(value) : vscode.Uri.file(value);
  }
  return undefined;
}

/** The open editor's text wins over the disk; a binary (DER) file is read as DER. */
async function analyzeUri(services: Services, uri: vscode.Uri): Promise<DocumentAnalysis> {
  const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
  if (open) {
    return services.cache.analyze(open.getText(), uri.path);
  }
  const bytes = await vscode.workspace.fs.readFile(uri);
  const text = decodeFileText(bytes);
  return text === undefined ? analyzeBinary(bytes, { passwords: services.cache.passwords }) : services.cache.analyze(text, uri.path);
}

async function certificatesOf(services: Services, uri: vscode.Uri): Promise<DocCertificate[]> {
  const analysis = await analyzeUri(services, uri);
  // A carrier's certificates form one group; a file's loose PEM blocks another (a fullchain file).
  const groups: DocCertificate[][] = [];
  let loose: DocCertificate[] | undefined;
  for (const entry of analysis.entries) {
    const certs = entry.objects.flatMap(o => (o.certificate ? [{ certificate: o.certificate, start: o.range.start, end: o.range.end, following: [] as CertificateInfo[] }] : []));
    if (!certs.length) {
      continue;
    }
    if (entry.carrier) {
      groups.push(certs);
    } else {
      if (!loose) {
        loose = [];
        groups.push(loose);
      }
      loose.push(...certs);
    }
  }
  for (const group of groups) {
    group.forEach((c, i) => { c.following = group.slice(i + 1).map(x => x.certificate); });
  }
  return groups.flat().sort((a, b) => a.start - b.start);
}

/** The issuers the index linked, leaf's issuer first; the self-signed top is the root. */
function linkedTrust(record: CertificateRecord | undefined, leaf: CertificateInfo): Trust {
  if (!record) {
    return { roots: [], intermediates: [], source: 'nothing: this certificate is not in the workspace index' };
  }
  if (record.issuerStatus === 'self-signed') {
    return { roots: [leaf], intermediates: [], source: `the certificate itself (self-signed, ${record.preferred.where})` };
  }
  const chain: CertificateRecord[] = [];
  for (let cur = record.issuer; cur && !chain.includes(cur) && chain.length < 8; cur = cur.issuer) {
    chain.push(cur);
  }
  const top = chain[chain.length - 1];
  if (!top || top.issuerStatus !== 'self-signed') {
    const missing = top ? shortName(top.certificate.issuer) : shortName(leaf.issuer);
    return { roots: [], intermediates: chain.map(r => r.certificate), source: `no root: ${missing} is not in the workspace` };
  }
  return {
    roots: [top.certificate],
    intermediates: chain.slice(0, -1).map(r => r.certificate),
    source: `the issuers linked in the workspace: ${chain.map(r => `${shortName(r.certificate.subject)} (${r.preferred.where})`).join(' ← ')}`,
  };
}

async function bundleTrust(services: Services, uri: vscode.Uri): Promise<Trust> {
  const certs = (await certificatesOf(services, uri)).map(c => c.certificate);
  return { roots: certs, intermediates: [], source: `${certs.length} certificate(s) of ${vscode.workspace.asRelativePath(uri)}` };
}

/** The name a client would dial: a kubeconfig server whose cluster CA issued it, else its first DNS or IP SAN. */
function suggestedHost(inventory: Inventory, record: CertificateRecord | undefined, leaf: CertificateInfo): string {
  if (record) {
    for (const kubeconfig of inventory.kubeconfigs) {
      for (const cluster of kubeconfig.clusters) {
        const host = cluster.server ? httpsHost(cluster.server) : undefined;
        if (host && cluster.caCertificates.some(ca => ca.record.issued.includes(record))) {
          return kubeconfig.model.clusters.find(c => c.index === cluster.index)?.tlsServerName || host;
        }
      }
    }
  }
  return leaf.subjectAltNames.find(s => s.type === 'DNS' || s.type === 'IP')?.value ?? '';
}

function defaultPurpose(leaf: CertificateInfo): VerifyPurpose {
  const ekus = leaf.extendedKeyUsage?.map(e => e.short) ?? [];
  return ekus.includes('clientAuth') && !ekus.includes('serverAuth') ? 'clientAuth' : 'serverAuth';
}

export class VerifyChainCommand {
  constructor(private readonly services: Services, private readonly documents: VerifyDocuments) {}

  async run(target?: unknown, options?: VerifyChainOptions): Promise<VerifyChainOutcome | undefined> {
    try {
      return await this.verify(target, options);
    } catch (e) {
      this.services.logger.error('verify chain failed', e);
      void vscode.window.showErrorMessage(`PKI Lens: the chain could not be verified: ${(e as Error).message}`);
      return undefined;
    }
  }

  private async verify(target: unknown, options: VerifyChainOptions | undefined): Promise<VerifyChainOutcome | undefined> {
    const interactive = options === undefined;
    const opts = options ?? {};
    const snapshot = this.services.index.snapshot ?? (await this.services.index.ready());
    const inventory = snapshot.inventory;
    const picked = await this.pickCertificate(inventory, target, opts.index, interactive);
    if (!picked) {
      return undefined;
    }
    const { leaf, following } = picked;
    const record = inventory.records.get(leaf.fingerprints.sha256);
    const trust = await this.pickTrust(record, leaf, opts.caBundle, interactive);
    if (!trust) {
      return undefined;
    }
    let host = opts.host;
    if (interactive) {
      host = await vscode.window.showInputBox({
        title: 'Verify Chain: host', prompt: 'The DNS name or IP address the client dials (empty: no host check)',
        value: suggestedHost(inventory, record, leaf), ignoreFocusOut: true,
      });
      if (host === undefined) {
        return undefined;
      }
    }
    let purpose = opts.purpose;
    if (interactive) {
      const first = defaultPurpose(leaf);
      const order: VerifyPurpose[] = first === 'clientAuth' ? ['clientAuth', 'serverAuth'] : ['serverAuth', 'clientAuth'];
      const choice = await vscode.window.showQuickPick(order.map(p => ({ label: p, description: p === 'serverAuth' ? 'a TLS server (API server, etcd, webhook)' : 'a TLS client (kubectl user, kubelet, etcd client)' })), { title: 'Verify Chain: purpose' });
      if (!choice) {
        return undefined;
      }
      purpose = choice.label as VerifyPurpose;
    }
    const at = opts.at !== undefined ? new Date(opts.at) : undefined;
    if (at && Number.isNaN(at.getTime())) {
      throw new Error(`"at" is not a time: ${String(opts.at)}`);
    }
    const result = await verifyChain(
      { leaf, intermediates: [...following, ...trust.intermediates], roots: trust.roots },
      { at, host: host?.trim() || undefined, purpose: purpose ?? 'serverAuth' },
    );
    const title = `${shortName(leaf.subject)}${record ? ` (${record.preferred.where})` : ''}`;
    const whereOf = (cert: CertificateInfo) => inventory.records.get(cert.fingerprints.sha256)?.preferred.where;
    const text = renderVerificationText(result, { title, whereOf, trustSource: trust.source });
    const uri = this.documents.add(leaf.subject.commonName ?? 'certificate', text);
    if (opts.show !== false) {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
    }
    return { result, uri, text };
  }

  private async pickCertificate(inventory: Inventory, target: unknown, index: number | undefined, interactive: boolean): Promise<{ leaf: CertificateInfo; following: CertificateInfo[] } | undefined> {
    const fingerprint = typeof target === 'object' && target && 'fingerprint' in target ? (target as { fingerprint?: unknown }).fingerprint : undefined;
    if (typeof fingerprint === 'string' && inventory.records.has(fingerprint)) {
      return { leaf: inventory.records.get(fingerprint)!.certificate, following: [] };
    }
    const named = asUri(target) ?? (typeof target === 'object' && target ? asUri((target as { uri?: unknown }).uri) ?? asUri((target as { resourceUri?: unknown }).resourceUri) : undefined);
    const editor = vscode.window.activeTextEditor;
    const uri = named ?? editor?.document.uri;
    if (uri) {
      const certs = await certificatesOf(this.services, uri);
      let chosen = index !== undefined ? certs[index] : undefined;
      if (index === undefined && editor && editor.document.uri.toString() === uri.toString()) {
        const offset = editor.document.offsetAt(editor.selection.active);
        chosen = certs.find(c => c.start <= offset && offset <= c.end);
      }
      chosen ??= named && index === undefined ? certs[0] : undefined;
      if (chosen) {
        return { leaf: chosen.certificate, following: chosen.following };
      }
      if (named && !interactive) {
        throw new Error(index !== undefined ? `${vscode.workspace.asRelativePath(uri)} has no certificate #${index} (it has ${certs.length})` : `no certificate in ${vscode.workspace.asRelativePath(uri)}`);
      }
    }
    if (!interactive) {
      throw new Error('no certificate given and none under the cursor');
    }
    const items = [...inventory.records.values()].map(r => ({ label: shortName(r.certificate.subject) || r.fingerprint, description: r.preferred.where, record: r }));
    if (!items.length) {
      void vscode.window.showInformationMessage('PKI Lens: no certificate in the workspace to verify.');
      return undefined;
    }
    const choice = await vscode.window.showQuickPick(items, { title: 'Verify Chain: certificate', matchOnDescription: true });
    return choice && { leaf: choice.record.certificate, following: [] };
  }

  private async pickTrust(record: CertificateRecord | undefined, leaf: CertificateInfo, caBundle: VerifyChainOptions['caBundle'], interactive: boolean): Promise<Trust | undefined> {
    const bundle = asUri(caBundle);
    if (bundle) {
      return bundleTrust(this.services, bundle);
    }
    const linked = linkedTrust(record, leaf);
    if (!interactive) {
      return linked;
    }
    const choice = await vscode.window.showQuickPick([
      { label: 'Linked issuers', description: linked.source, pick: 'linked' as const },
      { label: 'A CA bundle file…', description: 'trust every certificate of a file you choose', pick: 'file' as const },
    ], { title: 'Verify Chain: trust anchors' });
    if (!choice) {
      return undefined;
    }
    if (choice.pick === 'linked') {
      return linked;
    }
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Trust these CAs', filters: { Certificates: ['crt', 'pem', 'cer', 'der', 'conf', 'yaml', 'yml', 'kubeconfig'], All: ['*'] } });
    return files?.[0] && bundleTrust(this.services, files[0]);
  }
}
