import vscode = require('vscode');
import { MaterialEntry } from '../../core/analyze';
import { push } from '../../core/collections';
import { ValidityState, validityState } from '../../core/x509/expiry';
import type { EndpointReport } from '../../core/probe/types';
import { CertificateNode, CertificateRecord, KubeconfigUserNode, PrivateKeyNode, PublicKeyNode, RequestNode } from '../../core/inventory/inventory';
import type { InventoryFile } from '../../core/inventory/model';
import { shortName } from '../../core/x509/name';
import { HoverContext, KeyPairing as HoverKeyPairing, md, renderObject } from '../../core/render/hover';
import { certificateLabel, kubeconfigUsersByRecord, shortUserName } from '../../core/render/labels';
import { compactValidity } from '../../core/render/time';
import type { Finding } from '../../workspace/build';
import type { IndexSnapshot } from '../../workspace/index';
import type { IndexedFile } from '../../workspace/model';
import { rangeIn } from './diagnostics';
import { servedByCertificate, servedElement } from './servedNode';
import type { InventoryTreeElement, NodeState } from './treeElement';

export type Grouping = 'trust' | 'file';

export type { InventoryTreeElement, NodeState } from './treeElement';

interface Ctx {
  snapshot: IndexSnapshot;
  /** Findings by `uri\nstart`, to colour nodes and list problems in tooltips. */
  findings: Map<string, Finding[]>;
  usersByRecord: Map<CertificateRecord, { user: KubeconfigUserNode; file: string }[]>;
  /** Keys paired by location with a certificate (matching or not). */
  pairedKeys: Map<CertificateRecord, PrivateKeyNode[]>;
  /** The last probe's reports by the certificate they should match (`uri\nstart`). */
  served: Map<string, EndpointReport[]>;
}

const NEVER = Number.POSITIVE_INFINITY;

/** The whole tree for one snapshot, in the chosen grouping. Built eagerly: it is small next to the inventory. */
export function buildTree(snapshot: IndexSnapshot, grouping: Grouping, served: readonly EndpointReport[] = []): InventoryTreeElement[] {
  const ctx: Ctx = { snapshot, findings: new Map(), usersByRecord: kubeconfigUsersByRecord(snapshot.inventory), pairedKeys: new Map(), served: servedByCertificate(served) };
  for (const key of snapshot.inventory.privateKeys) {
    const partner = key.pairing?.certificates[0];
    if (partner) {
      push(ctx.pairedKeys, partner.record, key);
    }
  }
  for (const f of snapshot.findings) {
    push(ctx.findings, `${f.uri}\n${f.range.start}`, f);
  }
  return grouping === 'trust' ? trustTree(ctx) : fileTree(ctx);
}

// ------------------------------------------------------------------ trust grouping

function trustTree(ctx: Ctx): InventoryTreeElement[] {
  const inv = ctx.snapshot.inventory;
  const roots: InventoryTreeElement[] = [];
  const orphans: InventoryTreeElement[] = [];
  const placed = new Set<PrivateKeyNode>();
  for (const record of inv.records.values()) {
    if (record.issuer) {
      continue; // shown beneath its issuer
    }
    const anchor = record.issuerStatus === 'self-signed' || record.certificate.isCa || record.issued.length > 0;
    const node = certificateTree(ctx, record, anchor ? 'trust' : 'trust/orphans', new Set(), placed);
    (anchor ? roots : orphans).push(node);
  }
  sortByResidual(roots);
  const groups: InventoryTreeElement[] = [];
  if (orphans.length) {
    groups.push(group('trust/orphans', 'Issuer not in workspace', orphans));
  }
  // A request's own key (the key beside it that matches) sits beneath the request, not among the loose keys.
  const requests = inv.requests.map(r => {
    const keys = r.keys.filter(k => !k.certificates.length && k.key.publicKey?.id === r.csr.publicKey.id);
    keys.forEach(k => placed.add(k));
    return requestElement(ctx, r, 'trust/requests', keys.map(k => keyElement(ctx, k, `trust/requests/${r.file.uri}`)));
  });
  const loose = [
    ...inv.privateKeys.filter(k => !placed.has(k)).map(k => keyElement(ctx, k, 'trust/keys')),
    ...inv.publicKeys.filter(p => !p.certificates.length).map(p => publicKeyElement(ctx, p, 'trust/keys')),
  ];
  if (loose.length) {
    groups.push(group('trust/keys', 'Keys without a certificate', loose, false));
  }
  if (requests.length) {
    groups.push(group('trust/requests', 'Certificate requests', requests, false));
  }
  const broken = brokenElements(ctx, 'trust/broken');
  if (broken.length) {
    groups.push(group('trust/broken', 'Cannot be decoded', broken, false));
  }
  // Their certificates also sit beneath their issuer above; here they are found by where they live.
  const outside = ctx.snapshot.inventory.files.filter(isOutside).map(file => fileElement(ctx, file, 'trust/outside/'));
  if (outside.length) {
    groups.push(group('trust/outside', OUTSIDE_LABEL, outside.sort(byLabel), false));
  }
  return [...roots, ...groups];
}

