// Changes to a generated tree on disk, each with its undo, for the tests that follow a long-lived
// scan through them and compare it with a build from nothing (test/unit/relinkEquivalence.test.ts
// on the CLI's scanner, test/integration/relink.test.ts on the extension's index).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One change to the folder, and how to undo it. */
export interface DiskStep {
  label: string;
  undo(): void;
}

/** A write any scan must see as a change: a new mtime a few seconds on each time, whatever the file system's clock grain. */
let clock = Math.floor(Date.now() / 1000);
export function writeChanged(file: string, bytes: Buffer): void {
  fs.writeFileSync(file, bytes);
  clock += 2;
  fs.utimesSync(file, clock, clock);
}

/**
 * `rel` holding another file's bytes: the first donor whose bytes differ and, when `moved` is given,
 * that it says changed what the scan sees (two files may hold the same material in other bytes).
 */
export async function changeTo(root: string, rel: string, donors: readonly string[], moved?: () => Promise<boolean>): Promise<DiskStep> {
  const file = path.join(root, rel);
  const original = fs.readFileSync(file);
  for (const donor of donors) {
    const bytes = fs.readFileSync(path.join(root, donor));
    if (donor === rel || bytes.equals(original)) {
      continue;
    }
    writeChanged(file, bytes);
    if (!moved || (await moved())) {
      return { label: `${rel} holding ${donor}'s bytes`, undo: () => writeChanged(file, original) };
    }
  }
  writeChanged(file, original);
  throw new Error(`no file's bytes change what ${rel} holds`);
}

/** `rel` removed; undone as it was: a symlink as the same link, a file with its bytes and mode. */
export function remove(root: string, rel: string): DiskStep {
  const file = path.join(root, rel);
  const link = fs.lstatSync(file).isSymbolicLink() ? fs.readlinkSync(file) : undefined;
  const original = link === undefined ? fs.readFileSync(file) : undefined;
  const mode = fs.statSync(file).mode & 0o777;
  fs.unlinkSync(file);
  return {
    label: `${rel} removed`,
    undo: () => {
      if (link !== undefined) {
        fs.symlinkSync(link, file);
      } else {
        writeChanged(file, original!);
        fs.chmodSync(file, mode);
      }
    },
  };
}

/** A copy of `rel` added beside it (`copy-<name>`): the same material in a second place. */
export function addCopy(root: string, rel: string): DiskStep {
  const copy = path.join(root, path.dirname(rel), `copy-${path.basename(rel)}`);
  writeChanged(copy, fs.readFileSync(path.join(root, rel)));
  return { label: `a copy of ${rel} added beside it`, undo: () => fs.unlinkSync(copy) };
}

/** Up to `count` of `files` (sorted), spread over the list: every one when there are no more. */
export function spreadOver(files: readonly string[], count: number): string[] {
  const sorted = [...files].sort();
  if (sorted.length <= count) {
    return sorted;
  }
  return Array.from({ length: count }, (_, k) => sorted[Math.floor((k * sorted.length) / count)]);
}
