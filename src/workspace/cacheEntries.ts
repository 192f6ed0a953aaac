// An analysis as the persistent cache's file holds it (persistentCache.ts): private-key material is
// never written. Such a value stands only in a carrier (a kubeconfig's client-key-data, a Secret's
// tls.key): it is written blank and taken back from the file's own text when read.
import { DocumentAnalysis } from '../core/analyze';
import { ownCopy } from '../core/flatString';
import { shareDecodedIn } from '../core/x509/material';

/** node:v8, required at the first entry read or written: 1.4 ms of every activation in plain Node 20 (a require: see util/codeCache.ts). */
let v8: typeof import('node:v8') | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const serializer = (): typeof import('node:v8') => (v8 ??= require('node:v8') as typeof import('node:v8'));

/**
 * An entry's analysis with its byte arrays copied out of `bytes`: Node's deserializer makes every
 * typed array a view into the buffer it reads, so each certificate's DER read back kept the whole
 * loaded file alive (46 MB at 10,000 certificates) after the file itself was let go.
 */
export function deserializeEntry(bytes: Buffer): StoredAnalysis {
  const reader = new (serializer().DefaultDeserializer)(bytes) as import('node:v8').Deserializer & { _readHostObject(): unknown };
  const readView = reader._readHostObject;
  reader._readHostObject = function (this: typeof reader): unknown {
    const view = readView.call(this);
    if (!ArrayBuffer.isView(view) || view instanceof DataView) {
      return view;
    }
    const copy = new (view.constructor as Uint8ArrayConstructor)((view as Uint8Array).length);
    copy.set(view as Uint8Array);
    return copy;
  };
  reader.readHeader();
  return reader.readValue() as StoredAnalysis;
}

/** The bytes the file holds for an analysis (secret carrier values blank, see `stored`). */
export function serializeEntry(storable: Storable): Buffer {
  return serializer().serialize(stored(storable));
}

/** An analysis to be written, with the entries whose carrier value is secret (written blank). */
export interface Storable {
  analysis: DocumentAnalysis;
  secret: number[];
}

/** What the file holds per analysis. */
export interface StoredAnalysis {
  a: DocumentAnalysis;
  s: number[];
}

/**
 * The entries whose carrier value is private-key material, when each such value stands verbatim in
 * the text (so it can be taken back from there); undefined when one does not (the analysis is not stored).
 */
export function secretValues(analysis: DocumentAnalysis, text: string): { indices: number[] } | undefined {
  const indices: number[] = [];
  for (const [i, entry] of analysis.entries.entries()) {
    const carrier = entry.carrier;
    const secret = carrier && (carrier.role === 'key' || entry.objects.some(o => o.kind === 'private-key' || /PRIVATE/i.test(o.label)));
    if (!secret) {
      continue;
    }
    if (!carrier.verbatim || text.slice(carrier.valueRange.start, carrier.valueRange.end) !== carrier.value) {
      return undefined;
    }
    indices.push(i);
  }
  return { indices };
}

/** A copy for writing: secret carrier values blank; nothing else is copied. */
export function stored({ analysis, secret }: Storable): StoredAnalysis {
  if (!secret.length) {
    return { a: analysis, s: secret };
  }
  const entries = analysis.entries.map((entry, i) => (secret.includes(i) ? { ...entry, carrier: { ...entry.carrier!, value: '' } } : entry));
  return { a: { ...analysis, entries }, s: secret };
}

/** The analysis read back, its secret carrier values taken from the text they stand in. */
export function restore(entry: StoredAnalysis, text: string): DocumentAnalysis {
  const { a, s } = readBack(entry);
  for (const i of s) {
    const carrier = a.entries[i].carrier!;
    // A copy of its own: a cut of the text would keep all of it alive with the analysis (core/flatString.ts `ownCopy`).
    carrier.value = ownCopy(text.slice(carrier.valueRange.start, carrier.valueRange.end));
  }
  return a;
}

/**
 * An entry just deserialized, its certificates shared as the decoders' are (core/x509/material.ts
 * `shareDecodedIn`): deserialized apart, every leaf held its own copy of its issuer's name, and
 * every bundle its own copy of the CA.
 */
export function readBack(entry: StoredAnalysis): StoredAnalysis {
  shareDecodedIn(entry.a.entries);
  return entry;
}
