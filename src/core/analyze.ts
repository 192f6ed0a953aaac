import { decodeBase64, utf8 } from './x509/bytes';
import { CarrierLocation, KubeconfigModel, findCarriers, mayHoldCarriers } from './kube/carriers';
import { TlsRoute } from './kube/tlsRoutes';
import { CertificateSpec } from './kube/certificateSpecs';
import type { CsrSpec } from './kube/csrObject';
import { Tlv, children, oidString, readTlv } from './x509/der';
import { DecodedObject, MaterialKind, decodeDer, decodePemBlocks, looksLikeDerCertificate } from './x509/material';
import { PemBlock, TextRange, findPemBlocks } from './x509/pem';
import { KeystorePasswords, KeystoreSummary } from './keystore/model';
import { decodeKeystore, keystoreFormat } from './keystore/open';
import { openEncryptedPrivateKey } from './keystore/encryptedKey';
import { isLegacyEncryptedPem, openLegacyEncryptedPem } from './keystore/legacyPem';
import { decodeJwkDocument } from './x509/jwk';
import { decodeFileText } from './fileText';
import { trimmed } from './collections';
import { type Pause, maybePause } from './slices';
export { decodeFileText };

/** One place in a document that holds material: a PEM block, or a carrier value with everything decoded from it. */
export interface MaterialEntry {
  range: TextRange;
  carrier?: CarrierLocation;
  /** The decoded objects, in order; several for a bundle. */
  objects: DecodedObject[];
  /** Why the carrier as a whole could not be decoded (bad base64, no PEM inside, missing file). */
  error?: string;
  errorOffset?: number;
  /** A keystore or PKCS#7 bundle: its format, integrity, aliases (objects hold what it contains). */
  keystore?: KeystoreSummary;
}

export interface DocumentAnalysis {
  entries: MaterialEntry[];
  kubeconfigs: KubeconfigModel[];
  /** Ingress/Gateway TLS entries and cert-manager Certificates (absent where none). */
  tlsRoutes?: TlsRoute[];
  certificateSpecs?: CertificateSpec[];
  /** CertificateSigningRequest objects: signer, usages (absent where none). */
  certificateRequests?: CsrSpec[];
  syntaxErrors: { message: string; range: TextRange }[];
}

const STRUCTURED_EXTENSIONS = /\.(ya?ml|json|jsonc|conf|kubeconfig|config)$/i;
const PEM_EXTENSIONS = /\.(pem|crt|cer|key|csr|pub|der|p7b|crl)$/i;

/** Should this file be read as YAML/JSON for carriers? By name first, then by a cheap look at the content. */
export function isStructured(fileName: string, text: string): boolean {
  if (PEM_EXTENSIONS.test(fileName)) {
    return false;
  }
  if (STRUCTURED_EXTENSIONS.test(fileName) || /(^|[\\/])(kube)?config$/i.test(fileName)) {
    return true;
  }
  return /^(apiVersion|kind|clusters|users):/m.test(text.slice(0, 4096));
}

/**
 * Largest text parsed as YAML/JSON. Parsing costs ≈1 s and ≈100 MB of transient memory per MB of
 * dense YAML; real kubeconfigs and manifests are far smaller (a kubeconfig with 500 users is 5 MB).
 */
export const MAX_STRUCTURED_LENGTH = 8 * 1048576;

export interface AnalyzeOptions extends KeystorePasswords {
  fileName?: string;
  /**
   * The caller's slices (core/slices.ts), awaited between carriers when used up. A scan's readers
   * check theirs between files, but a file's carriers ran on in one task once it had started: a
   * 240 KB ConfigMap of PEM carriers (under the worker's threshold) was one task of 91 ms.
   */
  pause?: Pause;
}

