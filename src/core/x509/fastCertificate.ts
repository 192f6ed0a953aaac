/**
 * The scan tier of certificate decoding: a direct DER walk that fills every `CertificateInfo` field
 * (but the fingerprints) in tens of microseconds, against ≈1.2 ms for the schema-based
 * @peculiar/asn1 parse and ≈0.2 ms for node:crypto's X509Certificate (`npm run bench`). Written by
 * hand rather than through node:crypto because the core also runs in the browser host (no
 * node:crypto, no Buffer) and X509Certificate gives text for openssl's print, not the fields and
 * raw names the checks need. It takes only the ordinary, well-formed case and answers
 * undefined for anything else — unusual string types, odd time spellings, BER, unique IDs, an
 * extension that does not parse — so `decodeCertificate` falls back to the schema-based decoder,
 * which stays the reference for every odd certificate and for every error message. A unit test
 * holds both tiers equal over the fixtures, the cryptography vectors and the fuzzer's mutants.
 */
import { bytesEqual, toHex } from './bytes';
import { trimmed } from '../collections';
import { flat } from '../flatString';
import type { CertificateInfo, ExtendedKeyUsageInfo } from './types';
import { decodeGeneralNames } from './generalNames';
import { Tlv, asciiString, children, content, oidString, readTlv, timeValue, utf8String } from './der';
import type { PublicKeyInfo } from './keys';
import { keyId, unsignedBytes } from './keyId';
import { DistinguishedName, NameAttribute, distinguishedName, formatName, internedName } from './name';
import { CURVES, KEY_ALGORITHMS, extendedKeyUsageInfo, KEY_USAGE_NAMES, NAME_ATTRIBUTES, extensionName, signatureAlgorithmName } from './oids';

/**
 * Bail-out signal inside the walk; never escapes this module. Not an Error: an Error keeps the
 * stack it was made on, closures and all, until its `stack` is read, and this module loads from
 * inside the extension's first scan (the core loads at the first analysis): one made here held that
 * scan's list of every candidate file, 27,000 URIs, for the whole session.
 */
const UNUSUAL = Object.freeze({ reason: 'not the ordinary case' });

function need<T>(value: T | undefined | null | false): T {
  if (value === undefined || value === null || value === false) {
    throw UNUSUAL;
  }
  return value;
}

function seq(der: Uint8Array, tlv: Tlv | undefined, tag = 0x30): Tlv[] {
  need(tlv && tlv.tag === tag);
  return need(children(der, tlv!));
}

/** Every field but the fingerprints, or undefined when the certificate is not the ordinary case. */
export function decodeCertificateFast(der: Uint8Array): Omit<CertificateInfo, 'fingerprints'> | undefined {
  try {
    return walk(der);
  } catch {
    return undefined; // not the ordinary case, or anything unexpected: the reference decoder decides
  }
}

function walk(der: Uint8Array): Omit<CertificateInfo, 'fingerprints'> {
  const outer = need(readTlv(der, 0));
  need(outer.end === der.length);
  const [tbsTlv, sigAlg, sigValue, ...extra] = seq(der, outer);
  need(sigValue && extra.length === 0);
  bitStringBytes(der, sigValue);
  const signatureOid = algorithmOid(der, sigAlg);
  const tbs = seq(der, tbsTlv);
  let i = 0;
  let version = 1;
  if (tbs[0]?.tag === 0xa0) {
    const [v, ...rest] = seq(der, tbs[0], 0xa0);
    need(v && v.tag === 0x02 && v.end - v.contentStart === 1 && rest.length === 0);
    version = der[v.contentStart] + 1;
    need(version <= 3);
    i = 1;
  }
  const serial = need(tbs[i]);
  need(serial.tag === 0x02 && serial.end > serial.contentStart);
  algorithmOid(der, tbs[i + 1]);
  const issuer = parseName(der, tbs[i + 2]);
  const validity = seq(der, tbs[i + 3]);
  need(validity.length === 2);
  const notBefore = need(timeValue(der, validity[0], 'up'));
  const notAfter = need(timeValue(der, validity[1]));
  const subject = parseName(der, tbs[i + 4]);
  const publicKey = parsePublicKey(der, need(tbs[i + 5]));
  const rest = tbs.slice(i + 6);
  need(rest.length === 0 || (rest.length === 1 && rest[0].tag === 0xa3));

  const info: Omit<CertificateInfo, 'fingerprints'> = {
    version,
    subject,
    issuer,
    serialNumber: serialHex(content(der, serial)),
    notBefore,
    notAfter,
    subjectAltNames: [],
    publicKey,
    signatureAlgorithm: { oid: signatureOid, name: signatureAlgorithmName(signatureOid) },
    extensions: [],
    selfIssued: bytesEqual(subject.der, issuer.der),
    isCa: false,
    der,
  };
  if (rest.length) {
    const [list, ...more] = seq(der, rest[0], 0xa3);
    need(more.length === 0);
    for (const ext of seq(der, list)) {
      readExtension(der, ext, info);
    }
  }
  info.isCa = info.basicConstraints?.ca === true;
  info.extensions = trimmed(info.extensions);
  return info;
}

