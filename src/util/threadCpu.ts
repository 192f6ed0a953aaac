/** The extension host thread's CPU usage now (Node 23.9 and later; undefined before). */
export function threadCpu(): NodeJS.CpuUsage | undefined {
  // No `process` in the browser's extension host (the web entry builds the same index).
  if (typeof process === 'undefined') {
    return undefined;
  }
  return (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
}

/**
 * Milliseconds the extension host's thread ran on a CPU since `start` (undefined before Node 23.9).
 * Beside the wall time: while a window starts, the two cores are shared with its other processes,
 * and a synchronous activate() of 13 ms on the CPU has taken 105 ms of wall time.
 */
export function threadCpuMsSince(start: NodeJS.CpuUsage | undefined): number | undefined {
  const usage = typeof process === 'undefined' ? undefined : (process as { threadCpuUsage?: (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage }).threadCpuUsage;
  if (!usage || !start) {
    return undefined;
  }
  const { user, system } = usage(start);
  return (user + system) / 1000;
}
