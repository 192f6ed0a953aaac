// The first scan's head start: a few files of each folder read while the listing goes on.
//
// The listing of a large workspace takes 0.4–1.8 s of a starting window (for about 0.3 s of the
// host's CPU: the rest is waiting for a core behind the workbench and the other extensions), and the
// reading, so the first findings, waited for all of it. Now, as the walk lists a folder, its sample
// (the first files whose names say material, discovery.ts `FolderSample`) is read at once and offered
// to the early findings (earlyFindings.ts); the rest is read after the listing, in its order, as before.
//
// A link ends the head start: which spelling of a real file is reported is known only once every
// path to it is listed, and the early findings wait for that (EarlyFindingsStream.hold). A link
// listed after a batch went out can still name a file that batch showed: its findings then move to
// the link's path with the complete build, a few seconds later.
import type { FolderSample, ListedFile } from './discovery';

/**
 * Reads in flight, as the scan's reading after the listing has (index.ts): each read waits for a turn
 * of a starting window, which comes back 50–100 ms later. With four, the first finding came 366–412 ms
 * after the first file was read in three cold starts; with sixteen, 106–461 ms (median 109).
 */
const READERS = 16;

export class HeadStart {
  /** The URIs (as strings) handed to the readers: the scan's reading after the listing leaves them out. */
  readonly taken = new Set<string>();
  private readonly queue: ListedFile[] = [];
  private readonly readers: Promise<void>[] = [];
  private idle = READERS;
  private stopped = false;

  /**
   * `read` reads one file and offers it to the early findings (never rejects); `onLink` is called
   * once, when the walk lists a folder a link led to (nothing more is taken from then on).
   */
  constructor(private readonly read: (file: ListedFile) => Promise<void>, private readonly onLink: () => void, private readonly cancelled: () => boolean) {}

  /** What the listing hands over, folder by folder (see `FolderSample`). */
  readonly sample: FolderSample = (files, viaLink) => {
    if (this.stopped) {
      return;
    }
    if (viaLink) {
      this.stopped = true;
      this.onLink();
      return;
    }
    for (const file of files) {
      const key = file.uri.toString();
      if (!this.taken.has(key)) {
        this.taken.add(key);
        this.queue.push(file);
      }
    }
    while (this.idle > 0 && this.queue.length) {
      this.idle--;
      this.readers.push(this.drain());
    }
  };

  /** The listing is done: nothing more is taken; settles once every file taken has been read (or the scan cancelled). */
  async finish(): Promise<void> {
    this.stopped = true;
    while (this.readers.length) {
      await Promise.all(this.readers.splice(0));
    }
  }

  private async drain(): Promise<void> {
    try {
      for (let file = this.queue.shift(); file && !this.cancelled(); file = this.queue.shift()) {
        await this.read(file);
      }
    } finally {
      this.idle++;
    }
  }
}
