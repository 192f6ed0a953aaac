// The bytes of the persistent analysis cache (persistentCache.ts says what goes in and why):
//
//   MAGIC | analyses (v8-serialized) | list parts (JSON) | header JSON | u32 header length | SHA-256 of all before
//
// The analyses come first and the header last, so the file is written as a stream: an analysis is
// serialized, hashed and written, and nothing holds the whole file. (Built in memory, a 230 MB file of
// 100,000 files cost the host its parts, their concatenation and that again with the checksum: 700 MB
// at its peak, while writing.) The lists (analysis keys and lengths, signature verdicts, known files)
// run to tens of thousands of items; they are written as JSON parts of a few thousand items each, so
// writing or reading the file hands the extension host a turn between parts (one 7 MB JSON.parse held
// it for a tenth of a second and more), as the checksum is checked in slices.
import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { CHUNK_BYTES, HashedFileWriter } from './hashedFile';
import type { SignatureCheck } from '../core/inventory/signatureCache';

/** Bumped when the layout or an analysis's fields change (7: key ids as digests, SHA-1 made when shown; the extension version is checked as well); named in the magic too. */
const FORMAT = 7;
const MAGIC = Buffer.from(`PKILENS-ANALYSES ${FORMAT}\n`);
/** Formats 1–5 began so (their header first): recognised, to say why they are not read. */
const HEADER_FIRST_MAGIC = Buffer.from('PKILENS-ANALYSES\n');
/** Items per JSON part. */
const PART_ITEMS = 2000;
/** Analyses placed in the map between two turns when a file is decoded. */
const ENTRIES_PER_TURN = 4096;

/** Everything the file holds but the analyses. */
export interface CacheLists {
  /** The content key of each analysis, in the order of the analyses. */
  keys: string[];
  verdicts: [string, SignatureCheck][];
  /** Files found without material: uri → identity|size|mtime|ctime (see knownFiles.ts). */
  empty: [string, string][];
  /** Files with material: uri, the same stamp, and the key of their analysis among `keys`. */
  material: [string, string, string][];
}

export interface CacheContents extends CacheLists {
  version: string;
  written: number;
  /** The analyses, by key. */
  entries: Map<string, Buffer>;
}

/** Where an analysis stands in a file: its offset and length in bytes. */
export type Region = readonly [offset: number, length: number];

interface Header {
  format: number;
  version: string;
  written: number;
  /** Byte length of each analysis, then of each list part. */
  analyses: number[];
  parts: number[];
}

type ListName = keyof CacheLists;
const LISTS: ListName[] = ['keys', 'verdicts', 'empty', 'material'];

/**
 * A cache file being written: `analysis()` each analysis (in the order their keys will be listed),
 * then `finish()` with the lists (hashed and written as a stream, hashedFile.ts).
 */
export class CacheFileWriter {
  private readonly lengths: number[] = [];

  private constructor(private readonly file: HashedFileWriter) {}

  /** A new file at `file` (mode 0600: what is cached is the user's). */
  static async create(file: string): Promise<CacheFileWriter> {
    const writer = new CacheFileWriter(await HashedFileWriter.create(file));
    await writer.file.put(MAGIC);
    return writer;
  }

  /** Appends one analysis; where it stands in the file. */
  async analysis(bytes: Buffer): Promise<Region> {
    const region: Region = [this.file.offset, bytes.length];
    this.lengths.push(bytes.length);
    await this.file.put(bytes);
    return region;
  }

  /** Writes the lists, the header and the checksum, and closes the file. */
  async finish(version: string, lists: CacheLists, turn: () => Promise<void>): Promise<void> {
    if (lists.keys.length !== this.lengths.length) {
      throw new Error(`${lists.keys.length} keys for ${this.lengths.length} analyses`);
    }
    const parts: number[] = [];
    for (const list of LISTS) {
      const items = lists[list] as unknown[];
      for (let i = 0; i < items.length; i += PART_ITEMS) {
        const part = Buffer.from(JSON.stringify({ list, items: items.slice(i, i + PART_ITEMS) }));
        parts.push(part.length);
        await this.file.put(part);
        await turn();
      }
    }
    const header: Header = { format: FORMAT, version, written: Date.now(), analyses: this.lengths, parts };
    const headerBytes = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(headerBytes.length);
    await this.file.put(headerBytes);
    await this.file.put(length);
    await this.file.finish(digest => digest);
  }

  /** Gives up: the file is closed as it is (the caller removes it). */
  async abort(): Promise<void> {
    await this.file.abort();
  }
}

/**
 * Analyses taken back from a file this window wrote, by region, in ascending order: read about 4 MB
 * at a time, so 56,000 analyses cost a few dozen reads rather than 56,000.
 */
/**
 * One version of the cache file: every write renames a new file into place (a new inode); size and
 * mtime catch anything else.
 */
export interface FileVersion {
  ino: number;
  size: number;
  mtimeMs: number;
}

