import { DocumentAnalysis, analyzeText, isStructured } from '../analyze';
import { contentKey } from '../x509/bytes';

/** Turns text into an analysis; in the Node host large texts go to a worker thread (see workerAnalyzer.ts). */
export type Analyzer = (text: string, fileName: string) => Promise<DocumentAnalysis>;

const inline: Analyzer = (text, fileName) => analyzeText(text, { fileName });

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

  constructor(private readonly capacity = 2000, private readonly analyzer: Analyzer = inline) {}

  analyze(text: string, fileName: string): Promise<DocumentAnalysis> {
    const key = `${isStructured(fileName, text) ? 's' : 'p'}:${contentKey(text)}`;
    const hit = this.entries.get(key);
    if (hit && hit.text === text) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.analysis;
    }
    const analysis = this.analyzer(text, fileName);
    this.entries.set(key, { text, analysis });
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    return analysis;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Cheap pre-check so hovers and lenses cost nothing on files that cannot hold material. */
export function mayHoldMaterial(text: string): boolean {
  return text.includes('-----BEGIN ') || /-data|caBundle|tls\.(crt|key)|ca\.crt|[A-Za-z0-9+/]{120}/.test(text);
}
