import type { Logger } from './logger';

/** One feature of the extension: a name for the log, and how it registers itself. */
export interface Feature<S> {
  readonly name: string;
  readonly register: (services: S) => void;
}

/**
 * Register every feature in order; one that throws is logged and skipped, so it takes neither the
 * others nor the extension host down with it. Returns the names of those that failed.
 */
export function startFeatures<S>(features: readonly Feature<S>[], services: S, logger: Logger): string[] {
  const failed: string[] = [];
  for (const feature of features) {
    try {
      feature.register(services);
    } catch (e) {
      failed.push(feature.name);
      logger.error(`starting ${feature.name} failed`, e);
    }
  }
  return failed;
}
