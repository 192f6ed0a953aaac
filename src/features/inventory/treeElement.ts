import type * as vscode from 'vscode';

/** How a node looks: its validity, or that something about it is wrong beyond dates. */
export type NodeState = 'valid' | 'expiring' | 'expired' | 'broken' | 'none';

/**
 * One node of the inventory tree. Commands invoked from the tree's context menu receive this object:
 * `uri` and `range` say where the material is, `fingerprint` which certificate it is.
 */
export interface InventoryTreeElement {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly contextValue: string;
  readonly state: NodeState;
  /** Hover markdown, rendered only when the view asks for it (resolveTreeItem): most nodes are never hovered. */
  readonly tooltip?: () => string;
  readonly uri?: vscode.Uri;
  readonly range?: vscode.Range;
  /** SHA-256 fingerprint of the certificate this node shows. */
  readonly fingerprint?: string;
  /** Residual time sort key: NotAfter in ms (Infinity for material that does not expire). */
  readonly notAfter: number;
  readonly children: InventoryTreeElement[];
}
