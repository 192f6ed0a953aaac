// `pki-lens probe`: what the endpoints named in kubeconfigs, static pod manifests and URLs actually
// serve, judged against the workspace (core/probe) after a handshake by the Node host (net/).
import fs = require('node:fs');
import path = require('node:path');
import { pathToFileURL } from 'node:url';
import { DEFAULT_EXCLUDE } from '../core/pipeline/scanDefaults';
import { PathFilter } from '../core/pipeline/glob';
import { ExtraEndpoint, ManifestText, findEndpoints } from '../core/probe/endpoints';
import { staticPodComponent } from '../core/probe/manifests';
import { DEFAULT_TIMEOUT_MS } from '../net/handshake';
import { probeEndpoints } from '../net/probe';
import { CliIo, Command, EXIT_FAILED, EXIT_OK, UsageError, oneOf, parseCommandLine } from './command';
import { DiskScanner } from './diskScanner';
import { readCertificates } from './files';
import { probeJson, probeText } from './formats/probe';

const SYNOPSIS = `Usage: pki-lens probe [--ca FILE] [--server-name NAME] [--timeout MS] [--format text|json]
                      (KUBECONFIG | DIR | https://HOST:PORT)...
`;

const USAGE = `${SYNOPSIS}
Connects to every TLS endpoint the arguments name and compares what it serves with the files:
  KUBECONFIG   each cluster's https server (with tls-server-name and its CA)
  DIR          every kubeconfig below it, and kubeadm static pod manifests
               (manifests/kube-apiserver.yaml, etcd.yaml, kube-controller-manager.yaml,
               kube-scheduler.yaml), whose serving certificates are looked up under the
               pki/ beside manifests/
  URL          https://HOST:PORT (or HOST:PORT), judged against --ca

For each endpoint: the served chain (subject, serial, validity, SHA-256), whether it verifies
as Go's crypto/x509 would for the name a client dials, and whether it is the certificate the
workspace holds for that role (drift after a renewal: which component to restart).

Rules of conduct: one TLS handshake per endpoint, at most 3 at once; no client certificate,
key, token or password is ever sent; kubeconfig exec plugins are never run; only hosts named
in the arguments are dialled.

  --ca FILE           CA certificates to judge URL arguments by; repeatable
  --server-name NAME  the name URL arguments are verified for (and sent as SNI)
  --timeout MS        per handshake (default ${DEFAULT_TIMEOUT_MS})
  --format F          text (default) or json

Exit status: 0 every endpoint answered, its chain verifies and it serves the workspace's
certificate; 1 any finding (drift, expired, untrusted, name, unreachable); 2 usage error or
nothing to probe.
`;

export const probeCommand: Command = {
  name: 'probe',
  summary: 'connect to the TLS endpoints the workspace names; compare what they serve with the files',
  synopsis: SYNOPSIS,
  usage: USAGE,
  run,
};

interface ProbeArgs {
  paths: string[];
  urls: string[];
  ca: string[];
  serverName?: string;
  timeoutMs: number;
  format: 'text' | 'json';
}

const URL_LIKE = /^https:\/\/|^[^/\\]+:\d+$/i;

function parse(args: string[]): ProbeArgs | 'help' {
  const { values, positionals } = parseCommandLine(args, {
    ca: { type: 'string', multiple: true },
    'server-name': { type: 'string' },
    timeout: { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) {
    return 'help';
  }
  if (!positionals.length) {
    throw new UsageError('missing what to probe: a kubeconfig, a folder or https://HOST:PORT');
  }
  const timeoutMs = values.timeout === undefined ? DEFAULT_TIMEOUT_MS : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 120_000) {
    throw new UsageError(`--timeout: expected milliseconds between 1 and 120000, got ${values.timeout}`);
  }
  const urls = positionals.filter(p => URL_LIKE.test(p) && !fs.existsSync(p));
  const bad = positionals.find(p => /^[a-z][a-z0-9+.-]*:\/\//i.test(p) && !/^https:\/\//i.test(p));
  if (bad) {
    throw new UsageError(`${bad}: only https:// endpoints can be probed`);
  }
  return {
    paths: positionals.filter(p => !urls.includes(p)),
    urls,
    ca: values.ca ?? [],
    serverName: values['server-name'] || undefined,
    timeoutMs,
    format: oneOf('format', values.format, ['text', 'json'] as const, 'text'),
  };
}

const MANIFESTS = new PathFilter(['**/manifests/*.yaml'], DEFAULT_EXCLUDE);

/** Static pod manifests under a folder (relative paths as the disk scanner writes them), or the file itself. */
function manifestsUnder(root: string, prefix: string, named: boolean): ManifestText[] {
  const out: ManifestText[] = [];
  const read = (abs: string, rel: string) => {
    if (staticPodComponent(rel)) {
      out.push({ uri: pathToFileURL(abs).toString(), relativePath: rel, text: fs.readFileSync(abs, 'utf8') });
    }
  };
  if (named) {
    read(root, path.relative(process.cwd(), root).split(path.sep).join('/'));
    return out;
  }
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && !MANIFESTS.excludesFolder(childRel)) {
        walk(path.join(dir, e.name), childRel);
      } else if (e.isFile() && MANIFESTS.matches(prefix + childRel)) {
        read(path.join(dir, e.name), prefix + childRel);
      }
    }
  };
  walk(root, '');
  return out;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const opts = parse(args);
  if (opts === 'help') {
    io.out(USAGE);
    return EXIT_OK;
  }
  const scan = opts.paths.length ? await new DiskScanner().scan(opts.paths) : undefined;
  const manifests: ManifestText[] = [];
  const directories = scan?.roots.filter(r => r.directory).length ?? 0;
  for (const root of scan?.roots ?? []) {
    manifests.push(...manifestsUnder(root.path, root.directory && directories > 1 ? `${path.basename(root.path)}/` : '', !root.directory));
  }
  const caFiles = await Promise.all(opts.ca.map(f => readCertificates(f, 'ca')));
  const extra: ExtraEndpoint[] = opts.urls.map(address => ({
    address,
    serverName: opts.serverName,
    roots: caFiles.flatMap(f => f.certificates),
    rootsFrom: opts.ca.join(', ') || undefined,
  }));
  const discovery = findEndpoints(scan?.inventory ?? { kubeconfigs: [], files: [] }, manifests, extra);
  if (!discovery.endpoints.length) {
    io.err(`pki-lens probe: no https endpoint found in ${[...opts.paths, ...opts.urls].join(' ')}${discovery.skipped.length ? ` (${discovery.skipped.join('; ')})` : ''}\n`);
    return 2;
  }
  const reports = await probeEndpoints(discovery.endpoints, { timeoutMs: opts.timeoutMs });
  const texts = new Map<string, string | undefined>([...(scan?.files ?? []).map(f => [f.uri, f.text] as const), ...manifests.map(m => [m.uri, m.text] as const)]);
  if (opts.format === 'json') {
    io.out(JSON.stringify(probeJson(reports, discovery.skipped, texts), null, 2) + '\n');
  } else {
    io.out(probeText(reports, discovery.skipped));
  }
  return reports.some(r => r.problems.length) ? EXIT_FAILED : EXIT_OK;
}
