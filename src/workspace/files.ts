import vscode = require('vscode');
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DocumentAnalysis, analyzeBinary, decodeFileText } from '../core/analyze';
import { AnalysisCache, mayHoldMaterial } from '../core/pipeline/analysisCache';
import { type Pause, withRoom } from '../core/slices';
import { EMPTY_ANALYSIS, IndexedFile } from './model';
import { type FileStamp, type KnownFiles, inodeIdentity, settledStamp, stampOf } from './knownFiles';
import { openLocalFile, statLocalFile } from '../util/localFile';

/** What a scan learns about one file before parsing it. */
export interface FileRead {
  mtime: number;
  size: number;
  /** The path itself is a symbolic link (kubelet-client-current.pem). */
  symlink: boolean;
  /**
   * The real file behind the path: device and inode for local files, so a symlink and its target
   * (or a file seen through a symlinked folder) count once; the URI itself elsewhere.
   */
  identity: string;
  /** Undefined when the file is over the size cap (or vanished between listing and reading), or known to hold nothing. */
  bytes?: Uint8Array;
  /** Not read: an earlier session found it without material, and it has not changed since (see KnownFiles). */
  knownEmpty?: boolean;
  /** Not read (yet): an earlier session read this content key from it, and it has not changed since (see KnownFiles). */
  knownKey?: string;
  /** What the stamp of a local file is made of (see KnownFiles). */
  stamp?: FileStamp;
  /** Where to read it, for a local file. */
  fsPath?: string;
}

/** Files up to this size are read synchronously (see readLocal). */
const SYNC_READ_BYTES = 64 * 1024;

/**
 * Stat, then read only when under the cap: a 2 GB log must cost one stat, not a read. Local files
 * go straight to Node's fs: `workspace.fs` crosses a process boundary per call in remote and web
 * set-ups (≈0.7 ms a stat in code-server, against ≈0.02 ms), which dominated a 27,000-file scan.
 */
export async function readCandidate(uri: vscode.Uri, maxBytes: number, previous?: { mtime: number; size: number }, known?: KnownFiles, trust = true): Promise<FileRead | 'unchanged' | undefined> {
  if (uri.scheme === 'file') {
    return readLocal(uri, maxBytes, previous, known, trust);
  }
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(uri);
  } catch {
    return undefined;
  }
  if (!(stat.type & vscode.FileType.File)) {
    return undefined;
  }
  if (previous && previous.mtime === stat.mtime && previous.size === stat.size) {
    return 'unchanged';
  }
  const read: FileRead = { mtime: stat.mtime, size: stat.size, symlink: (stat.type & vscode.FileType.SymbolicLink) !== 0, identity: uri.toString() };
  if (stat.size > maxBytes) {
    return read;
  }
  try {
    read.bytes = await vscode.workspace.fs.readFile(uri);
  } catch {
    return undefined;
  }
  return read;
}

/**
 * Small files read synchronously: a scan makes tens of thousands of these, and each promise-based
 * call is several thread-pool round trips (27,000 files: 11.7 s async against 3.9 s sync, parsing
 * included). A small local read takes microseconds; the scan loop yields every few milliseconds, so
 * the host stays responsive. Larger files are read asynchronously. A file the scan is going to read
 * is opened once, its stat taken from the open file (util/localFile.ts); a rescan (`previous`) and a
 * reload's file known to an earlier session decide by the stat alone, so they take one lstat.
 */
async function readLocal(uri: vscode.Uri, maxBytes: number, previous: { mtime: number; size: number } | undefined, known: KnownFiles | undefined, trust: boolean): Promise<FileRead | 'unchanged' | undefined> {
  const fsPath = uri.fsPath;
  const uriText = uri.toString();
  const trusting = trust && !previous;
  if (trusting && known) {
    await known.ready;
  }
  const reading = !previous && !(trusting && known?.mayKnow(uriText));
  const local = reading ? openLocalFile(fsPath, Math.min(maxBytes, SYNC_READ_BYTES)) : statLocalFile(fsPath);
  if (!local?.stat.isFile()) {
    return undefined;
  }
  const { stat, symlink } = local;
  // The stat follows symlinked folders on the way, so the inode is the real file's in every case.
  const stamp = stampOf(stat, uriText);
  const { identity, mtime } = stamp;
  if (previous && previous.mtime === mtime && previous.size === stat.size) {
    return 'unchanged';
  }
  const read: FileRead = { mtime, size: stat.size, symlink, identity, stamp, fsPath };
  if (trusting && known?.knownEmpty(uriText, stamp)) {
    read.knownEmpty = true;
  } else if (stat.size <= maxBytes) {
    read.knownKey = trusting ? known?.knownMaterial(uriText, stamp) : undefined;
    if (read.knownKey === undefined) {
      try {
        read.bytes = local.bytes ?? await readBytes(fsPath, stat.size);
      } catch {
        return undefined;
      }
    }
  }
  return read;
}

