// The analysis cache that survives a window reload: every analysis the session made or used, keyed by
// content (a SHA-256 of the text, plus whether it was read as YAML/JSON, as the in-memory cache keys
// it), and the signature verdicts of linking, in one file in the extension's workspace storage.
//
// Why content: a content key cannot be fooled by an mtime that did not move, a file restored from a
// backup, or a copy in another folder; a file that changed simply misses. A reload need not even read
// a file to find its analysis: the stamp an earlier session recorded for its path (knownFiles.ts:
// device and inode, size, mtime, ctime) names the content key it read, so unchanged files are neither
// read nor hashed; their text is read when a feature first needs it, checked against that key.
//
// The file is written to a temporary name, as a stream (cacheFile.ts), and renamed (two windows on one
// workspace each leave a complete file, the last one wins). It ends with a SHA-256 of everything before
// it (a torn or damaged file is recognised, logged and ignored: a cold scan), and names the extension
// version that wrote it (another version's analyses are never trusted). A window writes only when it
// knows something the file lacks, and what it wrote once it copies from its own file at the next write
// rather than serializing it again (56,000 analyses: three seconds of the host), while no other window
// has replaced that file (else those analyses are made again at the next start). Entries are decoded only when asked for, so loading
// costs one read and one hash, not 10,000 decodes. The layout is cacheFile.ts.
//
// Private keys are never stored. An analysis holds key material only in a carrier's value (a
// kubeconfig's client-key-data, a Secret's tls.key; decoded key objects keep no bytes): such a value is
// written blank and taken back from the file's own text when it is read (it stands there verbatim), or,
// when it cannot be taken back so (quoted or folded YAML), the analysis is not stored at all.
import nodeCrypto = require('node:crypto');
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import path = require('node:path');
import { DocumentAnalysis, isStructured } from '../core/analyze';
import type { Analyzer } from '../core/pipeline/analysisCache';
import { SignatureCache } from '../core/inventory/signatureCache';
import { timeSlices } from '../core/slices';
import type { Logger } from '../util/logger';
import { AnalysisStore, ENTRIES_PER_STEP, KnownFiles, stampsWithAnalysis } from './knownFiles';
import { CacheFileWriter, FileVersion, Region, decodeCacheFile, nextTurn, openVersion, readVersion } from './cacheFile';
import { removeAbandonedWrites, temporaryName } from './hashedFile';
import { Storable, deserializeEntry, readBack, restore, secretValues, serializeEntry } from './cacheEntries';

/** The cache never grows past this; what does not fit is analysed again next time. */
export const MAX_CACHE_BYTES = 192 * 1048576;
const MAX_VERDICTS = 400_000;
export const CACHE_FILE_NAME = 'analysis-cache.bin';

/** How the last load went, and what the store did since: what the tests and the bench look at. */
export interface PersistentCacheStats {
  /** absent: no file yet; loaded: used; version: written by another version; corrupt: damaged; bypassed: switched off. */
  state: 'pending' | 'absent' | 'loaded' | 'version' | 'corrupt' | 'bypassed';
  /** The log line that explained the state (for version and corrupt). */
  message?: string;
  entriesOnDisk: number;
  verdictsOnDisk: number;
  /** Analyses answered from the file this session. */
  hits: number;
  /** File names analysed from scratch this session (a miss, or material that is never stored). */
  analysed: string[];
  /** When the file was last written by this window (ms since the epoch), and how many entries it held. */
  savedAt?: number;
  savedEntries?: number;
  /** Of them, how many the last write copied from the file this window wrote or loaded before (not serialized again). */
  copied?: number;
  /** Bytes of the loaded file still held (views into them answer hits and await the next write): 0 once the first save has looked. */
  loadedBytesHeld: number;
  file: string;
}

/**
 * Wraps the host's analyzer: a text whose analysis is on disk is answered from there, anything else
 * is analysed and remembered. `save()` writes what this session used (see the module comment).
 */
/** Node's one-shot digest (20.12, 21.7), where there is one. */
const oneShotHash = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: 'base64') => string }).hash;

