import { bytesEqual, encodeBase64, utf8Bytes } from '../x509/bytes';
import { CarrierLocation, findCarriers } from './carriers';
import { TextRange, findPemBlocks } from '../x509/pem';

/**
 * Minimal text edits for writing renewed material back: only the bytes of the value change,
 * never the quoting, comments, key order, indentation or line endings around it.
 */

/** Replace `range` of the original text with `newText` (a VS Code TextEdit without the editor). */
export interface TextEdit {
  range: TextRange;
  newText: string;
}

/** Apply non-overlapping edits, all given against the original text. Throws when two edits overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.range.start < pos || e.range.end < e.range.start || e.range.end > text.length) {
      throw new Error(`overlapping or out-of-range edit at ${e.range.start}-${e.range.end}`);
    }
    out += text.slice(pos, e.range.start) + e.newText;
    pos = e.range.end;
  }
  return out + text.slice(pos);
}

/** base64 of PEM text, the form kubeconfig `*-data` fields and Secret `data` hold. */
export function base64OfText(text: string): string {
  return encodeBase64(utf8Bytes(text));
}

/**
 * The edit that puts `base64` in place of a carrier's value. Quoted values keep their quote
 * character; a literal block scalar (`|`) keeps its header, indentation, line width and line
 * endings. Plain, quoted and folded (`>`) values become one line: when folded over several lines
 * YAML joins them with spaces, which Go's base64 decoder (kubectl's) refuses.
 */
export function carrierValueEdit(text: string, carrier: Pick<CarrierLocation, 'valueRange' | 'key'>, base64: string): TextEdit {
  const { start, end } = carrier.valueRange;
  if (!(start >= 0 && end >= start && end <= text.length)) {
    throw new Error(`the value range of ${carrier.key} lies outside the text`);
  }
  if (/[^A-Za-z0-9+/=]/.test(base64)) {
    throw new Error('the new value is not plain base64');
  }
  const original = text.slice(start, end);
  const first = original[0];
  if (first === '"' || first === '\'') {
    return { range: carrier.valueRange, newText: `${first}${base64}${first}` };
  }
  if (first === '|' || first === '>') {
    return { range: carrier.valueRange, newText: blockScalar(original, base64, first === '|') };
  }
  return { range: carrier.valueRange, newText: base64 };
}

function blockScalar(original: string, base64: string, literal: boolean): string {
  const headerEnd = original.indexOf('\n');
  if (headerEnd < 0) {
    throw new Error('block scalar without content');
  }
  const eol = original[headerEnd - 1] === '\r' ? '\r\n' : '\n';
  const header = original.slice(0, headerEnd + 1);
  const body = original.slice(headerEnd + 1);
  const trailing = /(\r?\n)*$/.exec(body)![0];
  const lines = body.slice(0, body.length - trailing.length).split(/\r?\n/).filter(l => l.trim() !== '');
  const indent = /^[ \t]*/.exec(lines[0] ?? '')![0] || '  ';
  const width = literal && lines.length > 1 ? lines[0].trim().length : Infinity;
  const chunks: string[] = [];
  for (let i = 0; i < base64.length; i += width) {
    chunks.push(base64.slice(i, i + width));
  }
  // A clipped or kept scalar needs its final line break; the original range carries it (or the next key does).
  return header + chunks.map(c => indent + c).join(eol) + (trailing || '');
}

/**
 * Replace one PEM block (its range as `findPemBlocks` reports it: first dash of BEGIN to last dash
 * of END) with `newPem`, written with the block's own line endings and with continuation lines
 * indented as the old block's were, so PEM inside YAML block scalars and CRLF files keep their shape.
 */
