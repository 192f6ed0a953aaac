// An analysis as the persistent cache's file holds it (persistentCache.ts): private-key material is
// never written. Such a value stands only in a carrier (a kubeconfig's client-key-data, a Secret's
// tls.key): it is written blank and taken back from the file's own text when read.
import { DocumentAnalysis } from '../core/analyze';
import { shareRepeatedIn } from '../core/x509/shared';

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
    carrier.value = text.slice(carrier.valueRange.start, carrier.valueRange.end);
  }
  return a;
}

/**
 * An entry just deserialized, its certificates sharing what they repeat as the decoders' do
 * (core/x509/shared.ts): deserialized apart, every leaf held its own copy of its issuer's name.
 */
export function readBack(entry: StoredAnalysis): StoredAnalysis {
  shareRepeatedIn(entry.a.entries);
  return entry;
}
