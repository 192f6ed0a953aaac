import vscode = require('vscode');
import { Command } from '../../commands';
import type { ProbeResults } from '../probe/results';
import { Services } from '../../services';
import { Disposable } from '../../util/dispose';
import type { IndexSnapshot } from '../../workspace/index';
import { Grouping, InventoryTreeElement, NodeState, buildTree } from './treeNodes';

export type { InventoryTreeElement } from './treeNodes';

const VIEW_ID = 'pkiLens.inventory';
const GROUPING_KEY = 'pkiLens.grouping';

const ICONS: Record<NodeState, vscode.ThemeIcon | undefined> = {
  valid: new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green')),
  expiring: new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.yellow')),
  expired: new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red')),
  broken: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('charts.red')),
  none: undefined,
};

/** CAs, folders and groups open at first, so the trust structure shows; a certificate's keys stay folded. */
const EXPANDED = new Set(['pki-cert-ca', 'pki-folder', 'pki-group']);

/** What tests read of the tree: plain data, the same the view shows. */
export interface TreeNodeSnapshot {
  label: string;
  description?: string;
  contextValue: string;
  /** ThemeIcon id: pass, warning, error, circle-slash, key, folder… */
  icon?: string;
  state: NodeState;
  uri?: string;
  /** [startLine, startCharacter, endLine, endCharacter] */
  range?: [number, number, number, number];
  /** The hover markdown the view shows for the node. */
  tooltip?: string;
  /** SHA-256 fingerprint of a certificate node (what Copy Fingerprint copies). */
  fingerprint?: string;
  children: TreeNodeSnapshot[];
}

/** Exposed on the extension's API for tests (and other extensions): the tree as data. */
export interface InventoryTreeApi {
  /** The top-level nodes with all their descendants, after the workspace scan has been built. */
  roots(grouping?: Grouping): Promise<TreeNodeSnapshot[]>;
  /** The grouping the view shows now. */
  readonly grouping: Grouping;
}

