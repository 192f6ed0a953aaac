import path = require('node:path');
import { Severity } from '../../core/checks';
import { renderExpiryReport } from '../../core/render/report';
import { expiryReportFromInventory } from '../../core/render/reportInput';
import { DEFAULT_MAX_FILE_SIZE_KB } from '../../core/pipeline/scanDefaults';
import type { ScanResult } from '../diskScanner';
import { Places } from './places';

/** The expiry report the extension shows (kubeadm's two tables), then every finding with its place. */
export function toTable(result: ScanResult): string {
  const places = new Places(result);
  const subtitle = result.roots.map(r => {
    const rel = path.relative(process.cwd(), r.path);
    return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? r.path : rel;
  }).join(', ');
  const out = [renderExpiryReport(expiryReportFromInventory(result.inventory, result.now, subtitle)).trimEnd(), ''];
  const count = (s: Severity) => result.findings.filter(f => f.severity === s).length;
  if (!result.findings.length) {
    // Never a bare "No findings" over files that were not read.
    out.push(result.stats.tooLarge ? `No findings in the files read; ${result.stats.tooLarge} file(s) over the cap were not read (name a file to read it whatever its size).` : 'No findings.');
  } else {
    out.push(`FINDINGS: ${count('error')} error(s), ${count('warning')} warning(s), ${count('information')} information`);
    const rows = result.findings.map(f => {
      const at = places.region(f.uri, f.range);
      return [f.severity.toUpperCase(), f.code, `${places.fileOf(f.uri)}:${at.line}:${at.column}`, f.message];
    });
    const widths = [0, 1, 2].map(col => Math.max(...rows.map(r => r[col].length)));
    for (const r of rows) {
      out.push(`  ${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`);
    }
  }
  out.push('', `Scanned ${result.stats.candidates} file(s), ${result.stats.materialFiles} with certificates or keys${result.stats.tooLarge ? `, ${result.stats.tooLarge} over the ${DEFAULT_MAX_FILE_SIZE_KB} KB cap skipped` : ''}.`);
  return out.join('\n') + '\n';
}
