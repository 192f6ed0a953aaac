import fs = require('node:fs');
import path = require('node:path');
import { analyzeBinary, analyzeText, decodeFileText } from '../core/analyze';
import { CliIo, Command, EXIT_FAILED, EXIT_OK, UsageError, oneOf, parseCommandLine } from './command';
import { inspectJson } from './formats/inspectJson';
import { InspectRecord, Via, inspectRecords, positionsOf } from './formats/inspectModel';
import { InspectedFile, inspectText } from './formats/inspectText';
import { PASSWORD_OPTIONS, PASSWORD_USAGE, keystorePasswords } from './passwords';

const SYNOPSIS = `Usage: pki-lens inspect [--format text|json] [--password-file FILE] FILE...
`;

const USAGE = `${SYNOPSIS}
Prints every certificate, certificate request, CRL and key in the files: PEM (bundles too), DER,
and material inside YAML/JSON such as kubeconfig *-data fields, Secrets and caBundle values.
Files a kubeconfig names (client-certificate: ./admin.crt) are read too, relative to it.
The same decoder as the extension's decoded view; "-" reads standard input.

  --format F     text (default): the decoded view, one block per object
                 json: an array with one record per object: type (certificate, csr, crl,
                 privateKey, publicKey, error), file, range (1-based line/character; null for
                 DER), carrier (YAML/JSON path), via (the kubeconfig field that named the
                 file) and the fields. Certificates: subject and issuer
                 (as openssl -nameopt RFC2253 prints them), serialNumber (hex), notBefore and
                 notAfter (ISO 8601 UTC), subjectAltNames ("DNS:…", "IP Address:…", "email:…",
                 "URI:…"), extendedKeyUsage (short names), keyUsage, basicConstraints,
                 publicKey, signatureAlgorithm, sha256Fingerprint, pem.
                 Private keys: type, size and public-key fingerprint only, never key material.
                 Objects from a keystore or PKCS#7 bundle carry keystore (format, alias, entry).
${PASSWORD_USAGE}
Exit status: 0 everything was read and decoded, 1 a file could not be read or holds something
that could not be decoded (each is named on standard error), 2 usage error.
`;

const FORMATS = ['text', 'json'] as const;

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'print the fields of every certificate, CSR, CRL and key in files; text or JSON',
  synopsis: SYNOPSIS,
  usage: USAGE,
  run,
};

/** A file as the workspace scan reads it (text, or DER when binary), or why it cannot be read. */
export async function inspectFile(file: string, passwords: readonly string[] = []): Promise<InspectedFile | { file: string; error: string }> {
  let bytes: Buffer;
  try {
    bytes = file === '-' ? fs.readFileSync(0) : fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder (inspect reads files; `pki-lens check` scans folders)' : (e as Error).message;
    return { file, error: `cannot read: ${reason}` };
  }
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const text = decodeFileText(data);
  const analysis = text === undefined ? await analyzeBinary(data, { passwords }) : await analyzeText(text, { fileName: path.basename(file), passwords });
  return { file, analysis, text };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { format: { type: 'string' }, ...PASSWORD_OPTIONS });
  if (values.help) {
    io.out(USAGE);
    return EXIT_OK;
  }
  const format = oneOf('format', values.format, FORMATS, 'text');
  if (!positionals.length) {
    throw new UsageError('no file named');
  }
  const passwords = keystorePasswords(values['password-file']);
  const read: InspectedFile[] = [];
  const records: InspectRecord[] = [];
  const problems: string[] = [];
  // Files named on the command line, then the files their path carriers name (once each).
  const queue: { file: string; via?: Via }[] = positionals.map(file => ({ file }));
  const seen = new Set(positionals.map(f => (f === '-' ? f : path.resolve(f))));
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { file, via } = next;
    const result = await inspectFile(file, passwords);
    if ('error' in result) {
      problems.push(`${via ? `${via.file}: ${via.carrier}: ` : ''}${file}: ${result.error}`);
      records.push({ type: 'error', file, range: null, label: '', ...(via ? { via } : {}), message: result.error });
      continue;
    }
    read.push(via ? { ...result, file: `${file} (${via.carrier} of ${via.file})` } : result);
    const own = inspectRecords(file, result.analysis, result.text).map(r => (via ? { ...r, via } : r));
    if (!own.length && !result.analysis.entries.some(e => e.carrier?.encoding === 'path')) {
      // Nothing at all in the file (a kubeconfig naming files has them): the JSON says so too, not just standard error.
      own.push({ type: 'error', file, range: null, label: '', message: `no certificate, key, request or CRL found${result.text === undefined ? ' (binary data that is not DER PKI material)' : ''}` });
    }
    records.push(...own);
    problems.push(...problemsOf(result, own));
    for (const entry of result.analysis.entries) {
      const target = entry.carrier?.encoding === 'path' ? entry.carrier.value.trim() : '';
      // kubectl resolves a kubeconfig's relative paths against the kubeconfig's own folder.
      const shown = target && (path.isAbsolute(target) ? target : path.join(path.dirname(file), target));
      if (shown && !seen.has(path.resolve(shown))) {
        seen.add(path.resolve(shown));
        queue.push({ file: shown, via: { file, carrier: entry.carrier!.path } });
      }
    }
  }
  io.out(format === 'json' ? inspectJson(records) : inspectText(read, new Date()));
  for (const p of problems) {
    io.err(`pki-lens inspect: ${p}\n`);
  }
  return problems.length ? EXIT_FAILED : EXIT_OK;
}

/** What makes a file count as not decoded, located: a YAML/JSON syntax error, an undecodable object, nothing found. */
function problemsOf(file: InspectedFile, records: InspectRecord[]): string[] {
  const at = file.text === undefined ? undefined : positionsOf(file.text);
  const where = (offset: number) => (at ? `:${at(offset).line}:${at(offset).character}` : '');
  const out = file.analysis.syntaxErrors.map(e => `${file.file}${where(e.range.start)}: ${e.message}`);
  for (const r of records) {
    if (r.type === 'error') {
      out.push(`${file.file}${r.range ? `:${r.range.start.line}:${r.range.start.character}` : ''}: ${r.label && r.label !== 'DER' ? `${r.label}: ` : ''}${r.message}`);
    }
  }
  return out;
}
