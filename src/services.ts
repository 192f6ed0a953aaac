import { AnalysisCache } from './core/pipeline/analysisCache';
import { Logger } from './util/logger';
import type { WorkspaceIndex } from './workspace/index';

/** What every feature is handed at activation: shared, long-lived, created once. */
export interface Services {
  cache: AnalysisCache;
  logger: Logger;
  /** Every candidate file of the workspace, linked into an inventory with findings; see workspace/index.ts. */
  index: WorkspaceIndex;
}
