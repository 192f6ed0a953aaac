import vscode = require('vscode');
import { MaterialEntry } from '../../core/analyze';
import { TextRange } from '../../core/x509/pem';
import { DocumentMaterial, MaterialReader } from './documentMaterial';

/**
 * What a decode command acts on. Commands take `(uri?, ref?)`:
 * - no arguments: the active editor's document and the entry under the cursor;
 * - `(uri)` (editor and explorer context menus): that file; the entry under the cursor when it is
 *   the active editor's document, otherwise the whole file;
 * - `(uri, { index?, object?, carrier? })` (lenses, tests): entry `index` of the document's analysis
 *   (entries in document order) or the carrier whose path is `carrier`, and object `object` of it;
 * - `(uri, range | position)` or a tree element `{ uri, range }`: the entry at that place.
 */
export interface EntryRef {
  /** Index into the document's entries, in document order. */
  index?: number;
  /** Index of one object (a certificate of a bundle) in the entry. */
  object?: number;
  /** A carrier path, e.g. `users[0].user.client-key-data`: entry `index` if it has this path, else the first with it. */
  carrier?: string;
}

export interface Target {
  material: DocumentMaterial;
  /** The chosen entry and its index; undefined when the command is about the whole file. */
  entry?: MaterialEntry;
  index?: number;
  object?: number;
}

/** Whether an offset is on the PEM block, or on its carrier's key or value. */
export function coversOffset(e: { range: TextRange; carrier?: { keyRange: TextRange } }, offset: number): boolean {
  const start = e.carrier ? Math.min(e.carrier.keyRange.start, e.range.start) : e.range.start;
  return offset >= start && offset <= e.range.end;
}

/** The entry under an offset: the PEM block, or a carrier's key or value. */
export function entryIndexAt(entries: readonly MaterialEntry[], offset: number): number {
  return entries.findIndex(e => coversOffset(e, offset));
}

/** Within a PEM block scalar holding several blocks, the object under the offset. */
function objectIndexAt(entry: MaterialEntry, offset: number): number | undefined {
  if (entry.objects.length < 2) {
    return undefined;
  }
  const i = entry.objects.findIndex(o => o.range !== entry.range && offset >= o.range.start && offset <= o.range.end);
  return i >= 0 ? i : undefined;
}

/** A position's offset in text that is not open as a document. */
export function offsetIn(text: string, position: vscode.Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) {
      return text.length;
    }
    offset = next + 1;
  }
  return Math.min(offset + position.character, text.length);
}

function isRef(value: unknown): value is EntryRef {
  return !!value && typeof value === 'object' && !(value instanceof vscode.Uri) && !(value instanceof vscode.Range) && !(value instanceof vscode.Position);
}

/** The URI and place the arguments name (or the active editor's). */
function where(args: unknown[]): { uri?: vscode.Uri; at?: vscode.Position; ref: EntryRef } {
  const [first, second] = args;
  let uri: vscode.Uri | undefined;
  let at: vscode.Position | undefined;
  let ref: EntryRef = {};
  if (first instanceof vscode.Uri) {
    uri = first;
  } else if (first && typeof first === 'object') {
    // A tree element or a plain { uri, range, index, object } object.
    const o = first as { uri?: unknown; resourceUri?: unknown; range?: unknown };
    uri = o.uri instanceof vscode.Uri ? o.uri : o.resourceUri instanceof vscode.Uri ? o.resourceUri : undefined;
    at = o.range instanceof vscode.Range ? o.range.start : undefined;
    ref = pickRef(first as EntryRef);
  }
  if (second instanceof vscode.Range) {
    at = second.start;
  } else if (second instanceof vscode.Position) {
    at = second;
  } else if (isRef(second)) {
    ref = { ...ref, ...pickRef(second) };
  }
  const editor = vscode.window.activeTextEditor;
  if (!uri && editor) {
    uri = editor.document.uri;
  }
  if (!uri) {
    // A custom editor (a DER file) has no text editor; its tab knows the file.
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    uri = input instanceof vscode.TabInputCustom ? input.uri : undefined;
  }
  const noRef = ref.index === undefined && ref.carrier === undefined;
  if (uri && !at && noRef && editor && editor.document.uri.toString() === uri.toString()) {
    at = editor.selection.active;
  }
  return { uri, at, ref };
}

function pickRef(value: EntryRef): EntryRef {
  const ref: EntryRef = {};
  if (typeof value.index === 'number') {
    ref.index = value.index;
  }
  if (typeof value.object === 'number') {
    ref.object = value.object;
  }
  if (typeof value.carrier === 'string') {
    ref.carrier = value.carrier;
  }
  return ref;
}

/**
 * Resolve command arguments to a document's material and the entry they name. Undefined when there
 * is no document at all; `entry` undefined when the arguments name the whole file or nothing is
 * under the cursor.
 */
export async function resolveTarget(reader: MaterialReader, args: unknown[], sourceOf?: (uri: vscode.Uri) => { uri: vscode.Uri; ref: EntryRef } | undefined): Promise<Target | undefined> {
  let { uri, at, ref } = where(args);
  if (!uri) {
    return undefined;
  }
  const mapped = sourceOf?.(uri);
  if (mapped) {
    // A command run from the decoded view acts on what the view shows.
    ({ uri, ref } = mapped);
    at = undefined;
  }
  const material = await reader.read(uri);
  const entries = material.analysis.entries;
  let index: number | undefined;
  if (ref.carrier !== undefined) {
    // The index disambiguates equal paths in multi-document YAML; the path wins once edits shift indices.
    const i = entries[ref.index ?? -1]?.carrier?.path === ref.carrier ? ref.index! : entries.findIndex(e => e.carrier?.path === ref.carrier);
    index = i >= 0 ? i : undefined;
  } else if (ref.index !== undefined) {
    index = ref.index >= 0 && ref.index < entries.length ? ref.index : undefined;
  } else if (at && material.text !== undefined) {
    const offset = material.document ? material.document.offsetAt(at) : offsetIn(material.text, at);
    const i = entryIndexAt(entries, offset);
    index = i >= 0 ? i : undefined;
    if (index !== undefined && ref.object === undefined) {
      ref.object = objectIndexAt(entries[index], offset);
    }
  } else if (material.binary && entries.length === 1) {
    index = 0; // a DER file is one certificate
  }
  const entry = index !== undefined ? entries[index] : undefined;
  const object = entry && ref.object !== undefined && ref.object >= 0 && ref.object < entry.objects.length ? ref.object : undefined;
  return { material, entry, index, object };
}
