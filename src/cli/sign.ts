// `pki-lens sign`: sign certificate requests with a local CA (kubeadm's external-CA mode:
// `kubeadm certs generate-csr` on the node, signing where the CA key is kept). The core decides
// (core/renew/signCsr.ts, profiles from core/kube/signingProfile.ts); the writes are renew's.
import fs = require('node:fs');
import path = require('node:path');
import { RenewalError, SignedCertificate, signCsr } from '../core/renew';
import { findCsrObjects } from '../core/kube/csrObject';
import { SIGNING_PROFILES, SigningProfileName } from '../core/kube/signingProfile';
import { formatDate } from '../core/render/time';
import { utf8Bytes } from '../core/x509/bytes';
import { CliIo, Command, EXIT_FAILED, EXIT_OK, UsageError, oneOf, parseCommandLine } from './command';
import { PlannedFile, commitUnlessDryRun } from './repairs/diskCommit';
import { blocksOf, readFileBytes, readNamedCa } from './repairs/material';
import { shown, textOf } from './repairs/renewTargets';


const SYNOPSIS = `Usage: pki-lens sign --ca FILE --ca-key FILE [--profile auto|server|client|peer]
                     [--days N] [--out FILE] [--dry-run] [--format text|json] CSR...
`;

const USAGE = `${SYNOPSIS}
Signs PKCS#10 requests (PEM "CERTIFICATE REQUEST" or DER; \`openssl req\`, \`kubeadm certs
generate-csr\`) and Kubernetes CertificateSigningRequest objects (YAML or JSON, spec.request).
The subject, public key and requested DNS/IP names are taken as they are, after the request's
signature is checked; everything else comes from the profile, as kubeadm issues it: CA:FALSE,
key usage digitalSignature + keyEncipherment, and the extended key usage of the profile.

  --profile P    server (serverAuth), client (clientAuth), peer (both), or auto (default):
                 a CertificateSigningRequest's signerName/usages, else the kubeadm role the
                 file name implies (pki/apiserver.csr, pki/etcd/peer.csr, admin.conf.csr…),
                 else the request: a system:node: subject with DNS/IP names is a kubelet
                 serving certificate, DNS/IP names a server, no names a client
  --days N       lifetime (default 365, kubeadm's); never past the CA's NotAfter; a
                 CertificateSigningRequest's spec.expirationSeconds shortens it
  --out FILE     where to write the certificate (one CSR only); default <name>.crt next to
                 the CSR. An existing file is backed up to <name>.<UTC time>.bak first
  --dry-run      check and sign in memory; write nothing
  --format F     text (default) or json

A CertificateSigningRequest object's certificate is printed as status.certificate (base64 of
the PEM, what \`kubectl certificate approve\` leaves there); it is written only with --out.

Refused, with the reason and nothing written: a request whose signature does not verify,
a name that is not a valid DNS name or IP, a name the CA's name constraints forbid, a request
that does not fit its signer (kubelet-serving needs CN=system:node:<name>, O=system:nodes and
only DNS/IP names), a CA key that does not belong to the CA certificate.

Exit status: 0 signed, 1 a request was refused (nothing written), 2 usage or input error.
`;

export const signCommand: Command = {
  name: 'sign',
  summary: 'sign CSRs and CertificateSigningRequest objects with a local CA, with kubeadm profiles',
  synopsis: SYNOPSIS,
  usage: USAGE,
  run,
};

interface Request {
  file: string;
  /** A CertificateSigningRequest object's metadata.name. */
  object?: string;
  der: Uint8Array;
  signerName?: string;
  usages?: string[];
  expirationSeconds?: number;
  /** Where the certificate goes; undefined: printed only. */
  out?: string;
}

