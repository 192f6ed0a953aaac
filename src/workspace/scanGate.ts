// What the index's first scan waits for before it starts: a reload's restore of the last findings
// (lastFindings.ts), so that the scan's first steps (loading the core, the listing) do not share the
// extension host's turns with the restored findings on their way to the Problems panel. In the
// profile of a reload, the core's load and the restore's slices alternated for 200 ms.

/**
 * The longest the first scan waits: a restore whose stamp check the thread pool answers slowly (a
 * network file system) must not hold the scan that confirms it.
 */
export const FIRST_SCAN_WAIT_MS = 1000;

export class FirstScanGate {
  private waitFor: Promise<void> | undefined;
  /** When the first scan went through (Date.now()), and whether it had something to wait for: for the tests. */
  passedAt: number | undefined;
  held = false;

  constructor(private readonly maxWaitMs = FIRST_SCAN_WAIT_MS) {}

  /** The first scan starts once `work` settles (at most `maxWaitMs` later); ignored once it has started. */
  after(work: Promise<void>): void {
    if (this.passedAt === undefined) {
      this.waitFor = work;
    }
  }

  /** Settles at once for every scan after the first. Never rejects. */
  async pass(): Promise<void> {
    if (this.passedAt !== undefined) {
      return;
    }
    if (this.waitFor) {
      this.held = true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.waitFor.catch(() => undefined), new Promise<void>(resolve => (timer = setTimeout(resolve, this.maxWaitMs)))]);
      clearTimeout(timer);
    }
    this.passedAt ??= Date.now();
  }
}
