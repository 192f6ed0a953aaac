import vscode = require('vscode');
import { validityState } from '../../core/x509/expiry';
import { CertificateNode, Inventory, InventoryFile } from '../../core/inventory/inventory';
import { shortName } from '../../core/x509/name';
import { shortValidityPhrase } from '../../core/render/time';
import { Services } from '../../services';
import type { IndexSnapshot } from '../../workspace/index';
import { displayPath } from './keys';
import { RenewCancelled, RenewCommandError, RenewInvocation } from './model';
import { coversOffset, offsetIn } from '../decode/targets';

/**
 * What the command arguments name, as certificate occurrences of the workspace index: a file
 * (and `index`), a tree node, the certificate or carrier under the editor's cursor, or the
 * user's choice from a quick pick of every certificate, soonest expiry first.
 */

export type TargetKind = 'certificate' | 'ca';

/** The inventory file behind a URI (a symlink's target and the link are one file). */
export function inventoryFileOf(services: Services, snapshot: IndexSnapshot, uri: vscode.Uri): InventoryFile | undefined {
  const direct = snapshot.inventory.fileByUri.get(uri.toString());
  if (direct) {
    return direct;
  }
  const identity = services.index.file(uri)?.identity;
  const reported = identity && snapshot.files.find(f => f.identity === identity);
  return reported ? snapshot.inventory.fileByUri.get(reported.uri.toString()) : undefined;
}

/**
 * The certificates `index` counts: in a kubeconfig its users' client certificates (a path
 * carrier's file included), elsewhere every certificate of the file, in document order.
 */
export function certificatesOf(file: InventoryFile): CertificateNode[] {
  if (file.kubeconfigs.length) {
    return file.kubeconfigs.flatMap(k => k.users.map(u => u.certificates[0]).filter((c): c is CertificateNode => !!c));
  }
  return file.certificates;
}

/** `admin.conf › kubernetes-admin` for a kubeconfig user, the CN otherwise. */
export function labelOf(node: CertificateNode): string {
  const owner = node.carrier?.owner;
  if (owner?.kind === 'kubeconfig-user') {
    return `${node.file.name} › ${owner.name}`;
  }
  return shortName(node.certificate.subject);
}

/** The kubeconfig user presenting this certificate, if any. */
export function kubeconfigUserOf(inventory: Inventory, node: CertificateNode) {
  for (const kubeconfig of inventory.kubeconfigs) {
    const user = kubeconfig.users.find(u => u.certificates[0] === node);
    if (user) {
      return { kubeconfig, user };
    }
  }
  return undefined;
}

/** The certificate under a position: its PEM block, or its carrier's key or value. */
function nodeAt(snapshot: IndexSnapshot, file: InventoryFile, at: vscode.Position): CertificateNode | undefined {
  const text = snapshot.byUri.get(file.uri)?.text;
  if (text === undefined) {
    return file.certificates[0];
  }
  const offset = offsetIn(text, at);
  const hit = file.certificates.find(n => coversOffset(n, offset));
  if (hit) {
    return hit;
  }
  // On a kubeconfig user's key (or anywhere in its entry), the user's certificate is meant.
  for (const kubeconfig of file.kubeconfigs) {
    for (const user of kubeconfig.users) {
      const key = user.keyCarrier;
      if (key && offset >= key.keyRange.start && offset <= key.valueRange.end && user.certificates[0]) {
        return user.certificates[0];
      }
    }
  }
  return undefined;
}

function isSelfSigned(node: CertificateNode): boolean {
  return node.record.issuerStatus === 'self-signed';
}

/**
 * The occurrences to renew. `certificate`: leaves and intermediates (a self-signed certificate is
 * renewed with its own key, as `renewCa` does); `ca`: self-signed certificates only.
 */
