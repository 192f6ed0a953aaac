// Phase 3 of linking: each certificate's issuer, found by subject DER and key identifier among the
// workspace's certificates and confirmed by its signature (self-signed certificates first).
import { appended, none, orNone, push, trimmed } from '../collections';
import { Pause, pauseEvery } from '../slices';
import { CertificateInfo } from '../x509/certificate';
import { nameKey } from '../x509/name';
import { CertificateRecord, InventoryStats } from './model';
import { SignatureCache, SignatureCheck, runLimited, verifySignature } from './signatureCache';

/** More same-named issuers than any real rollover produces; bounds the work on hostile input. */
const MAX_CANDIDATES = 16;

/**
 * Link every record to the issuers whose key verifies it; returns the signature work done. `pause`:
 * see core/slices.ts. Written for a relink, which runs it whole after every change of material: no
 * key string, spread or filtered copy per certificate (a relink of 10,000 certificates left 23 MB
 * of them behind), the tables two-level where a key had two parts.
 */
export async function linkIssuers(records: Map<string, CertificateRecord>, cache: SignatureCache, pause?: Pause): Promise<InventoryStats> {
  const bySubject = new Map<string, CertificateRecord[]>();
  /** By subject, then subject key identifier. */
  const bySubjectAndSki = new Map<string, Map<string, CertificateRecord[]>>();
  const bySubjectWithoutSki = new Map<string, CertificateRecord[]>();
  const bySki = new Map<string, CertificateRecord[]>();
  // Arrays walked by index: a Map's or an array's iterator across the turns made a result object per item.
  const list = Array.from(records.values());
  // The tables are only ever asked for a certificate's issuer name or authority key identifier: a
  // record whose subject names no certificate's issuer and whose key identifier none names stays
  // out (most leaves; the order of those kept is the records' order, as before). A table of every
  // record was a list, and a map, for each of 10,000 leaves at every relink.
  const issuerNames = new Set<string>();
  const authorityKeyIds = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const cert = list[i].certificate;
    issuerNames.add(nameKey(cert.issuer));
    if (cert.authorityKeyId) {
      authorityKeyIds.add(cert.authorityKeyId);
    }
    const turn = pauseEvery(pause, i, 'issuer names');
    if (turn) {
      await turn;
    }
  }
  for (let i = 0; i < list.length; i++) {
    const record = list[i];
    const subject = nameKey(record.certificate.subject);
    const ski = record.certificate.subjectKeyId;
    if (ski && authorityKeyIds.has(ski)) {
      push(bySki, ski, record);
    }
    if (issuerNames.has(subject)) {
      push(bySubject, subject, record);
      if (ski) {
        let byKey = bySubjectAndSki.get(subject);
        if (!byKey) {
          byKey = new Map();
          bySubjectAndSki.set(subject, byKey);
        }
        push(byKey, ski, record);
      } else {
        push(bySubjectWithoutSki, subject, record);
      }
    }
    const turn = pauseEvery(pause, i, 'issuer tables');
    if (turn) {
      await turn;
    }
  }
  const stats: InventoryStats = { verified: 0, cached: 0, milliseconds: 0 };
  const plans: Plan[] = [];
  for (let i = 0; i < list.length; i++) {
    const record = list[i];
    const cert = record.certificate;
    const issuer = nameKey(cert.issuer);
    const aki = cert.authorityKeyId;
    // Never scan a whole same-name list (thousands of self-signed "CN=localhost"): bounded lists only.
    const self = cert.selfIssued && (!aki || !cert.subjectKeyId || aki === cert.subjectKeyId);
    let candidates: CertificateRecord[];
    if (aki) {
      // The tables hold no empty list: a list found is one with records in it.
      const withKey = bySubjectAndSki.get(issuer)?.get(aki);
      const withoutKey = bySubjectWithoutSki.get(issuer);
      if (withKey || withoutKey) {
        candidates = boundedCandidates(record, self, withKey, withoutKey);
      } else {
        // The same name spelled in another string type or case still names the issuer (RFC 5280 name matching).
        const text = cert.issuer.text.toLowerCase();
        const sameKey = (bySki.get(aki) ?? []).slice(0, 4 * MAX_CANDIDATES).filter(c => c.certificate.subject.text.toLowerCase() === text);
        candidates = boundedCandidates(record, self, sameKey);
        if (!sameKey.length) {
          record.sameNameOtherKey = orNone((bySubject.get(issuer) ?? []).slice(0, MAX_CANDIDATES));
        }
      }
    } else {
      candidates = boundedCandidates(record, self, bySubject.get(issuer));
    }
    plans.push({ record, candidates, results: new Array(candidates.length) });
    const turn = pauseEvery(pause, i, 'issuer candidates');
    if (turn) {
      await turn;
    }
  }
  const check = async (plans: Plan[], selfOnly: boolean) => {
    const jobs: { plan: Plan; index: number }[] = [];
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i];
      const turn = pauseEvery(pause, i, 'signature verdicts');
      if (turn) {
        await turn;
      }
      const { record, candidates, results } = plan;
      for (let index = 0; index < candidates.length; index++) {
        if (results[index] || (selfOnly && candidates[index] !== record)) {
          continue;
        }
        const known = cache.get(record.certificate, candidates[index].certificate);
        if (known) {
          results[index] = known;
          stats.cached++;
        } else {
          jobs.push({ plan, index });
        }
      }
    }
    await runLimited(jobs, 32, async ({ plan, index }) => {
      plan.results[index] = await verifySignature(plan.record.certificate, plan.candidates[index].certificate, cache);
      stats.verified++;
    }, pause);
  };
  // Self-signed certificates first: when they verify with their own key, no other candidate is tried.
  await check(plans, true);
  await check(plans.filter(p => !selfSigned(p)), false);
  const now = Date.now();
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i];
    const turn = pauseEvery(pause, i, 'issuer ranking');
    if (turn) {
      await turn;
    }
    rank(plan, now);
  }
  return stats;
}