/** A certificate with what it issued (recursively), its keys, and the kubeconfig users presenting it. */
function certificateTree(ctx: Ctx, record: CertificateRecord, parentId: string, seen: Set<CertificateRecord>, placed: Set<PrivateKeyNode>): InventoryTreeElement {
  seen.add(record);
  const users = ctx.usersByRecord.get(record) ?? [];
  const id = `${parentId}/${record.fingerprint}`;
  const children: InventoryTreeElement[] = [];
  for (const issued of record.issued) {
    if (!seen.has(issued) && issued.issuer === record) {
      children.push(certificateTree(ctx, issued, id, seen, placed));
    }
  }
  sortByResidual(children);
  // Keys: those holding this certificate's key pair, and those that sit where its key belongs but do not match.
  const keys = new Set<PrivateKeyNode>([...record.privateKeys, ...(ctx.pairedKeys.get(record) ?? [])]);
  for (const k of keys) {
    placed.add(k);
    children.push(keyElement(ctx, k, id));
  }
  const user = users[0] && { file: users[0].file, name: users[0].user.name };
  return certificateElement(ctx, record.preferred, id, user ? shortUserName(user.name) : certificateLabel(record), user, children, !!record.issued.length, true);
}

// ------------------------------------------------------------------ file grouping

/** Files from `pkiLens.scan.extraKubeconfigs`: in no workspace folder. */
const OUTSIDE_LABEL = 'Outside the workspace';
const isOutside = (file: InventoryFile) => !vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(file.uri));
const byLabel = (a: InventoryTreeElement, b: InventoryTreeElement) => a.label.localeCompare(b.label);

function fileTree(ctx: Ctx): InventoryTreeElement[] {
  const byFolder = new Map<string, InventoryTreeElement[]>();
  const outside: InventoryTreeElement[] = [];
  for (const file of ctx.snapshot.inventory.files) {
    if (isOutside(file)) {
      outside.push(fileElement(ctx, file, 'file/outside/'));
    } else {
      push(byFolder, file.folder.replace(/\/$/, ''), fileElement(ctx, file, 'file/'));
    }
  }
  const top: InventoryTreeElement[] = [];
  for (const folder of [...byFolder.keys()].sort()) {
    const files = byFolder.get(folder)!.sort(byLabel);
    if (folder === '') {
      continue;
    }
    top.push({ id: `folder/${folder}`, label: folder, contextValue: 'pki-folder', state: worst(files.map(f => f.state)), notAfter: Math.min(NEVER, ...files.map(f => f.notAfter)), children: files });
  }
  top.push(...(byFolder.get('')?.sort(byLabel) ?? []));
  if (outside.length) {
    top.push(group('file/outside', OUTSIDE_LABEL, outside.sort(byLabel), false));
  }
  return top;
}

