// What a folder walk (folderWalk.ts) took from each folder, kept so that the next walk of a folder
// that stands as it was needs no readdir and no glob per entry: a rescan's walk of 51,525 entries in
// 516 folders was 68–118 ms, of which the readdir calls were under half (Node, warm page cache).
//
// A folder's entries change only with its own modification time and change time (creating, deleting
// or renaming an entry updates both; no `touch` sets the change time), so a listing is used again
// only while the folder's stamp (device, inode, mtime, ctime) is the one recorded, and only when that
// stamp had settled before the folder was read: timestamps come from a coarse clock, and a second
// change in the same tick as the first would keep the stamp (git's "racy" entries, the same rule as
// knownFiles.ts). What a stamp cannot tell is left to each walk: a symlink's target can change
// without its folder changing, so links are resolved at every walk. A listing is read again at the
// latest MAX_LISTING_AGE_MS after it was, in case a file system keeps a folder's times still.
import { type Stats, statSync } from 'node:fs';
import { RACY_MS } from './knownFiles';

/** A listing older than this is read again whatever its folder's stamp says. */
export const MAX_LISTING_AGE_MS = 5 * 60 * 1000;

/** Walks (a base folder and its filter) whose listings are kept, the least recently finished dropped first. */
const MAX_WALKS = 64;

/** One folder's part of a walk, as `/`-separated paths below the walk's base. */
export interface FolderListing {
  /** Regular files the filter takes. */
  files: string[];
  /** Folders (not links) the filter does not exclude. */
  folders: string[];
  /** Symbolic links, whatever they point at: resolved by every walk. */
  links: string[];
}

interface Kept {
  stamp: string;
  readAt: number;
  listing: FolderListing;
}

/** One walk's use of the listings: what it may take again, and what it saw (the next walk's listings). */
export interface ListingsWalk {
  /** The folder's stamp now, or undefined when it cannot be stat'ed (the walk reads it as ever, and keeps nothing). */
  stamp(path: string): string | undefined;
  /** The listing kept for `rel` under this stamp, when it may be used again. */
  reuse(rel: string, stamp: string): FolderListing | undefined;
  /** A listing just read (the stamp taken before the read): kept when the stamp had settled. */
  keep(rel: string, stamp: string, listing: FolderListing): void;
  /** The walk went through: what it did not visit is dropped (deleted, now excluded, no longer linked). */
  finish(): void;
}

/** Listings by walk (the filter and base folder: the same folder reached from another base is another listing). */
export class FolderListings {
  private readonly walks = new Map<string, Map<string, Kept>>();
  /** The latest walk's folders read / taken from what was kept (for tests). */
  last = { read: 0, reused: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  /** `reread`: take nothing kept (Refresh), keep what is read for the walks after it. */
  begin(key: string, reread = false): ListingsWalk {
    const before = reread ? undefined : this.walks.get(key);
    const seen = new Map<string, Kept>();
    const counts = (this.last = { read: 0, reused: 0 });
    const now = this.now();
    return {
      stamp: path => {
        try {
          return folderStamp(statSync(path));
        } catch {
          return undefined;
        }
      },
      reuse: (rel, stamp) => {
        const kept = before?.get(rel);
        if (!kept || kept.stamp !== stamp || now - kept.readAt > MAX_LISTING_AGE_MS) {
          return undefined;
        }
        seen.set(rel, kept);
        counts.reused++;
        return kept.listing;
      },
      keep: (rel, stamp, listing) => {
        counts.read++;
        if (now - stampTime(stamp) > RACY_MS) {
          seen.set(rel, { stamp, readAt: now, listing });
        }
      },
      finish: () => {
        this.walks.delete(key);
        this.walks.set(key, seen);
        if (this.walks.size > MAX_WALKS) {
          this.walks.delete(this.walks.keys().next().value!);
        }
      },
    };
  }

  /** How many folders' listings are kept, over every walk (for tests). */
  get size(): number {
    let n = 0;
    for (const walk of this.walks.values()) {
      n += walk.size;
    }
    return n;
  }
}

/** `dev:ino:mtime:ctime`, the times as precise as the platform gives them. */
function folderStamp(stat: Stats): string {
  return `${stat.dev}:${stat.ino}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

/** The later of a stamp's two times (`touch -d` can set the mtime after the ctime). */
function stampTime(stamp: string): number {
  const [, , mtime, ctime] = stamp.split(':');
  return Math.max(Number(mtime), Number(ctime));
}