/** The `pkiLens.inventory` view: the workspace's PKI by trust (CA → what it issued) or by folder and file. */
export class InventoryTreeProvider extends Disposable implements vscode.TreeDataProvider<InventoryTreeElement> {
  private readonly changed = this._register(new vscode.EventEmitter<InventoryTreeElement | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private roots: InventoryTreeElement[] = [];
  private builtFor: { generation: number; grouping: Grouping } | undefined;
  grouping: Grouping;

  constructor(private readonly services: Services, private readonly memento: vscode.Memento, private readonly probe: ProbeResults) {
    super();
    this._register(probe.onDidChange(() => {
      this.builtFor = undefined; // a probe's "Served" nodes came or went; the files did not change
      this.changed.fire(undefined);
    }));
    this.grouping = memento.get<Grouping>(GROUPING_KEY) === 'file' ? 'file' : 'trust';
    void vscode.commands.executeCommand('setContext', GROUPING_KEY, this.grouping);
    this._register(services.index.onDidChange(() => this.changed.fire(undefined)));
  }

  setGrouping(grouping: Grouping): void {
    this.grouping = grouping;
    void this.memento.update(GROUPING_KEY, grouping);
    void vscode.commands.executeCommand('setContext', GROUPING_KEY, grouping);
    this.changed.fire(undefined);
  }

  /** The tree for a snapshot, rebuilt only when the snapshot or the grouping changed. */
  elements(snapshot: IndexSnapshot | undefined, grouping = this.grouping): InventoryTreeElement[] {
    if (!snapshot) {
      return [];
    }
    if (grouping !== this.grouping) {
      return buildTree(snapshot, grouping, this.probe.reports);
    }
    if (this.builtFor?.generation !== snapshot.generation || this.builtFor.grouping !== grouping) {
      this.roots = buildTree(snapshot, grouping, this.probe.reports);
      this.builtFor = { generation: snapshot.generation, grouping };
    }
    return this.roots;
  }

  getChildren(element?: InventoryTreeElement): InventoryTreeElement[] {
    try {
      return element ? element.children : this.elements(this.services.index.snapshot);
    } catch (e) {
      this.services.logger.error('building the inventory tree failed', e);
      return [];
    }
  }

  getTreeItem(element: InventoryTreeElement): vscode.TreeItem {
    const expandable = element.children.length > 0;
    const item = new vscode.TreeItem(element.label, expandable
      ? (EXPANDED.has(element.contextValue) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed)
      : vscode.TreeItemCollapsibleState.None);
    item.id = element.id;
    item.description = element.description;
    item.contextValue = element.contextValue;
    item.iconPath = iconOf(element);
    if (element.contextValue === 'pki-file' && element.uri) {
      item.resourceUri = element.uri;
    }
    if (element.uri && element.range) {
      item.command = { command: Command.RevealEntry, title: 'Reveal in Editor', arguments: [element.uri, element.range] };
    }
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, element: InventoryTreeElement): vscode.TreeItem {
    try {
      if (element.tooltip) {
        const tooltip = new vscode.MarkdownString(element.tooltip(), true);
        tooltip.supportThemeIcons = true;
        item.tooltip = tooltip;
      }
    } catch (e) {
      this.services.logger.error('rendering a tree tooltip failed', e);
    }
    return item;
  }
}

function iconOf(element: InventoryTreeElement): vscode.ThemeIcon | undefined {
  if (element.contextValue.startsWith('pki-key')) {
    return element.state === 'broken' ? ICONS.broken : new vscode.ThemeIcon('key');
  }
  if (element.contextValue === 'pki-csr') {
    return element.state === 'broken' ? ICONS.broken : new vscode.ThemeIcon('git-pull-request');
  }
  if (element.contextValue === 'pki-folder') {
    return vscode.ThemeIcon.Folder;
  }
  if (element.contextValue === 'pki-file') {
    return vscode.ThemeIcon.File;
  }
  if (element.contextValue === 'pki-served' && element.state === 'none') {
    return new vscode.ThemeIcon('debug-disconnect'); // the probe did not reach the endpoint
  }
  if (element.contextValue === 'pki-group') {
    return new vscode.ThemeIcon('question');
  }
  return ICONS[element.state];
}

function snapshotOf(element: InventoryTreeElement): TreeNodeSnapshot {
  const icon = iconOf(element);
  const r = element.range;
  return {
    label: element.label,
    description: element.description,
    contextValue: element.contextValue,
    icon: icon?.id,
    state: element.state,
    uri: element.uri?.toString(),
    range: r ? [r.start.line, r.start.character, r.end.line, r.end.character] : undefined,
    tooltip: element.tooltip?.(),
    fingerprint: element.fingerprint,
    children: element.children.map(snapshotOf),
  };
}

/** Open the material at its exact range. Takes (uri, range) from a click, or a tree element from the context menu. */
async function revealEntry(target?: vscode.Uri | InventoryTreeElement, range?: vscode.Range): Promise<void> {
  const uri = target instanceof vscode.Uri ? target : target?.uri;
  const where = target instanceof vscode.Uri ? range : target?.range;
  if (!uri) {
    return;
  }
  const editor = await vscode.window.showTextDocument(uri, { selection: where, preserveFocus: false, preview: true });
  if (where) {
    editor.revealRange(where, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

export function registerInventoryTree(context: vscode.ExtensionContext, services: Services, probe: ProbeResults): InventoryTreeApi {
  const provider = new InventoryTreeProvider(services, context.workspaceState, probe);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const guard = <A extends unknown[]>(what: string, fn: (...args: A) => unknown) => async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      services.logger.error(`${what} failed`, e);
    }
  };
  context.subscriptions.push(
    provider,
    view,
    vscode.commands.registerCommand(Command.RefreshInventory, guard('refresh', () => services.index.rescan(true))),
    vscode.commands.registerCommand(Command.GroupByTrust, () => provider.setGrouping('trust')),
    vscode.commands.registerCommand(Command.GroupByFile, () => provider.setGrouping('file')),
    vscode.commands.registerCommand(Command.RevealEntry, guard('reveal', revealEntry)),
    vscode.commands.registerCommand(Command.FocusInventory, guard('focus', () => vscode.commands.executeCommand(`${VIEW_ID}.focus`))),
    // pkiLens.copyFingerprint is features/clipboard.ts's: it takes a tree element by its `fingerprint`.
  );
  return {
    async roots(grouping?: Grouping) {
      const snapshot = await services.index.ready();
      return provider.elements(services.index.snapshot ?? snapshot, grouping ?? provider.grouping).map(snapshotOf);
    },
    get grouping() {
      return provider.grouping;
    },
  };
}
