import { InspectRecord } from './inspectModel';

/** `inspect --format json`: one JSON array of every record, in the order the files were named. */
export function inspectJson(records: readonly InspectRecord[]): string {
  return JSON.stringify(records, null, 2) + '\n';
}