async function readBytes(fsPath: string, size: number): Promise<Uint8Array> {
  const buffer = size <= SYNC_READ_BYTES ? readFileSync(fsPath) : await readFile(fsPath);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * The real file behind a local URI as it is now (device and inode), or undefined when it is not on
 * disk. An atomic rewrite (renewal's temp file + rename) gives a path a new inode, so identities
 * are re-read rather than kept.
 */
export function currentIdentity(uri: vscode.Uri): string | undefined {
  if (uri.scheme !== 'file') {
    return undefined;
  }
  try {
    const stat = statSync(uri.fsPath);
    return stat.ino ? inodeIdentity(stat) : undefined;
  } catch {
    return undefined;
  }
}


/**
 * A candidate file as the index holds it: read (see readCandidate), then analysed: text that may
 * hold material through the content cache, anything else as DER. The text is kept only when it
 * holds material. 'unchanged' when size and mtime match `previous`; undefined when it is not there.
 */
export async function readRecord(uri: vscode.Uri, maxBytes: number, previous: { mtime: number; size: number } | undefined, cache: AnalysisCache, known?: KnownFiles, trust = true, slices?: Pause): Promise<IndexedFile | 'unchanged' | undefined> {
  const read = await readCandidate(uri, maxBytes, previous, known, trust);
  if (!read || read === 'unchanged') {
    return read;
  }
  if (read.knownKey !== undefined && read.stamp && read.fsPath) {
    const trusted = known?.store?.storedAnalysis(read.knownKey);
    if (trusted) {
      known!.confirmMaterial(uri.toString(), read.stamp, read.knownKey);
      return new IndexedFile(uri, read.identity, read.symlink, read.mtime, read.size, 'disk', laterText(read.fsPath, uri.path, read.knownKey, known!), trusted);
    }
    try {
      read.bytes = await readBytes(read.fsPath, read.size); // the cache no longer holds it: read as ever
    } catch {
      return undefined;
    }
  }
  // A scan's readers share its slices (index.ts), and one turn let all sixteen go on: each analysed
  // a file before any looked at the time again. While V8 ran the decoders deoptimized (mid-scan at
  // 100,000 files: a certificate took about 28 ms instead of 0.3), that was one task of 0.35–0.55 s.
  // Each reader's analysis now starts only where the slice has room, after the others' work.
  const { text, analysis } = read.bytes ? await withRoom(slices, () => analyse(read.bytes!, uri.path, cache, slices), 'read') : { text: undefined, analysis: EMPTY_ANALYSIS };
  const hasMaterial = analysis.entries.length > 0 || analysis.kubeconfigs.length > 0 || !!analysis.tlsRoutes?.length || !!analysis.certificateSpecs?.length;
  const kept = hasMaterial && text !== undefined ? known?.store?.keptFor(text, uri.path, analysis) : undefined;
  const stamped = !!(read.bytes && read.stamp && known?.note(uri.toString(), read.stamp, hasMaterial ? kept : 'empty'));
  // A text whose analysis the persistent cache keeps needing nothing from it (no private key in it),
  // under a settled stamp, is not held: it is read again when a feature first asks (the ranges of its
  // findings, renewal), checked against the same key, as after a reload. Certificate files' texts
  // were 8 MB of the extension host's heap at 10,000 certificates, held by nothing else. Nor is a
  // text with private key values under a settled stamp (a kubeconfig's client-key-data, a key file):
  // its analysis, in memory, holds what was read from it (10,000 kubeconfigs' texts were 32 MB, all
  // but the content cache's last 2,000 held for nothing else).
  const laterKey = !hasMaterial || text === undefined || !read.fsPath ? undefined
    : stamped && kept ? kept.key
      : known?.store && read.stamp && settledStamp(read.stamp) ? known.store.keyFor(text, uri.path, analysis) : undefined;
  const held = laterKey !== undefined ? laterText(read.fsPath!, uri.path, laterKey, known!) : text;
  return new IndexedFile(uri, read.identity, read.symlink, read.mtime, read.size, 'disk', hasMaterial ? held : undefined, analysis);
}

/** A file's bytes as text (or DER) and their analysis. */
async function analyse(bytes: Uint8Array, fileName: string, cache: AnalysisCache, slices?: Pause): Promise<{ text: string | undefined; analysis: DocumentAnalysis }> {
  const text = decodeFileText(bytes);
  if (text === undefined) {
    return { text, analysis: await analyzeBinary(bytes, { passwords: cache.passwords }) };
  }
  return { text, analysis: mayHoldMaterial(text) ? await cache.analyze(text, fileName, slices) : EMPTY_ANALYSIS };
}

/**
 * The text of a file a reload did not read, read when a feature first asks for it. It must still be
 * the text the analysis was made from (the same content key); if the file changed in between, the
 * watcher and the reconciler bring the new text and analysis, and meanwhile there is none.
 */
function laterText(fsPath: string, fileName: string, key: string, known: KnownFiles): () => string | undefined {
  return () => {
    try {
      const text = decodeFileText(readFileSync(fsPath));
      return text !== undefined && known.store?.keyFor(text, fileName) === key ? text : undefined;
    } catch {
      return undefined;
    }
  };
}