/** The requests of one file: a PEM/DER CSR, or every CertificateSigningRequest object. */
function requestsIn(file: string, out: string | undefined): Request[] {
  const bytes = readFileBytes(file, 'the request');
  const csr = blocksOf(bytes).find(b => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST' || b.label === 'DER');
  if (csr?.der) {
    return [{ file, der: csr.der, out: out ?? path.join(path.dirname(file), `${path.basename(file).replace(/\.(csr|pem|req|der)$/, '')}.crt`) }];
  }
  const objects = findCsrObjects(textOf(bytes) ?? '');
  if (!objects.length) {
    throw new UsageError(`${file} holds no certificate request (PEM "CERTIFICATE REQUEST", DER, or a CertificateSigningRequest object)`);
  }
  return objects.map(o => {
    if (!o.request.ok) {
      throw new UsageError(`${file}: CertificateSigningRequest ${o.name}: ${o.request.error}`);
    }
    return { file, object: o.name, der: o.request.der, signerName: o.signerName, usages: o.usages, expirationSeconds: o.expirationSeconds, out };
  });
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    ca: { type: 'string' }, 'ca-key': { type: 'string' }, profile: { type: 'string' }, days: { type: 'string' },
    out: { type: 'string' }, 'dry-run': { type: 'boolean' }, format: { type: 'string' },
  });
  if (values.help) {
    io.out(USAGE);
    return EXIT_OK;
  }
  const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
  const profile = oneOf('profile', values.profile, SIGNING_PROFILES, 'auto') as SigningProfileName | 'auto';
  const validityDays = values.days === undefined ? undefined : Number(values.days);
  if (validityDays !== undefined && !(Number.isFinite(validityDays) && validityDays > 0)) {
    throw new UsageError(`--days: expected a positive number, got ${values.days}`);
  }
  if (!values.ca || !values['ca-key']) {
    throw new UsageError('--ca and --ca-key are required: the CA that signs and its key');
  }
  if (!positionals.length) {
    throw new UsageError('missing the certificate requests to sign');
  }
  const requests = positionals.flatMap(p => requestsIn(path.resolve(p), values.out && path.resolve(values.out)));
  if (values.out && requests.length !== 1) {
    throw new UsageError(`--out names one file; the arguments hold ${requests.length} requests`);
  }
  const ca = await readNamedCa(values.ca, values['ca-key']);
  const now = new Date();
  const signed: { request: Request; result: SignedCertificate }[] = [];
  const refused: { request: Request; code: string; message: string }[] = [];
  for (const request of requests) {
    try {
      const result = await signCsr({
        csr: request.der, caCertificate: ca.certificateDer, caKey: ca.key, profile, path: request.file,
        signerName: request.signerName, usages: request.usages, expirationSeconds: request.expirationSeconds, validityDays, now,
      });
      signed.push({ request, result });
    } catch (e) {
      if (!(e instanceof RenewalError)) {
        throw e;
      }
      refused.push({ request, code: e.code, message: e.message });
    }
  }
  const files: PlannedFile[] = refused.length ? [] : signed.filter(s => s.request.out).map(s => {
    const existing = fs.existsSync(s.request.out!) ? readFileBytes(s.request.out!, 'the certificate') : undefined;
    return { path: s.request.out!, original: existing, newBytes: utf8Bytes(s.result.certificatePem) };
  });
  const { written, writeError } = await commitUnlessDryRun(files, values['dry-run'] ?? false, now);
  const where = (r: Request) => `${shown(r.file)}${r.object ? ` (CertificateSigningRequest ${r.object})` : ''}`;
  if (format === 'json') {
    io.out(JSON.stringify({
      dryRun: values['dry-run'] ?? false,
      signed: signed.map(({ request, result }) => ({
        file: request.file, object: request.object, out: request.out, subject: result.certificate.subject.text, profile: result.profile.name,
        profileReason: result.profile.reason, subjectAltNames: result.subjectAltNames, serialNumber: result.certificate.serialNumber,
        notAfter: result.certificate.notAfter.toISOString(), warnings: [result.clampMessage, ...result.warnings].filter(Boolean),
        ...(request.object ? { statusCertificate: result.statusCertificate } : {}),
      })),
      refused: refused.map(r => ({ file: r.request.file, object: r.request.object, code: r.code, message: r.message })),
      written, ...(writeError ? { writeError } : {}),
    }, null, 2) + '\n');
  } else {
    const lines: string[] = [];
    for (const { request, result } of signed) {
      lines.push(`${where(request)}: ${result.certificate.subject.text}`,
        `  profile ${result.profile.name} (${result.profile.reason}): ${result.profile.usages.join(', ')}`,
        `  names: ${result.subjectAltNames.join(', ') || '(none)'}`,
        `  serial ${result.certificate.serialNumber}, valid until ${formatDate(result.certificate.notAfter)}, issued by ${ca.certificate.subject.text}`,
        ...[result.clampMessage, ...result.warnings].filter(Boolean).map(w => `  warning: ${w}`));
      if (request.object) {
        lines.push(`  status.certificate: ${result.statusCertificate}`);
      }
    }
    lines.push(...refused.map(r => `${where(r.request)}: refused, ${r.message}`));
    if (refused.length) {
      lines.push('Nothing was written.');
    } else if (values['dry-run']) {
      lines.push(files.length ? `Dry run, nothing written. Would write: ${files.map(f => shown(f.path)).join(', ')}` : 'Dry run, nothing written.');
    } else if (writeError) {
      lines.push(`Not written: ${writeError}`);
    } else {
      lines.push(...written.map(w => `Wrote ${shown(w.path)}${w.backup ? ` (backup ${shown(w.backup)})` : ''}`));
    }
    io.out(lines.join('\n') + '\n');
  }
  return refused.length || writeError ? EXIT_FAILED : EXIT_OK;
}