function algorithmOid(der: Uint8Array, tlv: Tlv | undefined): string {
  const parts = seq(der, tlv);
  need(parts.length >= 1 && parts.length <= 2);
  if (parts[1]) {
    plain(der, parts[1]);
  }
  return need(oidString(der, parts[0]));
}

/**
 * Content the walk does not interpret (algorithm parameters, unknown name attributes) must still
 * be what the schema decoder would read without complaint; anything else goes to it.
 */
function plain(der: Uint8Array, tlv: Tlv, depth = 0): void {
  need(depth < 16);
  if (tlv.tag & 0x20) {
    need(tlv.tag & 0xc0 || tlv.tag === 0x30 || tlv.tag === 0x31); // constructed strings, NULLs…: BER
    for (const child of need(children(der, tlv))) {
      plain(der, child, depth + 1);
    }
    return;
  }
  if (tlv.tag & 0xc0) {
    return; // context-specific or application primitive: opaque bytes
  }
  const len = tlv.end - tlv.contentStart;
  switch (tlv.tag) {
    case 0x01: need(len === 1); return;
    case 0x02: case 0x0a: need(len >= 1); return;
    case 0x03: need(len >= 1 && der[tlv.contentStart] === 0); return;
    case 0x04: return;
    case 0x05: need(len === 0); return;
    case 0x06: need(oidString(der, tlv)); return;
    case 0x0c: need(utf8String(content(der, tlv)) !== undefined); return;
    case 0x13: case 0x16: need(asciiString(content(der, tlv)) !== undefined); return;
    case 0x17: case 0x18: need(timeValue(der, tlv)); return;
    default: throw UNUSUAL;
  }
}

// ------------------------------------------------------------------ names

function parseName(der: Uint8Array, tlv: Tlv | undefined): DistinguishedName {
  need(tlv);
  // A name already made from the same bytes (every leaf names its issuer) is not parsed again.
  return internedName(der.subarray(tlv!.start, tlv!.end), () => parseNameUncached(der, tlv));
}

function parseNameUncached(der: Uint8Array, tlv: Tlv | undefined): DistinguishedName {
  const rdns: NameAttribute[][] = seq(der, tlv).map(set => seq(der, set, 0x31).map(atv => {
    const [typeTlv, valueTlv, ...extra] = seq(der, atv);
    need(typeTlv && valueTlv && extra.length === 0);
    const oid = need(oidString(der, typeTlv));
    const type = NAME_ATTRIBUTES[oid] ?? oid;
    const value = type !== oid ? attributeText(der, valueTlv) : undefined;
    if (value !== undefined) {
      return { oid, type, value };
    }
    // openssl's dump_unknown: attributes without a known name are dumped as their DER.
    plain(der, valueTlv);
    const derHex = toHex(der.subarray(valueTlv.start, valueTlv.end));
    return { oid, type, value: `#${derHex}`, derHex };
  }));
  return distinguishedName(rdns, der.subarray(tlv!.start, tlv!.end));
}

