import { AnalysisCache } from './workspace/analysisCache';
import { Logger } from './util/logger';

/** What every feature is handed at activation: shared, long-lived, created once. */
export interface Services {
  cache: AnalysisCache;
  logger: Logger;
}