/** A certificate's candidate issuers and the verdict of each signature check (undefined until checked). */
interface Plan {
  record: CertificateRecord;
  candidates: CertificateRecord[];
  results: (SignatureCheck | undefined)[];
}

/** The record verified with its own key (or its self-check was not decisive): no other candidate is tried. */
function selfSigned(plan: Plan): boolean {
  return plan.candidates[0] === plan.record && plan.results[0] !== 'invalid';
}

/**
 * The candidates among the first MAX_CANDIDATES + 1 of `lists` (in order, as one list), `record`
 * itself left out, then put first when it is `self`-issued; at most MAX_CANDIDATES.
 */
function boundedCandidates(record: CertificateRecord, self: boolean, ...lists: (readonly CertificateRecord[] | undefined)[]): CertificateRecord[] {
  const out: CertificateRecord[] = self ? [record] : [];
  let seen = 0;
  for (const list of lists) {
    for (let i = 0; list && i < list.length && seen <= MAX_CANDIDATES && out.length < MAX_CANDIDATES; i++, seen++) {
      if (list[i] !== record) {
        out.push(list[i]);
      }
    }
  }
  return out;
}

/** The record's issuers from its verdicts: the valid ones, ranked; else those whose algorithm is unsupported. */
function rank(plan: Plan, now: number): void {
  const { record, candidates, results } = plan;
  if (selfSigned(plan)) {
    record.issuerStatus = 'self-signed';
    record.signatureVerified = results[0] === 'valid';
    return;
  }
  let valid = none<CertificateRecord>();
  let unsupported = none<CertificateRecord>();
  let bad = none<CertificateRecord>();
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i];
    if (results[i] === 'invalid') {
      bad = appended(bad, candidate);
    } else if (candidate !== record && results[i] === 'valid') {
      valid = appended(valid, candidate);
    } else if (candidate !== record && results[i] === 'unsupported') {
      unsupported = appended(unsupported, candidate);
    }
  }
  record.badSignatureIssuers = bad.length > 1 ? trimmed(bad) : bad;
  const issuers = valid.length ? valid : unsupported;
  if (issuers.length) {
    record.issuerStatus = 'found';
    record.signatureVerified = valid.length > 0;
    record.issuers = issuers.length > 1 ? trimmed(issuers).sort((a, b) => rankIssuer(b, now) - rankIssuer(a, now)) : issuers;
    record.issuer = record.issuers[0];
    for (const issuer of issuers) {
      issuer.issued = appended(issuer.issued, record);
    }
  } else {
    record.issuerStatus = record.badSignatureIssuers.length ? 'bad-signature' : 'unknown';
  }
}

function inDate(cert: CertificateInfo, now: number): boolean {
  return cert.notBefore.getTime() <= now && now <= cert.notAfter.getTime();
}


/** Higher is better: an issuer in date, with its key at hand, expiring last. */
function rankIssuer(record: CertificateRecord, now: number): number {
  const cert = record.certificate;
  return (inDate(cert, now) ? 4e15 : 0) + (record.privateKeys.length ? 2e15 : 0) + cert.notAfter.getTime() / 2;
}

/** Does `record` chain (through confirmed issuers) to one of `anchors`? Bounded depth; cycles stop. */
export function chainsTo(record: CertificateRecord, anchors: Set<CertificateRecord>, depth = 8): boolean {
  const seen = new Set<CertificateRecord>();
  let frontier = [record];
  for (let level = 0; level <= depth && frontier.length; level++) {
    const next: CertificateRecord[] = [];
    for (const r of frontier) {
      if (anchors.has(r)) {
        return true;
      }
      if (seen.has(r)) {
        continue;
      }
      seen.add(r);
      next.push(...r.issuers);
    }
    frontier = next;
  }
  return false;
}
