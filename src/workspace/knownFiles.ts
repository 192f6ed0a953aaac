/**
 * Files a scan read and found without material, by path and what a stat says of them (the real file,
 * size, mtime), kept across reloads with the persistent cache. A start that finds one unchanged need
 * not read it again: most of a large workspace's candidates (values files, manifests, package.json
 * files) hold nothing, and reading them was most of a reload's cost.
 *
 * A file is recorded only when its mtime lies well before the read that found it empty: a file
 * changed again within the same clock tick (coarse mtimes) must not look unchanged (git's "racily
 * clean" rule); such a file is simply read again next time.
 */
export class KnownEmptyFiles {
  private trusted = new Map<string, string>();
  /** What this session confirmed: written with the cache. */
  private readonly seen = new Map<string, string>();
  /** Files skipped this session because they were known. */
  skipped = 0;

  /** The entries of an earlier session. */
  adopt(entries: readonly [string, string][]): void {
    this.trusted = new Map(entries);
  }

  forget(): void {
    this.trusted.clear();
  }

  /** Is this file known to hold nothing, as it stands now? Confirms it for the next session. */
  knownEmpty(uri: string, identity: string, size: number, mtime: number): boolean {
    const stamp = `${identity}|${size}|${mtime}`;
    if (this.trusted.get(uri) === stamp) {
      this.seen.set(uri, stamp);
      this.skipped++;
      return true;
    }
    return false;
  }

  /** A file was read: remember it when it held nothing, forget it otherwise. */
  note(uri: string, identity: string, size: number, mtime: number, empty: boolean, now = Date.now()): void {
    if (empty && now - mtime > RACY_MS) {
      this.seen.set(uri, `${identity}|${size}|${mtime}`);
    } else {
      this.seen.delete(uri);
    }
  }

  entries(): [string, string][] {
    return [...this.seen];
  }

  get size(): number {
    return this.seen.size;
  }
}

/** How far before the recording a file's mtime must lie to be trusted. */
const RACY_MS = 2000;
