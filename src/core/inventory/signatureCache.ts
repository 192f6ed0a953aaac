// Signatures checked while linking issuers, cached across builds by the two certificates' fingerprints.
import { Pause, runStraight, withRoom } from '../slices';
import { CertificateInfo } from '../x509/certificate';
import { SignatureCheck, VerifyKeyCache, verifyCertificateSignature } from '../x509/signature';

export type { SignatureCheck };

/** Verdicts imported between two steps of `importing` (a few milliseconds' work). */
const VERDICTS_PER_STEP = 4096;

/**
 * Verification results by (certificate, issuer) fingerprints, and imported issuer keys, kept across
 * builds. Two levels (certificate, then issuer) rather than one map of "cert|issuer" strings: a
 * rebuild looks up every candidate pair again, and a key string made per lookup was most of the
 * garbage a one-file rebuild left behind (≈2 MB of pair strings over 10,000 certificates).
 */
export class SignatureCache {
  /**
   * By certificate: its one verdict (nearly every certificate has one issuer), or a map by issuer
   * when it has several. A map per certificate was ≈190 bytes of heap each (19 MB at 100,000).
   */
  private readonly results = new Map<string, OneVerdict | Map<string, SignatureCheck>>();
  private count = 0;
  private keyCache?: VerifyKeyCache;
  constructor(private readonly maxEntries = 200_000) {}

  /** Imported issuer keys; made at the first verification, so the desktop's activation, which makes the shared cache, does not load the signature code. */
  get keys(): VerifyKeyCache {
    return this.keyCache ??= new VerifyKeyCache(this.maxEntries);
  }

  get(cert: CertificateInfo, issuer: CertificateInfo): SignatureCheck | undefined {
    return this.lookup(cert.fingerprints.sha256, issuer.fingerprints.sha256);
  }

  set(cert: CertificateInfo, issuer: CertificateInfo, result: SignatureCheck): void {
    this.put(cert.fingerprints.sha256, issuer.fingerprints.sha256, result);
  }

  /** Verdicts not between two certificates (a request's self-signature), by a key `<kind>|<unique>` the caller makes. */
  getByKey(key: string): SignatureCheck | undefined {
    const [first, second] = splitKey(key);
    return this.lookup(first, second);
  }

  setByKey(key: string, result: SignatureCheck): void {
    const [first, second] = splitKey(key);
    this.put(first, second, result);
  }

  private put(first: string, second: string, result: SignatureCheck): void {
    if (this.count >= this.maxEntries) {
      this.clear(); // crude but bounded; a rebuild re-verifies what it still needs
    }
    const held = this.results.get(first);
    if (held instanceof Map) {
      this.count += held.has(second) ? 0 : 1;
      held.set(second, result);
    } else if (!held || held.issuer === second) {
      this.count += held ? 0 : 1;
      this.results.set(first, { issuer: second, result });
    } else {
      this.count++;
      this.results.set(first, new Map([[held.issuer, held.result], [second, result]]));
    }
  }

  private lookup(first: string, second: string): SignatureCheck | undefined {
    const held = this.results.get(first);
    return held instanceof Map ? held.get(second) : held?.issuer === second ? held.result : undefined;
  }

  get size(): number {
    return this.count;
  }

  /** At most `limit` verdicts as `cert|issuer` pairs, to be kept across sessions (workspace/persistentCache.ts). */
  export(limit: number): [string, SignatureCheck][] {
    return runStraight(this.exporting(limit));
  }

  /** `export`, a step every VERDICTS_PER_STEP verdicts (a window writing 110,000 hands out turns between). */
  *exporting(limit: number): Generator<void, [string, SignatureCheck][], void> {
    const all: [string, SignatureCheck][] = [];
    for (const [first, held] of this.results) {
      for (const [second, result] of held instanceof Map ? held : [[held.issuer, held.result] as const]) {
        all.push([`${first}|${second}`, result]);
        if (all.length % VERDICTS_PER_STEP === 0) {
          yield;
        }
      }
    }
    return all.length > limit ? all.slice(all.length - limit) : all;
  }

  /** Verdicts kept from an earlier session: the pair keys are fingerprints, so a verdict is true for any build. */
  import(entries: readonly [string, SignatureCheck][]): void {
    runStraight(this.importing(entries));
  }

  /** `import`, a step every VERDICTS_PER_STEP verdicts: a host loading 110,000 of them hands out turns between. */
  *importing(entries: readonly [string, SignatureCheck][]): Generator<void, void, void> {
    const kept = entries.slice(-this.maxEntries);
    for (let i = 0; i < kept.length; i++) {
      const [key, result] = kept[i];
      if (result === 'valid' || result === 'invalid' || result === 'unsupported') {
        this.setByKey(key, result);
      }
      if (i % VERDICTS_PER_STEP === VERDICTS_PER_STEP - 1) {
        yield;
      }
    }
  }

  clear(): void {
    this.results.clear();
    this.count = 0;
  }
}

/** A certificate's verdict against its one issuer so far. */
interface OneVerdict {
  issuer: string;
  result: SignatureCheck;
}

/** `a|b` → [a, b] at the first bar (fingerprints and kinds hold none). */
function splitKey(key: string): [string, string] {
  const bar = key.indexOf('|');
  return bar < 0 ? [key, ''] : [key.slice(0, bar), key.slice(bar + 1)];
}

export const sharedCache = new SignatureCache();

/**
 * Does `issuer`'s key verify `cert`'s signature? WebCrypto directly for RSA PKCS#1 v1.5, ECDSA and
 * Ed25519 with the imported key cached per issuer (≈0.03–0.1 ms a check against ≈1–2 ms through
 * `X509Certificate.verify`, which re-imports the key every call); RSA-PSS through @peculiar/x509;
 * MD5, MD2, SHA-224 and DSA are 'unsupported' (WebCrypto has no such algorithms). Never throws.
 */
export async function verifySignature(cert: CertificateInfo, issuer: CertificateInfo, cache: SignatureCache = sharedCache): Promise<SignatureCheck> {
  const known = cache.get(cert, issuer);
  if (known) {
    return known;
  }
  const result = await verifyCertificateSignature(cert.der, cert.signatureAlgorithm.oid, issuer.publicKey, { cache: cache.keys, owner: issuer.fingerprints.sha256 });
  cache.set(cert, issuer, result);
  return result;
}

/**
 * Run async jobs with a bounded number in flight (WebCrypto work goes to the libuv pool). Each job
 * starts only when `pause`'s slice has room (`withRoom`): starting one is synchronous work (the
 * crypto job's set-up), and the workers waiting for a turn were all let go by the same turn, each
 * starting its job in it. At the start of a job list, all of them started in one piece: in the
 * bench's cold start, the extension host's longest gap held 34 ms of 32 verifications being set up.
 */
/** Turns a signature check waits for room at most (see `runLimited`); a time-sliced pause seldom makes it wait two. */
const MAX_WAITS_FOR_ROOM = 4;

export async function runLimited<T>(items: T[], limit: number, job: (item: T) => Promise<void>, pause?: Pause): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await withRoom(pause, () => job(item), 'signature checks', MAX_WAITS_FOR_ROOM);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
