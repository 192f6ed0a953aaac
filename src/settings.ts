import vscode = require('vscode');
import { ExpiryThresholds } from './core/x509/expiry';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, DEFAULT_MAX_FILE_SIZE_KB } from './core/pipeline/scanDefaults';
import { Disposable } from './util/dispose';
import { RuleSettings } from './core/checks';
import { isRuleLevel } from './core/checks/ruleSettings';
import { DEFAULT_SIGN_DAYS } from './core/renew/signDefaults';

/** Every `pkiLens.*` setting, typed, read in one place (per resource, so folder settings apply). */
export interface PkiLensSettings {
  expiry: ExpiryThresholds;
  codeLens: { enabled: boolean };
  scan: { include: string[]; exclude: string[]; maxFileSizeKB: number; extraKubeconfigs: string[]; ownWatch: boolean };
  renewal: { key: 'reuse' | 'rotate'; validityDays: number; backupFolder: string };
  /** `pkiLens.rules.<code>`: a rule switched off or given another severity in this folder. */
  rules: RuleSettings;
  probe: { endpoints: ProbeEndpointSetting[]; onOpen: boolean; timeoutMs: number };
  /** Signing certificate requests (Sign with Local CA): the lifetime, clamped to the CA by the core. */
  sign: { validityDays: number };
}

/** One `pkiLens.probe.endpoints` entry: `host:port`, or with the CA (workspace-relative) and name to judge it by. */
export type ProbeEndpointSetting = string | { address: string; ca?: string; serverName?: string };

export type SettingsSection = keyof PkiLensSettings;

/** What a settings change touched: `affects('expiry', uri)` when the folder of `uri` sees new thresholds. */
export interface SettingsChange {
  affects(section: SettingsSection, scope?: vscode.ConfigurationScope): boolean;
}

/** More files than the largest workspace measured (bench --large: 126,010 candidates). */
const MAX_URIS = 200_000;

/** A file, a folder, or a document (whose language picks up `[yaml]`-style overrides). */
export type SettingsScope = vscode.Uri | string | vscode.TextDocument;

/**
 * The `pkiLens.*` settings as a service every feature is handed (as the markdown extension's
 * `DiagnosticConfiguration`): read per resource, since every setting is resource-scoped and a
 * multi-root workspace can give each folder its own; fires once per change, so consumers recompute
 * instead of re-reading on their own.
 */
export class PkiLensConfiguration extends Disposable {
  /** By workspace folder URI ('' outside every folder): resource-scoped values cannot differ below a folder. */
  private readonly byFolder = new Map<string, PkiLensSettings>();
  /**
   * By the URI strings findings and inventory nodes carry: parsing one and asking VS Code for its
   * folder costs ≈5 µs, and a build asks for every file (11,000 on the bench: 50 ms a build, as
   * much again for the status bar's count). Cleared with `byFolder`; bounded.
   */
  private readonly byUri = new Map<string, PkiLensSettings>();
  /**
   * At most one workspace folder: every file's settings are the workspace's (a single folder's
   * settings are its workspace settings; a file outside it has none but those), so no URI needs a
   * look-up. A build asks for each certificate's thresholds: 10,000 look-ups of long URI strings in
   * `byUri`, 6 ms of each relink of the bench workspace in VS Code. Undefined until asked; cleared with `byFolder`.
   */
  private oneScope: boolean | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<SettingsChange>());
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this._register(vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration('pkiLens')) {
        this.clear();
        this.changed.fire({ affects: (section, scope) => e.affectsConfiguration(`pkiLens.${section}`, scope) });
      }
    }));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.clear()));
  }

  /** The settings that apply to `scope`; without one, the workspace's (user and workspace settings, no folder's). */
  get(scope?: SettingsScope): PkiLensSettings {
    if (scope === undefined) {
      return this.cached('', undefined);
    }
    if (typeof scope !== 'string' && !(scope instanceof vscode.Uri)) {
      return readSettings(scope); // language overrides depend on the document, not only its folder
    }
    if (this.oneScope ??= (vscode.workspace.workspaceFolders?.length ?? 0) <= 1) {
      return this.cached('', undefined);
    }
    if (typeof scope === 'string') {
      let settings = this.byUri.get(scope);
      if (!settings) {
        settings = this.ofFolder(vscode.Uri.parse(scope));
        if (this.byUri.size >= MAX_URIS) {
          this.byUri.clear();
        }
        this.byUri.set(scope, settings);
      }
      return settings;
    }
    return this.ofFolder(scope);
  }

  private ofFolder(uri: vscode.Uri): PkiLensSettings {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return this.cached(folder ? folder.uri.toString() : '', folder?.uri);
  }

  private clear(): void {
    this.oneScope = undefined;
    this.byFolder.clear();
    this.byUri.clear();
  }

  /** The expiry thresholds of the file at `scope` (a URI string as findings and inventory nodes carry it). */
  expiry(scope?: SettingsScope): ExpiryThresholds {
    return this.get(scope).expiry;
  }

  /** The rule settings of the file at `scope` (a URI string as findings carry it). */
  rules(scope?: SettingsScope): RuleSettings {
    return this.get(scope).rules;
  }

  private cached(key: string, folder: vscode.Uri | undefined): PkiLensSettings {
    let settings = this.byFolder.get(key);
    if (!settings) {
      settings = readSettings(folder);
      this.byFolder.set(key, settings);
    }
    return settings;
  }
}

function readSettings(scope?: vscode.ConfigurationScope): PkiLensSettings {
  // `null`, not undefined, for the workspace's own settings: the same values, but VS Code logs a
  // warning in the Extension Host channel for every resource-scoped key read without a resource
  // (12 lines a read, at every start).
  const c = vscode.workspace.getConfiguration('pkiLens', scope ?? null);
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
      // Machine-scoped (a workspace cannot point the scan at other files); read by the desktop index only.
      extraKubeconfigs: c.get<string[]>('scan.extraKubeconfigs', ['~/.kube/config']),
      // Window-scoped: one watch for the window (workspace/materialFolders.ts). Read without the
      // resource: VS Code warns of a window-scoped key read for one (at every document's settings).
      ownWatch: (scope ? vscode.workspace.getConfiguration('pkiLens', null) : c).get('scan.ownWatch', true),
    },
    renewal: {
      key: c.get('renewal.key', 'reuse'),
      validityDays: c.get('renewal.validityDays', 0),
      backupFolder: c.get('renewal.backupFolder', ''),
    },
    // VS Code gathers `pkiLens.rules.<code>` keys into one object; unset codes read as '' (no default).
    rules: Object.fromEntries(Object.entries(c.get<Record<string, unknown>>('rules', {}) ?? {}).filter(([, level]) => isRuleLevel(level))) as RuleSettings,
    probe: {
      endpoints: c.get<ProbeEndpointSetting[]>('probe.endpoints', []),
      onOpen: c.get('probe.onOpen', false),
      timeoutMs: c.get('probe.timeoutMs', 3000),
    },
    sign: { validityDays: c.get('sign.validityDays', DEFAULT_SIGN_DAYS) },
  };
}

export { DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from './core/pipeline/scanDefaults';
