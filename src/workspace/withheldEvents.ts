import vscode = require('vscode');
import type { WatcherCounts, WatcherEventKind, WatcherEventSource, WithholdEvent } from './watcher';

/** Test-only command (registered in ExtensionMode.Test only, so not contributed in package.json). */
export const WITHHOLD_COMMAND = 'pkiLens.test.withholdWatcherEvents';
/** Test-only command: the watcher's counts of events by source (WatcherCounts). */
export const WATCHER_COUNTS_COMMAND = 'pkiLens.test.watcherCounts';

interface Rule {
  kinds: ReadonlySet<WatcherEventKind>;
  /** Whose events: both watchers' unless the rule names one. */
  sources: ReadonlySet<WatcherEventSource>;
  /** fsPath of a file or folder: the events for it and everything below it are withheld. */
  under: string;
  withheld: number;
}

/**
 * The seam that lets integration tests withhold watcher events, so they can show that the index
 * converges on the disk when events are lost (as they are on busy or container file systems)
 * rather than hope the watcher misses one. `executeCommand(WITHHOLD_COMMAND, ['delete'], fsPath)`
 * adds a rule for both VS Code's watcher and the own watch (ownWatch.ts), `…, fsPath, ['vscode']` for
 * one of them; with no arguments it lifts every rule and returns how many events each withheld.
 */
export function registerWithheldEvents(context: vscode.ExtensionContext): WithholdEvent {
  let rules: Rule[] = [];
  context.subscriptions.push(vscode.commands.registerCommand(WITHHOLD_COMMAND, (kinds?: WatcherEventKind[], under?: string, sources: WatcherEventSource[] = ['vscode', 'own']) => {
    if (!kinds || under === undefined) {
      const counts = rules.map(r => r.withheld);
      rules = [];
      return counts;
    }
    rules.push({ kinds: new Set(kinds), sources: new Set(sources), under, withheld: 0 });
    return rules.length;
  }));
  return (kind, uri, source) => {
    const rule = uri.scheme === 'file' ? rules.find(r => r.kinds.has(kind) && r.sources.has(source) && isAtOrBelow(uri.fsPath, r.under)) : undefined;
    if (rule) {
      rule.withheld++;
    }
    return rule !== undefined;
  };
}

/** What the tests ask the watchers (`executeCommand(WATCHER_COUNTS_COMMAND)`): which watch brought the index its events, and the folders the own watch follows. */
export function registerWatcherCounts(context: vscode.ExtensionContext, counts: () => WatcherCounts & { ownFolders: string[] }): void {
  context.subscriptions.push(vscode.commands.registerCommand(WATCHER_COUNTS_COMMAND, counts));
}

function isAtOrBelow(path: string, base: string): boolean {
  const trimmed = base.replace(/[\\/]+$/, '');
  return path === trimmed || path.startsWith(`${trimmed}/`) || path.startsWith(`${trimmed}\\`);
}
