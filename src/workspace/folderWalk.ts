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
  /** Each folder's files the filter takes, as soon as the folder is listed (in the walk's order, not sorted): the first scan reads a few meanwhile (workspace/headStart.ts). */
  onFolder?: (files: readonly WalkedFile[]) => void;
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
    const firstOfFolder = out.length;
    // The stamp before the read: a change after it makes the next walk read the folder again.
    const stamp = listings?.stamp(folder);
    const kept = stamp === undefined ? undefined : listings!.reuse(rel, stamp);
    if (kept) {
      request.folders?.push(folder);
      for (const childRel of kept.files) {
        out.push({ rel: childRel, linked });
      }
      pushInOrder(pending, kept.folders, linked);
      for (const childRel of kept.links) {
        visitLink(childRel);
      }
      request.onFolder?.(out.slice(firstOfFolder));
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
    pushInOrder(pending, listing.folders, linked);
    if (stamp !== undefined) {
      listings!.keep(rel, stamp, listing);
    }
    request.onFolder?.(out.slice(firstOfFolder));
    await pause?.();
  }
  if (!pending.length) {
    listings?.finish(); // a walk that went through (a cancelled one leaves folders pending)
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * Subfolders onto the walk's stack so that they come off in name order: the walk goes through the
 * tree in path order, so the first scan reads the folders' samples while listing (headStart.ts) in
 * the order the complete listing puts them. Pushed as readdir lists them (libuv sorts by name), they
 * came off last name first: the bench workspace's 400 folders of manifests (`src/`) before its
 * certificates (`certs/`), and the first file was read 0.7 s after the core was ready. Sorted here
 * all the same: not every platform's listing is sorted.
 */
function pushInOrder(pending: WalkedFile[], folders: string[], linked: boolean): void {
  folders.sort();
  for (let i = folders.length - 1; i >= 0; i--) {
    pending.push({ rel: folders[i], linked });
  }
}