/** One file with its material in document order (its certificates, keys, and what failed to decode). */
function fileElement(ctx: Ctx, file: InventoryFile, idPrefix: string): InventoryTreeElement {
  const indexed = ctx.snapshot.byUri.get(file.uri);
  const id = `${idPrefix}${file.uri}`;
  const children: InventoryTreeElement[] = [];
  const usersByObject = new Map<unknown, KubeconfigUserNode>();
  for (const kc of file.kubeconfigs) {
    for (const user of kc.users) {
      if (user.certificates[0]?.file === file) {
        usersByObject.set(user.certificates[0].object, user);
      }
    }
  }
  const items: { start: number; el: InventoryTreeElement }[] = [];
  for (const cert of file.certificates) {
    const user = usersByObject.get(cert.object);
    const label = user ? shortUserName(user.name) : certificateLabel(cert.record);
    items.push({ start: cert.range.start, el: certificateElement(ctx, cert, `${id}/${cert.entryIndex}.${cert.objectIndex}`, label, user && { file: file.name, name: user.name }, [], cert.certificate.isCa, false) });
  }
  for (const key of file.privateKeys) {
    items.push({ start: key.range.start, el: keyElement(ctx, key, id) });
  }
  for (const pub of file.publicKeys) {
    items.push({ start: pub.range.start, el: publicKeyElement(ctx, pub, id) });
  }
  for (const request of file.requests) {
    items.push({ start: request.range.start, el: requestElement(ctx, request, id) });
  }
  if (indexed) {
    items.push(...brokenInFile(ctx, indexed, id));
  }
  items.sort((a, b) => a.start - b.start);
  children.push(...items.map(i => i.el));
  const uri = indexed?.uri ?? vscode.Uri.parse(file.uri);
  const state = worst(children.map(c => c.state));
  return {
    id, label: file.name, contextValue: 'pki-file', state, uri,
    notAfter: Math.min(NEVER, ...children.map(c => c.notAfter)), children, tooltip: () => md(file.relativePath),
  };
}

// ------------------------------------------------------------------ elements

/** Judged by the thresholds of the folder the material is in, as its findings were. */
function hoverOf(ctx: Ctx, node: { file: { uri: string } }): HoverContext {
  return { now: ctx.snapshot.now, thresholds: ctx.snapshot.thresholdsFor(node.file.uri) };
}

/**
 * A certificate: its short name as label (a kubeconfig user's name without `system:node:`), the
 * compact residual time as description — followed by the kubeconfig's file name when the parent
 * node does not already say it — so the line fits the default sidebar width; the state is in the
 * icon; full path, full user name and details are in the tooltip.
 */
function certificateElement(
  ctx: Ctx, node: CertificateNode, id: string, label: string, user: { file: string; name: string } | undefined,
  children: InventoryTreeElement[], ca: boolean, fileInDescription: boolean,
): InventoryTreeElement {
  const kubeconfigUser = user && `${user.file} › ${user.name}`;
  const cert = node.certificate;
  const hover = hoverOf(ctx, node);
  const validity = validityState(cert, ctx.snapshot.now, hover.thresholds);
  const problems = findingsAt(ctx, node);
  const state = stateOf(validity, problems);
  const where = node.file.relativePath + (node.carrier && !kubeconfigUser ? ` ${node.carrier.path}` : '');
  const occurrences = node.record.occurrences.length;
  // What the last probe saw served where this file should be: first, as it is what the user probed for.
  children.unshift(...(ctx.served.get(`${node.file.uri}\n${node.range.start}`) ?? []).map(r => servedElement(r, id, ctx.snapshot.now)));
  const tooltip = () => [
    renderObject(node.object, hover, kubeconfigUser ? `Client certificate of ${md(kubeconfigUser)}` : cert.isCa ? 'CA certificate' : 'Certificate'),
    `${md(where)}${occurrences > 1 ? ` — also in ${occurrences - 1} other place${occurrences > 2 ? 's' : ''}` : ''}`,
    ...problemLines(problems),
  ].join('\n\n');
  return {
    id, label, state, tooltip, children,
    description: compactValidity(cert.notBefore, cert.notAfter, ctx.snapshot.now) + (user && fileInDescription ? ` · ${user.file}` : ''),
    contextValue: ca || cert.isCa ? 'pki-cert-ca' : kubeconfigUser ? 'pki-cert-leaf.kubeconfig-user' : 'pki-cert-leaf',
    uri: ctx.snapshot.byUri.get(node.file.uri)?.uri, range: rangeIn(ctx.snapshot, node.file.uri, node.range),
    fingerprint: node.fingerprint, notAfter: cert.notAfter.getTime(),
  };
}

