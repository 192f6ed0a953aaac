import fs = require('node:fs/promises');
import { bytesEqual } from '../../core/x509/bytes';
import { atomicWrite, backupFile } from '../../workspace/fileWriter';

/**
 * The command line's commit of planned files, on the same primitives as the extension's renewal
 * writer (features/renew/writer.ts, which also drives open editors through VS Code): everything
 * is computed before anything is written; each existing file is backed up to
 * `<name>.<UTC timestamp>.bak` and replaced atomically keeping its mode (keys 0600); a file that
 * changed since it was read stops the batch, and the files already written are put back.
 */

export interface PlannedFile {
  path: string;
  /** The bytes read when planning; absent for a file to be created. */
  original?: Uint8Array;
  newBytes: Uint8Array;
  /** Holds a private key: group and others get no permission bit. */
  privateMaterial?: boolean;
}

export interface CommittedFile {
  path: string;
  backup?: string;
  mode: number;
}

export class CommitError extends Error {}

async function current(file: string): Promise<Uint8Array | undefined> {
  return fs.readFile(file).then(b => new Uint8Array(b), () => undefined);
}

export async function commitFiles(files: readonly PlannedFile[], now: Date = new Date()): Promise<CommittedFile[]> {
  const done: { file: PlannedFile; committed: CommittedFile }[] = [];
  try {
    for (const file of files) {
      const onDisk = await current(file.path);
      if (file.original ? !onDisk || !bytesEqual(onDisk, file.original) : onDisk !== undefined) {
        throw new CommitError(`${file.path} changed on disk since it was read; run the command again`);
      }
      const backup = file.original ? await backupFile(file.path, { now }) : undefined;
      const result = await atomicWrite(file.path, file.newBytes, { privateMaterial: file.privateMaterial });
      done.push({ file, committed: { path: file.path, backup, mode: result.mode } });
    }
  } catch (e) {
    const restored: string[] = [];
    for (const { file } of done.reverse()) {
      try {
        if (file.original) {
          await atomicWrite(file.path, file.original);
        } else {
          await fs.unlink(file.path);
        }
        restored.push(file.path);
      } catch {
        // The backup is still there.
      }
    }
    const reason = e instanceof CommitError ? e.message : `writing failed: ${(e as Error).message}`;
    throw new CommitError(restored.length ? `${reason} (put back ${restored.join(', ')} as it was)` : reason);
  }
  return done.map(d => d.committed);
}

/**
 * What renew and sign do with their planned files: nothing on a dry run or when there is nothing
 * to write, else commit them; a commit refused (a file changed on disk meanwhile) becomes the
 * message the command prints, and every file is left as it was.
 */
export async function commitUnlessDryRun(files: readonly PlannedFile[], dryRun: boolean, now: Date): Promise<{ written: CommittedFile[]; writeError?: string }> {
  if (dryRun || !files.length) {
    return { written: [] };
  }
  try {
    return { written: await commitFiles(files, now) };
  } catch (e) {
    if (!(e instanceof CommitError)) {
      throw e;
    }
    return { written: [], writeError: e.message };
  }
}
