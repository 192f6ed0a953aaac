import vscode = require('vscode');
import { AnalysisCache } from '../core/pipeline/analysisCache';
import { readRecord } from './files';
import { IndexedFile } from './model';
import { sameData } from '../core/sameData';
import { sortInSteps } from '../core/collections';
import { Pause, maybePause, runInSlices } from '../core/slices';
import { statLocalFile } from '../util/localFile';
import type { KnownFiles } from './knownFiles';

/**
 * The files the index holds, by URI string, and the order of their loads. Every change goes
 * through `set`/`delete`, so a rescan or reconciliation that found nothing new can skip the rebuild.
 */
export class RecordStore {
  private readonly records = new Map<string, IndexedFile>();
  /**
   * Keys by the real file behind them: a watcher event asks for a file's other spellings (symlinks),
   * not a pass over every record. One key as itself, a Set only for two or more: a Set per file was
   * 5 MB of the extension host's heap at 27,000 files, nearly all of them with one spelling.
   */
  private readonly keysByIdentity = new Map<string, string | Set<string>>();
  /** Latest load per URI: a slow read that finishes after a newer one must not win. */
  private readonly loadSeq = new Map<string, number>();
  private seq = 0;
  /** Counts changes, so a pass can tell whether it changed anything. */
  changes = 0;
  /** Records with material, counted as they change (counting them, 126,000 records apart in the heap, took 60 ms). */
  private materialRecords = 0;
  /** Records changed since the last rebuild started (the index clears it when it starts one). */
  dirty = false;
  /**
   * Some change since the last rebuild started can change links or findings: a file came, went, or
   * changed its material, identity, symlink or origin. Unset while every change only rewrote a
   * file's text around the same material (a trailing newline, a re-save): the last build still holds.
   */
  materialChanged = false;
  /**
   * The last `reported()` list, each file's place in it (by the record object), and whether it was
   * handed out (a later change copies it first: a snapshot's list never changes under it). A change
   * that keeps every file's place (the same real file, origin and symlink, material before and
   * after) patches it; any other drops it. At 110,000 files making it again took 0.1–0.2 s.
   */
  private reportedList: { files: IndexedFile[]; at: Map<IndexedFile, number>; handedOut: boolean } | undefined;

  constructor(private readonly cache: AnalysisCache, private readonly known?: KnownFiles) {}

  get(key: string): IndexedFile | undefined {
    return this.records.get(key);
  }

  has(key: string): boolean {
    return this.records.has(key);
  }

  /** Snapshots, safe to iterate while records change. */
  values(): IndexedFile[] {
    return [...this.records.values()];
  }

  entries(): [string, IndexedFile][] {
    return [...this.records];
  }

  /** A snapshot of the keys only: at 126,000 records, `entries()` made as many pairs (30 ms, and as much for the collector). */
  keys(): string[] {
    return [...this.records.keys()];
  }

  /** The keys of the loads in flight. */
  loadKeys(): string[] {
    return [...this.loadSeq.keys()];
  }

  /** The records of the real file `identity` under any spelling (a snapshot, safe to iterate while records change). */
  sameRealFile(identity: string): IndexedFile[] {
    const keys = this.keysByIdentity.get(identity);
    return (keys === undefined ? [] : typeof keys === 'string' ? [keys] : [...keys]).map(key => this.records.get(key)!);
  }

  /**
   * Stores `file` under `key`. A file whose new analysis equals its previous one as data keeps the
   * previous analysis object: the inventory built from it still describes the file, object for object.
   */
  set(key: string, file: IndexedFile): void {
    const previous = this.records.get(key);
    if (previous && previous.analysis !== file.analysis && sameData(previous.analysis, file.analysis)) {
      file = file.withAnalysis(previous.analysis);
    }
    if (!previous || previous.analysis !== file.analysis || previous.identity !== file.identity || previous.symlink !== file.symlink || previous.origin !== file.origin) {
      this.materialChanged = true;
    }
    this.patchReported(previous, file);
    this.unindex(key);
    this.records.set(key, file);
    this.materialRecords += Number(file.hasMaterial) - Number(!!previous?.hasMaterial);
    const keys = this.keysByIdentity.get(file.identity);
    if (keys === undefined || keys === key) {
      this.keysByIdentity.set(file.identity, key);
    } else if (typeof keys === 'string') {
      this.keysByIdentity.set(file.identity, new Set([keys, key]));
    } else {
      keys.add(key);
    }
    this.dirty = true;
    this.changes++;
  }

