import { AnalysisCache } from './core/pipeline/analysisCache';
import { PkiLensConfiguration } from './settings';
import { Logger } from './util/logger';
import type { WorkspaceIndex } from './workspace/index';

/** What every feature is handed at activation: shared, long-lived, created once. */
export interface Services {
  cache: AnalysisCache;
  logger: Logger;
  /** The `pkiLens.*` settings, per resource; features recompute on its `onDidChange`, never read the configuration themselves. */
  settings: PkiLensConfiguration;
  /** Every candidate file of the workspace, linked into an inventory with findings; see workspace/index.ts. */
  index: WorkspaceIndex;
}
