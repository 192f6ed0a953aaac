/**
 * The embedded SCT list (RFC 6962 §3.3, extension 1.3.6.1.4.1.11129.2.4.2): an OCTET STRING
 * holding the TLS-encoded SignedCertificateTimestampList. Hand-written: it is TLS presentation
 * language, not ASN.1, so the DER libraries do not read it, and it is a few length-prefixed fields.
 * Every length is checked against what is left, so a corrupt list gives an error, never a throw
 * or an overrun.
 */
import { encodeBase64, fromHex, toHex } from './bytes';
import { content, readTlv } from './der';
import { ctLogName } from './ctLogs';

export const SCT_LIST_OID = '1.3.6.1.4.1.11129.2.4.2';

export interface SignedCertificateTimestamp {
  /** 0 is v1, the only version there is. */
  version: number;
  /** The log's ID, SHA-256 of its public key: colon hex as openssl prints it, and base64 as log lists write it. */
  logIdHex: string;
  logIdBase64: string;
  /** The log's name from the bundled snapshot (ctLogs.ts), when known. */
  logName?: string;
  timestamp: Date;
  /** `ecdsa-with-SHA256`, `sha256WithRSAEncryption`… as openssl names the TLS hash/signature pair. */
  signatureAlgorithm: string;
  extensionsHex: string;
}

export type SctListResult = { scts: SignedCertificateTimestamp[] } | { error: string };

const HASHES: Record<number, string> = { 1: 'MD5', 2: 'SHA1', 3: 'SHA224', 4: 'SHA256', 5: 'SHA384', 6: 'SHA512' };

function signatureName(hash: number, sig: number): string {
  const h = HASHES[hash] ?? `hash ${hash}`;
  switch (sig) {
    case 1: return `${h.toLowerCase()}WithRSAEncryption`;
    case 3: return `ecdsa-with-${h}`;
    case 2: return `dsa-with-${h}`;
    default: return `${h} with signature ${sig}`;
  }
}

/** The SCTs of the extension value (the extnValue contents, as ExtensionInfo.valueHex carries them in hex). */
export function decodeSctList(extnValue: Uint8Array): SctListResult {
  const outer = readTlv(extnValue, 0);
  if (!outer || outer.tag !== 0x04) {
    return { error: 'the SCT list is not an OCTET STRING' };
  }
  const list = content(extnValue, outer);
  if (list.length < 2) {
    return { error: 'the SCT list is truncated' };
  }
  const total = (list[0] << 8) | list[1];
  if (total !== list.length - 2) {
    return { error: `the SCT list says ${total} bytes but holds ${list.length - 2}` };
  }
  const scts: SignedCertificateTimestamp[] = [];
  let at = 2;
  while (at < list.length) {
    if (at + 2 > list.length) {
      return { error: `SCT ${scts.length + 1} is truncated` };
    }
    const length = (list[at] << 8) | list[at + 1];
    const sct = list.subarray(at + 2, at + 2 + length);
    if (sct.length !== length) {
      return { error: `SCT ${scts.length + 1} says ${length} bytes but ${sct.length} are left` };
    }
    const parsed = decodeSct(sct);
    if (typeof parsed === 'string') {
      return { error: `SCT ${scts.length + 1}: ${parsed}` };
    }
    scts.push(parsed);
    at += 2 + length;
  }
  return { scts };
}

function decodeSct(b: Uint8Array): SignedCertificateTimestamp | string {
  // version(1) logID(32) timestamp(8) extensions(2+n) hash(1) sig(1) signature(2+n)
  if (b.length < 1 + 32 + 8 + 2) {
    return 'truncated';
  }
  const logId = b.subarray(1, 33);
  let ms = 0;
  for (let i = 33; i < 41; i++) {
    ms = ms * 256 + b[i]; // exact below 2^53 ms (year 287,000)
  }
  const extLength = (b[41] << 8) | b[42];
  const afterExt = 43 + extLength;
  if (afterExt + 4 > b.length) {
    return 'truncated after its extensions';
  }
  const sigLength = (b[afterExt + 2] << 8) | b[afterExt + 3];
  if (afterExt + 4 + sigLength !== b.length) {
    return `its signature says ${sigLength} bytes but ${b.length - afterExt - 4} are left`;
  }
  const logIdBase64 = encodeBase64(logId);
  return {
    version: b[0],
    logIdHex: toHex(logId, ':').toUpperCase(),
    logIdBase64,
    logName: ctLogName(logIdBase64),
    timestamp: new Date(ms),
    signatureAlgorithm: signatureName(b[afterExt], b[afterExt + 1]),
    extensionsHex: toHex(b.subarray(43, afterExt)),
  };
}

/** The certificate's embedded SCTs; undefined when it has no SCT list extension. */
export function certificateScts(cert: { extensions: readonly { oid: string; valueHex: string }[] }): SctListResult | undefined {
  const ext = cert.extensions.find(e => e.oid === SCT_LIST_OID);
  return ext ? decodeSctList(fromHex(ext.valueHex)) : undefined;
}

/** openssl's spelling of an SCT time: `Mar 10 22:34:29.487 2022 GMT`. */
export function sctTimeText(d: Date): string {
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${month} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} ${d.getUTCFullYear()} GMT`;
}