/** The file's bytes and the version they are, read through one handle so the two agree while another window renames its file into place. */
export async function readVersion(file: string): Promise<{ bytes: Buffer; version: FileVersion }> {
  const handle = await open(file, 'r');
  try {
    const { ino, size, mtimeMs } = await handle.stat();
    return { bytes: await handle.readFile(), version: { ino, size, mtimeMs } };
  } finally {
    await handle.close();
  }
}

/** A version of the file open for copying analyses out of it by region, counting them. */
export interface VersionReader {
  read(at: Region): Promise<Buffer | undefined>;
  copied: number;
  close(): Promise<void>;
}

/** `version` of the file, open for copying from, while it is still the one in place (no other window replaced it); else undefined. */
export async function openVersion(file: string, version: FileVersion | undefined): Promise<VersionReader | undefined> {
  const handle = version && await open(file, 'r').catch(() => undefined);
  if (!version || !handle) {
    return undefined;
  }
  const { ino, size, mtimeMs } = await handle.stat();
  if (ino !== version.ino || size !== version.size || mtimeMs !== version.mtimeMs) {
    await handle.close();
    return undefined;
  }
  const regions = new RegionReader(handle);
  const reader: VersionReader = {
    copied: 0,
    read: async at => {
      const bytes = await regions.read(at);
      reader.copied += bytes ? 1 : 0;
      return bytes;
    },
    close: () => handle.close(),
  };
  return reader;
}

export class RegionReader {
  private chunk = Buffer.alloc(0);
  private chunkStart = 0;

  constructor(private readonly handle: FileHandle) {}

  async read([offset, length]: Region): Promise<Buffer | undefined> {
    if (offset < this.chunkStart || offset + length > this.chunkStart + this.chunk.length) {
      const size = Math.max(length, CHUNK_BYTES);
      const buffer = Buffer.allocUnsafe(size);
      const { bytesRead } = await this.handle.read(buffer, 0, size, offset);
      this.chunk = buffer.subarray(0, bytesRead);
      this.chunkStart = offset;
    }
    const start = offset - this.chunkStart;
    // A copy: the chunk is reused for the next regions, and a short read means the file is not what it was.
    return start + length <= this.chunk.length ? Buffer.from(this.chunk.subarray(start, start + length)) : undefined;
  }
}

/** The contents of a file, or an exception naming what is wrong with it. */
export async function decodeCacheFile(bytes: Buffer): Promise<CacheContents> {
  if (bytes.subarray(0, HEADER_FIRST_MAGIC.length).equals(HEADER_FIRST_MAGIC)) {
    throw new Error(`an earlier format, expected ${FORMAT}`);
  }
  if (bytes.length < MAGIC.length + 4 + 32 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error('not a PKI Lens analysis cache');
  }
  const body = bytes.subarray(0, bytes.length - 32);
  if (!(await digestInSlices(body)).equals(bytes.subarray(bytes.length - 32))) {
    throw new Error('checksum mismatch');
  }
  const headerLength = body.readUInt32BE(body.length - 4);
  const headerStart = body.length - 4 - headerLength;
  if (headerStart < MAGIC.length) {
    throw new Error('length mismatch');
  }
  const header = JSON.parse(body.subarray(headerStart, body.length - 4).toString('utf8')) as Header;
  if (header.format !== FORMAT) {
    throw new Error(`format ${header.format}, expected ${FORMAT}`);
  }
  const analysesLength = header.analyses.reduce((sum, n) => sum + n, 0);
  let offset = MAGIC.length + analysesLength;
  if (offset + header.parts.reduce((sum, n) => sum + n, 0) !== headerStart) {
    throw new Error('length mismatch');
  }
  const lists: CacheLists = { keys: [], verdicts: [], empty: [], material: [] };
  for (const length of header.parts) {
    const part = JSON.parse(body.subarray(offset, offset + length).toString('utf8')) as { list: ListName; items: unknown[] };
    if (!LISTS.includes(part.list)) {
      throw new Error(`unknown list ${part.list}`);
    }
    for (const item of part.items) {
      (lists[part.list] as unknown[]).push(item);
    }
    offset += length;
    await nextTurn();
  }
  if (lists.keys.length !== header.analyses.length) {
    throw new Error('length mismatch');
  }
  const entries = new Map<string, Buffer>();
  offset = MAGIC.length;
  for (let i = 0; i < header.analyses.length; i++) {
    entries.set(lists.keys[i], body.subarray(offset, offset + header.analyses[i]));
    offset += header.analyses[i];
    if (i % ENTRIES_PER_TURN === ENTRIES_PER_TURN - 1) {
      await nextTurn();
    }
  }
  return { ...lists, version: header.version, written: header.written, entries };
}

async function digestInSlices(body: Buffer): Promise<Buffer> {
  const hash = createHash('sha256');
  for (let offset = 0; offset < body.length; offset += CHUNK_BYTES) {
    hash.update(body.subarray(offset, offset + CHUNK_BYTES));
    await nextTurn();
  }
  return hash.digest();
}

/** A turn of the event loop (Node only, like this module). */
export function nextTurn(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}
