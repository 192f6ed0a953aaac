// The file of the last findings (lastFindings.ts says what it holds and when it is trusted), lines of JSON:
//
//   {"format","version","written","settings"}       the head
//   {"files":[[uri, stamp], …]}                      FILES_PER_LINE at most, as many lines as needed
//   {"findings":[…]}                                 FINDINGS_PER_LINE at most, as many lines as needed
//   SHA-256 of every byte before this line, in hex
//
// A torn or damaged file is recognised by its checksum. Both ways go a line at a time with turns of
// the host between: at 100,000 files the 11,000 findings are 6.5 MB, and writing them as one JSON
// held the extension host for 260 ms, reading them back in one piece 40–90 ms (plain Node). The bytes are
// written as a stream (hashedFile.ts).
import { createHash } from 'node:crypto';
import { mkdir, rename, unlink } from 'node:fs/promises';
import path = require('node:path');
import type { CheckCode, Severity } from '../core/checks/finding';
import { Pause, maybePause } from '../core/slices';
import { HashedFileWriter, temporaryName } from './hashedFile';
/** Bumped when the layout changes (the extension version is checked as well). */
const FORMAT = 2;

/** Start line, start character, end line, end character: where the finding was shown. */
export type Span = [number, number, number, number];

export interface RestoredFinding {
  code: CheckCode;
  severity: Severity;
  message: string;
  uri: string;
  range: Span;
  related: { uri: string; range: Span; message: string }[];
}

/** What the file says besides its files and findings. */
export interface ContentsHead {
  version: string;
  written: number;
  /** The folders and settings the findings were computed with (lastFindings.ts `settingsKey`). */
  settings: string;
}

export interface Contents extends ContentsHead {
  format: number;
  /** Every file a finding points into: uri and stamp. */
  files: [string, string][];
  findings: RestoredFinding[];
}

/** Items per line: a line is parsed in one piece when the file is read back. */
const FILES_PER_LINE = 2000;
const FINDINGS_PER_LINE = 500;

/** JSON made before it is turned into bytes and written. */
const PIECE_CHARACTERS = 65536;

/** Hashed this much at a time between turns when the file is read back. */
const HASH_CHUNK_BYTES = 1048576;

/**
 * Writes `file` atomically (a temporary name, renamed; mode 0600), `findings` taken one at a time
 * with `pause`'s turns between; rejects when it cannot, leaving no temporary file behind. Resolves
 * with the number of findings written.
 */
export async function writeLastFindings(file: string, head: ContentsHead, files: readonly [string, string][], findings: Iterable<RestoredFinding>, pause: Pause): Promise<number> {
  const temporary = temporaryName(file);
  let writer: HashedFileWriter | undefined;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    writer = await HashedFileWriter.create(temporary);
    let text = '';
    const add = async (piece: string) => {
      text += piece;
      if (text.length >= PIECE_CHARACTERS) {
        await writer!.put(Buffer.from(text));
        text = '';
      }
    };
    const start: Omit<Contents, 'files' | 'findings'> = { format: FORMAT, version: head.version, written: head.written, settings: head.settings };
    await add(`${JSON.stringify(start)}\n`);
    const lines = async <T>(name: string, items: Iterable<T>, perLine: number) => {
      let count = 0;
      for (const item of items) {
        await add(`${count % perLine ? ',' : `${count ? ']}\n' : ''}{"${name}":[`}${JSON.stringify(item)}`);
        count++;
        const turn = maybePause(pause, `last findings: ${name}`);
        if (turn) {
          await turn;
        }
      }
      if (count) {
        await add(']}\n');
      }
      return count;
    };
    await lines('files', files, FILES_PER_LINE);
    const count = await lines('findings', findings, FINDINGS_PER_LINE);
    await writer.put(Buffer.from(text));
    await writer.finish(digest => Buffer.from(`${digest.toString('hex')}\n`));
    await rename(temporary, file);
    return count;
  } catch (e) {
    await writer?.abort();
    await unlink(temporary).catch(() => undefined);
    throw e;
  }
}

/**
 * The file's contents, or a rejection saying what is wrong with it; hashed a chunk and parsed a line
 * at a time, with `pause` asked between (time slices: a turn of a starting window can come back
 * 100 ms later, and 10,000 files' findings are read in a few milliseconds).
 */
export async function decodeLastFindings(bytes: Buffer, pause: Pause): Promise<Contents> {
  const firstLine = bytes.indexOf(0x0a);
  const head = firstLine < 0 ? undefined : parseLine(bytes.subarray(0, firstLine)) as Partial<Contents> | undefined;
  if (head?.format !== FORMAT) {
    throw head && typeof head.format === 'number' ? new OtherFormat(head.format) : new Error('not a file of last findings');
  }
  // The digest is the last line: every byte before it is hashed, in chunks with turns between.
  const digestAt = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
  if (bytes[bytes.length - 1] !== 0x0a || digestAt <= firstLine) {
    throw new Error('checksum mismatch');
  }
  const hash = createHash('sha256');
  for (let offset = 0; offset < digestAt; offset += HASH_CHUNK_BYTES) {
    hash.update(bytes.subarray(offset, Math.min(offset + HASH_CHUNK_BYTES, digestAt)));
    const turn = maybePause(pause, 'last findings: checksum');
    if (turn) {
      await turn;
    }
  }
  if (hash.digest('hex') !== bytes.subarray(digestAt, bytes.length - 1).toString('latin1')) {
    throw new Error('checksum mismatch');
  }
  const contents: Contents = { ...(head as Contents), files: [], findings: [] };
  for (let at = firstLine + 1; at < digestAt;) {
    const end = bytes.indexOf(0x0a, at);
    const line = parseLine(bytes.subarray(at, end)) as { files?: unknown; findings?: unknown } | undefined;
    const [name] = line ? Object.keys(line) : [];
    const items = name === 'files' || name === 'findings' ? line![name] : undefined;
    if (!Array.isArray(items)) {
      throw new Error('a line that is no list of files or findings');
    }
    for (const item of items) {
      (contents[name as 'files' | 'findings'] as unknown[]).push(item);
    }
    at = end + 1;
    const turn = maybePause(pause, 'last findings: a line');
    if (turn) {
      await turn;
    }
  }
  return contents;
}

/** A file of another layout (an earlier version's): not damaged, but not this version's to read. */
export class OtherFormat extends Error {
  constructor(readonly format: number) {
    super(`format ${format}, expected ${FORMAT}`);
  }
}

/** A line's JSON; undefined when it is none. */
function parseLine(line: Buffer): unknown {
  try {
    return JSON.parse(line.toString('utf8'));
  } catch {
    return undefined;
  }
}
