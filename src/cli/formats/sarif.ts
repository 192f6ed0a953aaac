import path = require('node:path');
import { pathToFileURL } from 'node:url';
import { CHECK_CODES, CheckCode, RULES_URL, Severity } from '../../core/checks';
import { TextRange } from '../../core/x509/pem';
import type { ScanResult } from '../diskScanner';
import { Places } from './places';

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note' };

/** SARIF 2.1.0 with one rule per check code; locations relative to the scanned folders. */
export function toSarif(result: ScanResult) {
  const places = new Places(result);
  const codes = Object.keys(CHECK_CODES) as CheckCode[];
  const baseId = (root: number) => `ROOT${root}`;
  const location = (uri: string, range: TextRange) => {
    const file = places.byUri.get(uri);
    const region = places.region(uri, range);
    const physicalLocation = file
      ? { artifactLocation: { uri: encodeURI(file.rootRelative), uriBaseId: baseId(file.root) }, region: file.text === undefined ? undefined : { startLine: region.line, startColumn: region.column, endLine: region.endLine, endColumn: region.endColumn } }
      : { artifactLocation: { uri } };
    return { physicalLocation };
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'PKI Lens',
          informationUri: 'https://github.com/pki-lens/pki-lens',
          rules: codes.map(code => ({
            id: code,
            name: code,
            shortDescription: { text: CHECK_CODES[code].description },
            helpUri: `${RULES_URL}${code}`,
            defaultConfiguration: { level: SARIF_LEVEL[CHECK_CODES[code].severity] },
          })),
        },
      },
      originalUriBaseIds: Object.fromEntries(result.roots.map((r, i) => [baseId(i), { uri: pathToFileURL(r.directory ? r.path + path.sep : path.dirname(r.path) + path.sep).href }])),
      results: result.findings.map(f => ({
        ruleId: f.code,
        ruleIndex: codes.indexOf(f.code),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [location(f.uri, f.range)],
        relatedLocations: f.related.length ? f.related.map((r, id) => ({ id, ...location(r.uri, r.range), message: { text: r.message } })) : undefined,
      })),
    }],
  };
}
