import * as vscode from 'vscode';
import { ExpiryThresholds } from './core/x509/expiry';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, DEFAULT_MAX_FILE_SIZE_KB } from './core/pipeline/scanDefaults';

/** Every `pkiLens.*` setting, typed, read in one place (per resource, so folder settings apply). */
export interface PkiLensSettings {
  expiry: ExpiryThresholds;
  codeLens: { enabled: boolean };
  scan: { include: string[]; exclude: string[]; maxFileSizeKB: number };
  renewal: { key: 'reuse' | 'rotate'; validityDays: number; backupFolder: string };
}

export function readSettings(scope?: vscode.ConfigurationScope): PkiLensSettings {
  const c = vscode.workspace.getConfiguration('pkiLens', scope);
  return {
    expiry: {
      warningDays: c.get('expiry.warningDays', 30),
      warningLifetimePercent: c.get('expiry.warningLifetimePercent', 80),
      errorDays: c.get('expiry.errorDays', 7),
    },
    codeLens: { enabled: c.get('codeLens.enabled', true) },
    scan: {
      include: c.get('scan.include', DEFAULT_INCLUDE),
      exclude: c.get('scan.exclude', DEFAULT_EXCLUDE),
      maxFileSizeKB: c.get('scan.maxFileSizeKB', DEFAULT_MAX_FILE_SIZE_KB),
    },
    renewal: {
      key: c.get('renewal.key', 'reuse'),
      validityDays: c.get('renewal.validityDays', 0),
      backupFolder: c.get('renewal.backupFolder', ''),
    },
  };
}

export { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from './core/pipeline/scanDefaults';