/** UTF8String, and PrintableString/IA5String in plain ASCII; other string types go to the reference decoder. */
function attributeText(der: Uint8Array, tlv: Tlv): string | undefined {
  const bytes = content(der, tlv);
  switch (tlv.tag) {
    case 0x0c: return need(utf8String(bytes));
    case 0x13: case 0x16: case 0x12: case 0x1a: return need(asciiString(bytes));
    default: throw UNUSUAL;
  }
}

// ------------------------------------------------------------------ keys

function bitStringBytes(der: Uint8Array, tlv: Tlv): Uint8Array {
  need(tlv.tag === 0x03 && tlv.end > tlv.contentStart && der[tlv.contentStart] === 0);
  return der.subarray(tlv.contentStart + 1, tlv.end);
}


function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) {
    i++;
  }
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]));
}

function parsePublicKey(der: Uint8Array, tlv: Tlv): PublicKeyInfo {
  const [algTlv, keyTlv, ...extra] = seq(der, tlv);
  need(algTlv && keyTlv && extra.length === 0);
  const alg = seq(der, algTlv);
  need(alg.length >= 1 && alg.length <= 2);
  const oid = need(oidString(der, alg[0]));
  if (alg[1]) {
    plain(der, alg[1]);
  }
  const spki = der.subarray(tlv.start, tlv.end);
  const keyBytes = bitStringBytes(der, keyTlv);
  const algorithm = KEY_ALGORITHMS[oid];
  switch (algorithm) {
    case 'RSA': case 'RSA-PSS': {
      const rsaTlv = need(readTlv(keyBytes, 0));
      need(rsaTlv.end === keyBytes.length);
      const [modulus, exponent, ...more] = seq(keyBytes, rsaTlv);
      need(modulus && exponent && more.length === 0 && modulus.tag === 0x02 && exponent.tag === 0x02);
      const n = content(keyBytes, modulus);
      const e = content(keyBytes, exponent);
      need(n.length && e.length);
      const bits = bitLength(n);
      return { algorithm, bits, description: `${algorithm} ${bits}`, spki, id: keyId('RSA', unsignedBytes(n), unsignedBytes(e)) };
    }
    case 'EC': {
      const params = need(alg[1]);
      let curve: { name: string; bits?: number };
      if (params.tag === 0x06) {
        const curveOid = need(oidString(der, params));
        const known = CURVES[curveOid];
        curve = known ? { name: known.name, bits: known.bits } : { name: curveOid };
      } else {
        throw UNUSUAL; // explicit or implicit curve parameters: the reference decoder names them
      }
      return { algorithm, bits: curve.bits, curve: curve.name, description: `ECDSA ${curve.name}`, spki, id: keyId(`EC:${curve.name}`, keyBytes) };
    }
    case 'Ed25519': case 'X25519':
      return { algorithm, bits: 256, description: algorithm, spki, id: keyId(algorithm, keyBytes) };
    case 'Ed448': case 'X448':
      return { algorithm, bits: 448, description: algorithm, spki, id: keyId(algorithm, keyBytes) };
    default:
      throw UNUSUAL; // DSA and unknown algorithms: rare, left to the reference decoder
  }
}

// ------------------------------------------------------------------ extensions

