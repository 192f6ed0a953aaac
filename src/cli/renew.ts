// `pki-lens renew`: the extension's renewal on the command line — the same core (core/renew), the
// same minimal edits (core/kube/kubeconfigEdit), the same backups and atomic writes
// (workspace/fileWriter), like `kubeadm certs renew` for a file, a kubeconfig or a whole tree.
import fs = require('node:fs');
import path = require('node:path');
import { formatDate } from '../core/render/time';
import { validityState } from '../core/x509/expiry';
import { CliIo, Command, EXIT_FAILED, EXIT_OK, UsageError, oneOf, parseCommandLine } from './command';
import { DiskScanner } from './diskScanner';
import { CommittedFile, PlannedFile, commitUnlessDryRun } from './repairs/diskCommit';
import { SigningFiles, issuerAmong, readNamedCa, signingCasAmong } from './repairs/material';
import { Refused, Renewed, plannedFiles, renewTargets } from './repairs/renewPlan';
import { RenewTarget, shown, targetsInFile } from './repairs/renewTargets';

const SYNOPSIS = `Usage: pki-lens renew [--ca FILE --ca-key FILE] [--days N] [--key reuse|rotate]
                      [--add-san NAME]... [--remove-san NAME]... [--dry-run]
                      [--format text|json] TARGET...
`;

const USAGE = `${SYNOPSIS}
Re-issues certificates from their CA, keeping subject, names and every extension, and writes
them back in place: only the certificate (and, with --key rotate, the key) changes in each file;
every file changed is first copied to <name>.<UTC time>.bak beside it, then replaced atomically
with its mode kept (keys stay 0600).

TARGET is
  a certificate file    its leaf certificate (key: a PEM key in the same file, or <name>.key
                        or <name>-key.pem beside it)
  a kubeconfig          every user whose client-certificate-data the CA issued
  a folder              every expired or expiring certificate (30 days or 80% of its
                        lifetime) whose CA key is present, like \`kubeadm certs renew all\`

  --ca FILE, --ca-key FILE   the issuing CA and its (unencrypted) key; without them the CA is
                        found beside the target: ca.crt with ca.key, ca.pem with ca-key.pem
  --days N              lifetime of the new certificates (default: the old lifetime);
                        never past the CA's NotAfter
  --key reuse|rotate    keep the key pair (default) or generate a new one of the same kind
  --add-san NAME        add DNS:name or IP:address (bare names: an IP when it parses as one);
  --remove-san NAME     remove one; both repeatable, for a single certificate. Names the CA's
                        name constraints forbid are refused with the reason
  --dry-run             print what would change; write nothing
  --format text|json    how the preview and the result are printed (default: text)

Exit status: 0 renewed (or would be, with --dry-run), 1 a certificate was refused (nothing
written), 2 usage or input error.
`;

export const renewCommand: Command = {
  name: 'renew',
  summary: 're-issue certificates in files, kubeconfigs or a kubeadm tree; backups, --dry-run, SAN changes',
  synopsis: SYNOPSIS,
  usage: USAGE,
  run,
};

const FORMATS = ['text', 'json'] as const;

function list(values: string[] | undefined): string[] {
  return (values ?? []).flatMap(v => v.split(',')).map(v => v.trim()).filter(Boolean);
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    ca: { type: 'string' }, 'ca-key': { type: 'string' }, days: { type: 'string' }, key: { type: 'string' },
    'add-san': { type: 'string', multiple: true }, 'remove-san': { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' }, format: { type: 'string' },
  });
  if (values.help) {
    io.out(USAGE);
    return EXIT_OK;
  }
  const format = oneOf('format', values.format, FORMATS, 'text');
  const key = oneOf('key', values.key, ['reuse', 'rotate'] as const, 'reuse');
  const validityDays = values.days === undefined ? undefined : Number(values.days);
  if (validityDays !== undefined && !(Number.isFinite(validityDays) && validityDays > 0)) {
    throw new UsageError(`--days: expected a positive number, got ${values.days}`);
  }
  if (!positionals.length) {
    throw new UsageError('missing the certificate files, kubeconfigs or folders to renew');
  }
  if ((values.ca === undefined) !== (values['ca-key'] === undefined)) {
    throw new UsageError('--ca and --ca-key go together');
  }
  const named = values.ca ? await readNamedCa(values.ca, values['ca-key']!) : undefined;
  const san = { add: list(values['add-san']), remove: list(values['remove-san']) };
  const now = new Date();

  const { targets, skipped } = await collect(positionals, named, now);
  if (san.add.length + san.remove.length && targets.length !== 1) {
    throw new UsageError(`--add-san and --remove-san change one certificate; the targets hold ${targets.length}`);
  }
  const { renewed, refused } = await renewTargets(targets, { key, validityDays, san, now });
  const blocked = refused.length > 0 || skipped.some(s => s.named);
  const files = blocked ? [] : plannedFiles(renewed);
  const { written, writeError } = await commitUnlessDryRun(files, values['dry-run'] ?? false, now); // files is empty when blocked
  const report = { dryRun: values['dry-run'] ?? false, blocked, renewed, refused, skipped, files, written, writeError };
  io.out(format === 'json' ? JSON.stringify(toJson(report), null, 2) + '\n' : toText(report));
  return blocked || writeError ? EXIT_FAILED : EXIT_OK;
}