function keyElement(ctx: Ctx, key: PrivateKeyNode, parentId: string): InventoryTreeElement {
  const problems = findingsAt(ctx, key);
  const mismatch = key.pairing?.matches === false;
  const partner = key.pairing?.certificates[0];
  const pairing: HoverKeyPairing | undefined = partner && key.pairing?.matches !== undefined
    ? { where: partner.where, subject: shortName(partner.certificate.subject), matches: key.pairing.matches }
    : undefined;
  const hover: HoverContext = { ...hoverOf(ctx, key), pairings: pairing ? new Map([[key.object, pairing]]) : undefined };
  return {
    id: `${parentId}/key:${key.file.uri}#${key.entryIndex}.${key.objectIndex}`,
    label: materialLabel(key.file.name, key.carrier?.path),
    description: `${key.key.description}${key.key.encrypted ? ' · encrypted' : ''}${mismatch ? ' · does not match' : ''}`,
    contextValue: 'pki-key',
    state: mismatch || problems.some(p => p.severity === 'error') ? 'broken' : 'none',
    tooltip: () => [renderObject(key.object, hover, 'Private key'), md(key.where), ...problemLines(problems)].join('\n\n'),
    uri: ctx.snapshot.byUri.get(key.file.uri)?.uri, range: rangeIn(ctx.snapshot, key.file.uri, key.range),
    notAfter: NEVER, children: [],
  };
}

function publicKeyElement(ctx: Ctx, pub: PublicKeyNode, parentId: string): InventoryTreeElement {
  const problems = findingsAt(ctx, pub);
  return {
    id: `${parentId}/pub:${pub.file.uri}#${pub.entryIndex}.${pub.objectIndex}`,
    label: materialLabel(pub.file.name, pub.carrier?.path),
    description: `${pub.publicKey.description} · public key${pub.privateKeys.length ? ` of ${pub.privateKeys[0].file.name}` : ''}`,
    contextValue: 'pki-key.public',
    state: problems.some(p => p.severity === 'error') ? 'broken' : 'none',
    tooltip: () => [renderObject(pub.object, hoverOf(ctx, pub), 'Public key'), md(pub.where), ...problemLines(problems)].join('\n\n'),
    uri: ctx.snapshot.byUri.get(pub.file.uri)?.uri, range: rangeIn(ctx.snapshot, pub.file.uri, pub.range),
    notAfter: NEVER, children: [],
  };
}

/** A certificate request: `pkiLens.signCsr` from its context menu and inline button (contextValue `pki-csr`). */
function requestElement(ctx: Ctx, request: RequestNode, parentId: string, children: InventoryTreeElement[] = []): InventoryTreeElement {
  const problems = findingsAt(ctx, request);
  const signer = request.spec?.signerName;
  return {
    id: `${parentId}/csr:${request.file.uri}#${request.entryIndex}.${request.objectIndex}`,
    label: request.spec ? `${request.file.name} › ${request.spec.name}` : request.file.name,
    description: `request ${shortName(request.csr.subject) || '(empty subject)'} · ${request.csr.publicKey.description}${signer ? ` · ${signer}` : ''}`,
    contextValue: 'pki-csr',
    state: problems.some(p => p.severity === 'error') ? 'broken' : 'none',
    tooltip: () => [renderObject(request.object, hoverOf(ctx, request), 'Certificate request'), md(request.where), ...problemLines(problems)].join('\n\n'),
    uri: ctx.snapshot.byUri.get(request.file.uri)?.uri, range: rangeIn(ctx.snapshot, request.file.uri, request.range),
    notAfter: NEVER, children,
  };
}

