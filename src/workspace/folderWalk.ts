// The walk of a local folder for the scan's candidates, with Node's fs and nothing of VS Code: the
// workspace index's (workspace/discovery.ts) and `pki-lens check`'s (cli/diskScanner.ts), so both
// read the same files, and a unit test holds it to find(1).
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { PathFilter } from '../core/pipeline/glob';
import { type FolderListing, FolderListings } from './folderListings';

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
  /** What earlier walks took from each folder, for a host that walks the same folders again (folderListings.ts). */
  listings?: FolderListings;
  /** Read every folder, taking nothing from `listings` (a Refresh); what is read is kept for the next walk. */
  readEveryFolder?: boolean;
}

/**
 * Every file below `base` the filter takes, sorted by path. Excluded folders are never entered;
 * symlinked files are listed (the index counts a link and its target once), symlinked folders are
 * followed once (a loop is cut by the folder's device and inode). Undefined when `base` cannot be
 * read. Synchronous calls in the caller's slices (`pause`, awaited when it asks to), not promises:
 * each awaited readdir is a thread-pool round trip and then a wait for a turn of an extension host
 * that every extension shares. `cancelled` stops the walk early. With `listings`, a folder that
 * stands as an earlier walk read it is not read again (folderListings.ts).
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
  const listings = request.listings?.begin(JSON.stringify([base, request.include, request.exclude]), request.readEveryFolder);
  /** A symlink, resolved at every walk (its target may change without its folder changing): a folder to walk once, or a file the filter takes. */
  const visitLink = (childRel: string) => {
    let target;
    try {
      target = statSync(join(childRel));
    } catch {
      return; // dangling link
    }
    if (target.isDirectory()) {
      const key = `${target.dev}:${target.ino}`;
      if (!seenDirs.has(key)) {
        seenDirs.add(key);
        if (!filter.excludesFolder(childRel)) {
          pending.push({ rel: childRel, linked: true });
        }
      }
    } else if (target.isFile() && filter.matches(childRel)) {
      out.push({ rel: childRel, linked: true });
    }
  };
  while (pending.length && !cancelled?.()) {
    const { rel, linked } = pending.pop()!;
    const folder = join(rel);
    // The stamp before the read: a change after it makes the next walk read the folder again.
    const stamp = listings?.stamp(folder);
    const kept = stamp === undefined ? undefined : listings!.reuse(rel, stamp);
    if (kept) {
      request.folders?.push(folder);
      for (const childRel of kept.files) {
        out.push({ rel: childRel, linked });
      }
      for (const childRel of kept.folders) {
        pending.push({ rel: childRel, linked });
      }
      for (const childRel of kept.links) {
        visitLink(childRel);
      }
      await pause?.();
      continue;
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      continue; // unreadable folder: skip it, as a search would
    }
    request.folders?.push(folder);
    const listing: FolderListing = { files: [], folders: [], links: [] };
    // By index: `entries()` made a pair for each of a walk's 51,000 entries.
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) {
        listing.links.push(childRel);
        visitLink(childRel);
      } else if (entry.isDirectory()) {
        if (!filter.excludesFolder(childRel)) {
          listing.folders.push(childRel);
          pending.push({ rel: childRel, linked });
        }
      } else if (entry.isFile() && filter.matches(childRel)) {
        listing.files.push(childRel);
        out.push({ rel: childRel, linked });
      }
      // Asked every 64 entries: a folder of 40,000 files must not hold the host either.
      if ((i & 63) === 63) {
        await pause?.();
      }
    }
    if (stamp !== undefined) {
      listings!.keep(rel, stamp, listing);
    }
    await pause?.();
  }
  if (!pending.length) {
    listings?.finish(); // a walk that went through (a cancelled one leaves folders pending)
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
