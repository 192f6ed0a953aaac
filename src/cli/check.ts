// `pki-lens check`: the command line, options and exit status. Scanning is diskScanner.ts over the
// core pipeline; each output format is a file of formats/.
import fs = require('node:fs');
import path = require('node:path');
import { pathToFileURL } from 'node:url';
import { Finding, RuleSettings, Severity } from '../core/checks';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, DEFAULT_MAX_FILE_SIZE_KB } from '../core/pipeline/scanDefaults';
import { CliIo, Command, EXIT_FAILED, EXIT_OK, UsageError, oneOf, parseCommandLine } from './command';
import { DiskScanner } from './diskScanner';
import { PASSWORD_OPTIONS, PASSWORD_USAGE, keystorePasswords } from './passwords';
import { readFolderConfig } from './folderConfig';
import { toJson } from './formats/json';
import { toOpenMetrics } from './formats/openmetrics';
import { toSarif } from './formats/sarif';
import { toTable } from './formats/table';

const SYNOPSIS = `Usage: pki-lens check [--format table|json|sarif|openmetrics] [--fail-on error|warning|information|none]
                      [--password-file FILE] DIR|FILE...
`;

const USAGE = `${SYNOPSIS}
Scans folders, kubeconfigs and certificate files the way the PKI Lens extension scans a
workspace (same include/exclude globs, size cap, rules and messages) and reports what it finds.

  --format F     table (default): a \`kubeadm certs check-expiration\`-style table of
                 certificates and CAs, then the findings
                 json: the findings (code, severity, file, line, message), as the Problems panel
                 shows them
                 sarif: SARIF 2.1.0, for code-scanning dashboards
                 openmetrics: Prometheus/OpenMetrics gauges (x509_cert_not_after…,
                 pki_lens_finding…), e.g. for node-exporter's textfile collector
  --fail-on S    exit 1 when a finding of severity S or above exists (default: error);
                 none never fails
${PASSWORD_USAGE}
Folders are walked with the extension's default globs:
  include ${DEFAULT_INCLUDE.join(' ')}
  exclude ${DEFAULT_EXCLUDE.join(' ')}
and their files over ${DEFAULT_MAX_FILE_SIZE_KB} KB are skipped (the table and JSON count them).
Rule settings come from each folder's .pki-lens.json ({"rules": {"san-missing": "off"}}),
else its .vscode/settings.json ("pkiLens.rules.<code>": off|information|warning|error),
as the extension applies them per workspace folder; files named alone take the current
directory's.
Files named on the command line are always read, whatever their size: a bundle of
thousands of certificates is checked certificate by certificate.

Exit status: 0 no findings at or above --fail-on, 1 there are, 2 usage or input error.
`;

const FORMATS = ['table', 'json', 'sarif', 'openmetrics'] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = ['error', 'warning', 'information', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];
const RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1 };

export const checkCommand: Command = {
  name: 'check',
  summary: 'scan folders and kubeconfigs like the extension; table, JSON, SARIF or OpenMetrics; exit 1 on findings',
  synopsis: SYNOPSIS,
  usage: USAGE,
  run,
};

interface CheckArgs {
  paths: string[];
  format: Format;
  failOn: FailOn;
  passwords: string[];
}

function parse(args: string[]): CheckArgs | 'help' {
  const { values, positionals } = parseCommandLine(args, {
    format: { type: 'string' },
    'fail-on': { type: 'string' },
    ...PASSWORD_OPTIONS,
  });
  if (values.help) {
    return 'help';
  }
  const format = oneOf('format', values.format, FORMATS, 'table');
  const failOn = oneOf('fail-on', values['fail-on'], FAIL_ON, 'error');
  if (!positionals.length) {
    throw new UsageError('missing the folders or files to check');
  }
  return { paths: positionals, format, failOn, passwords: keystorePasswords(values['password-file']) };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const opts = parse(args);
  if (opts === 'help') {
    io.out(USAGE);
    return EXIT_OK;
  }
  const rulesFor = folderRules(opts.paths, io);
  let ruleFailed = 0;
  const started = performance.now();
  const scanner = new DiskScanner(undefined, undefined, () => ruleFailed++);
  scanner.cache.setKeystorePasswords(opts.passwords);
  const result = await scanner.scan(opts.paths, { rulesFor });
  const durationSeconds = (performance.now() - started) / 1000;
  switch (opts.format) {
    case 'json':
      io.out(JSON.stringify(toJson(result), null, 2) + '\n');
      break;
    case 'sarif':
      io.out(JSON.stringify(toSarif(result), null, 2) + '\n');
      break;
    case 'openmetrics':
      io.out(toOpenMetrics(result, { durationSeconds, problems: { ruleFailed } }));
      break;
    default:
      io.out(toTable(result));
  }
  return failing(result.findings, opts.failOn).length ? EXIT_FAILED : EXIT_OK;
}

/**
 * `pkiLens.rules.<code>` per scanned folder, as the editor applies them per workspace folder: a
 * file under a folder named on the command line takes that folder's `.pki-lens.json` or
 * `.vscode/settings.json`; a file named on its own, the current directory's. Problems in those
 * files are reported on stderr and the rest of the settings still apply.
 */
function folderRules(paths: readonly string[], io: CliIo): (uri: string) => RuleSettings | undefined {
  const folders = paths.map(p => path.resolve(p)).filter(p => isDirectory(p));
  const configs = [...folders, process.cwd()].map(folder => {
    const config = readFolderConfig(folder);
    config.problems.forEach(problem => io.err(`pki-lens: ${problem}\n`));
    return { prefix: pathToFileURL(folder).href.replace(/\/?$/, '/'), rules: config.rules };
  });
  const cwd = configs.pop()!;
  // The deepest folder holding the file wins (a folder named inside another).
  configs.sort((a, b) => b.prefix.length - a.prefix.length);
  return uri => (configs.find(c => uri.startsWith(c.prefix)) ?? cwd).rules;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Findings at or above the threshold. */
export function failing(findings: readonly Finding[], failOn: FailOn): Finding[] {
  return failOn === 'none' ? [] : findings.filter(f => RANK[f.severity] >= RANK[failOn]);
}

