/**
 * The messages between the extension host and the timeline webview (media/timeline/timeline.js).
 * The webview only draws and reports what the user did; every decision and every action (reveal,
 * renew, copy, save) happens on the host, on the same roads the rest of PKI Lens uses.
 */
import type { ExportFormat } from '../../core/render/reportTable';
import type { TimelineModel } from '../../core/render/timeline';

export type TimelineView = 'timeline' | 'table';

/** Host → webview. */
export type ToWebview =
  /** The whole model, after every index change (the webview keeps zoom, filters, sort and selection). */
  | { type: 'model'; model: TimelineModel; view?: TimelineView }
  /** Switch to a view (the palette's Show Expiry Table / Show Expiry Timeline on an open panel). */
  | { type: 'view'; view: TimelineView }
  /** A one-line outcome to announce (copied, saved, renewal cancelled). */
  | { type: 'status'; text: string };

/** Webview → host. Row ids are certificate fingerprints; unknown ids are ignored. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'reveal'; id: string }
  | { type: 'renew'; id: string }
  | { type: 'view'; view: TimelineView }
  /** The rows as the table shows them now: sorted and filtered, in that order. */
  | { type: 'copy'; format: ExportFormat; ids: string[] }
  | { type: 'save'; ids: string[] }
  | { type: 'textReport' };

export function isFromWebview(m: unknown): m is FromWebview {
  if (!m || typeof m !== 'object') {
    return false;
  }
  const o = m as Record<string, unknown>;
  const ids = (v: unknown) => Array.isArray(v) && v.every(x => typeof x === 'string');
  switch (o.type) {
    case 'ready':
    case 'textReport':
      return true;
    case 'reveal':
    case 'renew':
      return typeof o.id === 'string';
    case 'view':
      return o.view === 'timeline' || o.view === 'table';
    case 'copy':
      return (o.format === 'markdown' || o.format === 'csv') && ids(o.ids);
    case 'save':
      return ids(o.ids);
    default:
      return false;
  }
}
