import { judgeEndpoint } from '../core/probe/judge';
import { Endpoint, EndpointReport } from '../core/probe/types';
import { DEFAULT_TIMEOUT_MS, handshake } from './handshake';

/** Never more than this many handshakes at once: a probe must not look like a scan to the cluster. */
export const PROBE_CONCURRENCY = 3;

export interface ProbeOptions {
  timeoutMs?: number;
  /** The moment the served certificates are judged at (default: when each handshake ends). */
  now?: Date;
  /** Hears each endpoint's report as it is ready (the extension shows progress). */
  onReport?: (report: EndpointReport) => void;
}

/**
 * Probes every endpoint, a few at a time, and judges each through the core. Reports come back in
 * the endpoints' order. A small worker loop rather than a library: three lines of queue, no
 * dependency for a fixed, tiny fan-out.
 */
export async function probeEndpoints(endpoints: readonly Endpoint[], options: ProbeOptions = {}): Promise<EndpointReport[]> {
  const reports: EndpointReport[] = new Array(endpoints.length);
  let next = 0;
  const worker = async () => {
    while (next < endpoints.length) {
      const i = next++;
      const e = endpoints[i];
      const observation = await handshake(e.host, e.port, e.serverName, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      reports[i] = await judgeEndpoint(e, observation, options.now ?? new Date());
      options.onReport?.(reports[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROBE_CONCURRENCY, endpoints.length) }, worker));
  return reports;
}
