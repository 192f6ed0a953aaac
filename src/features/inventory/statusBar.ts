import vscode = require('vscode');
import { Command } from '../../commands';
import { ValidityState, validityState } from '../../core/x509/expiry';
import { Services } from '../../services';
import { Disposable } from '../../util/dispose';
import type { IndexSnapshot } from '../../workspace/index';

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
  const counts: ValidityCounts = { expired: 0, notYetValid: 0, expiring: 0 };
  for (const record of snapshot.inventory.records.values()) {
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

  /** What the count was made of: a republished build (the same inventory and time) counts the same. */
  private counted: { inventory: IndexSnapshot['inventory']; now: Date } | undefined;

  private update(snapshot: IndexSnapshot): void {
    if (this.counted?.inventory === snapshot.inventory && this.counted.now === snapshot.now) {
      return;
    }
    this.counted = { inventory: snapshot.inventory, now: snapshot.now };
    try {
      const counts = countValidity(snapshot);
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
