import { randomBytes } from 'node:crypto';
import fs = require('node:fs/promises');
import path = require('node:path');

/**
 * Replacing files without losing anything: a backup of the old bytes first, then an atomic
 * write (temporary file in the same directory, renamed over the original) that keeps the file's
 * mode and owner. A symlink stays a link: its target is written. Node-only (renewal writes local
 * files); no 'vscode' import, so the behaviour is plain file-system semantics.
 */

export interface BackupOptions {
  /** Put backups here (absolute), mirroring `relativePath`; empty or undefined: next to the file. */
  folder?: string;
  /** The file's path inside its workspace folder, for the mirrored layout under `folder`. */
  relativePath?: string;
  /** One timestamp for every file of a batch. */
  now?: Date;
}

export interface WriteOptions {
  /** The new content holds private key material: group and others lose every permission bit. */
  privateMaterial?: boolean;
}

export interface WriteResult {
  /** The path whose bytes changed: the final target when `file` is a symlink. */
  realPath: string;
  symlink: boolean;
  /** Permission bits of the written file. */
  mode: number;
  /**
   * The file belongs to another user and this process may not hand a new file to them (not
   * root): the bytes were written in place, which keeps the owner but is not atomic.
   */
  inPlace: boolean;
}

/** `20250102T030405Z`: ISO 8601 basic format, sortable, no characters file systems dislike. */
export function backupTimestamp(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/**
 * Copy the file's current bytes to `<name>.<UTC timestamp>.bak` (next to it, or under
 * `options.folder`) and return the backup's path. Never overwrites an existing file: a second
 * backup in the same second gets `-2`, `-3`… The backup keeps the original's mode.
 */
export async function backupFile(file: string, options: BackupOptions = {}): Promise<string> {
  const real = await fs.realpath(file);
  const stat = await fs.stat(real);
  const bytes = await fs.readFile(real);
  const stamp = backupTimestamp(options.now ?? new Date());
  const dir = options.folder
    ? path.join(options.folder, path.dirname(options.relativePath ?? path.basename(file)))
    : path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const base = path.join(dir, path.basename(file));
  for (let n = 1; ; n++) {
    const candidate = `${base}.${stamp}${n > 1 ? `-${n}` : ''}.bak`;
    try {
      // Created private, opened here only: no window in which a key's backup is world-readable.
      const handle = await fs.open(candidate, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.chmod(stat.mode & 0o7777);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return candidate;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw e;
      }
    }
  }
}

/**
 * Replace the file's content atomically, keeping mode and owner (owner only when allowed, else
 * an in-place write keeps it). A missing file is created with 0644, or 0600 for private material.
 */
export async function atomicWrite(file: string, data: Uint8Array, options: WriteOptions = {}): Promise<WriteResult> {
  const symlink = await fs.lstat(file).then(s => s.isSymbolicLink(), () => false);
  const real = await fs.realpath(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' && !symlink) {
      return path.resolve(file);
    }
    throw e;
  });
  const stat = await fs.stat(real).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') {
      return undefined;
    }
    throw e;
  });
  let mode = stat ? stat.mode & 0o7777 : options.privateMaterial ? 0o600 : 0o644;
  if (options.privateMaterial) {
    mode &= ~0o077;
  }
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  const foreignOwner = stat !== undefined && uid !== undefined && (stat.uid !== uid || stat.gid !== gid);

  const tmp = path.join(path.dirname(real), `.${path.basename(real)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', 0o600);
  let ownerKept = true;
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
    if (foreignOwner) {
      try {
        await handle.chown(stat.uid, stat.gid);
      } catch {
        ownerKept = false;
      }
    }
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    throw e;
  }
  await handle.close();
  if (!ownerKept) {
    await fs.unlink(tmp).catch(() => undefined);
    await writeInPlace(real, data, mode);
    return { realPath: real, symlink, mode, inPlace: true };
  }
  try {
    await fs.rename(tmp, real);
  } catch (e) {
    await fs.unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDirectory(path.dirname(real));
  return { realPath: real, symlink, mode, inPlace: false };
}

async function writeInPlace(file: string, data: Uint8Array, mode: number): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.truncate(0);
    await handle.write(data, 0, data.length, 0);
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The rename is durable only once the directory entry is; some file systems refuse, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}