/** Everything PKI in a text document. Never throws; every failure is an entry with a located error. */
export async function analyzeText(text: string, options: AnalyzeOptions = {}): Promise<DocumentAnalysis> {
  const analysis: DocumentAnalysis = { entries: [], kubeconfigs: [], syntaxErrors: [] };
  const blocks = findPemBlocks(text);
  let structured = isStructured(options.fileName ?? '', text) && mayHoldCarriers(text);
  if (structured && text.length > MAX_STRUCTURED_LENGTH) {
    structured = false;
    analysis.syntaxErrors.push({ message: `not read as YAML/JSON: ${(text.length / 1048576).toFixed(0)} MB is over the ${MAX_STRUCTURED_LENGTH / 1048576} MB limit (PEM blocks are still read)`, range: { start: 0, end: 0 } });
  }
  const claimed = new Set<number>();
  if (structured) {
    const scan = findCarriers(text);
    analysis.kubeconfigs = scan.kubeconfigs;
    // Only where present: most documents have neither, and their analyses stay as small as before.
    Object.assign(analysis, scan.tlsRoutes.length ? { tlsRoutes: scan.tlsRoutes } : {}, scan.certificateSpecs.length ? { certificateSpecs: scan.certificateSpecs } : {},
      scan.certificateRequests.length ? { certificateRequests: scan.certificateRequests } : {});
    analysis.syntaxErrors = scan.errors;
    for (const carrier of scan.carriers) {
      const turn = maybePause(options.pause, 'analysis');
      if (turn) {
        await turn;
      }
      const siblings = carrier.owner.kind === 'secret' ? scan.secretPasswords.get(carrier.owner.document) : undefined;
      const entry = await decodeCarrier(carrier, text, blocks, claimed, siblings ? { passwords: [...(options.passwords ?? []), ...siblings] } : options);
      if (entry) {
        analysis.entries.push(entry);
      }
    }
  }
  if (JWK_FILE.test(options.fileName ?? '') && text.includes('"kty"')) {
    for (const { jwk, range, publicKey } of (await decodeJwkDocument(text)) ?? []) {
      analysis.entries.push({ range, objects: [{ kind: 'public-key', label: 'JWK', range, publicKey, jwk, ...(jwk.error ? { error: `JWK: ${jwk.error}` } : {}) }] });
    }
  }
  const loose = blocks.filter((_, i) => !claimed.has(i));
  for (const block of loose.filter(b => PKCS7_LABELS.has(b.label) && b.der)) {
    analysis.entries.push(await keystoreEntry(block.der!, block.range, options) ?? { range: block.range, objects: [], error: 'PEM body is not a PKCS#7 certificate bundle (SignedData)' });
  }
  const opened = new Set<PemBlock>();
  for (const block of options.passwords?.length ? loose.filter(b => b.label === 'ENCRYPTED PRIVATE KEY') : []) {
    const key = await openEncryptedPrivateKey(block, options.passwords!);
    if (key) {
      opened.add(block);
      analysis.entries.push({ range: key.range, objects: [key] });
    }
  }
  // Legacy Proc-Type keys are looked at even without passwords: a broken DEK-Info is reported where it is.
  for (const block of loose.filter(b => b.der && isLegacyEncryptedPem(b))) {
    const key = await openLegacyEncryptedPem(block, options.passwords ?? []);
    if (key) {
      opened.add(block);
      analysis.entries.push({ range: key.range, objects: [key] });
    }
  }
  for (const obj of await decodePemBlocks(loose.filter(b => !opened.has(b) && (!PKCS7_LABELS.has(b.label) || !b.der)))) {
    analysis.entries.push({ range: obj.range, objects: [obj] });
  }
  analysis.entries = trimmed(analysis.entries).sort((a, b) => a.range.start - b.range.start);
  return analysis;
}

/** Where JSON Web Keys and JWK Sets are looked for (the text must also name a `kty`). */
const JWK_FILE = /\.(jwk|jwks|json)$/i;


