import type { JwkInfo } from './jwk';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { CertificateList, Name } from '@peculiar/asn1-x509';
import { toArrayBuffer, toHex } from './bytes';
import { CertificateInfo, decodeCertificate } from './certificate';
import { children, oidString, readTlv, timeValue } from './der';
import { DistinguishedName, nameFromAsn } from './name';
import { PemBlock, TextRange } from './pem';
import { PrivateKeyInfo, PublicKeyInfo, completePublicKey, describePrivateKey, describePublicKey, describeRsaPublicKey, publicKeyFromAsn } from './keys';
import { signatureAlgorithmName } from './oids';
import { sha256 } from './sha';
import { shareCopied, sharedWord } from './shared';

export type MaterialKind = 'certificate' | 'private-key' | 'public-key' | 'csr' | 'crl' | 'parameters' | 'unknown';

export interface CsrInfo {
  subject: DistinguishedName;
  publicKey: PublicKeyInfo;
  signatureAlgorithm: string;
  attributes: string[];
}

export interface CrlInfo {
  issuer: DistinguishedName;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: number;
  signatureAlgorithm: string;
}

/** One decoded piece of PKI material: a certificate, a key, a CSR, a CRL — or why it could not be decoded. */
export interface DecodedObject {
  kind: MaterialKind;
  /** PEM label, or "DER" for bare DER. */
  label: string;
  /** Where it sits in the document. For base64 carriers, the carrier's value range. */
  range: TextRange;
  certificate?: CertificateInfo;
  privateKey?: PrivateKeyInfo;
  publicKey?: PublicKeyInfo;
  csr?: CsrInfo;
  crl?: CrlInfo;
  /** A JSON Web Key (label `JWK`): its public facts only; `publicKey` when it has one. */
  jwk?: JwkInfo;
  error?: string;
  errorOffset?: number;
  /** DER bytes (never kept for private keys). */
  der?: Uint8Array;
}

const KIND_BY_LABEL: Record<string, MaterialKind> = {
  'CERTIFICATE': 'certificate',
  'TRUSTED CERTIFICATE': 'certificate',
  'X509 CERTIFICATE': 'certificate',
  'X509 CRL': 'crl',
  'CERTIFICATE REQUEST': 'csr',
  'NEW CERTIFICATE REQUEST': 'csr',
  'PRIVATE KEY': 'private-key',
  'ENCRYPTED PRIVATE KEY': 'private-key',
  'RSA PRIVATE KEY': 'private-key',
  'EC PRIVATE KEY': 'private-key',
  'PUBLIC KEY': 'public-key',
  'RSA PUBLIC KEY': 'public-key',
  'EC PARAMETERS': 'parameters',
};

export function kindOfLabel(label: string): MaterialKind {
  return KIND_BY_LABEL[label] ?? 'unknown';
}

/**
 * More PEM blocks than any real bundle holds (public CA bundles have ~150). Past it the rest of a
 * file or carrier is one located error, so a hostile file costs bounded time and memory.
 */
export const MAX_PEM_BLOCKS = 10_000;

/**
 * Decode a set of PEM blocks (from a file or a carrier). `rangeOverride` places every object at
 * a carrier's value when the blocks came from decoded base64 rather than the document itself.
 * Never throws: failures become `error` with a reason an operator recognises.
 */
export async function decodePemBlocks(blocks: PemBlock[], rangeOverride?: TextRange): Promise<DecodedObject[]> {
  const out: DecodedObject[] = [];
  let ecParameters: ArrayBuffer | undefined;
  for (const [index, block] of blocks.entries()) {
    if (index === MAX_PEM_BLOCKS) {
      const rest = { start: block.range.start, end: blocks[blocks.length - 1].range.end };
      out.push({ kind: 'unknown', label: block.label, range: rangeOverride ?? rest, error: `${blocks.length - index} more PEM blocks not decoded: PKI Lens reads at most ${MAX_PEM_BLOCKS} in one place (this one has ${blocks.length})` });
      break;
    }
    const kind = kindOfLabel(block.label);
    const range = rangeOverride ?? block.range;
    if (block.error || !block.der) {
      out.push({ kind, label: block.label, range, error: block.error ?? 'empty PEM block', errorOffset: rangeOverride ? undefined : block.errorOffset });
      continue;
    }
    if (kind === 'parameters') {
      ecParameters = toArrayBuffer(block.der);
      continue; // folded into the EC key that follows, as openssl ecparam -genkey writes them
    }
    out.push(await decodeDer(kind, block.label, block.der, range, block.headers, ecParameters));
  }
  return out;
}

/** The decoded part of a `DecodedObject`: everything but where it sits. */
type Decoded = Omit<DecodedObject, 'kind' | 'label' | 'range'>;

