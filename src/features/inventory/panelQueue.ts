/**
 * What the Problems panel is still to be sent, sent a share at a time with a turn of the extension
 * host between shares. VS Code serialises every diagnostic for the renderer, its related locations
 * with it (50–100 µs each): the 1,101 findings a reload restores on the bench workspace held the
 * host for 150 ms in one call, and a workspace ten times that size for over a second. A share is
 * what VS Code took about SHARE_MS to send last time: more shares cost more turns, and a turn of a
 * starting window comes back 50–100 ms later. The first share goes out at once, in the caller's
 * turn, so a small workspace's findings are all in the panel when the call returns. Knows nothing
 * of VS Code: the panel is whatever `send` writes to.
 */

/** One file's diagnostics, as the panel is to hold them. */
export interface PanelItem<U, D> {
  /** The file's URI as a string: what `shown` is kept by. */
  key: string;
  uri: U;
  diagnostics: D[];
  /** Everything the panel shows of `diagnostics` (see DiagnosticsPublisher): equal signatures, nothing to send; undefined: made when sent. */
  signature: string | undefined;
  /** What sending costs, in diagnostics (each related location counts as one more). */
  weight: number;
}

/** How long one share may hold the host: under the 50 ms a person notices. */
export const SHARE_MS = 35;

/** How much goes into a share. */
export interface ShareSize {
  /** The weight of the next share. */
  next(): number;
  /** A share of `weight` took `ms` to send. */
  sent(weight: number, ms: number): void;
}

/** Shares of a fixed weight. */
export function fixedShares(weight: number): ShareSize {
  return { next: () => weight, sent: () => undefined };
}

/**
 * Shares sized to take `budgetMs` at the pace the last sizeable share was sent (the pace varies
 * with the machine and with what a diagnostic carries). Starts from 50 µs a unit of weight.
 */
export function timedShares(budgetMs = SHARE_MS, startMsPerWeight = 0.05): ShareSize {
  let msPerWeight = startMsPerWeight;
  return {
    next: () => Math.max(MIN_SHARE, Math.floor(budgetMs / msPerWeight)),
    sent: (weight, ms) => {
      if (weight >= MIN_SHARE) {
        msPerWeight = Math.max(ms, 0.1) / weight;
      }
    },
  };
}

/** A share never smaller than this: a slow moment of the host must not turn 10,000 findings into 10,000 turns. */
const MIN_SHARE = 32;

export class PanelQueue<U, D> {
  private queue: PanelItem<U, D>[] = [];
  private head = 0;
  private scheduled = false;
  private readonly waiting: (() => void)[] = [];

  /**
   * `send`: writes a share to the panel (one call for the share: one change event, not one per file).
   * `turn`: resolves at the host's next turn. `clock`: milliseconds, for the shares' pace.
   */
  constructor(
    private readonly send: (items: readonly PanelItem<U, D>[]) => void,
    private readonly turn: () => Promise<void>,
    private readonly shares: ShareSize = timedShares(),
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Sent after whatever is queued; the first share now. */
  add(items: readonly PanelItem<U, D>[]): void {
    for (const item of items) {
      this.queue.push(item);
    }
    this.drain();
  }

  /** What is queued is dropped, then `items` added: a complete build replaces the partial sends still waiting. */
  replace(items: readonly PanelItem<U, D>[]): void {
    this.queue = [];
    this.head = 0;
    this.add(items);
  }

  /** Nothing left to send. */
  get empty(): boolean {
    return this.head >= this.queue.length;
  }

  /** Settles once everything queued (and anything added meanwhile) has been sent or replaced. */
  sent(): Promise<void> {
    return this.empty ? Promise.resolve() : new Promise(resolve => this.waiting.push(resolve));
  }

  private drain(): void {
    this.step();
    if (!this.empty && !this.scheduled) {
      this.scheduled = true;
      void this.turn().then(() => {
        this.scheduled = false;
        this.drain();
      });
    }
  }

  /** One share: items in order up to the share's weight (at least one item, however heavy). */
  private step(): void {
    const share: PanelItem<U, D>[] = [];
    const limit = this.shares.next();
    let weight = 0;
    while (!this.empty && (!share.length || weight + this.queue[this.head].weight <= limit)) {
      const item = this.queue[this.head++];
      share.push(item);
      weight += item.weight;
    }
    if (this.empty) {
      this.queue = [];
      this.head = 0;
    }
    if (share.length) {
      const started = this.clock();
      this.send(share);
      this.shares.sent(weight, this.clock() - started);
    }
    if (this.empty) {
      this.waiting.splice(0).forEach(resolve => resolve());
    }
  }
}
