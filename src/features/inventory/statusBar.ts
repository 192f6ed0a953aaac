import vscode = require('vscode');
import { Command } from '../../commands';
import { ValidityState, validityState } from '../../core/x509/expiry';
import { runInSlices, runStraight, timeSlices } from '../../core/slices';
import { Services } from '../../services';
import { Disposable } from '../../util/dispose';
import type { IndexSnapshot } from '../../workspace/index';
import { yieldToEventLoop } from '../../workspace/turns';
import { SLICE_MS } from '../../workspace/build';

const URGENCY: readonly ValidityState[] = ['expired', 'not-yet-valid', 'expiring'];

export interface ValidityCounts {
  expired: number;
  notYetValid: number;
  expiring: number;
}

/**
 * Distinct certificates (a CA copied into five kubeconfigs counts once) by validity. A copy in
 * several folders counts by its most urgent state, each copy judged by its own folder's thresholds.
 */
export function countValidity(snapshot: IndexSnapshot): ValidityCounts {
  return runStraight(validitySteps(snapshot));
}

/** Records counted between two steps: well under a millisecond. */
const RECORDS_PER_STEP = 512;

/**
 * `countValidity` a step every RECORDS_PER_STEP records, so the status bar counts in the host's slices
 * after each build: at 100,000 certificates the count in one piece took 69–100 ms in Node, a task
 * of the extension host at every relink.
 */
function* validitySteps(snapshot: IndexSnapshot): Generator<void, ValidityCounts, void> {
  const counts: ValidityCounts = { expired: 0, notYetValid: 0, expiring: 0 };
  // An array walked by index: in a generator, for…of makes an object per record (see core/checks/finding.ts ITEMS_PER_STEP).
  const records = Array.from(snapshot.inventory.records.values());
  for (let i = 0; i < records.length; i++) {
    if (i % RECORDS_PER_STEP === RECORDS_PER_STEP - 1) {
      yield;
    }
    const record = records[i];
    // The most urgent state over the record's copies (each judged by its own folder's thresholds);
    // no set or array per record: this runs over every certificate after every build.
    let worst = URGENCY.length;
    for (const node of record.occurrences) {
      const rank = URGENCY.indexOf(validityState(record.certificate, snapshot.now, snapshot.thresholdsFor(node.file.uri)));
      if (rank >= 0 && rank < worst) {
        worst = rank;
      }
    }
    switch (URGENCY[worst]) {
      case 'expired': counts.expired++; break;
      case 'not-yet-valid': counts.notYetValid++; break;
      case 'expiring': counts.expiring++; break;
    }
  }
  return counts;
}

/** `PKI: 2 expired · 3 expiring`; hidden when every certificate is fine. */
export function statusText(c: ValidityCounts): string | undefined {
  const parts = [
    c.expired ? `${c.expired} expired` : '',
    c.notYetValid ? `${c.notYetValid} not yet valid` : '',
    c.expiring ? `${c.expiring} expiring` : '',
  ].filter(Boolean);
  return parts.length ? `PKI: ${parts.join(' · ')}` : undefined;
}

/** The status-bar summary of the workspace's certificates; a click opens the inventory. */
export class PkiStatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('pkiLens.status', vscode.StatusBarAlignment.Left, 10));

  constructor(private readonly services: Services) {
    super();
    this.item.name = 'PKI Lens';
    this.item.command = Command.FocusInventory;
    this._register(services.index.onDidChange(s => this.update(s)));
    if (services.index.snapshot) {
      this.update(services.index.snapshot);
    }
  }

  /** The text shown now, or undefined when hidden (for tests). */
  text: string | undefined;

  /** The latest snapshot's count, shown (for tests: the count runs in slices after each build). */
  private shown: Promise<void> = Promise.resolve();

  /** Settles once the count of the latest snapshot so far is shown; the text then shown. */
  async settled(): Promise<string | undefined> {
    let shown: Promise<void>;
    do {
      shown = this.shown;
      await shown;
    } while (shown !== this.shown);
    return this.text;
  }

  /** What the count was made of: a republished build (the same inventory and time) counts the same. */
  private counted: { inventory: IndexSnapshot['inventory']; now: Date } | undefined;

  private update(snapshot: IndexSnapshot): void {
    if (this.counted?.inventory === snapshot.inventory && this.counted.now === snapshot.now) {
      return;
    }
    const counted = { inventory: snapshot.inventory, now: snapshot.now };
    this.counted = counted;
    // In the builds' slices; a newer snapshot's count replaces this one's.
    this.shown = runInSlices(validitySteps(snapshot), timeSlices(yieldToEventLoop, SLICE_MS).pause).then(counts => {
      if (this.counted === counted) {
        this.show(counts);
      }
    }, e => this.services.logger.error('counting certificates for the status bar failed', e));
  }

  private show(counts: ValidityCounts): void {
    try {
      this.text = statusText(counts);
      if (!this.text) {
        this.item.hide();
        return;
      }
      const urgent = counts.expired + counts.notYetValid > 0;
      this.item.text = `$(${urgent ? 'error' : 'warning'}) ${this.text}`;
      // The click opens the inventory; the tooltip also links to the expiry timeline (the only command it may run).
      const tooltip = new vscode.MarkdownString(`PKI Lens: certificates in this workspace that need attention. Click to show the inventory, or [show the expiry timeline](command:${Command.ShowTimeline}).`);
      tooltip.isTrusted = { enabledCommands: [Command.ShowTimeline] };
      this.item.tooltip = tooltip;
      this.item.backgroundColor = urgent ? new vscode.ThemeColor('statusBarItem.errorBackground') : new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.show();
    } catch (e) {
      this.services.logger.error('updating the status bar failed', e);
    }
  }
}

export function registerStatusBar(context: vscode.ExtensionContext, services: Services): PkiStatusBar {
  const bar = new PkiStatusBar(services);
  context.subscriptions.push(bar);
  return bar;
}