export class PersistentAnalysisCache implements AnalysisStore {
  private onDisk = new Map<string, Buffer>();
  /** Keys whose analysis is stored needing nothing from the text (no private key blanked out). */
  private readonly plain = new Set<string>();
  private materialOnDisk = 0;
  /**
   * What this session used or made, by key: the next file's content. Bytes from the file loaded,
   * an analysis made here, or where this window's last write put it (`at`, in `ownFile`).
   */
  private readonly used = new Map<string, Buffer | Storable | { at: Region }>();
  /** The key each analysis this cache made or read back was filed under (see `keyFor`); let go with the analysis. */
  private readonly keys = new WeakMap<DocumentAnalysis, string>();
  /** The file `used`'s regions are in (this window's last, or the one loaded): copied from while it is still in place. */
  private ownFile: FileVersion | undefined;
  /** The loaded file, while `onDisk` and `used` hold views into its bytes (until `letGoOfLoadedFile`). */
  private loadedFile: { bytes: Buffer; version: FileVersion } | undefined;
  private readonly loaded: Promise<void>;
  private dirty = false;
  private emptyOnDisk = 0;
  private saving: Promise<void> | undefined;
  /** What this window last wrote (counts of analyses used, verdicts, the known files' version): nothing new, nothing written. */
  private written: { used: number; verdicts: number; known: number } | undefined;
  /** Awaited at each turn of a write: the index's builds go first (see `writeBehind`). */
  private behind: () => Promise<void> = () => Promise.resolve();
  readonly stats: PersistentCacheStats;
  /** Files an earlier session read (empty, or with an analysis kept here); the scan asks it before reading (workspace/files.ts). */
  readonly knownEmpty = new KnownFiles(this);

  constructor(private readonly folder: string, private readonly version: string, private readonly signatures: SignatureCache, private readonly logger: Logger) {
    this.stats = { state: 'pending', entriesOnDisk: 0, verdictsOnDisk: 0, hits: 0, analysed: [], loadedBytesHeld: 0, file: path.join(folder, CACHE_FILE_NAME) };
    this.loaded = this.load();
    void this.loaded.then(() => (this.isLoaded = true), () => (this.isLoaded = true));
    this.knownEmpty.ready = this.loaded;
  }

  private isLoaded = false;
  /**
   * The turns of those who asked while the file loaded: released together, sixteen readers'
   * analyses ran as one task of the extension host (0.7 s at 100,000 files, in a profiled reload);
   * they go on in 8 ms slices instead, as the scan's own readers do.
   */
  private readonly afterLoad = timeSlices(nextTurn, 8);

  /** The analyzer to hand to AnalysisCache: the disk first, then `inner`. */
  wrap(inner: Analyzer): Analyzer {
    return async (text, fileName, passwords, pause) => {
      // What a keystore password opened stays in the session (passwords are never stored, nor is
      // what they decrypt): such analyses neither come from nor go to the disk.
      if (passwords?.length) {
        return inner(text, fileName, passwords, pause);
      }
      if (!this.isLoaded) {
        await this.loaded;
        for (let turn = this.afterLoad.pause('analysis cache'); turn; turn = this.afterLoad.pause('analysis cache')) {
          await turn;
        }
      }
      const key = this.keyFor(text, fileName);
      const stored = this.onDisk.get(key);
      if (stored && this.stats.state === 'loaded') {
        try {
          const entry = deserializeEntry(stored);
          const analysis = restore(entry, text);
          this.keys.set(analysis, key);
          this.used.set(key, stored);
          if (!entry.s.length) {
            this.plain.add(key);
          }
          this.stats.hits++;
          return analysis;
        } catch (e) {
          this.logger.warn(`analysis cache: entry for ${fileName} unreadable (${(e as Error).message}); analysing it again`);
        }
      }
      const analysis = await inner(text, fileName, undefined, pause);
      this.keys.set(analysis, key);
      this.stats.analysed.push(fileName);
      const secret = secretValues(analysis, text);
      if (secret && !this.used.has(key)) {
        this.used.set(key, { analysis, secret: secret.indices });
        this.dirty = true;
        if (!secret.indices.length) {
          this.plain.add(key);
        }
      }
      return analysis;
    };
  }

  /**
   * `analysis`: the analysis of this very text, when the caller has it: its key is the one this
   * cache filed it under, and the text is not hashed again (a cold start hashed each file's text
   * twice, once to analyse it and once to ask `keptFor`: 184 ms of a profiled start's host thread).
   */
  keyFor(text: string, fileName: string, analysis?: DocumentAnalysis): string {
    const known = analysis && !Object.isFrozen(analysis) ? this.keys.get(analysis) : undefined; // a frozen one is shared (no material)
    if (known !== undefined) {
      return known;
    }
    // The one-shot digest where Node has it (20.12, 21.7): no Hash object a text, as util/nodeCrypto.ts.
    const digest = oneShotHash ? oneShotHash('sha256', text, 'base64') : nodeCrypto.createHash('sha256').update(text).digest('base64');
    return `${isStructured(fileName, text) ? 's' : 'p'}:${digest}`;
  }

