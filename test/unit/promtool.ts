// Prometheus's own tools for the fleet tests: promtool (from Debian's `prometheus` package, which
// .ci/run installs) and a reader of exposition text used only on text promtool has accepted.
import { spawnSync } from 'node:child_process';

export function promtool(args: string[], input?: string, cwd?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('promtool', args, { input, cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) {
    throw new Error(`promtool ${args.join(' ')}: ${r.error.message} (install Debian's prometheus package)`);
  }
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** The label text as written, to pair series of different families. */
  key: string;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;

export function parseExposition(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = (m[2] ?? '{}').slice(1, -1);
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const l = LABEL.exec(body);
      if (!l) throw new Error(`bad labels: ${m[2]}`);
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1], labels, value: Number(m[3]), key: m[2] ?? '' });
  }
  return out;
}
