import vscode = require('vscode');
import type { WatcherEventKind, WithholdEvent } from './watcher';

/** Test-only command (registered in ExtensionMode.Test only, so not contributed in package.json). */
export const WITHHOLD_COMMAND = 'pkiLens.test.withholdWatcherEvents';

interface Rule {
  kinds: ReadonlySet<WatcherEventKind>;
  /** fsPath of a file or folder: the events for it and everything below it are withheld. */
  under: string;
  withheld: number;
}

/**
 * The seam that lets integration tests withhold watcher events, so they can show that the index
 * converges on the disk when events are lost (as they are on busy or container file systems)
 * rather than hope the watcher misses one. `executeCommand(WITHHOLD_COMMAND, ['delete'], fsPath)`
 * adds a rule; with no arguments it lifts every rule and returns how many events each withheld.
 */
export function registerWithheldEvents(context: vscode.ExtensionContext): WithholdEvent {
  let rules: Rule[] = [];
  context.subscriptions.push(vscode.commands.registerCommand(WITHHOLD_COMMAND, (kinds?: WatcherEventKind[], under?: string) => {
    if (!kinds || under === undefined) {
      const counts = rules.map(r => r.withheld);
      rules = [];
      return counts;
    }
    rules.push({ kinds: new Set(kinds), under, withheld: 0 });
    return rules.length;
  }));
  return (kind, uri) => {
    const rule = uri.scheme === 'file' ? rules.find(r => r.kinds.has(kind) && isAtOrBelow(uri.fsPath, r.under)) : undefined;
    if (rule) {
      rule.withheld++;
    }
    return rule !== undefined;
  };
}

function isAtOrBelow(path: string, base: string): boolean {
  const trimmed = base.replace(/[\\/]+$/, '');
  return path === trimmed || path.startsWith(`${trimmed}/`) || path.startsWith(`${trimmed}\\`);
}
