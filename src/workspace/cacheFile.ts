// The bytes of the persistent analysis cache (persistentCache.ts says what goes in and why):
//
//   MAGIC | u32 header length | header JSON | list parts (JSON) | analyses (v8-serialized) | SHA-256 of all before
//
// The lists (analysis keys and lengths, signature verdicts, known files) run to tens of thousands
// of items; they are written as JSON parts of a few thousand items each, so reading or writing the
// file hands the extension host a turn between parts (one 7 MB JSON.parse held it for a tenth of a
// second and more), as the checksum is hashed in slices.
import { createHash } from 'node:crypto';
import type { SignatureCheck } from '../core/inventory/signatureCache';

const MAGIC = Buffer.from('PKILENS-ANALYSES\n');
/** Bumped when the layout changes (the extension version is checked as well). */
const FORMAT = 5;
/** Items per JSON part. */
const PART_ITEMS = 2000;
/** Hashed this much at a time between turns. */
const HASH_CHUNK_BYTES = 4 * 1048576;

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

interface Header {
  format: number;
  version: string;
  written: number;
  /** Byte length of each list part, then of each analysis. */
  parts: number[];
  analyses: number[];
}

type ListName = keyof CacheLists;
const LISTS: ListName[] = ['keys', 'verdicts', 'empty', 'material'];

/** The file for these contents (`analyses` in the order of `keys`). */
export async function encodeCacheFile(version: string, lists: CacheLists, analyses: readonly Buffer[], turn: () => Promise<void> = nextTurn): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const list of LISTS) {
    const items = lists[list] as unknown[];
    for (let i = 0; i < items.length; i += PART_ITEMS) {
      parts.push(Buffer.from(JSON.stringify({ list, items: items.slice(i, i + PART_ITEMS) })));
      await turn();
    }
  }
  const header: Header = { format: FORMAT, version, written: Date.now(), parts: parts.map(p => p.length), analyses: analyses.map(a => a.length) };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(headerBytes.length);
  const body = Buffer.concat([MAGIC, length, headerBytes, ...parts, ...analyses]);
  return Buffer.concat([body, await digestInSlices(body, turn)]);
}

/** The contents of a file, or an exception naming what is wrong with it. */
export async function decodeCacheFile(bytes: Buffer): Promise<CacheContents> {
  if (bytes.length < MAGIC.length + 4 + 32 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error('not a PKI Lens analysis cache');
  }
  const body = bytes.subarray(0, bytes.length - 32);
  if (!(await digestInSlices(body)).equals(bytes.subarray(bytes.length - 32))) {
    throw new Error('checksum mismatch');
  }
  const headerLength = body.readUInt32BE(MAGIC.length);
  let offset = MAGIC.length + 4 + headerLength;
  const header = JSON.parse(body.subarray(MAGIC.length + 4, offset).toString('utf8')) as Header;
  if (header.format !== FORMAT) {
    throw new Error(`format ${header.format}, expected ${FORMAT}`);
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
  header.analyses.forEach((length, i) => {
    entries.set(lists.keys[i], body.subarray(offset, offset + length));
    offset += length;
  });
  if (offset !== body.length) {
    throw new Error('length mismatch');
  }
  return { ...lists, version: header.version, written: header.written, entries };
}

async function digestInSlices(body: Buffer, turn: () => Promise<void> = nextTurn): Promise<Buffer> {
  const hash = createHash('sha256');
  for (let offset = 0; offset < body.length; offset += HASH_CHUNK_BYTES) {
    hash.update(body.subarray(offset, offset + HASH_CHUNK_BYTES));
    await turn();
  }
  return hash.digest();
}

/** A turn of the event loop (Node only, like this module). */
function nextTurn(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}