  delete(key: string): void {
    if (this.records.get(key)?.hasMaterial) {
      this.reportedList = undefined;
      this.materialRecords--;
    }
    this.unindex(key);
    if (this.records.delete(key)) {
      this.dirty = true;
      this.materialChanged = true;
      this.changes++;
    }
  }

  /**
   * After a walk that went through: what it did not list (`listed`, keys) is gone (deleted, now
   * excluded, folder removed), unless it was created after the listing: the disk decides for what
   * is still in scope (`readLimit`). Open editors leave through the index's editorClosed.
   */
  async sweep(listed: ReadonlySet<string>, readLimit: (uri: vscode.Uri) => number | undefined, pause: Pause): Promise<void> {
    for (const key of this.keys()) {
      const due = maybePause(pause);
      if (due) {
        await due;
      }
      const file = this.records.get(key);
      if (!file || listed.has(key) || file.origin === 'editor') {
        continue; // gone meanwhile, listed, or an editor's
      }
      const maxBytes = readLimit(file.uri);
      if (maxBytes !== undefined) {
        await this.loadFromDisk(file.uri, maxBytes, false);
      } else {
        this.delete(key);
      }
    }
  }

  private unindex(key: string): void {
    const identity = this.records.get(key)?.identity;
    const keys = identity === undefined ? undefined : this.keysByIdentity.get(identity);
    if (keys === key) {
      this.keysByIdentity.delete(identity!);
    } else if (typeof keys === 'object') {
      keys.delete(key);
      if (keys.size === 1) {
        this.keysByIdentity.set(identity!, keys.values().next().value!);
      }
    }
  }

  /** Starts a load of `key`: only the latest one started may store its result. */
  nextSeq(key: string): number {
    const seq = ++this.seq;
    this.loadSeq.set(key, seq);
    return seq;
  }

  /** Any load of `key` in flight ends without storing its result (the file was deleted meanwhile). */
  cancelLoads(key: string): void {
    this.loadSeq.delete(key);
  }

  /**
   * Whether the load `seq` of `key` is the latest one started; a load that ends as the latest is
   * forgotten, so only loads in flight are held (a deletion looks through them all: at 126,000 files,
   * every key ever loaded was a map of that size and a pass over it per deleted file).
   */
  isLatest(key: string, seq: number): boolean {
    if (this.loadSeq.get(key) !== seq) {
      return false;
    }
    this.loadSeq.delete(key);
    return true;
  }

  /** Read a file from disk into the records (or drop it when it is gone); true when it was not held before. */
  /** `slices`: the scan's, shared by its readers (see readRecord). */
  async loadFromDisk(uri: vscode.Uri, maxBytes: number, force: boolean, slices?: Pause): Promise<boolean> {
    const key = uri.toString();
    const previous = this.records.get(key);
    if (previous?.origin === 'editor') {
      return false; // the open editor's text wins; the disk is read again when it closes
    }
    const seq = this.nextSeq(key);
    // A forced load (a watcher event, Refresh) reads the file whatever an earlier session knew of it.
    const read = await readRecord(uri, maxBytes, force ? undefined : previous, this.cache, this.known, !force, slices);
    // A newer load, or an editor opened meanwhile, wins.
    if (!this.isLatest(key, seq) || read === 'unchanged' || this.records.get(key)?.origin === 'editor') {
      return false;
    }
    if (read) {
      this.set(key, read);
    } else {
      this.delete(key);
    }
    return read !== undefined && !previous;
  }

  /**
   * Of the files a rescan listed, those it must load: every one not held as a local file that stands
   * as it was read (size and mtime, as readLocal compares them; an open editor's text is its own).
   * The others cost one synchronous stat here, not a reader's turns: a rescan of 27,010 unchanged
   * candidates spent 247–391 ms of the extension host in its readers' awaits. Each listed key is
   * noted in `seen`.
   */
  async toLoad<T extends { uri: vscode.Uri }>(listed: readonly T[], seen: Set<string>, pause: Pause): Promise<T[]> {
    const changed: T[] = [];
    for (const item of listed) {
      const key = item.uri.toString();
      seen.add(key);
      const held = this.records.get(key);
      if (!held || (held.origin === 'disk' && !standsAsRead(held))) {
        changed.push(item);
      }
      const turn = maybePause(pause);
      if (turn) {
        await turn;
      }
    }
    return changed;
  }

  /** Only material matters: a changed README or values file without certificates needs no rebuild. */
  affectsResults(previous: IndexedFile | undefined, next: IndexedFile): boolean {
    if (!previous) {
      return next.hasMaterial;
    }
    return previous.hasMaterial || next.hasMaterial ? previous.text !== next.text || previous.analysis !== next.analysis : false;
  }

