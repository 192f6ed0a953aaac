/**
 * The expiry timeline and the actionable expiry table as data: one row per certificate of the
 * workspace (a record, however many files hold it), in trust order — each CA directly above what it
 * issued, so a CA that expires before its leaves shows at a glance. Pure: the webview only draws
 * what this decides, and the unit tests judge it without a browser.
 */
import type { CertificateRecord, Inventory } from '../inventory/inventory';
import { DAY } from '../x509/time';
import { ExpiryThresholds, validityState } from '../x509/expiry';
import { certificateLabel, kubeconfigUsersByRecord, shortUserName } from './labels';
import { kubeadmDate, residualTime } from './report';
import { authorityName, externallyManaged, isAuthority, reportRowName } from './reportInput';
import { runStraight } from '../slices';
import { sortInSteps } from '../collections';

export type TimelineState = 'valid' | 'expiring' | 'expired' | 'not-yet-valid';

export interface TimelineRow {
  /** The certificate's SHA-256 fingerprint: stable across rebuilds, so a bar keeps its identity when renewed… until its bytes change. */
  id: string;
  /** The issuing CA's row id when it is shown above this row. */
  parent?: string;
  /** Nesting under CAs (0 for a root or a certificate whose issuer is not in the workspace). */
  depth: number;
  /** The tree's label: `kube-apiserver`, a kubeconfig user's short name (`kubernetes-admin`, `cp-1`). */
  label: string;
  /** What the tree's description adds: the kubeconfig file a user is in (`admin.conf`). */
  note?: string;
  /** The full kubeconfig user name or subject, for the tooltip (`kubelet.conf › system:node:cp-1`). */
  fullLabel: string;
  /** The report's row name (workspace path), as `pki-lens check` and the text report print it. */
  name: string;
  /** Where the preferred occurrence is: `pki/ca.crt`, `admin.conf users[0]…`. */
  where: string;
  /** The workspace folder-relative directory of that file (`pki/etcd`; `` at the root). */
  folder: string;
  ca: boolean;
  state: TimelineState;
  notBefore: number;
  notAfter: number;
  /** Where the warning window begins (by the resource's warningDays and lifetime percentage). */
  warnFrom: number;
  expires: string;
  residual: string;
  authority: string;
  externallyManaged: boolean;
  /** Expired or expiring, and the key to re-sign it is in the workspace. */
  renewable: boolean;
  /** The preferred occurrence: file URI and offsets, to reveal and to renew. */
  uri: string;
  start: number;
  end: number;
}

export interface TimelineModel {
  now: number;
  rows: TimelineRow[];
  /** Earliest NotBefore and latest NotAfter (the "all" zoom). */
  first: number;
  last: number;
  /** CA rows, for the "by CA" filter. */
  authorities: { id: string; label: string }[];
  folders: string[];
}

/** Start of the warning window: whichever threshold is reached first (`validityState` treats either as enough). */
export function warningStart(notBefore: number, notAfter: number, t: ExpiryThresholds): number {
  const byDays = notAfter - t.warningDays * DAY;
  const byLifetime = notBefore + ((notAfter - notBefore) * t.warningLifetimePercent) / 100;
  return Math.max(notBefore, Math.min(byDays, byLifetime));
}

/** Rows made between two steps of `timelineSteps` (a row: labels, the state, the authority's name). */
export const ROWS_PER_STEP = 512;

export function timelineModel(inventory: Inventory, now: Date, thresholdsFor: (uri: string) => ExpiryThresholds): TimelineModel {
  return runStraight(timelineSteps(inventory, now, thresholdsFor));
}

/**
 * `timelineModel` a step every ROWS_PER_STEP rows (yielding how many are made) and every sorted run, so the panel makes it in the
 * extension host's slices after each build: at 10,000 certificates the model in one piece was a task
 * of 81 ms in the host, 122 ms in Node at its first run.
 */
