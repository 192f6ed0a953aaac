import { appliedOptions, checkLines, errorLines, pathLine, pathRole, subjectOf } from '../core/render/verification';
import { VerificationResult, VerifyPurpose, goTime, verifyChain } from '../core/verify';
import { CliIo, Command, EXIT_FAILED, EXIT_OK, UsageError, oneOf, parseCommandLine } from './command';
import { readCertificates } from './files';

const SYNOPSIS = `Usage: pki-lens verify --ca FILE [--untrusted FILE] [--at ISO-8601] [--host NAME|IP]
                       [--purpose serverAuth|clientAuth|any] [--format text|json] LEAF
`;

const USAGE = `${SYNOPSIS}
Predicts what a Go TLS client or server (kubectl, client-go, kubelet, kube-apiserver, etcd)
says about the certificate LEAF: the same chain building, checks and error words as Go's
crypto/x509.

  --ca FILE          trusted CA certificates (PEM bundle, DER, or a kubeconfig's
                     certificate-authority-data); repeatable
  --untrusted FILE   intermediates that may complete the chain; repeatable. Certificates
                     after the first one in LEAF are used as intermediates too (fullchain).
                     LEAF may be a kubeconfig: its client-certificate-data is the leaf
  --at TIME          judge validity at this ISO-8601 time instead of now
  --host NAME|IP     the name or address the client dials (checked against SANs only)
  --purpose P        serverAuth (Go's default), clientAuth, or any
  --format F         text (default) or json

Exit status: 0 verifies, 1 does not verify, 2 usage or input error.
`;

const PURPOSES: VerifyPurpose[] = ['serverAuth', 'clientAuth', 'any'];

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'predict what Go TLS clients (kubectl, kubelet, etcd) say about a certificate chain',
  synopsis: SYNOPSIS,
  usage: USAGE,
  run,
};

interface VerifyArgs {
  leaf: string;
  ca: string[];
  untrusted: string[];
  at?: Date;
  host?: string;
  purpose: VerifyPurpose;
  format: 'text' | 'json';
}

function parse(args: string[]): VerifyArgs | 'help' {
  const { values, positionals } = parseCommandLine(args, {
    ca: { type: 'string', multiple: true },
    untrusted: { type: 'string', multiple: true },
    at: { type: 'string' },
    host: { type: 'string' },
    purpose: { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) {
    return 'help';
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length ? `expected one LEAF file, got ${positionals.length}: ${positionals.join(' ')}` : 'missing the LEAF certificate file');
  }
  if (!values.ca?.length) {
    throw new UsageError('missing --ca FILE (the trusted CA certificates)');
  }
  let at: Date | undefined;
  if (values.at !== undefined) {
    // A time without an offset is taken as UTC, so a run means the same everywhere.
    at = new Date(/T[\d:.]+$/.test(values.at) ? `${values.at}Z` : values.at);
    if (!/^\d{4}-\d{2}-\d{2}/.test(values.at) || Number.isNaN(at.getTime())) {
      throw new UsageError(`--at: not an ISO-8601 time: ${values.at}`);
    }
  }
  const purpose = oneOf('purpose', values.purpose, PURPOSES, 'serverAuth');
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`--format: expected text or json, got ${format}`);
  }
  if (values.host !== undefined && values.host === '') {
    throw new UsageError('--host: empty name');
  }
  return { leaf: positionals[0], ca: values.ca, untrusted: values.untrusted ?? [], at, host: values.host, purpose, format };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const opts = parse(args);
  if (opts === 'help') {
    io.out(USAGE);
    return EXIT_OK;
  }
  const leafFile = await readCertificates(opts.leaf, 'certificate');
  const caFiles = await Promise.all(opts.ca.map(f => readCertificates(f, 'ca')));
  const untrustedFiles = await Promise.all(opts.untrusted.map(f => readCertificates(f)));
  const warnings = [leafFile, ...caFiles, ...untrustedFiles].flatMap(f => f.warnings);
  const [leaf, ...chainInLeafFile] = leafFile.certificates;
  const result = await verifyChain(
    {
      leaf,
      intermediates: [...chainInLeafFile, ...untrustedFiles.flatMap(f => f.certificates)],
      roots: caFiles.flatMap(f => f.certificates),
    },
    { at: opts.at, host: opts.host, purpose: opts.purpose },
  );
  if (opts.format === 'json') {
    io.out(JSON.stringify(toJson(result, warnings), null, 2) + '\n');
  } else {
    for (const w of warnings) {
      io.err(`warning: ${w}\n`);
    }
    io.out(toText(result, opts.leaf));
  }
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

/** The stable JSON shape of `pki-lens verify --format json`. */
export function toJson(result: VerificationResult, warnings: string[] = []) {
  return {
    ok: result.ok,
    goError: result.goError ?? null,
    errors: result.errors,
    at: goTime(result.at),
    purpose: result.purpose,
    host: result.host ?? null,
    trusted: result.trusted,
    path: result.path.map((c, i) => ({
      role: pathRole(result, i),
      subject: subjectOf(c),
      issuer: c.issuer.text,
      serialNumber: c.serialNumber,
      notBefore: goTime(c.notBefore),
      notAfter: goTime(c.notAfter),
      sha256: c.fingerprints.sha256,
    })),
    checks: result.checks,
    warnings,
  };
}

function toText(result: VerificationResult, leafFile: string): string {
  const lines: string[] = [];
  lines.push(`${result.ok ? 'OK' : 'FAILED'}: ${subjectOf(result.path[0])} (${leafFile})`);
  lines.push(`  ${appliedOptions(result)}`);
  if (result.goError) {
    lines.push(`  Go (kubectl, kubelet, etcd) says: ${result.goError}`);
  }
  lines.push('', 'Path:');
  result.path.forEach((_, i) => lines.push(pathLine(result, i)));
  lines.push('', 'Checks:', ...checkLines(result.checks), ...errorLines(result));
  return lines.join('\n') + '\n';
}