/** Entries and objects that failed to decode, anywhere in the workspace. */
function brokenElements(ctx: Ctx, parentId: string): InventoryTreeElement[] {
  return ctx.snapshot.files.flatMap(file => brokenInFile(ctx, file, parentId).map(b => b.el));
}

/** The failures of one file, with their offsets so the file view can keep document order. */
function brokenInFile(ctx: Ctx, file: IndexedFile, parentId: string): { start: number; el: InventoryTreeElement }[] {
  const out: { start: number; el: InventoryTreeElement }[] = [];
  const uri = file.uri.toString();
  file.analysis.entries.forEach((entry, entryIndex) => {
    const failures: { message: string; range: MaterialEntry['range'] }[] = [];
    if (entry.error) {
      failures.push({ message: entry.error, range: entry.range });
    }
    for (const o of entry.objects) {
      if (o.error) {
        failures.push({ message: o.error, range: o.range });
      }
    }
    failures.forEach((failure, i) => {
      const owner = entry.carrier?.owner;
      const user = owner?.kind === 'kubeconfig-user' ? owner.name : undefined;
      const who = owner && (owner.kind === 'kubeconfig-cluster' || owner.kind === 'secret') ? owner.name : entry.carrier?.path;
      const problems = ctx.findings.get(`${uri}\n${failure.range.start}`) ?? [];
      out.push({ start: failure.range.start, el: {
        id: `${parentId}/broken:${uri}#${entryIndex}.${i}`,
        label: user ? shortUserName(user) : materialLabel(file.name, who),
        description: user ? `cannot be decoded · ${file.name}` : 'cannot be decoded',
        contextValue: 'pki-broken',
        state: 'broken',
        tooltip: () => [`$(error) **Cannot decode** ${md(entry.carrier?.path ?? file.name)}${user ? ` of ${md(`${file.name} › ${user}`)}` : ''}: ${md(failure.message)}`, ...problemLines(problems)].join('\n\n'),
        uri: file.uri, range: file.lines.range(failure.range),
        notAfter: Number.NEGATIVE_INFINITY, children: [],
      } });
    });
  });
  return out;
}

function group(id: string, label: string, children: InventoryTreeElement[], sort = true): InventoryTreeElement {
  if (sort) {
    sortByResidual(children);
  }
  return { id, label, contextValue: 'pki-group', state: 'none', description: `${children.length}`, notAfter: NEVER, children };
}

// ------------------------------------------------------------------ helpers

function materialLabel(fileName: string, inner: string | undefined): string {
  return inner ? `${fileName} › ${inner}` : fileName;
}

function findingsAt(ctx: Ctx, node: { file: { uri: string }; range: { start: number } }): Finding[] {
  return ctx.findings.get(`${node.file.uri}\n${node.range.start}`) ?? [];
}

function problemLines(problems: Finding[]): string[] {
  return problems.map(p => `${p.severity === 'error' ? '$(error)' : p.severity === 'warning' ? '$(warning)' : '$(info)'} ${md(p.message)} \`${p.code}\``);
}

const VALIDITY_CODES = new Set(['cert-expired', 'cert-not-yet-valid', 'cert-expiring']);

function stateOf(validity: ValidityState, problems: Finding[]): NodeState {
  if (validity === 'expired' || validity === 'not-yet-valid') {
    return 'expired';
  }
  if (problems.some(p => p.severity === 'error' && !VALIDITY_CODES.has(p.code))) {
    return 'broken';
  }
  return validity === 'expiring' ? 'expiring' : 'valid';
}

const STATE_RANK: Record<NodeState, number> = { none: 0, valid: 1, expiring: 2, broken: 3, expired: 4 };

function worst(states: NodeState[]): NodeState {
  return states.reduce<NodeState>((w, s) => (STATE_RANK[s] > STATE_RANK[w] ? s : w), 'none');
}

/** Soonest to expire first; certificates before keys; ties by label. */
function sortByResidual(nodes: InventoryTreeElement[]): void {
  nodes.sort((a, b) => (a.notAfter === b.notAfter ? a.label.localeCompare(b.label) : a.notAfter < b.notAfter ? -1 : 1));
}
