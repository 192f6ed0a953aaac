/**
 * Durations as Prometheus and Go write them: `1s`, `30s`, `5m`, `1h30m`, `500ms`. Hand-written
 * (a dozen lines) because the one package at hand, `ms`, reads a different dialect ("1.5 hours",
 * no `1h30m`), and operators copy these values from their Prometheus configuration.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+)(ms|s|m|h|d)/y;

/** Milliseconds, or undefined when `text` is not a positive duration in that form. */
export function parseDuration(text: string): number | undefined {
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (!m || m.index !== at) {
      return undefined;
    }
    total += Number(m[1]) * UNIT_MS[m[2]];
  }
  return text.length > 0 && total > 0 && Number.isSafeInteger(total) ? total : undefined;
}
