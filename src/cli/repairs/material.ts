import fs = require('node:fs');
import path = require('node:path');
import { bytesEqual } from '../../core/x509/bytes';
import { CertificateInfo, decodeCertificate } from '../../core/x509/certificate';
import { PrivateKeyMaterial } from '../../core/x509/keygen';
import { completePublicKey, describePrivateKey } from '../../core/x509/keys';
import { PemBlock, findPemBlocks } from '../../core/x509/pem';
import { UsageError } from '../command';

/**
 * Certificates and keys read from files for `pki-lens renew` and `sign`: the CA named with
 * --ca/--ca-key, or found beside the certificates the way kubeadm lays them out (`ca.crt` with
 * `ca.key`). Private key bytes live as long as the command and are never printed.
 */

export const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
export const PRIVATE_KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

export function readFileBytes(file: string, what: string): Uint8Array {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** PEM blocks of a file, or one DER block for a binary file. */
export function blocksOf(bytes: Uint8Array): PemBlock[] {
  const text = Buffer.from(bytes).toString('utf8');
  const blocks = findPemBlocks(text);
  if (!blocks.length && bytes[0] === 0x30) {
    return [{ label: 'DER', headers: {}, der: bytes, range: { start: 0, end: bytes.length } } as unknown as PemBlock];
  }
  return blocks;
}

/** The first private key of a file, undecrypted. Throws UsageError with the reason. */
export function readPrivateKey(file: string, what: string): PrivateKeyMaterial {
  const block = blocksOf(readFileBytes(file, what)).find(b => PRIVATE_KEY_LABELS.has(b.label));
  if (!block?.der) {
    throw new UsageError(`${what} ${file} holds no PEM private key`);
  }
  if (block.label === 'ENCRYPTED PRIVATE KEY' || block.headers['Proc-Type']?.includes('ENCRYPTED')) {
    throw new UsageError(`${what} ${file} is encrypted; decrypt it first (openssl pkey -in ${path.basename(file)} -out …), or use the extension, which asks for the passphrase`);
  }
  return { label: block.label, der: block.der };
}

/** The CA certificate (first certificate of the file) and its key as named on the command line. */
export async function readNamedCa(certFile: string, keyFile: string): Promise<SigningFiles> {
  const block = blocksOf(readFileBytes(certFile, 'the CA certificate')).find(b => CERTIFICATE_LABELS.has(b.label) || b.label === 'DER');
  if (!block?.der) {
    throw new UsageError(`the CA certificate ${certFile} holds no certificate`);
  }
  let certificate: CertificateInfo;
  try {
    certificate = await decodeCertificate(block.der);
  } catch (e) {
    throw new UsageError(`the CA certificate ${certFile} cannot be read: ${(e as Error).message}`);
  }
  return { certificateFile: certFile, keyFile, certificateDer: block.der, certificate, key: readPrivateKey(keyFile, 'the CA key') };
}

export interface SigningFiles {
  certificateFile: string;
  keyFile: string;
  certificateDer: Uint8Array;
  certificate: CertificateInfo;
  key: PrivateKeyMaterial;
}

/** `ca.crt` → `ca.key`; cfssl's `ca.pem` → `ca-key.pem`. */
export function keyFileCandidates(certFile: string): string[] {
  const dir = path.dirname(certFile);
  const base = path.basename(certFile).replace(/\.(crt|pem|cer)$/, '');
  return [path.join(dir, `${base}.key`), path.join(dir, `${base}-key.pem`)];
}

/**
 * CAs whose key sits beside them, among `files`: what can sign without being named. A key is
 * taken only when it belongs to the certificate (by public key).
 */
export async function signingCasAmong(files: readonly string[]): Promise<SigningFiles[]> {
  const out: SigningFiles[] = [];
  for (const file of files) {
    const keyFile = keyFileCandidates(file).find(k => fs.existsSync(k));
    if (!keyFile) {
      continue;
    }
    const block = blocksOf(readFileBytes(file, 'the certificate')).find(b => CERTIFICATE_LABELS.has(b.label) || b.label === 'DER');
    const certificate = block?.der ? await decodeCertificate(block.der).catch(() => undefined) : undefined;
    if (!certificate?.basicConstraints?.ca) {
      continue;
    }
    let key: PrivateKeyMaterial;
    try {
      key = readPrivateKey(keyFile, 'the CA key');
    } catch {
      continue;
    }
    const info = await completePublicKey(describePrivateKey(key.label, key.der), key.label, key.der).catch(() => undefined);
    if (info?.publicKey?.id === certificate.publicKey.id) {
      out.push({ certificateFile: file, keyFile, certificateDer: block!.der!, certificate, key });
    }
  }
  return out;
}

/** The CA among `cas` that issued `certificate`: same name, and the one whose key verifies is preferred by the core. */
export function issuerAmong(certificate: CertificateInfo, cas: readonly SigningFiles[]): SigningFiles | undefined {
  return cas.find(ca => bytesEqual(ca.certificate.subject.der, certificate.issuer.der) && !bytesEqual(ca.certificate.subject.der, certificate.subject.der));
}
