/**
 * Files a scan has read, by path and what a stat says of them, kept across reloads with the
 * persistent cache, so a start that finds one unchanged need not read it again:
 *
 * - files without material (most of a large workspace's candidates: values files, manifests,
 *   package.json files) are skipped outright;
 * - files with material are not read or hashed either: their analysis comes from the persistent
 *   cache by the content key recorded with the stamp, and their text is read only when a feature
 *   asks for it (files.ts, `IndexedFile.text`), checked against the same key.
 *
 * The stamp is the real file (device and inode), size, mtime and ctime. The ctime is what makes
 * this safe against a tool that writes a file and sets its mtime back (`touch -r`, `cp -p`, an
 * archive extractor, `utimes`): no user-space call can set the ctime, and every write or
 * `utimes` moves it, so such a file is read again. A file is recorded only when its mtime and ctime
 * lie well before the read that recorded it: a file changed again within the same clock tick
 * (coarse timestamps) must not look unchanged (git's "racily clean" rule); such a file is simply
 * read again next time.
 */
import type { DocumentAnalysis } from '../core/analyze';
import { flat } from '../core/flatString';
import { runStraight } from '../core/slices';

/** Stamps adopted between two steps of `KnownFiles.adopting` (a few milliseconds' work). */
const STAMPS_PER_STEP = 4096;

export interface FileStamp {
  /** `inode:<dev>:<ino>` (see files.ts), or the URI where there is no inode. */
  identity: string;
  size: number;
  /** Milliseconds, floored. */
  mtime: number;
  /** Milliseconds, as precise as the platform gives them. */
  ctime: number;
}

/** What a stat (links followed) says of a local file, as a stamp; `uri` names it where the platform has no inode. */
export function stampOf(stat: { dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number }, uri: string): FileStamp {
  return { identity: stat.ino ? inodeIdentity(stat) : uri, size: stat.size, mtime: Math.floor(stat.mtimeMs), ctime: stat.ctimeMs };
}

/** How a file's stamp is written down (one string: cheap to compare, to store in the cache's header). */
export function stampText({ identity, size, mtime, ctime }: FileStamp): string {
  return flat(identity, '|', size, '|', mtime, '|', ctime);
}

/** `inode:<dev>:<ino>`: the real file behind a local path, whatever path reaches it. */
export function inodeIdentity(stat: { dev: number; ino: number }): string {
  return flat('inode:', stat.dev, ':', stat.ino);
}

/** Where the analyses of known files are kept: the persistent cache (persistentCache.ts). */
export interface AnalysisStore {
  /** The key the store files a text's analysis under (its content); `analysis`, that text's, spares hashing it again. */
  keyFor(text: string, fileName: string, analysis?: DocumentAnalysis): string;
  /** The stored analysis under `key`, when it needs nothing from the text (no private key blanked out). */
  storedAnalysis(key: string): DocumentAnalysis | undefined;
  /** The key of this text's analysis when the store keeps it needing nothing from the text; undefined otherwise. */
  keptFor(text: string, fileName: string, analysis?: DocumentAnalysis): { key: string } | undefined;
}

export class KnownFiles {
  private trustedEmpty = new Map<string, string>();
  /** uri → [stamp, content key]. */
  private trustedMaterial = new Map<string, [string, string]>();
  /** What this session confirmed: written with the cache. */
  private readonly seenEmpty = new Map<string, string>();
  private readonly seenMaterial = new Map<string, [string, string]>();
  /** Counts every change to what this session confirmed: the cache writes its file again only when this moved (or more). */
  version = 0;
  /** Files skipped this session because they were known to hold nothing. */
  skipped = 0;
  /** Files with material whose analysis came by their stamp, not read. */
  trustedReads = 0;

  /** Settles once an earlier session's entries are in (the persistent cache is loaded): a scan asks nothing before. */
  ready: Promise<unknown> = Promise.resolve();

  /** `store`: where the analyses of files with material are kept; without one only empty files are known. */
  constructor(readonly store?: AnalysisStore) {}

  /** The entries of an earlier session. */
  adopt(empty: readonly [string, string][], material: readonly [string, string, string][] = []): void {
    runStraight(this.adopting(empty, material));
  }

  /** `adopt`, a step every STAMPS_PER_STEP entries: 100,000 stamps are a few turns of the host, not one long task. */
  *adopting(empty: readonly [string, string][], material: readonly [string, string, string][] = []): Generator<void, void, void> {
    this.trustedEmpty = new Map();
    this.trustedMaterial = new Map();
    for (let i = 0; i < empty.length; i++) {
      this.trustedEmpty.set(empty[i][0], empty[i][1]);
      if (i % STAMPS_PER_STEP === STAMPS_PER_STEP - 1) {
        yield;
      }
    }
    for (let i = 0; i < material.length; i++) {
      const [uri, stamp, key] = material[i];
      this.trustedMaterial.set(uri, [stamp, key]);
      if (i % STAMPS_PER_STEP === STAMPS_PER_STEP - 1) {
        yield;
      }
    }
  }

  forget(): void {
    this.trustedEmpty.clear();
    this.trustedMaterial.clear();
  }

  /** Does an earlier session know anything of this file (whatever its stamp now)? Cheap: no stamp made. */
  mayKnow(uri: string): boolean {
    return this.trustedEmpty.has(uri) || this.trustedMaterial.has(uri) || this.seenEmpty.has(uri) || this.seenMaterial.has(uri);
  }

