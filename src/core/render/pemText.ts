import { MaterialEntry } from '../analyze';
import { decodeBase64, encodeBase64, utf8 } from '../x509/bytes';
import { findPemBlocks, toPem } from '../x509/pem';

/**
 * The PEM text an entry stands for, as a file or the clipboard should hold it: a carrier's
 * base64 decoded, a PEM block scalar without its YAML indentation, bare DER wrapped as PEM.
 * Kept apart from the analysis because private keys are never held decoded there.
 */

/** PEM blocks of `text`, each without leading indentation and with LF line ends. */
function pemBlocksOf(text: string): string[] {
  return findPemBlocks(text).map(b => text.slice(b.range.start, b.range.end)
    .split(/\r?\n/)
    .map(line => line.trim())
    .join('\n') + '\n');
}

function pick(blocks: string[], object: number | undefined): string | undefined {
  if (!blocks.length) {
    return undefined;
  }
  if (object === undefined) {
    return blocks.join('');
  }
  // EC PARAMETERS blocks are folded into the key after them and are no object of their own.
  const objects = blocks.filter(b => !b.startsWith('-----BEGIN EC PARAMETERS-----'));
  return objects[object];
}

export interface PemTextResult {
  text: string;
  /** Labels of the blocks in `text`, e.g. ['CERTIFICATE', 'CERTIFICATE']. */
  labels: string[];
}

function result(text: string | undefined): PemTextResult | undefined {
  return text ? { text, labels: findPemBlocks(text).map(b => b.label) } : undefined;
}

/**
 * PEM text of an entry (or of one object of it). `documentText` is the text the entry was found in;
 * `binary` the bytes of a DER file. Undefined when there is nothing to give (a path carrier, bad base64).
 */
export function entryPemText(entry: MaterialEntry, source: { documentText?: string; binary?: Uint8Array }, object?: number): PemTextResult | undefined {
  const carrier = entry.carrier;
  if (!carrier) {
    if (source.documentText !== undefined) {
      return result(pick(pemBlocksOf(source.documentText.slice(entry.range.start, entry.range.end)), entry.objects.length > 1 ? object : undefined));
    }
    const der = source.binary ?? entry.objects[0]?.der;
    return der ? result(toPem('CERTIFICATE', encodeBase64(der))) : undefined;
  }
  switch (carrier.encoding) {
    case 'path':
      return undefined;
    case 'pem':
      return result(pick(pemBlocksOf(carrier.value), object));
    case 'base64': {
      const decoded = decodeBase64(carrier.value);
      if (!decoded.ok) {
        return undefined;
      }
      const inner = utf8(decoded.bytes);
      if (inner.includes('-----BEGIN ')) {
        return result(pick(pemBlocksOf(inner), object));
      }
      return entry.objects[0]?.kind === 'certificate' ? result(toPem('CERTIFICATE', encodeBase64(decoded.bytes))) : undefined;
    }
  }
}
