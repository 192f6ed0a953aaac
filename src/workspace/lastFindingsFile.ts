// The file of the last findings (lastFindings.ts says what it holds and when it is trusted):
//
//   JSON | "\n" | SHA-256 of the JSON, in hex | "\n"
//
// A torn or damaged file is recognised by its checksum. It is written as a stream (hashedFile.ts),
// a finding at a time with turns of the host between slices: at 100,000 files, making the 11,000
// findings' JSON in one piece, then its bytes, held the extension host for 260 ms.
import { createHash } from 'node:crypto';
import { mkdir, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import type { CheckCode, Severity } from '../core/checks/finding';
import { Pause, maybePause } from '../core/slices';
import { HashedFileWriter, temporaryName } from './hashedFile';

/** Bumped when the layout changes (the extension version is checked as well). */
const FORMAT = 1;

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

/** JSON made before it is turned into bytes and written. */
const PIECE_CHARACTERS = 65536;

/**
 * Writes `file` atomically (a temporary name, renamed; mode 0600) with the bytes of
 * `JSON.stringify(contents)` and its checksum, `findings` taken one at a time with `pause`'s turns
 * between; rejects when it cannot, leaving no temporary file behind.
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
    // The keys in the order of `Contents`, as JSON.stringify of the whole would write them.
    const start: Omit<Contents, 'files' | 'findings'> = { format: FORMAT, version: head.version, written: head.written, settings: head.settings };
    await add(`${JSON.stringify(start).slice(0, -1)},"files":[`);
    for (let i = 0; i < files.length; i++) {
      await add(`${i ? ',' : ''}${JSON.stringify(files[i])}`);
      await maybePause(pause, 'last findings: files');
    }
    await add('],"findings":[');
    let count = 0;
    for (const finding of findings) {
      await add(`${count++ ? ',' : ''}${JSON.stringify(finding)}`);
      await maybePause(pause, 'last findings: findings');
    }
    await add(']}');
    await writer.put(Buffer.from(text));
    await writer.finish(digest => Buffer.from(`\n${digest.toString('hex')}\n`));
    await rename(temporary, file);
    return count;
  } catch (e) {
    await writer?.abort();
    await unlink(temporary).catch(() => undefined);
    throw e;
  }
}

/** The file's contents, or an exception saying what is wrong with it. */
export function decodeLastFindings(text: string): Contents {
  const [json, digest] = text.split('\n');
  if (!json || createHash('sha256').update(json).digest('hex') !== digest) {
    throw new Error('checksum mismatch');
  }
  const contents = JSON.parse(json) as Contents;
  if (contents.format !== FORMAT) {
    throw new Error(`format ${contents.format}, expected ${FORMAT}`);
  }
  if (!Array.isArray(contents.files) || !Array.isArray(contents.findings)) {
    throw new Error('no list of files or findings');
  }
  return contents;
}