/** What binary bytes that are not DER are, for the message that says they were not read. */
function describeBinary(bytes: Uint8Array): string {
  const magic = (...m: number[]) => m.every((b, i) => bytes[i] === b);
  const kind = magic(0xfe, 0xed, 0xfe, 0xed) ? 'a Java KeyStore (JKS)'
    : magic(0xce, 0xce, 0xce, 0xce) ? 'a Java JCEKS keystore'
    : magic(0xff, 0xfe, 0, 0) ? 'UTF-32 text'
    : `${bytes.length} bytes of binary data (NUL bytes, no PEM block, not DER)`;
  const nul = bytes.indexOf(0);
  const line = nul < 0 ? 0 : bytes.subarray(0, nul).filter(b => b === 0x0a).length + 1;
  return `this file: it holds ${kind}${line ? `, first NUL byte on line ${line}` : ''}; it was not read as a certificate, key or PEM text`;
}


/** PEM labels of PKCS#7/CMS certificate bundles (`openssl crl2pkcs7`, `openssl pkcs7 -print_certs` input). */
const PKCS7_LABELS = new Set(['PKCS7', 'CMS', 'PKCS #7 SIGNED DATA']);

/** A keystore or PKCS#7 bundle as one entry, or undefined when the bytes are neither. */
async function keystoreEntry(bytes: Uint8Array, range: TextRange, options: KeystorePasswords): Promise<MaterialEntry | undefined> {
  const format = keystoreFormat(bytes);
  if (!format) {
    return undefined;
  }
  const decoded = await decodeKeystore(bytes, format, range, options.passwords);
  return { range, objects: decoded.objects, keystore: decoded.keystore, error: decoded.error };
}

/** A file that is not text: a keystore (.p12, .pfx, .jks, .jceks, .p7b), a DER certificate (.der, .cer, binary .crt), or nothing we know. */
export async function analyzeBinary(bytes: Uint8Array, options: KeystorePasswords = {}): Promise<DocumentAnalysis> {
  const range = { start: 0, end: 0 };
  const analysis: DocumentAnalysis = { entries: [], kubeconfigs: [], syntaxErrors: [] };
  const keystore = await keystoreEntry(bytes, range, options);
  if (keystore) {
    analysis.entries.push(keystore);
  } else if (bytes.length && bytes[0] === 0x30) {
    let obj = await decodeDer('certificate', 'DER', bytes, range);
    if (obj.error) {
      // Not a certificate: a DER CRL, request or key decodes as what it is; containers are named.
      const other = derKind(bytes);
      if (other && 'pair' in other) {
        analysis.entries.push({ range, objects: await Promise.all(other.pair.map(der => decodeDer('certificate', 'DER', der, range))) });
        return analysis;
      }
      if (other && 'container' in other) {
        obj = { ...obj, kind: 'unknown', error: `DER data is ${other.container}, which PKI Lens does not read` };
      } else if (other) {
        obj = { ...(await decodeDer(other.kind, other.label, bytes, range)), label: 'DER' };
      }
    }
    if (obj.error?.startsWith('PEM body')) {
      obj = { ...obj, error: `DER data${obj.error.slice('PEM body'.length)}` };
    }
    analysis.entries.push({ range, objects: [obj] });
  } else if (bytes.length) {
    // Never "no findings" for a file that was not read: say what it is.
    analysis.entries.push({ range, objects: [], error: describeBinary(bytes) });
  }
  analysis.entries = trimmed(analysis.entries);
  return analysis;
}

const PKCS7_PREFIX = '1.2.840.113549.1.7.';