export async function resolveTargets(services: Services, snapshot: IndexSnapshot, inv: RenewInvocation, kind: TargetKind): Promise<CertificateNode[]> {
  const inventory = snapshot.inventory;
  if (inv.selection) {
    const nodes: CertificateNode[] = [];
    for (const el of inv.selection) {
      const file = inventoryFileOf(services, snapshot, el.uri);
      const node = file && ((el.fingerprint && file.certificates.find(c => c.fingerprint === el.fingerprint)) || (el.at && nodeAt(snapshot, file, el.at)));
      if (node && !nodes.includes(node)) {
        nodes.push(node);
      }
    }
    if (!nodes.length) {
      throw new RenewCommandError('no-certificate', 'none of the selected items is a certificate the workspace index holds');
    }
    return nodes;
  }

  let uri = inv.uri;
  let at = inv.at;
  const editor = vscode.window.activeTextEditor;
  if (!uri && editor) {
    // No file named: the editor's, and what is under its cursor.
    uri = editor.document.uri;
    at = editor.selection.active;
  } else if (uri && !at && !inv.explicit && !inv.fingerprint && editor?.document.uri.toString() === uri.toString()) {
    // The editor's context menu names the file; the cursor says which certificate.
    at = editor.selection.active;
  }
  if (!uri) {
    return [await pickFromWorkspace(snapshot, kind, inv.interactive)];
  }

  const file = inventoryFileOf(services, snapshot, uri);
  if (!file) {
    if (!inv.uri && inv.interactive) {
      return [await pickFromWorkspace(snapshot, kind, true)];
    }
    throw new RenewCommandError('no-certificate', `${displayPath(uri)} holds no certificate the workspace index knows (it may lie outside the workspace folders or be excluded by pkiLens.scan.exclude)`);
  }
  const listed = certificatesOf(file);
  const what = file.kubeconfigs.length ? 'user client certificate' : 'certificate';

  if (inv.fingerprint) {
    const node = file.certificates.find(c => c.fingerprint === inv.fingerprint && (!at || nodeAt(snapshot, file, at) === c))
      ?? file.certificates.find(c => c.fingerprint === inv.fingerprint)
      ?? inventory.records.get(inv.fingerprint)?.preferred;
    if (node) {
      return [node];
    }
  }
  if (inv.options.index !== undefined) {
    const node = listed[inv.options.index];
    if (!node) {
      throw new RenewCommandError('no-certificate', `${displayPath(uri)} has ${listed.length} ${what}${listed.length === 1 ? '' : 's'}; index ${inv.options.index} is out of range (counting from 0)`);
    }
    return [node];
  }
  if (at) {
    const node = nodeAt(snapshot, file, at);
    if (node) {
      return [node];
    }
  }
  if (kind === 'ca') {
    const cas = file.certificates.filter(isSelfSigned);
    if (!cas.length) {
      throw new RenewCommandError('no-certificate', `${displayPath(uri)} holds no self-signed CA certificate (an intermediate CA is renewed by its issuer: use Renew Certificate)`);
    }
    return cas.length === 1 || !inv.interactive ? [cas[0]] : [await pickAmong(snapshot, cas, `Which CA of ${file.name}?`)];
  }
  if (!listed.length) {
    throw new RenewCommandError('no-certificate', `${displayPath(uri)} holds no ${what}`);
  }
  if (file.kubeconfigs.length) {
    return listed; // every user; those the chosen CA did not issue are skipped later
  }
  if (listed.length === 1) {
    return [listed[0]];
  }
  // Several (a Secret's ca.crt and tls.crt, a chain): without a choice, the first that is not a CA's own copy.
  return inv.interactive ? [await pickAmong(snapshot, listed, `Which certificate of ${file.name}?`)] : [listed.find(n => !isSelfSigned(n)) ?? listed[0]];
}

/** Every expired or expiring certificate, as the Problems panel shows them (`cert-expired`, `cert-expiring`). */
export function expiringTargets(snapshot: IndexSnapshot, within?: vscode.Uri): CertificateNode[] {
  const codes = new Set(['cert-expired', 'cert-expiring']);
  const flagged = new Set(snapshot.findings.filter(f => codes.has(f.code)).map(f => `${f.uri}\n${f.range.start}`));
  const prefix = within && (within.path.endsWith('/') ? within.toString() : `${within.toString()}/`);
  const seen = new Set<string>();
  const out: CertificateNode[] = [];
  for (const node of snapshot.inventory.certificates) {
    if (!flagged.has(`${node.file.uri}\n${node.range.start}`) || seen.has(node.fingerprint)) {
      continue;
    }
    if (within && node.file.uri !== within.toString() && !node.file.uri.startsWith(prefix!)) {
      continue;
    }
    seen.add(node.fingerprint);
    // Within a folder, the occurrence found there; otherwise the one people are pointed at.
    out.push(within ? node : node.record.preferred);
  }
  return out;
}

interface NodeItem extends vscode.QuickPickItem {
  node: CertificateNode;
}

function itemOf(snapshot: IndexSnapshot, node: CertificateNode): NodeItem {
  const cert = node.certificate;
  const state = validityState(cert, snapshot.now, snapshot.thresholdsFor(node.file.uri));
  const icon = state === 'expired' || state === 'not-yet-valid' ? '$(error)' : state === 'expiring' ? '$(warning)' : '$(pass)';
  const issuer = node.record.issuerStatus === 'self-signed' ? 'self-signed'
    : node.record.issuer ? `issued by ${shortName(node.record.issuer.certificate.subject)}${node.record.issuer.privateKeys.length ? '' : ' (CA key not in workspace)'}`
      : `issuer ${shortName(cert.issuer)} not in workspace`;
  return {
    label: `${icon} ${labelOf(node)}`,
    description: `${shortValidityPhrase(cert.notBefore, cert.notAfter, snapshot.now)} · ${node.where}`,
    detail: issuer,
    node,
  };
}

async function pickAmong(snapshot: IndexSnapshot, nodes: CertificateNode[], placeHolder: string): Promise<CertificateNode> {
  const picked = await vscode.window.showQuickPick(nodes.map(n => itemOf(snapshot, n)), { placeHolder, matchOnDescription: true, matchOnDetail: true });
  if (!picked) {
    throw new RenewCancelled();
  }
  return picked.node;
}

/** Every certificate of the workspace (one row per distinct certificate), soonest expiry first. */
async function pickFromWorkspace(snapshot: IndexSnapshot, kind: TargetKind, interactive: boolean): Promise<CertificateNode> {
  if (!interactive) {
    throw new RenewCommandError('no-certificate', 'no certificate named: pass the file URI (and index)');
  }
  const records = [...snapshot.inventory.records.values()]
    .filter(r => (kind === 'ca' ? r.issuerStatus === 'self-signed' : true))
    .sort((a, b) => a.certificate.notAfter.getTime() - b.certificate.notAfter.getTime());
  if (!records.length) {
    throw new RenewCommandError('no-certificate', kind === 'ca' ? 'the workspace holds no self-signed CA certificate' : 'the workspace holds no certificate');
  }
  return pickAmong(snapshot, records.map(r => r.preferred), kind === 'ca' ? 'Renew which CA (same key)?' : 'Renew which certificate? (soonest expiry first)');
}