  /** An analysis of a file not read on this start (see KnownFiles); only while the file is loaded (it was, when the stamp was adopted). */
  storedAnalysis(key: string): DocumentAnalysis | undefined {
    const stored = this.onDisk.get(key);
    if (!stored || this.stats.state !== 'loaded') {
      return undefined;
    }
    try {
      const entry = deserializeEntry(stored);
      if (entry.s.length) {
        return undefined; // its private key values stand only in the text: read the file
      }
      this.used.set(key, stored);
      this.plain.add(key);
      this.stats.hits++;
      return readBack(entry).a;
    } catch {
      return undefined;
    }
  }

  keptFor(text: string, fileName: string, analysis?: DocumentAnalysis): { key: string } | undefined {
    const key = this.keyFor(text, fileName, analysis);
    return this.plain.has(key) ? { key } : undefined;
  }

  /** Writes the file when this session analysed or used anything the file lacks, or linking verified new signatures. */
  save(): Promise<void> {
    this.saving ??= this.write().finally(() => {
      this.saving = undefined;
    });
    return this.saving;
  }

  /**
   * Writes wait at each of their turns until `settled()` does (the index's builds running now): a
   * save is housekeeping, a relink after a change is what a person waits for. The first write of a
   * 100,000-file workspace serializes 56,000 analyses, three seconds of the host's time.
   */
  writeBehind(settled: () => Promise<void>): void {
    this.behind = settled;
  }

  /** Stop answering from the file and forget the verdicts it brought (a cold scan for comparison, in tests). */
  bypass(): void {
    this.stats.state = 'bypassed';
    this.onDisk.clear();
    this.signatures.clear();
    this.knownEmpty.forget();
  }

  private async load(): Promise<void> {
    void removeAbandonedWrites(this.stats.file);
    let loaded: { bytes: Buffer; version: FileVersion };
    try {
      loaded = await readVersion(this.stats.file);
    } catch {
      this.stats.state = 'absent';
      return;
    }
    try {
      const header = await decodeCacheFile(loaded.bytes);
      const { entries } = header;
      if (header.version !== this.version) {
        this.stats.state = 'version';
        this.stats.message = `analysis cache ${this.stats.file} was written by PKI Lens ${header.version}, this is ${this.version}: not used, cold scan`;
        this.logger.info(this.stats.message);
        return;
      }
      // In steps, a turn of the host between them: at 100,000 files each of these was one task of 0.1–0.3 s.
      for (const _ of this.signatures.importing(header.verdicts)) {
        await nextTurn();
      }
      for (const _ of this.knownEmpty.adopting(header.empty, header.material)) {
        await nextTurn();
      }
      this.onDisk = entries;
      this.loadedFile = loaded;
      this.stats.loadedBytesHeld = loaded.bytes.length;
      this.stats.state = 'loaded';
      this.stats.entriesOnDisk = entries.size;
      this.stats.verdictsOnDisk = header.verdicts.length;
      this.emptyOnDisk = header.empty.length;
      this.materialOnDisk = header.material.length;
      this.logger.info(`analysis cache: ${entries.size} analyses and ${header.verdicts.length} signature verdicts from ${this.stats.file} (${(loaded.bytes.length / 1048576).toFixed(1)} MB, written ${new Date(header.written).toISOString()})`);
    } catch (e) {
      this.stats.state = 'corrupt';
      this.stats.message = `analysis cache ${this.stats.file} is damaged (${(e as Error).message}): ignored, cold scan`;
      this.logger.warn(this.stats.message);
    }
  }