export function pemBlockEdit(text: string, range: TextRange, newPem: string): TextEdit {
  const old = text.slice(range.start, range.end);
  const firstBreak = old.indexOf('\n');
  const eol = firstBreak > 0 && old[firstBreak - 1] === '\r' ? '\r\n' : '\n';
  const indent = firstBreak >= 0 ? /^[ \t]*/.exec(old.slice(firstBreak + 1))![0] : '';
  const lines = newPem.replace(/\s+$/, '').replace(/^\s+/, '').split(/\r?\n/).map(l => l.trim());
  return { range, newText: lines.join(eol + indent) };
}

/** What renewal writes into a kubeconfig for one user. */
export interface KubeconfigCredentials {
  /** The `users[].name` to update. */
  user: string;
  /** New `client-certificate-data` (PEM text; base64-encoded here). */
  certificatePem?: string;
  /** New `client-key-data` (PEM text); leave out when the key was reused. */
  privateKeyPem?: string;
  /** New `certificate-authority-data` for every cluster this user's contexts use. */
  caPem?: string;
}

/**
 * The edits that write renewed credentials into a kubeconfig (YAML or JSON). Only `*-data`
 * values are touched. Throws when the user, or a field to be replaced, is absent (a user whose
 * certificate is a file path is renewed by editing that file instead).
 */
export function kubeconfigEdits(text: string, update: KubeconfigCredentials): TextEdit[] {
  const scan = findCarriers(text);
  const kubeconfig = scan.kubeconfigs.find(k => k.users.some(u => u.name === update.user));
  if (!kubeconfig) {
    throw new Error(`the kubeconfig has no user named "${update.user}"`);
  }
  const edits: TextEdit[] = [];
  const userField = (key: string) => scan.carriers.find(c => c.key === key && c.encoding === 'base64'
    && c.owner.kind === 'kubeconfig-user' && c.owner.name === update.user);
  const put = (key: string, pem: string | undefined) => {
    if (pem === undefined) {
      return;
    }
    const carrier = userField(key);
    if (!carrier) {
      throw new Error(`user "${update.user}" has no ${key} to replace`);
    }
    edits.push(carrierValueEdit(text, carrier, base64OfText(pem)));
  };
  put('client-certificate-data', update.certificatePem);
  put('client-key-data', update.privateKeyPem);
  if (update.caPem !== undefined) {
    const clusters = new Set(kubeconfig.contexts.filter(c => c.user === update.user && c.cluster).map(c => c.cluster!));
    for (const carrier of scan.carriers) {
      if (carrier.key === 'certificate-authority-data' && carrier.encoding === 'base64'
        && carrier.owner.kind === 'kubeconfig-cluster' && clusters.has(carrier.owner.name)) {
        edits.push(carrierValueEdit(text, carrier, base64OfText(update.caPem)));
      }
    }
  }
  return edits;
}

/** What renewal writes into a PEM file: the certificate block and, when the key was rotated, the key block. */
export interface PemFileUpdate {
  /** DER of the certificate being replaced, to find its block among several. */
  oldCertificateDer: Uint8Array;
  certificatePem: string;
  /** Replaces the file's private key block (combined files such as kubelet-client-current.pem). */
  privateKeyPem?: string;
}

const PRIVATE_KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

/** Edits that renew a certificate inside a PEM file, leaving every other block and byte in place. */
export function pemFileEdits(text: string, update: PemFileUpdate): TextEdit[] {
  const blocks = findPemBlocks(text);
  const cert = blocks.find(b => b.der && (b.label === 'CERTIFICATE' || b.label === 'X509 CERTIFICATE') && bytesEqual(b.der, update.oldCertificateDer));
  if (!cert) {
    throw new Error('the certificate to replace is not in this file');
  }
  const edits = [pemBlockEdit(text, cert.range, update.certificatePem)];
  if (update.privateKeyPem !== undefined) {
    const key = blocks.find(b => PRIVATE_KEY_LABELS.has(b.label));
    if (!key) {
      throw new Error('this file holds no private key to replace');
    }
    edits.push(pemBlockEdit(text, key.range, update.privateKeyPem));
  }
  return edits;
}
