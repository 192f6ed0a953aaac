import vscode = require('vscode');
import { Command } from '../../commands';
import { reportExport } from '../../core/render/reportTable';
import { TimelineRow, timelineSteps } from '../../core/render/timeline';
import { runInSlices, stoppable, timeSlices } from '../../core/slices';
import { Services } from '../../services';
import { Disposable } from '../../util/dispose';
import type { IndexSnapshot } from '../../workspace/index';
import { yieldToEventLoop } from '../../workspace/turns';
import { SLICE_MS } from '../../workspace/build';
import { rangeIn } from '../inventory/diagnostics';
import { timelineHtml } from './html';
import { FromWebview, TimelineView, ToWebview, isFromWebview } from './protocol';
import { saveReport } from './save';

export const TITLES: Record<TimelineView, string> = { timeline: 'PKI Lens: Expiry Timeline', table: 'PKI Lens: Expiry Table' };

/**
 * The one timeline panel: the model is rebuilt from the index snapshot on every change (live), in
 * the builds' slices, and sent whole; the webview virtualises what it draws. A hidden panel makes
 * none: its webview is gone until shown again, and then asks for the model ('ready'). Actions go back through the existing commands:
 * reveal (`pkiLens.revealEntry`), renew (`pkiLens.renewCertificate`, with its preview).
 */
export class TimelinePanel extends Disposable {
  private rows = new Map<string, TimelineRow>();
  /** The model being made (a newer snapshot's replaces it: the older one stops at its next turn). */
  private making = 0;
  /** The snapshot the rows shown were made from. */
  private snapshot: IndexSnapshot | undefined;
  private view: TimelineView;

  constructor(private readonly panel: vscode.WebviewPanel, private readonly services: Services, mediaRoot: vscode.Uri, view: TimelineView, private readonly onDispose: () => void) {
    super();
    this.view = view;
    panel.title = TITLES[view];
    panel.webview.html = timelineHtml(panel.webview, mediaRoot);
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage(m => void this.receive(m)));
    this._register(services.index.onDidChange(s => this.update(s)));
  }

  override dispose(): void {
    super.dispose();
    this.onDispose();
  }

  reveal(view: TimelineView): void {
    this.setView(view);
    void this.post({ type: 'view', view });
    this.panel.reveal();
  }

  private setView(view: TimelineView): void {
    this.view = view;
    this.panel.title = TITLES[view];
  }

  /**
   * `shown`: the webview holds the model last sent, so a republished build (the same links and time:
   * a save that left the material as it was) is not made again; the settings' thresholds move the
   * time too (the index rebuilds with a new one).
   */
  private update(snapshot: IndexSnapshot, shown = true): void {
    const last = this.snapshot;
    if (shown && last && last.inventory === snapshot.inventory && last.now === snapshot.now) {
      this.snapshot = snapshot; // the same rows, placed on the files as they are now
      return;
    }
    if (!this.panel.visible) {
      this.making++; // a model being made for the panel while it was shown is not sent either
      return;
    }
    const making = ++this.making;
    const stale = () => making !== this.making;
    const pause = stoppable(timeSlices(yieldToEventLoop, SLICE_MS).pause, stale, () => new ModelReplaced());
    void runInSlices(timelineSteps(snapshot.inventory, snapshot.now, snapshot.thresholdsFor), pause).then(model => {
      if (stale()) {
        return;
      }
      this.snapshot = snapshot;
      this.rows = new Map(model.rows.map(r => [r.id, r]));
      void this.post({ type: 'model', model, view: this.view });
    }, e => {
      if (!(e instanceof ModelReplaced)) {
        this.services.logger.error('building the expiry timeline failed', e);
      }
    });
  }

  private post(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private async receive(message: unknown): Promise<void> {
    if (!isFromWebview(message)) {
      return;
    }
    try {
      await this.handle(message);
    } catch (e) {
      this.services.logger.error(`timeline action ${message.type} failed`, e);
      void this.post({ type: 'status', text: `Failed: ${(e as Error)?.message ?? String(e)}` });
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.update(this.services.index.snapshot ?? (await this.services.index.ready()), false);
        return;
      case 'view':
        this.setView(message.view);
        return;
      case 'reveal': {
        const where = this.locate(message.id);
        if (where) {
          await vscode.commands.executeCommand(Command.RevealEntry, where.uri, where.range);
        }
        return;
      }
      case 'renew': {
        const where = this.locate(message.id);
        if (where) {
          // The tree's element shape: the renewal command resolves it, previews, and asks to confirm.
          await vscode.commands.executeCommand(Command.RenewCertificate, { uri: where.uri, range: where.range, fingerprint: message.id });
        }
        return;
      }
      case 'copy': {
        const rows = this.pick(message.ids);
        await vscode.env.clipboard.writeText(reportExport(message.format, rows));
        void this.post({ type: 'status', text: `Copied ${rows.length} row${rows.length === 1 ? '' : 's'} as ${message.format === 'csv' ? 'CSV' : 'Markdown'}` });
        return;
      }
      case 'save': {
        const saved = await saveReport(this.pick(message.ids), this.snapshot);
        if (saved) {
          void this.post({ type: 'status', text: `Saved ${saved}` });
        }
        return;
      }
      case 'textReport':
        await vscode.commands.executeCommand(Command.ExpiryReport);
        return;
    }
  }

  /** The rows the webview named, in its order; ids the model does not hold (stale, or forged) are left out. */
  private pick(ids: readonly string[]): TimelineRow[] {
    return ids.map(id => this.rows.get(id)).filter((r): r is TimelineRow => !!r);
  }

  private locate(id: string): { uri: vscode.Uri; range: vscode.Range } | undefined {
    const row = this.rows.get(id);
    const file = row && this.snapshot?.byUri.get(row.uri);
    if (!row || !file || !this.snapshot) {
      return undefined;
    }
    return { uri: file.uri, range: rangeIn(this.snapshot, row.uri, { start: row.start, end: row.end }) };
  }
}

/** A newer snapshot came while a model was being made: that one is made instead. */
class ModelReplaced extends Error {}