  /** How many records hold material (any spelling of a file counts). */
  get materialCount(): number {
    return this.materialRecords;
  }

  /** One file per real file (see oneFilePerRealFile), made in steps with `pause`'s turns between; the caller must not change the list. */
  async reported(pause: Pause): Promise<IndexedFile[]> {
    if (!this.reportedList) {
      const changes = this.changes;
      // Over the records as they are at each step (a Map's iteration sees each key once); any change
      // meanwhile makes the list one not kept, and schedules a newer build.
      const files = await runInSlices(oneFilePerRealFile(this.records.values()), pause, 'reported files');
      // Each file's place in steps too: 110,000 places made in one piece were one task of 86 ms.
      const at = await runInSlices(placesIn(files), pause, 'reported files');
      if (this.changes !== changes) {
        return files; // a record changed meanwhile (and scheduled a newer build): this list is not kept
      }
      this.reportedList = { files, at, handedOut: false };
    }
    this.reportedList.handedOut = true;
    return this.reportedList.files;
  }

  /** `file` replaces `previous` (see `reportedList`). */
  private patchReported(previous: IndexedFile | undefined, file: IndexedFile): void {
    const list = this.reportedList;
    if (!list || (!previous && !file.hasMaterial)) {
      return; // nothing to patch, or a file without material: never reported
    }
    if (!previous || previous.identity !== file.identity || previous.symlink !== file.symlink || previous.origin !== file.origin || previous.hasMaterial !== file.hasMaterial) {
      this.reportedList = undefined; // which spelling is reported, or whether any is, may change
      return;
    }
    const i = list.at.get(previous);
    if (i === undefined) {
      return; // another spelling of the same real file is reported, and still is
    }
    if (list.handedOut) {
      list.files = [...list.files];
      list.handedOut = false;
    }
    list.files[i] = file;
    list.at.delete(previous);
    list.at.set(file, i);
  }
}

/** Files handled between two steps of `oneFilePerRealFile` (as many as a step of the sort). */
const FILES_PER_STEP = 4096;

/**
 * One file per real file with material. A symlink (kubelet-client-current.pem) is reported rather than its
 * timestamped target: that is the name the kubelet's config and operators use, and the one that
 * stays the same across rotations; an editor's unsaved text beats both, since it is the newest.
 */
export function* oneFilePerRealFile(files: Iterable<IndexedFile>): Generator<void, IndexedFile[], void> {
  const byIdentity = new Map<string, IndexedFile>();
  // A step every FILES_PER_STEP files here too: before the sort's first step, 110,000 files were one task of 130 ms.
  let n = 0;
  for (const file of files) {
    const held = file.hasMaterial ? byIdentity.get(file.identity) : undefined;
    if (file.hasMaterial && (!held || preferred(file, held))) {
      byIdentity.set(file.identity, file);
    }
    if (++n % FILES_PER_STEP === 0) {
      yield;
    }
  }
  // Sorted by URI strings made once each, not twice per comparison (110,000 files: 1.9 million comparisons), in steps.
  const keyed: { key: string; file: IndexedFile }[] = [];
  for (const file of byIdentity.values()) {
    keyed.push({ key: file.uri.toString(), file });
    if (++n % FILES_PER_STEP === 0) {
      yield;
    }
  }
  const sorted = yield* sortInSteps(keyed, (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0), FILES_PER_STEP);
  return sorted.map(k => k.file);
}

function preferred(a: IndexedFile, b: IndexedFile): boolean {
  if (a.origin !== b.origin) {
    return a.origin === 'editor';
  }
  if (a.symlink !== b.symlink) {
    return a.symlink;
  }
  return compareUris(a.uri, b.uri) < 0;
}

function compareUris(a: vscode.Uri, b: vscode.Uri): number {
  const x = a.toString();
  const y = b.toString();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Each file's index in `files`, a step every FILES_PER_STEP files. */
function* placesIn(files: readonly IndexedFile[]): Generator<void, Map<IndexedFile, number>, void> {
  const at = new Map<IndexedFile, number>();
  for (let i = 0; i < files.length; i++) {
    at.set(files[i], i);
    if (i % FILES_PER_STEP === FILES_PER_STEP - 1) {
      yield;
    }
  }
  return at;
}

/** A held local file whose size and mtime are what it was read with (readLocal's test of `previous`). */
function standsAsRead(held: IndexedFile): boolean {
  if (held.uri.scheme !== 'file') {
    return false;
  }
  const local = statLocalFile(held.uri.fsPath);
  return !!local && local.stat.isFile() && Math.floor(local.stat.mtimeMs) === held.mtime && local.stat.size === held.size;
}
