// `pki-lens serve`: the command line, the HTTP endpoints and the signals. What is scanned and when
// is exporter.ts; the metric text is formats/openmetrics.ts, the same as `check --format openmetrics`.
import fs = require('node:fs');
import http = require('node:http');
import { AddressInfo } from 'node:net';
import path = require('node:path');
import { CliIo, Command, EXIT_OK, UsageError, parseCommandLine } from '../command';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_TEXT_CONTENT_TYPE } from '../formats/openmetrics';
import { parseDuration } from './duration';
import { Exporter } from './exporter';

export const DEFAULT_LISTEN = '127.0.0.1:9793';
export const DEFAULT_INTERVAL = '5m';

const SYNOPSIS = `Usage: pki-lens serve [--listen HOST:PORT] [--interval DURATION] DIR|FILE...
`;

const USAGE = `${SYNOPSIS}
A Prometheus exporter: scans the folders and files as \`pki-lens check\` does, again every
--interval and whenever a file under them changes, and serves the result.

  --listen A      address to listen on (default ${DEFAULT_LISTEN}; a bare port means 127.0.0.1);
                  say 0.0.0.0:9793 to be scraped from other hosts
  --interval D    rescan period: 1s, 30s, 5m, 1h30m… (default ${DEFAULT_INTERVAL})

Endpoints:
  /metrics   x509_cert_not_after, x509_cert_expired, pki_lens_finding… (see README "Fleet"),
             OpenMetrics when the scraper accepts it, Prometheus text 0.0.4 otherwise
  /healthz   200 once a scan has completed, 503 before

Unchanged files cost a stat per rescan; a file that cannot be read or decoded is reported in the
metrics and never stops the exporter. SIGTERM or SIGINT closes it cleanly (exit status 0).
`;

export interface ServeOptions {
  paths: string[];
  host: string;
  port: number;
  intervalMs: number;
}

/** `HOST:PORT`, `[v6]:PORT` or `PORT`. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    throw new UsageError(`--listen: expected HOST:PORT or PORT, got ${text}`);
  }
  return { host: m[1] ? m[1].replace(/^\[|\]$/g, '') : '127.0.0.1', port };
}

function parse(args: string[]): ServeOptions | 'help' {
  const { values, positionals } = parseCommandLine(args, {
    listen: { type: 'string' },
    interval: { type: 'string' },
  });
  if (values.help) {
    return 'help';
  }
  const intervalMs = parseDuration(values.interval ?? DEFAULT_INTERVAL);
  if (intervalMs === undefined) {
    throw new UsageError(`--interval: expected a duration such as 1s, 30s, 5m or 1h30m, got ${values.interval}`);
  }
  if (!positionals.length) {
    throw new UsageError('missing the folders or files to watch');
  }
  for (const p of positionals) {
    if (!fs.existsSync(path.resolve(p))) {
      throw new UsageError(`cannot read ${p}: no such file or directory`);
    }
  }
  return { paths: positionals, intervalMs, ...parseListen(values.listen ?? DEFAULT_LISTEN) };
}

export interface RunningServer {
  url: string;
  exporter: Exporter;
  close(): Promise<void>;
}

/** Starts the exporter and the HTTP server; resolves once both are up (after the first scan). */
export async function startServer(options: ServeOptions, log: (line: string) => void): Promise<RunningServer> {
  const exporter = new Exporter({ paths: options.paths, intervalMs: options.intervalMs, log });
  const server = http.createServer((req, res) => respond(exporter, req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', e => reject(new UsageError(`--listen ${options.host}:${options.port}: ${e.message}`)));
    server.listen(options.port, options.host, () => resolve());
  });
  await exporter.start();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    exporter,
    close: () => new Promise<void>(resolve => {
      exporter.stop();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function respond(exporter: Exporter, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (url === '/healthz') {
    const ok = exporter.healthy;
    res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(ok ? 'ok\n' : 'no scan has completed yet\n');
    return;
  }
  if (url === '/metrics') {
    const text = exporter.metrics();
    if (text === undefined) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('no scan has completed yet\n');
      return;
    }
    const openMetrics = (req.headers.accept ?? '').includes('application/openmetrics-text');
    res.writeHead(200, { 'content-type': openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_TEXT_CONTENT_TYPE });
    res.end(req.method === 'HEAD' ? undefined : text);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('pki-lens serve: see /metrics and /healthz\n');
}

async function run(args: string[], io: CliIo): Promise<number> {
  const opts = parse(args);
  if (opts === 'help') {
    io.out(USAGE);
    return EXIT_OK;
  }
  const log = (line: string) => io.err(`pki-lens serve: ${line}\n`);
  const running = await startServer(opts, log);
  log(`listening on ${running.url}/metrics, rescanning every ${opts.intervalMs / 1000} s and on changes`);
  await new Promise<void>(resolve => {
    const stop = (signal: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      log(`${signal}: closing`);
      void running.close().then(resolve);
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  return EXIT_OK;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'a Prometheus exporter: rescan on an interval and on changes, serve /metrics and /healthz',
  synopsis: SYNOPSIS,
  usage: USAGE,
  run,
};