export function* timelineSteps(inventory: Inventory, now: Date, thresholdsFor: (uri: string) => ExpiryThresholds): Generator<number | void, TimelineModel, void> {
  const users = kubeconfigUsersByRecord(inventory);
  const rows: TimelineRow[] = [];
  const seen = new Set<CertificateRecord>();
  const byResidual = (a: CertificateRecord, b: CertificateRecord) =>
    a.certificate.notAfter.getTime() - b.certificate.notAfter.getTime() || certificateLabel(a).localeCompare(certificateLabel(b));

  const row = (record: CertificateRecord, depth: number, parent?: string): TimelineRow => {
    const node = record.preferred;
    const cert = record.certificate;
    const user = users.get(record)?.[0];
    const thresholds = thresholdsFor(node.file.uri);
    const state = validityState(cert, now, thresholds);
    // Renewal re-signs: with the certificate's own key when self-signed, else with its issuer's.
    const signerKey = record.issuerStatus === 'self-signed' ? record.hasKeyInWorkspace : !!record.issuer?.hasKeyInWorkspace;
    const slash = node.file.relativePath.lastIndexOf('/');
    return {
      id: record.fingerprint, parent, depth,
      label: user ? shortUserName(user.user.name) : certificateLabel(record),
      note: user?.file,
      fullLabel: user ? `${user.file} › ${user.user.name}` : cert.subject.text || certificateLabel(record),
      name: reportRowName(node, inventory),
      where: node.where,
      folder: slash < 0 ? '' : node.file.relativePath.slice(0, slash),
      ca: isAuthority(record),
      state,
      notBefore: cert.notBefore.getTime(),
      notAfter: cert.notAfter.getTime(),
      warnFrom: warningStart(cert.notBefore.getTime(), cert.notAfter.getTime(), thresholds),
      expires: kubeadmDate(cert.notAfter),
      residual: residualTime(cert.notBefore, cert.notAfter, now),
      authority: authorityName(record, inventory),
      externallyManaged: externallyManaged(record),
      renewable: (state === 'expired' || state === 'expiring') && signerKey,
      uri: node.file.uri, start: node.range.start, end: node.range.end,
    };
  };

  // Depth-first with an explicit stack: a deep (or hostile) chain costs no call stack. Each root of
  // `roots` in turn, by index (a generator's for…of makes an object per item).
  function* visit(roots: readonly CertificateRecord[]): Generator<number | void, void, void> {
    for (let i = 0; i < roots.length; i++) {
      const stack: { record: CertificateRecord; depth: number; parent?: string }[] = [{ record: roots[i], depth: 0 }];
      while (stack.length) {
        const { record, depth, parent } = stack.pop()!;
        if (seen.has(record)) {
          continue;
        }
        seen.add(record);
        rows.push(row(record, depth, parent));
        if (rows.length % ROWS_PER_STEP === 0) {
          yield rows.length; // the rows made so far (the tests hold each step to ROWS_PER_STEP)
        }
        const issued = record.issued.filter(c => c.issuer === record && !seen.has(c));
        // A CA of thousands of leaves: its sort in steps too.
        const children = issued.length > ROWS_PER_STEP ? yield* sortInSteps(issued, byResidual, ROWS_PER_STEP) : issued.sort(byResidual);
        for (let k = children.length - 1; k >= 0; k--) {
          stack.push({ record: children[k], depth: depth + 1, parent: record.fingerprint });
        }
      }
    }
  }
  const records = [...inventory.records.values()];
  const roots = yield* sortInSteps(records.filter(r => !r.issuer), byResidual, ROWS_PER_STEP);
  // CAs (and what they issued) first, then certificates whose issuer is not in the workspace.
  yield* visit(roots.filter(isAuthority));
  yield* visit(roots.filter(r => !isAuthority(r)));
  // Anything left is in an issuer cycle (A signed B signed A): shown flat rather than lost. Only
  // those are sorted (a stable sort: in the order a sort of every record would give them).
  yield* visit(records.filter(r => !seen.has(r)).sort(byResidual));

  let first = now.getTime();
  let last = now.getTime();
  for (const r of rows) {
    first = Math.min(first, r.notBefore);
    last = Math.max(last, r.notAfter);
  }
  return {
    now: now.getTime(), rows, first, last,
    authorities: rows.filter(r => r.ca).map(r => ({ id: r.id, label: r.label })),
    folders: [...new Set(rows.map(r => r.folder))].sort(),
  };
}