  /** A stepped pass run with a turn of the host (behind any build, see `turn`) at each step. */
  private async stepped<T>(steps: Generator<void, T, void>): Promise<T> {
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) {
        return step.value;
      }
      await this.turn();
    }
  }

  private async write(): Promise<void> {
    await this.loaded;
    const verdicts = await this.stepped(this.signatures.exporting(MAX_VERDICTS));
    // The version the lists hold at least (listed in steps, a change meanwhile makes the next save write again).
    const knownVersion = this.knownEmpty.version;
    const empty = await this.stepped(this.knownEmpty.entriesInSteps());
    const known = await this.stepped(this.knownEmpty.materialEntriesInSteps());
    const now = { used: this.used.size, verdicts: verdicts.length, known: knownVersion };
    if (!this.dirty && (this.written
      ? now.used === this.written.used && now.verdicts === this.written.verdicts && now.known === this.written.known
      : this.stats.state === 'loaded' && verdicts.length === this.stats.verdictsOnDisk && this.used.size === this.stats.entriesOnDisk && empty.length === this.emptyOnDisk && known.length === this.materialOnDisk)) {
      await this.stepped(this.letGoOfLoadedFile()); // the file already says all this session knows (it wrote it, or loaded it so)
      return;
    }
    // Anything analysed from here on is new to the file being written, and makes the next save write again.
    this.dirty = false;
    const keys: string[] = [];
    const regions: Region[] = [];
    const lost: string[] = [];
    let total = 0;
    let slice = Date.now();
    const turn = () => this.turn();
    const temporary = temporaryName(this.stats.file);
    const own = await openVersion(this.stats.file, this.ownFile);
    let writer: CacheFileWriter | undefined;
    try {
      await mkdir(this.folder, { recursive: true });
      writer = await CacheFileWriter.create(temporary);
      for (const [key, value] of this.used) {
        const part = Buffer.isBuffer(value) ? value : 'at' in value ? await own?.read(value.at) : serializeEntry(value);
        if (!part) {
          lost.push(key); // written by this window into a file another window has replaced since: analysed again next start
          continue;
        }
        if (total + part.length > MAX_CACHE_BYTES) {
          this.logger.info(`analysis cache: full at ${MAX_CACHE_BYTES / 1048576} MB; ${this.used.size - keys.length} analyses left out`);
          break;
        }
        keys.push(key);
        regions.push(await writer.analysis(part));
        total += part.length;
        if (Date.now() - slice > 8) {
          await turn(); // ten thousand analyses must not freeze the host
          slice = Date.now();
        }
      }
      const material = await this.stepped(stampsWithAnalysis(known, keys));
      await writer.finish(this.version, { keys, verdicts, empty, material }, turn);
      await rename(temporary, this.stats.file);
      const { ino, size, mtimeMs } = await stat(this.stats.file);
      this.ownFile = { ino, size, mtimeMs };
      await this.stepped(this.pointIntoOwnFile(keys, regions));
      lost.forEach(key => this.used.delete(key));
      await this.stepped(this.letGoOfLoadedFile());
      this.stats.savedAt = Date.now();
      this.stats.savedEntries = keys.length;
      this.stats.copied = own?.copied ?? 0;
      this.written = { ...now, used: now.used - lost.length };
    } catch (e) {
      this.dirty = true;
      await writer?.abort();
      await unlink(temporary).catch(() => undefined);
      this.logger.warn(`analysis cache: could not write ${this.stats.file} (${(e as Error).message}); the next start scans cold`);
    } finally {
      await own?.close();
    }
  }

  /**
   * What this window wrote is now in its own file, the analyses it loaded as well: the next write
   * copies those bytes rather than serializing again. In steps (56,000 analyses at 100,000 files
   * were one task of 50 ms).
   */
  private *pointIntoOwnFile(keys: readonly string[], regions: readonly Region[]): Generator<void, void, void> {
    for (const [i, key] of keys.entries()) {
      if (this.used.has(key)) {
        this.used.set(key, { at: regions[i] });
      }
      if (i % ENTRIES_PER_STEP === ENTRIES_PER_STEP - 1) {
        yield;
      }
    }
  }

  /**
   * The loaded file's bytes let go once the first save has looked (written or not): `onDisk` and the
   * analyses used from it were views into them, and after every reload the whole file (46 MB at
   * 10,000 certificates, up to 192 MB) stayed in the extension host. What was used is now its place in
   * that file, copied by a later write while no other window replaced it, or a copy of its own when
   * this window wrote since; what was not is analysed again if its content comes back.
   */
  private *letGoOfLoadedFile(): Generator<void, void, void> {
    const loaded = this.loadedFile;
    if (!loaded) {
      return;
    }
    this.loadedFile = undefined;
    this.onDisk = new Map(); // first: no hit may add a view while the views are being replaced
    this.ownFile ??= loaded.version;
    const inPlace = this.ownFile === loaded.version;
    let i = 0;
    for (const [key, value] of this.used) {
      if (Buffer.isBuffer(value) && value.buffer === loaded.bytes.buffer) {
        this.used.set(key, inPlace ? { at: [value.byteOffset - loaded.bytes.byteOffset, value.length] } : Buffer.from(value));
      }
      if (++i % ENTRIES_PER_STEP === 0) {
        yield;
      }
    }
    // Only now: until every view is replaced the bytes are still held (through them, and through
    // `loaded` here). Said at the start, the flag fell while they were: in one of two runs at
    // 100,000 files the bench then read 306 MB outside the heap, the 228 MB file included.
    this.stats.loadedBytesHeld = 0;
  }

  /** A turn of the event loop, then none while a build runs. */
  private async turn(): Promise<void> {
    await new Promise(resolve => setImmediate(resolve));
    await this.behind();
  }
}