interface Skipped {
  file: string;
  user?: string;
  reason: string;
  /** Named on the command line (not met in a folder): not renewing it is a failure, and nothing is written. */
  named: boolean;
}

/** Targets with their CA; what cannot be renewed without being asked is skipped with the reason. */
async function collect(paths: readonly string[], named: SigningFiles | undefined, now: Date): Promise<{ targets: { target: RenewTarget; ca: SigningFiles }[]; skipped: Skipped[] }> {
  const scanner = new DiskScanner();
  const targets: { target: RenewTarget; ca: SigningFiles }[] = [];
  const skipped: Skipped[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    const abs = path.resolve(p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw new UsageError(`cannot read ${p}: no such file or directory`);
    }
    const directory = stat.isDirectory();
    const files = directory ? await scanner.listCandidates(abs) : [abs];
    let cas: SigningFiles[] | undefined;
    const casNear = async () => cas ??= named ? [named] : await signingCasAmong((directory ? files : await scanner.listCandidates(path.dirname(abs))).filter(f => /\.(crt|pem)$/.test(f)));
    let found = 0;
    for (const file of files) {
      const real = fs.realpathSync(file);
      if (seen.has(real)) {
        continue;
      }
      seen.add(real);
      for (const target of await targetsInFile(file)) {
        found++;
        const state = validityState(target.certificate, now);
        if (directory && state !== 'expired' && state !== 'expiring') {
          continue;
        }
        let ca = issuerAmong(target.certificate, await casNear()) ?? (named && !directory ? named : undefined);
        if (!ca && !directory && !named) {
          ca = issuerAmong(target.certificate, await signingCasAmong((await scanner.listCandidates(path.dirname(path.dirname(abs)))).filter(f => /\.(crt|pem)$/.test(f))));
        }
        if (ca) {
          targets.push({ target, ca });
        } else {
          skipped.push({ file, user: target.user, reason: `no key for its CA ${target.certificate.issuer.text} beside it; name the CA with --ca and --ca-key`, named: !directory });
        }
      }
    }
    if (!directory && !found) {
      throw new UsageError(`${p} holds no certificate to renew (a leaf certificate, or a kubeconfig user with client-certificate-data; CAs are renewed with their own key in the extension)`);
    }
  }
  return { targets, skipped };
}

interface Report {
  dryRun: boolean;
  /** A refusal, or a named target without its CA: nothing is written. */
  blocked: boolean;
  renewed: Renewed[];
  refused: Refused[];
  skipped: Skipped[];
  files: PlannedFile[];
  written: CommittedFile[];
  writeError?: string;
}

const label = (t: RenewTarget) => `${shown(t.file)}${t.user ? ` (user ${t.user})` : ''}`;

function toText(r: Report): string {
  const lines: string[] = [];
  for (const { target, ca, result } of r.renewed) {
    lines.push(`${label(target)}: ${target.certificate.subject.text}`, `  CA: ${shown(ca.certificateFile)} (${ca.certificate.subject.text})`);
    lines.push(...result.changes.summary.map(s => `  ${s}`));
    lines.push(...[result.clampMessage, ...result.warnings].filter(Boolean).map(w => `  warning: ${w}`));
  }
  for (const s of r.skipped) {
    lines.push(`${shown(s.file)}${s.user ? ` (user ${s.user})` : ''}: skipped, ${s.reason}`);
  }
  for (const f of r.refused) {
    lines.push(`${label(f.target)}: refused, ${f.message}`);
  }
  if (r.blocked) {
    lines.push('Nothing was written.');
  } else if (!r.renewed.length) {
    lines.push('Nothing to renew.');
  } else if (r.dryRun) {
    lines.push(`Dry run, nothing written. Would write: ${r.files.map(f => shown(f.path)).join(', ')}`);
  } else if (r.writeError) {
    lines.push(`Not written: ${r.writeError}`);
  } else {
    lines.push(...r.written.map(w => `Wrote ${shown(w.path)} (mode ${w.mode.toString(8).padStart(4, '0')}; backup ${w.backup ? shown(w.backup) : 'none, new file'})`));
    const earliest = Math.min(...r.renewed.map(x => x.result.notAfter.getTime()));
    lines.push(`Renewed ${r.renewed.length} certificate(s); the first now expires ${formatDate(new Date(earliest))}. Restart the components that read them.`);
  }
  return lines.join('\n') + '\n';
}

function toJson(r: Report): unknown {
  return {
    dryRun: r.dryRun,
    renewed: r.renewed.map(({ target, ca, result }) => ({
      file: target.file, user: target.user, subject: target.certificate.subject.text, ca: ca.certificateFile,
      serialNumber: result.serialNumber, notAfter: result.notAfter.toISOString(), key: result.keyPolicy,
      subjectAltNames: result.changes.subjectAltNames.new, changes: result.changes.summary, warnings: [result.clampMessage, ...result.warnings].filter(Boolean),
    })),
    skipped: r.skipped,
    refused: r.refused.map(f => ({ file: f.target.file, user: f.target.user, code: f.code, message: f.message })),
    files: r.files.map(f => f.path),
    written: r.written,
    ...(r.writeError ? { writeError: r.writeError } : {}),
  };
}