function readExtension(der: Uint8Array, tlv: Tlv, info: Omit<CertificateInfo, 'fingerprints'>): void {
  const parts = seq(der, tlv);
  need(parts.length === 2 || parts.length === 3);
  const oid = need(oidString(der, parts[0]));
  let critical = false;
  if (parts.length === 3) {
    const b = parts[1];
    need(b.tag === 0x01 && b.end - b.contentStart === 1 && (der[b.contentStart] === 0xff || der[b.contentStart] === 0));
    critical = der[b.contentStart] === 0xff;
  }
  const valueTlv = parts[parts.length - 1];
  need(valueTlv.tag === 0x04);
  const value = content(der, valueTlv);
  info.extensions.push({ oid, name: extensionName(oid), critical, valueHex: toHex(value) });
  switch (oid) {
    case '2.5.29.17':
      info.subjectAltNames = need(decodeGeneralNames(value, nameDer => formatName(parseName(nameDer, readTlv(nameDer, 0)).rdns)));
      break;
    case '2.5.29.15':
      info.keyUsage = keyUsage(value);
      break;
    case '2.5.29.37':
      info.extendedKeyUsage = extendedKeyUsage(value);
      break;
    case '2.5.29.19':
      const { ca, pathLength } = basicConstraints(value);
      info.basicConstraints = { ca, pathLength, critical }; // a literal, not a spread: see withFields
      break;
    case '2.5.29.14': {
      const ski = whole(value);
      need(ski.tag === 0x04);
      info.subjectKeyId = toHex(content(value, ski), ':').toUpperCase();
      break;
    }
    case '2.5.29.35': {
      const parts = seq(value, whole(value));
      const keyId = parts.find(p => p.tag === 0x80);
      need(parts.every(p => p.tag === 0x80 || p.tag === 0xa1 || p.tag === 0x82));
      if (keyId) {
        info.authorityKeyId = toHex(content(value, keyId), ':').toUpperCase();
      }
      break;
    }
  }
}

/** The single TLV an extension value holds. */
function whole(bytes: Uint8Array): Tlv {
  const tlv = need(readTlv(bytes, 0));
  need(tlv.end === bytes.length);
  return tlv;
}

function keyUsage(bytes: Uint8Array): string[] {
  const tlv = whole(bytes);
  need(tlv.tag === 0x03 && tlv.end > tlv.contentStart && tlv.end - tlv.contentStart <= 3);
  const unused = bytes[tlv.contentStart];
  need(unused < 8);
  const bits = content(bytes, tlv).subarray(1);
  need(bits.length > 0 || unused === 0);
  const total = bits.length * 8 - unused;
  const out: string[] = [];
  KEY_USAGE_NAMES.forEach((name, i) => {
    if (i < total && (bits[i >> 3] >> (7 - (i & 7))) & 1) {
      out.push(name);
    }
  });
  return trimmed(out);
}

function extendedKeyUsage(bytes: Uint8Array): ExtendedKeyUsageInfo[] {
  return seq(bytes, whole(bytes)).map(t => {
    return extendedKeyUsageInfo(need(oidString(bytes, t)));
  });
}

function basicConstraints(bytes: Uint8Array): { ca: boolean; pathLength?: number } {
  const parts = seq(bytes, whole(bytes));
  let ca = false;
  let pathLength: number | undefined;
  let at = 0;
  if (parts[at]?.tag === 0x01) {
    const b = parts[at];
    need(b.end - b.contentStart === 1);
    ca = bytes[b.contentStart] !== 0;
    at++;
  }
  if (parts[at]?.tag === 0x02) {
    const n = content(bytes, parts[at]);
    need(n.length >= 1 && n.length <= 4 && !(n[0] & 0x80));
    pathLength = n.reduce((acc, b) => acc * 256 + b, 0);
    at++;
  }
  need(at === parts.length);
  return { ca, pathLength };
}

// ------------------------------------------------------------------ serial

/** INTEGER bytes to openssl's serial spelling: minimal uppercase hex, negative serials with a leading '-'. */
export function serialHex(bytes: Uint8Array): string {
  let magnitude = bytes;
  if (bytes.length && bytes[0] & 0x80) {
    magnitude = new Uint8Array(bytes.length);
    let carry = 1;
    for (let i = bytes.length - 1; i >= 0; i--) {
      const v = (~bytes[i] & 0xff) + carry;
      magnitude[i] = v & 0xff;
      carry = v >> 8;
    }
  }
  // Leading zero bytes go before the hex is written: a cut of the hex string would be a view into
  // it (V8's sliced string), and a sign prepended a tree of two parts, both kept per certificate.
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) {
    start++;
  }
  const hex = magnitude.length ? toHex(magnitude.subarray(start)).toUpperCase() : '00';
  return magnitude === bytes ? hex : flat('-', hex);
}
