import { decodeBase64, utf8 } from './bytes';
import { CarrierLocation, KubeconfigModel, findCarriers, mayHoldCarriers } from './carriers';
import { DecodedObject, decodeDer, decodePemBlocks, looksLikeDerCertificate } from './material';
import { TextRange, findPemBlocks } from './pem';

/** One place in a document that holds material: a PEM block, or a carrier value with everything decoded from it. */
export interface MaterialEntry {
  range: TextRange;
  carrier?: CarrierLocation;
  /** The decoded objects, in order; several for a bundle. */
  objects: DecodedObject[];
  /** Why the carrier as a whole could not be decoded (bad base64, no PEM inside, missing file). */
  error?: string;
  errorOffset?: number;
}

export interface DocumentAnalysis {
  entries: MaterialEntry[];
  kubeconfigs: KubeconfigModel[];
  syntaxErrors: { message: string; range: TextRange }[];
}

const STRUCTURED_EXTENSIONS = /\.(ya?ml|json|jsonc|conf|kubeconfig|config)$/i;
const PEM_EXTENSIONS = /\.(pem|crt|cer|key|csr|pub|der|p7b|crl)$/i;

/** Should this file be read as YAML/JSON for carriers? By name first, then by a cheap look at the content. */
export function isStructured(fileName: string, text: string): boolean {
  if (PEM_EXTENSIONS.test(fileName)) {
    return false;
  }
  if (STRUCTURED_EXTENSIONS.test(fileName) || /(^|[\\/])(kube)?config$/i.test(fileName)) {
    return true;
  }
  return /^(apiVersion|kind|clusters|users):/m.test(text.slice(0, 4096));
}

export interface AnalyzeOptions {
  fileName?: string;
}

/** Everything PKI in a text document. Never throws; every failure is an entry with a located error. */
export async function analyzeText(text: string, options: AnalyzeOptions = {}): Promise<DocumentAnalysis> {
  const analysis: DocumentAnalysis = { entries: [], kubeconfigs: [], syntaxErrors: [] };
  const blocks = findPemBlocks(text);
  const structured = isStructured(options.fileName ?? '', text) && mayHoldCarriers(text);
  const claimed = new Set<number>();
  if (structured) {
    const scan = findCarriers(text);
    analysis.kubeconfigs = scan.kubeconfigs;
    analysis.syntaxErrors = scan.errors;
    for (const carrier of scan.carriers) {
      const entry = await decodeCarrier(carrier, text, blocks, claimed);
      if (entry) {
        analysis.entries.push(entry);
      }
    }
  }
  const loose = blocks.filter((_, i) => !claimed.has(i));
  for (const obj of await decodePemBlocks(loose)) {
    analysis.entries.push({ range: obj.range, objects: [obj] });
  }
  analysis.entries.sort((a, b) => a.range.start - b.range.start);
  return analysis;
}

const fileDecoder = new TextDecoder('utf-8');

/**
 * A file's bytes as text, or undefined for binary content (DER): a NUL byte near the start, or a
 * DER SEQUENCE header with a long length. The workspace scan and `pki-lens check` both decide so.
 */
export function decodeFileText(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0) || (bytes.length > 1 && bytes[0] === 0x30 && bytes[1] >= 0x80)) {
    return undefined;
  }
  return fileDecoder.decode(bytes);
}

/** A file that is not text: a DER certificate (.der, .cer, binary .crt), or nothing we know. */
export async function analyzeBinary(bytes: Uint8Array): Promise<DocumentAnalysis> {
  const range = { start: 0, end: 0 };
  const analysis: DocumentAnalysis = { entries: [], kubeconfigs: [], syntaxErrors: [] };
  if (bytes.length && bytes[0] === 0x30) {
    const obj = await decodeDer('certificate', 'DER', bytes, range);
    analysis.entries.push({ range, objects: [obj] });
  }
  return analysis;
}

async function decodeCarrier(carrier: CarrierLocation, text: string, blocks: ReturnType<typeof findPemBlocks>, claimed: Set<number>): Promise<MaterialEntry | undefined> {
  const entry: MaterialEntry = { range: carrier.valueRange, carrier, objects: [] };
  const inputWord = carrier.role === 'key' ? 'key' : 'certificate';
  switch (carrier.encoding) {
    case 'path':
      return entry; // resolved against the file system by the workspace layer
    case 'pem': {
      // PEM written as a YAML block scalar stands verbatim in the document: use the exact block ranges.
      const inside = blocks.map((b, i) => [b, i] as const).filter(([b]) => b.range.start >= carrier.valueRange.start && b.range.end <= carrier.valueRange.end);
      if (inside.length) {
        inside.forEach(([, i]) => claimed.add(i));
        entry.objects = await decodePemBlocks(inside.map(([b]) => b));
      } else {
        entry.objects = await decodePemBlocks(findPemBlocks(carrier.value), carrier.valueRange);
      }
      return entry;
    }
    case 'base64': {
      const start = carrier.verbatim ? carrier.valueRange.start + (text[carrier.valueRange.start] === '"' || text[carrier.valueRange.start] === "'" ? 1 : 0) : 0;
      const decoded = decodeBase64(carrier.value, start);
      if (!decoded.ok) {
        if (!carrier.expected) {
          return undefined;
        }
        return { ...entry, error: carrier.verbatim ? decoded.error : decoded.error.replace(/ at offset \d+/, ''), errorOffset: carrier.verbatim ? decoded.offset : undefined };
      }
      const inner = utf8(decoded.bytes.subarray(0, Math.min(decoded.bytes.length, 1 << 20)));
      const innerBlocks = inner.includes('-----BEGIN ') ? findPemBlocks(inner) : [];
      if (innerBlocks.length) {
        entry.objects = await decodePemBlocks(innerBlocks, carrier.valueRange);
        return entry;
      }
      if (looksLikeDerCertificate(decoded.bytes)) {
        const obj = await decodeDer('certificate', 'DER', decoded.bytes, carrier.valueRange);
        if (obj.error && !carrier.expected) {
          return undefined;
        }
        entry.objects = [obj];
        return entry;
      }
      if (!carrier.expected) {
        return undefined; // ordinary base64 (a password, an image): not ours, say nothing
      }
      return { ...entry, error: `decodes to ${describeBytes(decoded.bytes)} with no PEM block (kubectl would say: tls: failed to find any PEM data in ${inputWord} input)` };
    }
  }
}

function describeBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) {
    return 'nothing';
  }
  const sample = bytes.subarray(0, 256);
  const printable = sample.filter(b => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)).length;
  return printable / sample.length > 0.9 ? 'text' : `${bytes.length} bytes of binary data`;
}
