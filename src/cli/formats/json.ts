import { Severity } from '../../core/checks';
import type { ScanResult } from '../diskScanner';
import { Places } from './places';

/** The stable JSON shape of `pki-lens check --format json`: what the Problems panel lists. */
export function toJson(result: ScanResult) {
  const places = new Places(result);
  const count = (s: Severity) => result.findings.filter(f => f.severity === s).length;
  return {
    scanned: {
      roots: result.roots.map(r => r.path),
      candidates: result.stats.candidates,
      materialFiles: result.stats.materialFiles,
      tooLarge: result.stats.tooLarge,
      certificates: result.inventory.records.size,
    },
    now: result.now.toISOString(),
    summary: { error: count('error'), warning: count('warning'), information: count('information') },
    findings: result.findings.map(f => ({
      code: f.code,
      severity: f.severity,
      file: places.fileOf(f.uri),
      ...places.region(f.uri, f.range),
      message: f.message,
      related: f.related.map(r => ({ file: places.fileOf(r.uri), ...places.region(r.uri, r.range), message: r.message })),
    })),
  };
}
