import { DocumentAnalysis } from '../../core/analyze';
import { DEFAULT_THRESHOLDS } from '../../core/x509/expiry';
import { pairKeysInDocument, pairWith } from '../../core/inventory/pairing';
import { KeyPairing } from '../../core/render/hover';
import { TextContext, entryText, formatDateTime } from '../../core/render/text';
import { DecodedObject } from '../../core/x509/material';
import { positionsOf } from './inspectModel';

export interface InspectedFile {
  file: string;
  analysis: DocumentAnalysis;
  /** What the file was read as; undefined for DER. */
  text?: string;
}

/**
 * `inspect --format text`: per file, the decoded view's blocks (the same `entryText` the editor's
 * decoded view shows), each headed with where it sits.
 */
export function inspectText(files: readonly InspectedFile[], now: Date): string {
  const lines = [`PKI Lens — inspect, as of ${formatDateTime(now)}`];
  for (const { file, analysis, text } of files) {
    const at = text === undefined ? undefined : positionsOf(text);
    const ctx: TextContext = { now, thresholds: DEFAULT_THRESHOLDS, lineOf: at && (offset => at(offset).line), pairings: pairingsOf(file, analysis, files) };
    lines.push('', `═══ ${file} ═══`);
    if (!analysis.entries.length) {
      lines.push('No certificate, key, request or CRL found.');
    }
    for (const [i, entry] of analysis.entries.entries()) {
      if (i) {
        lines.push('');
      }
      lines.push(...entryText({ entry }, ctx));
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Each private key with its certificate: the one beside it in its own file (as the decoded view
 * pairs them), else a certificate with the same public key in another file named on the command line.
 */
function pairingsOf(file: string, analysis: DocumentAnalysis, files: readonly InspectedFile[]): Map<DecodedObject, KeyPairing> {
  const pairings = pairKeysInDocument(analysis);
  for (const key of analysis.entries.flatMap(e => e.objects).filter(o => o.privateKey?.publicKey && !pairings.has(o))) {
    const id = key.privateKey!.publicKey!.id;
    const other = files.filter(f => f.file !== file).flatMap(f => f.analysis.entries.flatMap(e => e.objects).filter(o => o.certificate?.publicKey.id === id).map(o => ({ f, o })))[0];
    const pairing = other && pairWith(key, other.o.certificate!, other.f.file);
    if (pairing) {
      pairings.set(key, pairing);
    }
  }
  return pairings;
}
