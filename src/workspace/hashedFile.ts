// A file written as a stream and hashed as it goes, for the files kept between sessions (the analysis
// cache, cacheFile.ts; the last findings, lastFindingsFile.ts): pieces are hashed as they come and
// written about CHUNK_BYTES at a time, so nothing holds the whole file, and a reader recognises a
// torn or damaged one by its SHA-256.
import { createHash } from 'node:crypto';
import { FileHandle, open, readdir, stat, unlink } from 'node:fs/promises';
import path = require('node:path');

/** Written in pieces of about this much (and hashed this much at a time when read back). */
export const CHUNK_BYTES = 4 * 1048576;

export class HashedFileWriter {
  private readonly hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes put so far: where the next piece starts. */
  offset = 0;

  private constructor(private readonly handle: FileHandle) {}

  /** A new file at `file`, mode 0600: what is kept is the user's. */
  static async create(file: string): Promise<HashedFileWriter> {
    return new HashedFileWriter(await open(file, 'w', 0o600));
  }

  /** Appends `bytes` (hashed). */
  async put(bytes: Buffer): Promise<void> {
    this.hash.update(bytes);
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.offset += bytes.length;
    if (this.pendingBytes >= CHUNK_BYTES) {
      await this.flush();
    }
  }

  /** Writes what is pending, then `trailer` made from the digest of everything put (not hashed itself), and closes the file. */
  async finish(trailer: (digest: Buffer) => Buffer): Promise<void> {
    await this.flush();
    await this.handle.write(trailer(this.hash.digest()));
    await this.handle.close();
  }

  /** Gives up: the file is closed as it is (the caller removes it). */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  private async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (pending.length) {
      await this.handle.writev(pending);
    }
  }
}

/** A temporary name beside `file`, for a write renamed into place once complete (two windows never share one). */
export function temporaryName(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}

/** A window killed while writing `file` leaves its temporary file; anything a minute old is nobody's any more. */
export async function removeAbandonedWrites(file: string): Promise<void> {
  const folder = path.dirname(file);
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names.filter(n => n.startsWith(`${path.basename(file)}.`) && n.endsWith('.tmp'))) {
    const temporary = path.join(folder, name);
    const age = Date.now() - ((await stat(temporary).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (age > 60_000) {
      await unlink(temporary).catch(() => undefined);
    }
  }
}
