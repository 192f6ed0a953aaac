import { CertificateNode, CertificateRecord, Inventory, KubeconfigNode, KubeconfigUserNode } from '../inventory/inventory';
import { formatDate } from '../render/time';
import { CertificateInfo } from '../x509/certificate';
import { nameKey, shortName } from '../x509/name';
import { runStraight } from '../slices';
import { Check, ITEMS_PER_STEP, ResolvedCheckOptions, RuleSteps, distinctRecords, relatedTo } from './finding';

/**
 * kubeconfig-stale-copy: a kubeconfig user's client certificate is superseded — the workspace holds
 * a newer certificate of the same issuer, subject and key purpose (typically admin.conf renewed
 * while `~/.kube/config` or a CI secret still holds the old one, kubernetes #89611). Warning; an
 * error once the old one has expired. Placed on the copy's client-certificate-data, related to the
 * newer certificate (in a kubeconfig when one holds it, where "Update from admin.conf" reads it).
 *
 * Linear: certificates are grouped once by subject, issuer and EKU; each group's newest is found once.
 * Stepped (core/slices.ts), like every rule that visits every certificate.
 */

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/**
 * Issuer, subject and the EKU set: certificates of one identity and purpose. The names by their DER
 * keys (`nameKey`, one string per name, which linking makes anyway), the EKU set spelled once per
 * distinct set: a key string of all three per certificate was 15 MB of the extension host's heap at
 * 100,000 certificates.
 */
interface ClientIdentity {
  issuer: string;
  subject: string;
  eku: string;
}

/**
 * Kept per certificate: a certificate's analysis outlives builds (content-keyed cache), and making
 * 10,000 keys again on every rebuild was this rule's whole cost.
 */
const identities = new WeakMap<CertificateInfo, ClientIdentity | null>();
/** Each EKU set's one spelling (a few sets among any number of certificates; bounded all the same). */
const ekuSets = new Map<string, string>();
const MAX_EKU_SETS = 1024;

/** The certificate's identity when it is a client certificate, else null: one lookup a certificate per build. */
function clientIdentity(c: CertificateInfo): ClientIdentity | null {
  let identity = identities.get(c);
  if (identity === undefined) {
    if (isClient(c)) {
      const spelled = (c.extendedKeyUsage ?? []).map(e => e.oid).sort().join(',');
      let eku = ekuSets.get(spelled);
      if (eku === undefined) {
        eku = spelled;
        if (ekuSets.size < MAX_EKU_SETS) {
          ekuSets.set(eku, eku);
        }
      }
      identity = { issuer: nameKey(c.issuer), subject: nameKey(c.subject), eku };
    } else {
      identity = null;
    }
    identities.set(c, identity);
  }
  return identity;
}

/** The newest certificate of each identity, by issuer, subject and EKU set. */
type Newest = Map<string, Map<string, Map<string, CertificateRecord>>>;

function newestOf(newest: Newest, { issuer, subject, eku }: ClientIdentity): CertificateRecord | undefined {
  return newest.get(issuer)?.get(subject)?.get(eku);
}

function setNewest(newest: Newest, { issuer, subject, eku }: ClientIdentity, record: CertificateRecord): void {
  let bySubject = newest.get(issuer);
  if (!bySubject) {
    bySubject = new Map();
    newest.set(issuer, bySubject);
  }
  let byEku = bySubject.get(subject);
  if (!byEku) {
    byEku = new Map();
    bySubject.set(subject, byEku);
  }
  byEku.set(eku, record);
}

const isClient = (c: CertificateInfo) => !c.isCa && (!c.extendedKeyUsage || c.extendedKeyUsage.some(e => e.oid === CLIENT_AUTH));

/** Later NotBefore wins; at a tie, later NotAfter. */
function newer(a: CertificateInfo, b: CertificateInfo): boolean {
  const before = a.notBefore.getTime() - b.notBefore.getTime();
  return before !== 0 ? before > 0 : a.notAfter.getTime() > b.notAfter.getTime();
}

/** Where the newer certificate is best shown: a kubeconfig holding it (admin.conf), else where the index prefers it. */
export function supersedingOccurrence(record: CertificateRecord): CertificateNode {
  return record.occurrences.find(o => o.file.kubeconfigs.length > 0) ?? record.preferred;
}

/** A kubeconfig user's client certificate and the newer certificate that supersedes it. */
export interface StaleCopy {
  kubeconfig: KubeconfigNode;
  user: KubeconfigUserNode;
  client: CertificateNode;
  latest: CertificateRecord;
  /** Where the newer one is shown and read from. */
  where: CertificateNode;
}

/** Every superseded client certificate held inline (`client-certificate-data`) by a kubeconfig user. */
export function staleCopies(inventory: Inventory): StaleCopy[] {
  return runStraight(staleCopySteps(inventory));
}

/** The same, handing the host a turn every ITEMS_PER_STEP certificates, then kubeconfigs (20–58 ms whole at 10,000). */
function* staleCopySteps(inventory: Inventory): Generator<void, StaleCopy[], void> {
  const newest: Newest = new Map();
  const records = distinctRecords(inventory);
  for (let seen = 0; seen < records.length; seen++) {
    if (seen % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const record = records[seen];
    const c = record.certificate;
    const identity = clientIdentity(c);
    if (identity === null) {
      continue;
    }
    const best = newestOf(newest, identity);
    if (!best || newer(c, best.certificate)) {
      setNewest(newest, identity, record);
    }
  }
  const out: StaleCopy[] = [];
  const kubeconfigs = inventory.kubeconfigs;
  for (let seen = 0; seen < kubeconfigs.length; seen++) {
    if (seen % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) {
      yield;
    }
    const kubeconfig = kubeconfigs[seen];
    for (const user of kubeconfig.users) {
      const client = user.certificates[0];
      const carrier = user.certificateCarrier;
      const identity = client && clientIdentity(client.certificate);
      if (!identity || !carrier || carrier.encoding !== 'base64') {
        continue;
      }
      const latest = newestOf(newest, identity);
      if (latest && latest !== client.record && newer(latest.certificate, client.certificate)) {
        out.push({ kubeconfig, user, client, latest, where: supersedingOccurrence(latest) });
      }
    }
  }
  return out;
}

export const checkKubeconfigStaleCopy: Check = function* (inventory: Inventory, options: ResolvedCheckOptions): RuleSteps {
  const copies = yield* staleCopySteps(inventory);
  return copies.map(({ kubeconfig, user, client, latest, where }) => {
    const old = client.certificate;
    const expired = options.now > old.notAfter;
    return {
      code: 'kubeconfig-stale-copy',
      severity: expired ? 'error' : 'warning',
      message: `Client certificate ${shortName(old.subject)} of user "${user.name}" is a stale copy: ${where.file.relativePath} holds a newer certificate of the same issuer, subject and purpose `
        + `(issued ${formatDate(latest.certificate.notBefore)}, valid until ${formatDate(latest.certificate.notAfter)}); this one ${expired ? 'expired' : 'expires'} ${formatDate(old.notAfter)}. Update it from ${where.file.name}.`,
      uri: kubeconfig.file.uri,
      range: client.file === kubeconfig.file ? client.range : user.certificateCarrier!.valueRange,
      related: [relatedTo(where, `the newer certificate ${shortName(latest.certificate.subject)}, valid until ${formatDate(latest.certificate.notAfter)}`)],
    };
  });
};
