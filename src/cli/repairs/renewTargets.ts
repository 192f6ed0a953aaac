import fs = require('node:fs');
import path = require('node:path');
import { decodeBase64, utf8 } from '../../core/x509/bytes';
import { CertificateInfo, decodeCertificate } from '../../core/x509/certificate';
import { findCarriers } from '../../core/kube/carriers';
import { PrivateKeyMaterial } from '../../core/x509/keygen';
import { findPemBlocks } from '../../core/x509/pem';
import { CERTIFICATE_LABELS, PRIVATE_KEY_LABELS, blocksOf, keyFileCandidates, readFileBytes } from './material';

/**
 * What `pki-lens renew` re-issues in a file: the leaf of a PEM or DER file (its key in the same
 * file or beside it), or each user of a kubeconfig whose certificate is inline
 * (`client-certificate-data`, with `client-key-data`). A user whose certificate is a path is
 * renewed through that file.
 */

export interface RenewTarget {
  file: string;
  kind: 'pem' | 'der' | 'kubeconfig';
  /** The kubeconfig user. */
  user?: string;
  certificateDer: Uint8Array;
  certificate: CertificateInfo;
  /** Where the certificate's private key is, when it is known. */
  key?: { material?: PrivateKeyMaterial; label: string; where: 'same-file' | 'key-file' | 'kubeconfig'; file: string };
}

/** A file's text when it is text, undefined for binary (DER). */
export function textOf(bytes: Uint8Array): string | undefined {
  return bytes.length && bytes[0] === 0x30 && !Buffer.from(bytes).includes('-----BEGIN') ? undefined : utf8(bytes);
}

function keyOfBlock(label: string, der: Uint8Array | undefined): PrivateKeyMaterial | undefined {
  return der && label !== 'ENCRYPTED PRIVATE KEY' ? { label, der } : undefined;
}

/** The renewable certificates of one file; CA certificates are left out (they are renewed with their own key, in the extension). */
export async function targetsInFile(file: string): Promise<RenewTarget[]> {
  const bytes = readFileBytes(file, 'the file');
  const text = textOf(bytes);
  if (text !== undefined) {
    const scan = findCarriers(text);
    if (scan.kubeconfigs.length) {
      return kubeconfigTargets(file, text, scan);
    }
  }
  const blocks = blocksOf(bytes);
  const certs: { der: Uint8Array; info: CertificateInfo }[] = [];
  for (const b of blocks.filter(b => (CERTIFICATE_LABELS.has(b.label) || b.label === 'DER') && b.der)) {
    const info = await decodeCertificate(b.der!).catch(() => undefined);
    if (info) {
      certs.push({ der: b.der!, info });
    }
  }
  const leaf = certs.find(c => !c.info.basicConstraints?.ca);
  if (!leaf) {
    return [];
  }
  const combined = blocks.find(b => PRIVATE_KEY_LABELS.has(b.label));
  let key: RenewTarget['key'];
  if (combined) {
    key = { material: keyOfBlock(combined.label, combined.der), label: combined.label, where: 'same-file', file };
  } else {
    const keyFile = keyFileCandidates(file).find(k => fs.existsSync(k));
    const block = keyFile ? blocksOf(readFileBytes(keyFile, 'the key')).find(b => PRIVATE_KEY_LABELS.has(b.label)) : undefined;
    key = block && keyFile ? { material: keyOfBlock(block.label, block.der), label: block.label, where: 'key-file', file: keyFile } : undefined;
  }
  return [{ file, kind: text === undefined ? 'der' : 'pem', certificateDer: leaf.der, certificate: leaf.info, key }];
}

async function kubeconfigTargets(file: string, text: string, scan: ReturnType<typeof findCarriers>): Promise<RenewTarget[]> {
  const out: RenewTarget[] = [];
  const pemOf = (value: string) => {
    const decoded = decodeBase64(value.replace(/\s+/g, ''));
    return decoded.ok ? findPemBlocks(utf8(decoded.bytes)) : [];
  };
  for (const carrier of scan.carriers) {
    if (carrier.key !== 'client-certificate-data' || carrier.encoding !== 'base64' || carrier.owner.kind !== 'kubeconfig-user') {
      continue;
    }
    const user = carrier.owner.name;
    const block = pemOf(carrier.value).find(b => CERTIFICATE_LABELS.has(b.label) && b.der);
    const certificate = block && await decodeCertificate(block.der!).catch(() => undefined);
    if (!block || !certificate) {
      continue;
    }
    const keyCarrier = scan.carriers.find(c => c.key === 'client-key-data' && c.encoding === 'base64' && c.owner.kind === 'kubeconfig-user' && c.owner.name === user);
    const keyBlock = keyCarrier ? pemOf(keyCarrier.value).find(b => PRIVATE_KEY_LABELS.has(b.label)) : undefined;
    out.push({
      file, kind: 'kubeconfig', user, certificateDer: block.der!, certificate,
      key: keyBlock ? { material: keyOfBlock(keyBlock.label, keyBlock.der), label: keyBlock.label, where: 'kubeconfig', file } : undefined,
    });
  }
  return out;
}

/** Shown paths: relative to the working directory when inside it. */
export function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