/**
 * Decoded certificates and keys by content: the cluster CA sits in every kubeconfig, a chain in
 * every bundle, and a rescan meets the same bytes again. Keyed by SHA-256 of the DER (the cache
 * never holds private key bytes; key infos hold only public halves); bounded, oldest dropped first.
 */
const decodeCache = new Map<string, Decoded>();
const DECODE_CACHE_SIZE = 20_000;

/** decodeCache's key: what was decoded, and the SHA-256 of its bytes in lowercase hex. */
function decodeKey(kind: MaterialKind, label: string, digestHex: string, ecParameters?: ArrayBuffer): string {
  return `${kind}|${label}|${digestHex}|${ecParameters ? toHex(ecParameters) : ''}`;
}

/**
 * The objects of entries that crossed a serialization boundary (read back from the persistent
 * cache, or copied from the analysis worker), sharing what the decoder shares within a session:
 * one decoded certificate for the same bytes (decodeCache: an earlier file's, or this one's from
 * now on), what certificates repeat (shared.ts), and the words every certificate names. Copied
 * apart, a reload of the bench workspace held the cluster CA of 1,500 bundles as 1,500 objects,
 * and every certificate its own "X509v3 Subject Alternative Name", "ECDSA P-256", "CERTIFICATE"
 * (heap snapshots after a cold start and a reload: 10.6 against 22.5 MB of repeated strings).
 * Only plain certificate blocks are looked up: their DER is the block's, and their SHA-256
 * fingerprint its digest (certificate.ts).
 */
export function shareDecodedIn(entries: readonly { objects: DecodedObject[] }[]): void {
  for (const entry of entries) {
    for (const object of entry.objects) {
      object.kind = sharedWord(object.kind) as MaterialKind;
      object.label = sharedWord(object.label);
      const certificate = object.certificate;
      if (!certificate || !object.der) {
        continue;
      }
      const key = object.label === 'CERTIFICATE' ? decodeKey('certificate', 'CERTIFICATE', certificate.fingerprints.sha256.replaceAll(':', '').toLowerCase()) : undefined;
      const hit = key !== undefined ? decodeCache.get(key) : undefined;
      if (hit?.certificate && hit.der) {
        object.certificate = hit.certificate;
        object.der = hit.der;
        continue;
      }
      shareCopied(certificate);
      if (key !== undefined) {
        remember(key, { certificate, der: object.der });
      }
    }
  }
}

function remember(key: string, decoded: Decoded): void {
  if (decodeCache.size >= DECODE_CACHE_SIZE) {
    decodeCache.delete(decodeCache.keys().next().value!);
  }
  decodeCache.set(key, decoded);
}

export async function decodeDer(kind: MaterialKind, label: string, der: Uint8Array, range: TextRange, headers: Record<string, string> = {}, ecParameters?: ArrayBuffer): Promise<DecodedObject> {
  const cacheable = (kind === 'certificate' || kind === 'private-key' || kind === 'public-key') && !Object.keys(headers).length;
  const digest = cacheable ? sha256(der) : undefined;
  const key = digest ? decodeKey(kind, label, toHex(digest), ecParameters) : undefined;
  const hit = key !== undefined ? decodeCache.get(key) : undefined;
  if (hit) {
    return Object.assign({ kind, label, range }, hit);
  }
  const decoded = await decodeUncached(kind, label, der, range, headers, ecParameters, label === 'TRUSTED CERTIFICATE' ? undefined : digest);
  if (key !== undefined) {
    const { kind: _k, label: _l, range: _r, ...rest } = decoded;
    remember(key, rest);
  }
  return decoded;
}

async function decodeUncached(kind: MaterialKind, label: string, der: Uint8Array, range: TextRange, headers: Record<string, string>, ecParameters?: ArrayBuffer, digest?: Uint8Array): Promise<DecodedObject> {
  // Literals with every field, not `{ ...base, … }`: one hidden class per shape on every V8, all fields in the object (see withFields).
  try {
    switch (kind) {
      case 'certificate': {
        // TRUSTED CERTIFICATE is a certificate followed by openssl trust settings; the certificate comes first.
        const certDer = label === 'TRUSTED CERTIFICATE' ? firstElement(der) : der;
        return { kind, label, range, certificate: await decodeCertificate(certDer, digest), der: certDer };
      }
      case 'private-key': {
        const info = describePrivateKey(label, der, headers, ecParameters);
        return { kind, label, range, privateKey: await completePublicKey(info, label, der, ecParameters) };
      }
      case 'public-key':
        return { kind, label, range, publicKey: label === 'RSA PUBLIC KEY' ? describeRsaPublicKey(der) : describePublicKey(der), der };
      case 'csr':
        return { kind, label, range, csr: decodeCsr(der), der };
      case 'crl':
        return { kind, label, range, crl: decodeCrl(der), der };
      default:
        return { kind, label, range, error: `unsupported PEM label "${label}"` };
    }
  } catch (e) {
    return { kind, label, range, error: explain(kind, e) };
  }
}

