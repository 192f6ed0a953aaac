// What every analysis must look like, whatever the input: each object either decoded or carrying
// an error, every range and error offset inside the document. Shared by the hostile-input and the
// cryptography-vectors suites.
import * as assert from 'node:assert/strict';
import { DocumentAnalysis } from '../../src/core/analyze';
import { DEFAULT_THRESHOLDS } from '../../src/core/x509/expiry';
import { pairKeysInDocument } from '../../src/core/inventory/pairing';
import { renderEntry } from '../../src/core/render/hover';
import { entrySummary, entryTooltip } from '../../src/core/render/summary';
import { decodedDocumentText } from '../../src/core/render/text';

export interface Tally {
  decoded: number;
  /** Objects or entries with a located error. */
  errors: number;
}

function inside(range: { start: number; end: number }, length: number, where: string): void {
  assert.ok(Number.isInteger(range.start) && Number.isInteger(range.end), `${where}: integer range ${JSON.stringify(range)}`);
  assert.ok(range.start >= 0 && range.start <= range.end && range.end <= length, `${where}: range ${range.start}-${range.end} inside 0-${length}`);
}

/**
 * Asserts the invariants of an analysis of a document of `length` characters (bytes for DER) and
 * counts decoded objects and located errors. Also renders every entry the way hovers, CodeLens
 * and the decoded view do, since those run on whatever the core produced.
 */
export function assertLocated(analysis: DocumentAnalysis, length: number, where: string, tally: Tally = { decoded: 0, errors: 0 }): Tally {
  assert.ok(Array.isArray(analysis.entries) && Array.isArray(analysis.kubeconfigs) && Array.isArray(analysis.syntaxErrors), `${where}: analysis shape`);
  for (const [i, entry] of analysis.entries.entries()) {
    const at = `${where} entry ${i}`;
    inside(entry.range, length, at);
    if (entry.error !== undefined) {
      assert.ok(typeof entry.error === 'string' && entry.error.length > 0, `${at}: error is a message`);
      if (entry.errorOffset !== undefined) {
        assert.ok(entry.errorOffset >= 0 && entry.errorOffset <= length, `${at}: error offset ${entry.errorOffset} inside the document`);
      }
      tally.errors++;
    }
    for (const [j, object] of entry.objects.entries()) {
      const ot = `${at} object ${j} (${object.label})`;
      inside(object.range, length, ot);
      const payload = [object.certificate, object.privateKey, object.publicKey, object.csr, object.crl].filter(p => p !== undefined);
      if (object.error !== undefined) {
        assert.ok(typeof object.error === 'string' && object.error.length > 0, `${ot}: error is a message`);
        assert.equal(payload.length, 0, `${ot}: an object with an error carries no decoded payload`);
        if (object.errorOffset !== undefined) {
          assert.ok(object.errorOffset >= 0 && object.errorOffset <= length, `${ot}: error offset ${object.errorOffset} inside the document`);
        }
        tally.errors++;
      } else {
        assert.equal(payload.length, 1, `${ot}: decoded to exactly one thing, or has an error`);
        tally.decoded++;
      }
    }
    if (entry.carrier) {
      inside(entry.carrier.valueRange, length, `${at} value`);
      inside(entry.carrier.keyRange, length, `${at} key`);
    }
  }
  for (const e of analysis.syntaxErrors) {
    assert.ok(typeof e.message === 'string' && e.message.length > 0, `${where}: syntax error has a message`);
  }
  renderAll(analysis);
  return tally;
}

const ctx = { now: new Date(), thresholds: DEFAULT_THRESHOLDS };

/** Hover markdown, CodeLens title and tooltip, and the decoded view of every entry: none may throw. */
export function renderAll(analysis: DocumentAnalysis): void {
  const pairings = pairKeysInDocument(analysis);
  const c = { ...ctx, pairings };
  for (const entry of analysis.entries) {
    renderEntry(entry, c);
    entrySummary(entry, c);
    entryTooltip(entry, c);
  }
  decodedDocumentText('document', analysis.entries.map(entry => ({ entry })), c);
}
