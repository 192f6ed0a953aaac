import fs = require('node:fs');
import path = require('node:path');
import { analyzeBinary, analyzeText } from '../core/analyze';
import { CarrierRole } from '../core/kube/carriers';
import { CertificateInfo } from '../core/x509/certificate';
import { UsageError } from './command';

export interface CertificateFile {
  file: string;
  certificates: CertificateInfo[];
  /** Blocks that were not certificates or could not be decoded. */
  warnings: string[];
}

/**
 * Every certificate in a PEM file, PEM bundle, DER file or kubeconfig/Secret, in file order.
 * In a kubeconfig, `prefer` picks the fields of one role (`ca`: certificate-authority-data,
 * `certificate`: client-certificate-data) when there are any.
 */
export async function readCertificates(file: string, prefer?: CarrierRole): Promise<CertificateFile> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const binary = bytes.length > 0 && bytes[0] === 0x30 && !bytes.includes('-----BEGIN');
  const analysis = binary
    ? await analyzeBinary(new Uint8Array(bytes))
    : await analyzeText(bytes.toString('utf8'), { fileName: path.basename(file) });
  const result: CertificateFile = { file, certificates: [], warnings: [] };
  const preferred = prefer ? analysis.entries.filter(e => e.carrier?.role === prefer) : [];
  const entries = preferred.some(e => e.objects.some(o => o.certificate)) ? preferred : analysis.entries;
  for (const entry of entries) {
    if (entry.error) {
      result.warnings.push(`${file}: ${entry.error}`);
    }
    for (const obj of entry.objects) {
      if (obj.certificate) {
        result.certificates.push(obj.certificate);
      } else if (obj.error) {
        result.warnings.push(`${file}: ${obj.label}: ${obj.error}`);
      }
    }
  }
  if (result.certificates.length === 0) {
    throw new UsageError(`no certificate found in ${file}${result.warnings.length ? ` (${result.warnings.join('; ')})` : ''}`);
  }
  return result;
}