function explain(kind: MaterialKind, e: unknown): string {
  const reason = (e as Error)?.message || String(e);
  const what = { certificate: 'a valid certificate', 'private-key': 'a valid private key', 'public-key': 'a valid public key', csr: 'a valid certificate request', crl: 'a valid CRL', parameters: 'valid parameters', unknown: 'valid' }[kind];
  return reason.startsWith('not a valid') ? `PEM body is ${reason}` : `PEM body is not ${what}: ${reason}`;
}

/** The first DER element of a buffer (length from its header), used for TRUSTED CERTIFICATE. */
function firstElement(der: Uint8Array): Uint8Array {
  if (der.length < 2) {
    return der;
  }
  let len = der[1];
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) {
      len = len * 256 + der[2 + i];
    }
    header += n;
  }
  return der.subarray(0, header + len);
}

function decodeCsr(der: Uint8Array): CsrInfo {
  const csr = AsnConvert.parse(der, CertificationRequest);
  const info = csr.certificationRequestInfo;
  return {
    subject: nameFromAsn(info.subject),
    publicKey: publicKeyFromAsn(info.subjectPKInfo),
    signatureAlgorithm: signatureAlgorithmName(csr.signatureAlgorithm.algorithm),
    attributes: (info.attributes ?? []).map(a => a.type),
  };
}

function decodeCrl(der: Uint8Array): CrlInfo {
  // A CA's CRL can list tens of thousands of serials, past the schema parser's node limit: read the few fields shown directly.
  const direct = crlFromDer(der);
  if (direct) {
    return direct;
  }
  const crl = AsnConvert.parse(der, CertificateList);
  const tbs = crl.tbsCertList;
  return {
    issuer: nameFromAsn(tbs.issuer),
    thisUpdate: tbs.thisUpdate.getTime(),
    nextUpdate: tbs.nextUpdate?.getTime(),
    revoked: tbs.revokedCertificates?.length ?? 0,
    signatureAlgorithm: signatureAlgorithmName(crl.signatureAlgorithm.algorithm),
  };
}

/** CertificateList read with the DER walker: issuer, dates, count of revoked entries, signature algorithm. */
function crlFromDer(der: Uint8Array): CrlInfo | undefined {
  const outer = readTlv(der, 0);
  const parts = outer && outer.end === der.length ? children(der, outer) : undefined;
  if (!parts || parts.length !== 3 || parts[0].tag !== 0x30 || parts[1].tag !== 0x30 || parts[2].tag !== 0x03) {
    return undefined;
  }
  const tbs = children(der, parts[0]);
  const algorithm = children(der, parts[1]);
  const signatureOid = algorithm?.[0] && oidString(der, algorithm[0]);
  if (!tbs || !signatureOid) {
    return undefined;
  }
  let i = tbs[0]?.tag === 0x02 ? 1 : 0;
  const [, issuerTlv, thisTlv] = tbs.slice(i, i + 3);
  i += 3;
  const thisUpdate = thisTlv && timeValue(der, thisTlv);
  if (!issuerTlv || issuerTlv.tag !== 0x30 || !thisUpdate) {
    return undefined;
  }
  let nextUpdate: Date | undefined;
  if (tbs[i] && (tbs[i].tag === 0x17 || tbs[i].tag === 0x18)) {
    nextUpdate = timeValue(der, tbs[i]);
    if (!nextUpdate) {
      return undefined;
    }
    i++;
  }
  let revoked = 0;
  if (tbs[i]?.tag === 0x30) {
    const entries = children(der, tbs[i]);
    if (!entries) {
      return undefined;
    }
    revoked = entries.length;
  }
  const issuerDer = der.subarray(issuerTlv.start, issuerTlv.end);
  return {
    issuer: nameFromAsn(AsnConvert.parse(issuerDer, Name), issuerDer),
    thisUpdate,
    nextUpdate,
    revoked,
    signatureAlgorithm: signatureAlgorithmName(signatureOid),
  };
}

/** Bare DER bytes that look like a certificate (SEQUENCE with long length), as in .der files and some Secrets. */
export function looksLikeDerCertificate(bytes: Uint8Array): boolean {
  return bytes.length > 64 && bytes[0] === 0x30 && (bytes[1] === 0x82 || bytes[1] === 0x81) && bytes[bytes[1] === 0x82 ? 4 : 3] === 0x30;
}