  /**
   * Is this file known to hold nothing, as it stands now? Confirms it for the next session. What is
   * confirmed moves from the earlier session's entries to this one's (its stamp string with it):
   * kept in both, a reload held every known file's URI and stamp twice (10,000 certificates: 51,000
   * stamp strings against 25,600 after a cold start). This session's own entries answer too.
   */
  knownEmpty(uri: string, stamp: FileStamp): boolean {
    const text = stampText(stamp);
    const trusted = this.trustedEmpty.get(uri);
    if (trusted === text) {
      this.trustedEmpty.delete(uri);
      this.seeEmpty(uri, trusted);
    } else if (this.seenEmpty.get(uri) !== text) {
      return false;
    }
    this.skipped++;
    return true;
  }

  /** The content key an earlier session (or this one) read from this file, when it stands unchanged (not yet confirmed: see `confirmMaterial`). */
  knownMaterial(uri: string, stamp: FileStamp): string | undefined {
    const text = stampText(stamp);
    const known = this.trustedMaterial.get(uri) ?? this.seenMaterial.get(uri);
    return known && known[0] === text ? known[1] : undefined;
  }

  /** The analysis of a known file was used: keep it for the next session (moved, as in `knownEmpty`). */
  confirmMaterial(uri: string, stamp: FileStamp, key: string): void {
    const text = stampText(stamp);
    const trusted = this.trustedMaterial.get(uri);
    if (trusted && trusted[0] === text && trusted[1] === key) {
      this.trustedMaterial.delete(uri);
      this.seeMaterial(uri, trusted[0], trusted[1]);
    } else {
      this.seeMaterial(uri, text, key);
    }
    this.trustedReads++;
  }

  /**
   * A file was read: remember it (empty, or with the content key of the analysis the cache keeps,
   * `undefined` when it is not kept), or forget it. Whether it is remembered (not when written too
   * recently for its stamp to be trusted, see RACY_MS).
   */
  note(uri: string, stamp: FileStamp, content: 'empty' | { key: string } | undefined, now = Date.now()): boolean {
    if (settledStamp(stamp, now) && content) {
      if (content === 'empty') {
        this.seeEmpty(uri, stampText(stamp));
      } else {
        this.seeMaterial(uri, stampText(stamp), content.key);
      }
      return true;
    }
    const wasEmpty = this.seenEmpty.delete(uri);
    if (this.seenMaterial.delete(uri) || wasEmpty) {
      this.version++;
    }
    return false;
  }

  private seeEmpty(uri: string, stamp: string): void {
    const wasMaterial = this.seenMaterial.delete(uri);
    if (wasMaterial || this.seenEmpty.get(uri) !== stamp) {
      this.seenEmpty.set(uri, stamp);
      this.version++;
    }
  }

  private seeMaterial(uri: string, stamp: string, key: string): void {
    const wasEmpty = this.seenEmpty.delete(uri);
    const seen = this.seenMaterial.get(uri);
    if (wasEmpty || seen?.[0] !== stamp || seen[1] !== key) {
      this.seenMaterial.set(uri, [stamp, key]);
      this.version++;
    }
  }

  entries(): [string, string][] {
    return runStraight(this.entriesInSteps());
  }

  materialEntries(): [string, string, string][] {
    return runStraight(this.materialEntriesInSteps());
  }

  /** `entries()`, a step every ENTRIES_PER_STEP (for the cache's write: 110,000 of them at once held the host for 60 ms). */
  *entriesInSteps(): Generator<void, [string, string][], void> {
    return yield* listInSteps(this.seenEmpty, (uri, stamp): [string, string] => [uri, stamp]);
  }

  /** `materialEntries()` in steps, as `entriesInSteps`. */
  *materialEntriesInSteps(): Generator<void, [string, string, string][], void> {
    return yield* listInSteps(this.seenMaterial, (uri, [stamp, key]): [string, string, string] => [uri, stamp, key]);
  }

  get size(): number {
    return this.seenEmpty.size;
  }

  /** How many files' entries are held, an earlier session's and this one's (tests: each is held once). */
  get entriesHeld(): number {
    return this.trustedEmpty.size + this.trustedMaterial.size + this.seenEmpty.size + this.seenMaterial.size;
  }
}

/** Entries listed between two steps. */
export const ENTRIES_PER_STEP = 4096;

function* listInSteps<V, T>(map: ReadonlyMap<string, V>, item: (key: string, value: V) => T): Generator<void, T[], void> {
  const list: T[] = [];
  for (const [key, value] of map) {
    list.push(item(key, value));
    if (list.length % ENTRIES_PER_STEP === 0) {
      yield;
    }
  }
  return list;
}

/** The name the hosts (activation.ts, extension.ts) know this by. */
export type KnownEmptyFiles = KnownFiles;

/** How far before the recording a file's mtime and ctime must lie to be trusted. */
export const RACY_MS = 2000;

/** The stamp's file was last written over RACY_MS before `now`: another write would change the stamp. */
export function settledStamp(stamp: Pick<FileStamp, 'mtime' | 'ctime'>, now = Date.now()): boolean {
  return now - Math.max(stamp.mtime, stamp.ctime) > RACY_MS;
}

/** The stamps of files whose analysis is among `keys` (a stamp is worth keeping only with its analysis), in steps. */
export function* stampsWithAnalysis(known: readonly [string, string, string][], keys: readonly string[]): Generator<void, [string, string, string][], void> {
  const written = new Set<string>();
  for (const [i, key] of keys.entries()) {
    written.add(key);
    if (i % ENTRIES_PER_STEP === ENTRIES_PER_STEP - 1) {
      yield;
    }
  }
  const kept: [string, string, string][] = [];
  for (const [i, entry] of known.entries()) {
    if (written.has(entry[2])) {
      kept.push(entry);
    }
    if (i % ENTRIES_PER_STEP === ENTRIES_PER_STEP - 1) {
      yield;
    }
  }
  return kept;
}
