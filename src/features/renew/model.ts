import vscode = require('vscode');
import { RenewalError, RenewalErrorCode } from '../../core/renew/errors';
import { SanEdit } from '../../core/renew';

/**
 * The shapes the renewal commands take and return. Commands accept, besides their interactive
 * forms, `(uri, RenewOptions)` for tests and scripting, and always resolve with a
 * `RenewCommandResult` (never reject).
 */

/** Arguments that replace prompts. */
export interface RenewOptions {
  /**
   * Which certificate of the file, in document order. In a kubeconfig it counts the users' client
   * certificates; elsewhere every certificate of the file. Without it: every user of a kubeconfig
   * (those whose CA is in the workspace), in any other file the first certificate that is not a
   * self-signed CA's copy (a Secret's `tls.crt` rather than its `ca.crt`).
   */
  index?: number;
  /** Lifetime of the new certificate; default `pkiLens.renewal.validityDays`, 0 there = the old lifetime. */
  validityDays?: number;
  /** Key policy; default `pkiLens.renewal.key`. CA certificates always keep their key. */
  key?: 'reuse' | 'rotate';
  /** The issuing CA's certificate file, instead of the one the workspace index found. */
  caCertificate?: vscode.Uri | string;
  /** The issuing CA's private key file (for `renewCa`: the CA's own key). */
  caKey?: vscode.Uri | string;
  /**
   * `false`: no preview and no prompt of any kind (quick pick, file dialog, passphrase box);
   * whatever would have needed one is an error instead. Default: the preview is shown.
   */
  confirm?: boolean;
  /** Passphrase of an encrypted CA key: used for this one renewal, never stored or logged. */
  passphrase?: string;
  /** Names to add to / remove from the Subject Alternative Names (`DNS:…`, `IP:…`); one leaf certificate only. */
  subjectAltNames?: SanEdit;
}

export type RenewErrorCode =
  | RenewalErrorCode
  | 'untrusted'
  | 'busy'
  | 'no-certificate'
  | 'ca-missing'
  | 'ca-key-missing'
  | 'bad-passphrase'
  | 'key-missing'
  | 'file-changed'
  | 'write-failed'
  | 'nothing-to-renew'
  | 'internal';

/**
 * A refusal of the commands: the core's RenewalError with the commands' wider set of codes, so a
 * refusal from the core passes through unchanged (no copy, no conversion).
 */
export class RenewCommandError extends RenewalError<RenewErrorCode> {}

/** The user closed a preview, a picker, a dialog or the passphrase box: stop quietly. */
export class RenewCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'RenewCancelled';
  }
}

/** The refusal `e` is, from the core or from the commands; undefined for anything unexpected. */
export function asRenewError(e: unknown): RenewalError<RenewErrorCode> | undefined {
  return e instanceof RenewalError ? e : undefined;
}

/** One certificate that was re-issued (or would be, in a preview). */
export interface RenewedCertificate {
  /** `CN=kube-apiserver`, or the whole subject when it has no CN. */
  name: string;
  subject: string;
  /** URI of the file the certificate sits in. */
  uri: string;
  /** `pki/apiserver.crt`, `admin.conf users[0].user.client-certificate-data`. */
  where: string;
  /** The kubeconfig user, when the certificate is one's client certificate. */
  kubeconfigUser?: string;
  ca: boolean;
  oldSerialNumber: string;
  serialNumber: string;
  /** ISO 8601. */
  oldNotAfter: string;
  notBefore: string;
  notAfter: string;
  keyPolicy: 'reuse' | 'rotate';
  /** Where the rotated key was written. */
  keyUri?: string;
  /** The CA that signed it: its subject, and its files when known. */
  issuer: { subject: string; certificateUri?: string; keyUri?: string };
  clamped: boolean;
  clampMessage?: string;
  warnings: string[];
  /** Other places holding the same certificate that were updated too (a CA's copies). */
  copies: string[];
}

export interface WrittenFile {
  uri: string;
  /** The local path (the symlink's path when it is one). */
  path: string;
  /** The file whose bytes changed: the symlink's target, or the path itself. */
  realPath: string;
  /** Where the old bytes were saved. */
  backup?: string;
  /** `editor`: the open document had unsaved changes and was edited (undoable) instead; save it to write. */
  via: 'disk' | 'editor';
  /** Permission bits after writing (disk only). */
  mode?: number;
  /** The owner could only be kept by writing in place (not atomic). */
  inPlace?: boolean;
}

export interface RenewCommandResult {
  ok: boolean;
  /** The user dismissed a preview, a picker or a dialog: nothing was written. */
  cancelled?: boolean;
  error?: { code: RenewErrorCode; message: string };
  renewed: RenewedCertificate[];
  files: WrittenFile[];
  /** Certificates left alone in a batch, with the reason. */
  skipped: { where: string; reason: string }[];
  /** Components to restart (kubeadm layout). */
  restart: string[];
  /** Everything else the operator was told. */
  notes: string[];
  /** The preview's text: old versus new for every certificate, and the files written (also with `confirm: false`). */
  preview?: string;
}

export function emptyResult(): RenewCommandResult {
  return { ok: false, renewed: [], files: [], skipped: [], restart: [], notes: [] };
}

/** Parsed command arguments. */
export interface RenewInvocation {
  uri?: vscode.Uri;
  /** A cursor position (editor) or a range (tree element, diagnostic). */
  at?: vscode.Position;
  /** SHA-256 fingerprint of the certificate a tree node shows. */
  fingerprint?: string;
  /** Several tree nodes selected together. */
  selection?: { uri: vscode.Uri; at?: vscode.Position; fingerprint?: string }[];
  options: RenewOptions;
  /** An options object was passed: the cursor is not consulted. */
  explicit: boolean;
  interactive: boolean;
}