/** What DER that is not a certificate holds, judged by its outer structure alone. */
function derKind(bytes: Uint8Array): { kind: MaterialKind; label: string } | { container: string } | { pair: Uint8Array[] } | undefined {
  const top = readTlv(bytes, 0);
  const kids = top && top.tag === 0x30 ? children(bytes, top) : undefined;
  if (!kids?.length) {
    return undefined;
  }
  const tags = kids.map(k => k.tag);
  const small = (i: number) => (tags[i] === 0x02 && kids[i].end - kids[i].contentStart === 1 ? bytes[kids[i].contentStart] : -1);
  const firstOid = (t: Tlv) => {
    const inner = t.tag === 0x30 ? children(bytes, t) : undefined;
    return inner?.[0] ? oidString(bytes, inner[0]) : undefined;
  };
  if (tags[0] === 0x06 && oidString(bytes, kids[0])?.startsWith(PKCS7_PREFIX)) {
    return { container: 'a PKCS#7/CMS message (.p7b, .p7s)' };
  }
  if (small(0) === 3 && tags[1] === 0x30 && firstOid(kids[1])?.startsWith(PKCS7_PREFIX)) {
    return { container: 'a PKCS#12 archive (.p12, .pfx)' };
  }
  if (tags[0] === 0x0a) {
    return { container: 'an OCSP response' };
  }
  if (kids.length <= 2 && tags[0] === 0x30 && (kids.length === 1 || tags[1] === 0xa0)) {
    return { container: 'an OCSP request' };
  }
  if (kids.length <= 2 && tags.every(tag => tag === 0xa0 || tag === 0xa1)) {
    // CrossCertificatePair (X.509 / LDAP crossCertificatePair): [0] forward, [1] reverse certificate.
    return { pair: kids.map(k => bytes.subarray(k.contentStart, k.end)) };
  }
  if (kids.length === 3 && tags[0] === 0x30 && tags[1] === 0x30 && tags[2] === 0x03) {
    const tbs = children(bytes, kids[0]) ?? [];
    const t = tbs.map(k => k.tag);
    const time = (tag: number | undefined) => tag === 0x17 || tag === 0x18;
    // TBSCertList: [version] signature issuer thisUpdate …
    if ((t[0] === 0x02 && t[1] === 0x30 && t[2] === 0x30 && time(t[3])) || (t[0] === 0x30 && t[1] === 0x30 && time(t[2]))) {
      return { kind: 'crl', label: 'X509 CRL' };
    }
    if (t[0] === 0x02 && t[1] === 0x30 && t[2] === 0x30 && t[3] === 0xa0) {
      return { kind: 'csr', label: 'CERTIFICATE REQUEST' };
    }
    return undefined; // shaped like a certificate: its own error says what is wrong
  }
  if (kids.length === 2 && tags[0] === 0x30 && tags[1] === 0x03 && firstOid(kids[0])) {
    return { kind: 'public-key', label: 'PUBLIC KEY' };
  }
  if (kids.length === 2 && tags[0] === 0x30 && tags[1] === 0x04 && firstOid(kids[0])) {
    return { kind: 'private-key', label: 'ENCRYPTED PRIVATE KEY' };
  }
  if ((small(0) === 0 || small(0) === 1) && tags[1] === 0x30 && tags[2] === 0x04) {
    return { kind: 'private-key', label: 'PRIVATE KEY' };
  }
  if (small(0) === 0 && kids.length >= 9 && tags.every(tag => tag === 0x02)) {
    return { kind: 'private-key', label: 'RSA PRIVATE KEY' };
  }
  if (small(0) === 1 && tags[1] === 0x04) {
    return { kind: 'private-key', label: 'EC PRIVATE KEY' };
  }
  if (small(0) === 0 && kids.length === 6 && tags.every(tag => tag === 0x02)) {
    return { container: 'a DSA private key' };
  }
  // PKCS#1 RSAPublicKey {n, e}; PKCS#3 DH parameters {p, g} look the same, but g is 2 or 5 and e is odd and not tiny.
  const exponent = kids[1] && bytes.subarray(kids[1].contentStart, kids[1].end);
  if (kids.length === 2 && tags[0] === 0x02 && tags[1] === 0x02 && kids[0].end - kids[0].contentStart >= 64
    && exponent.length >= 1 && exponent[exponent.length - 1] & 1 && (exponent.length > 1 || exponent[0] > 5)) {
    return { kind: 'public-key', label: 'RSA PUBLIC KEY' };
  }
  return undefined;
}

