import { DocumentAnalysis, analyzeBinary, analyzeText, decodeFileText, isStructured } from '../analyze';
import { contentKey } from '../x509/bytes';
import type { Pause } from '../slices';

/**
 * Turns text into an analysis; in the Node host large texts go to a worker thread (see
 * workerAnalyzer.ts). `passwords` open keystores held in Secrets (never logged, never stored).
 * `pause`: the caller's slices, for an analysis in its thread (between carriers, see analyzeText).
 */
export type Analyzer = (text: string, fileName: string, passwords?: readonly string[], pause?: Pause) => Promise<DocumentAnalysis>;

/** The analysis step itself, run in the caller's thread, or by the worker thread (workspace/analysisWorker.ts). */
export const analyzeInline: Analyzer = (text, fileName, passwords, pause) => analyzeText(text, { fileName, passwords, pause });

interface CacheEntry {
  text: string;
  analysis: Promise<DocumentAnalysis>;
}

/**
 * Analyses keyed by content, so the same text (an open document, its file on disk, a copy in
 * another folder) is parsed once. Bounded LRU; the stored text is compared on a hit, so a hash
 * collision can never hand back the wrong analysis.
 */
export class AnalysisCache {
  private readonly entries = new Map<string, CacheEntry>();
  private keystorePasswords: readonly string[] = [];

  constructor(private readonly capacity = 2000, private readonly analyzer: Analyzer = analyzeInline) {}

  /** `pause`: the caller's slices (a scan's), handed to an analysis this call starts. */
  analyze(text: string, fileName: string, pause?: Pause): Promise<DocumentAnalysis> {
    const key = `${isStructured(fileName, text) ? 's' : 'p'}:${contentKey(text)}`;
    const hit = this.entries.get(key);
    if (hit && hit.text === text) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.analysis;
    }
    const analysis = this.analyzer(text, fileName, this.keystorePasswords, pause);
    this.entries.set(key, { text, analysis });
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    return analysis;
  }

  /**
   * A file's bytes, the pipeline's first step for every host: text or DER (as `decodeFileText`
   * decides), text without a sign of material skipped cheaply, the rest analysed through the cache.
   */
  async analyzeFile(bytes: Uint8Array, fileName: string): Promise<{ text: string | undefined; analysis: DocumentAnalysis }> {
    const text = decodeFileText(bytes);
    if (text === undefined) {
      return { text, analysis: await analyzeBinary(bytes, { passwords: this.keystorePasswords }) };
    }
    return { text, analysis: mayHoldMaterial(text) ? await this.analyze(text, fileName) : NO_MATERIAL };
  }

  /**
   * The keystore passwords to try after the empty one (CLI --password-file / PKI_LENS_PASSWORD, a
   * prompt's answer for the session). Analyses made with other passwords are dropped, unless
   * `keepAnalyses` (a password used once: what it opened stays open until the file changes).
   */
  setKeystorePasswords(passwords: readonly string[], options: { keepAnalyses?: boolean } = {}): void {
    if (passwords.length !== this.keystorePasswords.length || passwords.some((p, i) => p !== this.keystorePasswords[i])) {
      this.keystorePasswords = [...passwords];
      if (!options.keepAnalyses) {
        this.clear();
      }
    }
  }

  get passwords(): readonly string[] {
    return this.keystorePasswords;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The analysis of a file with nothing to analyse; frozen, so sharing it is safe. */
export const NO_MATERIAL: DocumentAnalysis = Object.freeze({ entries: [], kubeconfigs: [], syntaxErrors: [] }) as unknown as DocumentAnalysis;

/** Cheap pre-check so hovers and lenses cost nothing on files that cannot hold material. */
export function mayHoldMaterial(text: string): boolean {
  return text.includes('-----BEGIN ') || /-data|caBundle|tls\.(crt|key)|ca\.crt|secretName|certificateRefs|[A-Za-z0-9+/]{120}/.test(text);
}