/**
 * A URI, also in the plain `{ scheme, path, … }` form it takes after crossing a serialisation
 * boundary (a code action's command arguments, a `command:` link).
 */
export function reviveUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) {
    return value;
  }
  const o = value as { scheme?: unknown; path?: unknown; authority?: unknown; query?: unknown; fragment?: unknown } | undefined;
  if (o && typeof o === 'object' && typeof o.scheme === 'string' && typeof o.path === 'string') {
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return vscode.Uri.from({ scheme: o.scheme, path: o.path, authority: str(o.authority), query: str(o.query), fragment: str(o.fragment) });
  }
  return undefined;
}

function revivePosition(value: unknown): vscode.Position | undefined {
  if (value instanceof vscode.Range) {
    return value.start;
  }
  const start = (value as { start?: { line?: unknown; character?: unknown } } | undefined)?.start;
  return start && typeof start.line === 'number' && typeof start.character === 'number' ? new vscode.Position(start.line, start.character) : undefined;
}

/** A tree element or a plain `{ uri, range, fingerprint }` object. */
function elementOf(value: unknown): { uri: vscode.Uri; at?: vscode.Position; fingerprint?: string } | undefined {
  if (!value || typeof value !== 'object' || value instanceof vscode.Uri) {
    return undefined;
  }
  const o = value as { uri?: unknown; resourceUri?: unknown; range?: unknown; fingerprint?: unknown };
  const uri = reviveUri(o.uri) ?? reviveUri(o.resourceUri);
  if (!uri) {
    return undefined;
  }
  return { uri, at: revivePosition(o.range), fingerprint: typeof o.fingerprint === 'string' ? o.fingerprint : undefined };
}

export function toUri(value: vscode.Uri | string): vscode.Uri {
  if (value instanceof vscode.Uri) {
    return value;
  }
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(value) ? vscode.Uri.parse(value) : vscode.Uri.file(value);
}

/** Accepts `(uri, options)`, `(uri, range | position)`, `(treeElement, selectedElements)`, `(options)` or nothing. */
export function parseInvocation(args: readonly unknown[]): RenewInvocation {
  const [first, second] = args;
  const inv: RenewInvocation = { options: {}, explicit: false, interactive: true };
  let optionArg: unknown;
  if (first instanceof vscode.Uri || typeof first === 'string') {
    inv.uri = toUri(first);
    if (second instanceof vscode.Range) {
      inv.at = second.start;
    } else if (second instanceof vscode.Position) {
      inv.at = second;
    } else {
      optionArg = second;
    }
  } else if (elementOf(first)) {
    const el = elementOf(first)!;
    inv.uri = el.uri;
    inv.at = el.at;
    inv.fingerprint = el.fingerprint;
    if (Array.isArray(second)) {
      const selection = second.map(elementOf).filter((e): e is NonNullable<typeof e> => !!e);
      if (selection.length > 1) {
        inv.selection = selection;
      }
    } else {
      optionArg = second;
    }
  } else if (first && typeof first === 'object') {
    optionArg = first;
  } else if (first === undefined || first === null) {
    optionArg = second; // `(undefined, options)`: no file named
  }
  if (optionArg && typeof optionArg === 'object' && !Array.isArray(optionArg)) {
    inv.explicit = true;
    inv.options = validateOptions(optionArg as Record<string, unknown>);
    inv.interactive = inv.options.confirm !== false;
  }
  return inv;
}

function validateOptions(o: Record<string, unknown>): RenewOptions {
  const out: RenewOptions = {};
  const bad = (what: string) => new RenewCommandError('invalid-input', `PKI Lens: ${what}`);
  if (o.index !== undefined) {
    if (typeof o.index !== 'number' || !Number.isInteger(o.index) || o.index < 0) {
      throw bad(`index must be a whole number from 0 (got ${String(o.index)})`);
    }
    out.index = o.index;
  }
  if (o.validityDays !== undefined) {
    if (typeof o.validityDays !== 'number' || !Number.isFinite(o.validityDays) || o.validityDays < 0) {
      throw bad(`validityDays must be a positive number of days, or 0 for the old lifetime (got ${String(o.validityDays)})`);
    }
    out.validityDays = o.validityDays;
  }
  if (o.key !== undefined) {
    if (o.key !== 'reuse' && o.key !== 'rotate') {
      throw bad(`key must be "reuse" or "rotate" (got ${String(o.key)})`);
    }
    out.key = o.key;
  }
  for (const field of ['caCertificate', 'caKey'] as const) {
    const v = o[field];
    if (v !== undefined) {
      if (!(v instanceof vscode.Uri) && typeof v !== 'string') {
        throw bad(`${field} must be a URI or a path`);
      }
      out[field] = v;
    }
  }
  if (o.confirm !== undefined) {
    out.confirm = o.confirm !== false;
  }
  if (o.subjectAltNames !== undefined) {
    const edit = o.subjectAltNames as { add?: unknown; remove?: unknown };
    const names = (v: unknown) => v === undefined || (Array.isArray(v) && v.every(n => typeof n === 'string'));
    if (!edit || typeof edit !== 'object' || !names(edit.add) || !names(edit.remove)) {
      throw bad('subjectAltNames must be { add?: string[], remove?: string[] }');
    }
    out.subjectAltNames = { add: edit.add as string[] | undefined, remove: edit.remove as string[] | undefined };
  }
  if (o.passphrase !== undefined) {
    if (typeof o.passphrase !== 'string') {
      throw bad('passphrase must be a string');
    }
    out.passphrase = o.passphrase;
  }
  return out;
}