async function decodeCarrier(carrier: CarrierLocation, text: string, blocks: ReturnType<typeof findPemBlocks>, claimed: Set<number>, options: KeystorePasswords): Promise<MaterialEntry | undefined> {
  const entry: MaterialEntry = { range: carrier.valueRange, carrier, objects: [] };
  const inputWord = carrier.role === 'key' ? 'key' : 'certificate';
  switch (carrier.encoding) {
    case 'path':
      return entry; // resolved against the file system by the workspace layer
    case 'pem': {
      // PEM written as a YAML block scalar stands verbatim in the document: use the exact block ranges.
      const inside = blocksWithin(blocks, carrier.valueRange);
      if (inside.length) {
        inside.forEach(([, i]) => claimed.add(i));
        entry.objects = await decodePemBlocks(inside.map(([b]) => b));
      } else {
        entry.objects = await decodePemBlocks(findPemBlocks(carrier.value), carrier.valueRange);
      }
      return entry;
    }
    case 'base64': {
      const start = carrier.verbatim ? carrier.valueRange.start + (text[carrier.valueRange.start] === '"' || text[carrier.valueRange.start] === "'" ? 1 : 0) : 0;
      const decoded = decodeBase64(carrier.value, start);
      if (!decoded.ok) {
        if (!carrier.expected) {
          return undefined;
        }
        return { ...entry, error: carrier.verbatim ? decoded.error : decoded.error.replace(/ at offset \d+/, ''), errorOffset: carrier.verbatim ? decoded.offset : undefined };
      }
      const keystore = await keystoreEntry(decoded.bytes, carrier.valueRange, options);
      if (keystore) {
        return { ...keystore, carrier };
      }
      const inner = utf8(decoded.bytes.subarray(0, Math.min(decoded.bytes.length, 1 << 20)));
      const innerBlocks = inner.includes('-----BEGIN ') ? findPemBlocks(inner) : [];
      if (innerBlocks.length) {
        entry.objects = await decodePemBlocks(innerBlocks, carrier.valueRange);
        return entry;
      }
      if (looksLikeDerCertificate(decoded.bytes)) {
        const obj = await decodeDer('certificate', 'DER', decoded.bytes, carrier.valueRange);
        if (obj.error && !carrier.expected) {
          return undefined;
        }
        entry.objects = [obj];
        return entry;
      }
      if (!carrier.expected) {
        return undefined; // ordinary base64 (a password, an image): not ours, say nothing
      }
      return { ...entry, error: `decodes to ${describeBytes(decoded.bytes)} with no PEM block (kubectl would say: tls: failed to find any PEM data in ${inputWord} input)` };
    }
  }
}

/**
 * The blocks (with their indices) lying inside `range`. Blocks come sorted by start and never
 * overlap: a binary search keeps a file with thousands of PEM carriers linear, not quadratic.
 */
function blocksWithin(blocks: ReturnType<typeof findPemBlocks>, range: TextRange): (readonly [ReturnType<typeof findPemBlocks>[number], number])[] {
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (blocks[mid].range.start < range.start) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  const out: (readonly [ReturnType<typeof findPemBlocks>[number], number])[] = [];
  for (let i = lo; i < blocks.length && blocks[i].range.start < range.end; i++) {
    if (blocks[i].range.end <= range.end) {
      out.push([blocks[i], i] as const);
    }
  }
  return out;
}

function describeBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) {
    return 'nothing';
  }
  const sample = bytes.subarray(0, 256);
  const printable = sample.filter(b => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)).length;
  return printable / sample.length > 0.9 ? 'text' : `${bytes.length} bytes of binary data`;
}
