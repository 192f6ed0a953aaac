// Phase 3 of linking: each certificate's issuer, found by subject DER and key identifier among the
// workspace's certificates and confirmed by its signature (self-signed certificates first).
import { appended, orNone, push, trimmed } from '../collections';
import { Pause, maybePause } from '../slices';
import { CertificateInfo } from '../x509/certificate';
import { nameKey } from '../x509/name';
import { CertificateNode, CertificateRecord, InventoryStats } from './model';
import { SignatureCache, SignatureCheck, runLimited, verifySignature } from './signatureCache';

/** More same-named issuers than any real rollover produces; bounds the work on hostile input. */
const MAX_CANDIDATES = 16;

/** Link every record to the issuers whose key verifies it; returns the signature work done. `pause`: see core/slices.ts. */
export async function linkIssuers(records: Map<string, CertificateRecord>, certificates: readonly CertificateNode[], cache: SignatureCache, pause?: Pause): Promise<InventoryStats> {
  const bySubject = new Map<string, CertificateRecord[]>();
  const bySubjectAndSki = new Map<string, CertificateRecord[]>();
  const bySubjectWithoutSki = new Map<string, CertificateRecord[]>();
  const bySki = new Map<string, CertificateRecord[]>();
  for (const record of records.values()) {
    const subject = nameKey(record.certificate.subject);
    const ski = record.certificate.subjectKeyId;
    push(bySubject, subject, record);
    if (ski) {
      push(bySubjectAndSki, `${subject}|${ski}`, record);
      push(bySki, ski, record);
    } else {
      push(bySubjectWithoutSki, subject, record);
    }
    await maybePause(pause, 'issuer tables');
  }
  const stats: InventoryStats = { verified: 0, cached: 0, milliseconds: 0 };
  interface Plan { record: CertificateRecord; candidates: CertificateRecord[]; results: (SignatureCheck | undefined)[] }
  const plans: Plan[] = [];
  for (const record of records.values()) {
    const cert = record.certificate;
    const issuer = nameKey(cert.issuer);
    const aki = cert.authorityKeyId;
    let candidates: CertificateRecord[];
    if (aki) {
      candidates = [...(bySubjectAndSki.get(`${issuer}|${aki}`) ?? []), ...(bySubjectWithoutSki.get(issuer) ?? [])];
      if (!candidates.length) {
        // The same name spelled in another string type or case still names the issuer (RFC 5280 name matching).
        const text = cert.issuer.text.toLowerCase();
        candidates = (bySki.get(aki) ?? []).slice(0, 4 * MAX_CANDIDATES).filter(c => c.certificate.subject.text.toLowerCase() === text);
      }
      if (!candidates.length) {
        record.sameNameOtherKey = orNone((bySubject.get(issuer) ?? []).slice(0, MAX_CANDIDATES));
      }
    } else {
      candidates = bySubject.get(issuer) ?? [];
    }
    // Never scan a whole same-name list (thousands of self-signed "CN=localhost"): bounded slices only.
    const self = cert.selfIssued && (!aki || !cert.subjectKeyId || aki === cert.subjectKeyId);
    candidates = candidates.slice(0, MAX_CANDIDATES + 1).filter(c => c !== record);
    if (self) {
      candidates.unshift(record);
    }
    candidates = candidates.slice(0, MAX_CANDIDATES);
    plans.push({ record, candidates, results: new Array(candidates.length) });
    await maybePause(pause, 'issuer candidates');
  }
  const check = async (plans: Plan[], which: (plan: Plan, candidate: CertificateRecord) => boolean) => {
    const jobs: { plan: Plan; index: number }[] = [];
    for (const plan of plans) {
      await maybePause(pause, 'signature verdicts');
      plan.candidates.forEach((candidate, index) => {
        if (plan.results[index] || !which(plan, candidate)) {
          return;
        }
        const known = cache.get(plan.record.certificate, candidate.certificate);
        if (known) {
          plan.results[index] = known;
          stats.cached++;
        } else {
          jobs.push({ plan, index });
        }
      });
    }
    await runLimited(jobs, 32, async ({ plan, index }) => {
      plan.results[index] = await verifySignature(plan.record.certificate, plan.candidates[index].certificate, cache);
      stats.verified++;
    }, pause);
  };
  // Self-signed certificates first: when they verify with their own key, no other candidate is tried.
  await check(plans, (plan, candidate) => candidate === plan.record);
  const selfSigned = (plan: Plan) => plan.candidates[0] === plan.record && plan.results[0] !== 'invalid';
  await check(plans.filter(p => !selfSigned(p)), () => true);
  const now = Date.now();
  for (const plan of plans) {
    await maybePause(pause, 'issuer ranking');
    const { record, candidates, results } = plan;
    if (selfSigned(plan)) {
      record.issuerStatus = 'self-signed';
      record.signatureVerified = results[0] === 'valid';
      continue;
    }
    const valid = candidates.filter((c, i) => c !== record && results[i] === 'valid');
    const unsupported = candidates.filter((c, i) => c !== record && results[i] === 'unsupported');
    record.badSignatureIssuers = orNone(candidates.filter((_, i) => results[i] === 'invalid'));
    const issuers = valid.length ? valid : unsupported;
    if (issuers.length) {
      record.issuerStatus = 'found';
      record.signatureVerified = valid.length > 0;
      record.issuers = trimmed(issuers).sort((a, b) => rankIssuer(b, now) - rankIssuer(a, now));
      record.issuer = record.issuers[0];
      for (const issuer of issuers) {
        issuer.issued = appended(issuer.issued, record);
      }
    } else {
      record.issuerStatus = record.badSignatureIssuers.length ? 'bad-signature' : 'unknown';
    }
  }
  for (const node of certificates) {
    node.issuerStatus = node.record.issuerStatus;
    node.issuer = node.record.issuer?.preferred;
  }
  return stats;
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
