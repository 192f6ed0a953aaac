// The walk of a local folder for the scan's candidates, with Node's fs and nothing of VS Code: the
// workspace index's (workspace/discovery.ts) and `pki-lens check`'s (cli/diskScanner.ts), so both
// read the same files, and a unit test holds it to find(1).
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { PathFilter } from '../core/pipeline/glob';

/** A file the walk found: its `/`-separated path below the folder, and whether a symlink led to it. */
export interface WalkedFile {
  rel: string;
  linked: boolean;
}

/** What the walk passes by: include/exclude as in `pkiLens.scan`, the folder an absolute local path. */
export interface WalkRequest {
  base: string;
  include: readonly string[];
  exclude: readonly string[];
  /** When given, every folder read (absolute, excluded ones never are) is added: for a host that watches them (`pki-lens serve`). */
  folders?: string[];
}

/**
 * Every file below `base` the filter takes, sorted by path. Excluded folders are never entered;
 * symlinked files are listed (the index counts a link and its target once), symlinked folders are
 * followed once (a loop is cut by the folder's device and inode). Undefined when `base` cannot be
 * read. Synchronous calls in the caller's slices (`pause`, awaited when it asks to), not promises:
 * each awaited readdir is a thread-pool round trip and then a wait for a turn of an extension host
 * that every extension shares. `cancelled` stops the walk early.
 */
export async function walkFolder(request: WalkRequest, pause?: () => Promise<void> | undefined, cancelled?: () => boolean): Promise<WalkedFile[] | undefined> {
  const { base } = request;
  const filter = new PathFilter(request.include, request.exclude);
  const sep = base.includes('\\') ? '\\' : '/';
  const join = (rel: string) => (rel ? `${base}${sep}${rel.split('/').join(sep)}` : base);
  const out: WalkedFile[] = [];
  const seenDirs = new Set<string>();
  const pending: WalkedFile[] = [{ rel: '', linked: false }];
  try {
    const root = statSync(base);
    seenDirs.add(`${root.dev}:${root.ino}`);
  } catch {
    return undefined;
  }
  while (pending.length && !cancelled?.()) {
    const { rel, linked } = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(join(rel), { withFileTypes: true });
    } catch {
      continue; // unreadable folder: skip it, as a search would
    }
    request.folders?.push(join(rel));
    for (const [i, entry] of entries.entries()) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(join(childRel));
          isDir = target.isDirectory();
          isFile = target.isFile();
          const key = `${target.dev}:${target.ino}`;
          if (isDir && seenDirs.has(key)) {
            continue;
          }
          if (isDir) {
            seenDirs.add(key);
          }
        } catch {
          continue; // dangling link
        }
      }
      if (isDir) {
        if (!filter.excludesFolder(childRel)) {
          pending.push({ rel: childRel, linked: linked || entry.isSymbolicLink() });
        }
      } else if (isFile && filter.matches(childRel)) {
        out.push({ rel: childRel, linked: linked || entry.isSymbolicLink() });
      }
      // Asked every 64 entries: a folder of 40,000 files must not hold the host either.
      if ((i & 63) === 63) {
        await pause?.();
      }
    }
    await pause?.();
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
