/**
 * The values many certificates repeat, one object each (see interned.ts): the issuer's name and
 * the extensions an issuer writes alike in every leaf (key usage, EKU, basic constraints, its key
 * id, CRL points, AIA, policies), with the fields decoded from them, the signature algorithm and
 * the validity's dates.
 * Applied to every decoded certificate and to every one read back from the persistent cache, so a
 * reload's heap holds them once too.
 */
import { internedName } from './name';
import { Interned } from './interned';
import type { CertificateInfo, ExtensionInfo } from './types';

const KEY_USAGE = '2.5.29.15';
const EXTENDED_KEY_USAGE = '2.5.29.37';
const BASIC_CONSTRAINTS = '2.5.29.19';
const AUTHORITY_KEY_ID = '2.5.29.35';
/** SKI, SAN and SCTs are each certificate's own: keeping them would only churn the maps. */
const REPEATING = new Set([KEY_USAGE, EXTENDED_KEY_USAGE, BASIC_CONSTRAINTS, AUTHORITY_KEY_ID, '2.5.29.31', '1.3.6.1.5.5.7.1.1', '2.5.29.32']);

const extensions = new Interned<ExtensionInfo>(4096);
const keyUsages = new Interned<string[]>(256);
const extendedKeyUsages = new Interned<NonNullable<CertificateInfo['extendedKeyUsage']>>(256);
const basicConstraints = new Interned<NonNullable<CertificateInfo['basicConstraints']>>(256);
const keyIds = new Interned<string>(4096);
const algorithms = new Interned<CertificateInfo['signatureAlgorithm']>(256);
const dates = new Interned<Date, number>(4096);

/** `info` (made by a decoder or read back, not yet shared) pointing at the shared values instead of its own. */
export function shareRepeated(info: CertificateInfo): CertificateInfo {
  const own = info;
  info.subject = internedName(own.subject.der, () => own.subject);
  info.issuer = internedName(own.issuer.der, () => own.issuer);
  info.notBefore = dates.get(own.notBefore.getTime(), () => own.notBefore);
  info.notAfter = dates.get(own.notAfter.getTime(), () => own.notAfter);
  info.signatureAlgorithm = algorithms.get(`${own.signatureAlgorithm.oid} ${own.signatureAlgorithm.name}`, () => own.signatureAlgorithm);
  const list = info.extensions;
  // Which extension a field was decoded from is known only when its OID occurs once (a
  // certificate may repeat one: hostile, or a corpus of odd ones); otherwise the fields stay its own.
  const fields = !hasRepeatedField(list);
  for (let i = 0; i < list.length; i++) {
    const ext = list[i];
    if (!REPEATING.has(ext.oid)) {
      continue;
    }
    // The decoded field is a function of the extension's bytes: the same bytes, the same field.
    const value = ext.valueHex;
    const shared = extensions.get(`${ext.critical ? 'c' : 'n'}${ext.oid} ${value}`, () => ext);
    list[i] = shared;
    if (!fields) {
      continue;
    }
    if (ext.oid === KEY_USAGE && own.keyUsage) {
      info.keyUsage = keyUsages.get(value, () => own.keyUsage!);
    } else if (ext.oid === EXTENDED_KEY_USAGE && own.extendedKeyUsage) {
      info.extendedKeyUsage = extendedKeyUsages.get(value, () => own.extendedKeyUsage!);
    } else if (ext.oid === BASIC_CONSTRAINTS && own.basicConstraints) {
      info.basicConstraints = basicConstraints.get(`${ext.critical ? 'c' : 'n'}${value}`, () => own.basicConstraints!);
    } else if (ext.oid === AUTHORITY_KEY_ID && own.authorityKeyId !== undefined) {
      info.authorityKeyId = keyIds.get(value, () => own.authorityKeyId!);
    }
  }
  return info;
}

function hasRepeatedField(list: readonly ExtensionInfo[]): boolean {
  const seen: string[] = [];
  for (const ext of list) {
    if (ext.oid === KEY_USAGE || ext.oid === EXTENDED_KEY_USAGE || ext.oid === BASIC_CONSTRAINTS || ext.oid === AUTHORITY_KEY_ID) {
      if (seen.includes(ext.oid)) {
        return true;
      }
      seen.push(ext.oid);
    }
  }
  return false;
}

const words = new Interned<string>(1024);

/**
 * One string for a word many values name (a kind, a PEM label, an extension's name, a key's
 * algorithm). The decoders take theirs from tables; a copy across a serialization boundary makes
 * each its own (core/x509/material.ts `shareDecodedIn`).
 */
export function sharedWord(word: string): string {
  return words.get(word, () => word);
}

/** A certificate copied across a serialization boundary (not yet shared): `shareRepeated`, and the words it names shared too (see sharedWord). */
export function shareCopied(info: CertificateInfo): CertificateInfo {
  shareWords(info);
  return shareRepeated(info);
}

function shareWords(info: CertificateInfo): void {
  for (const ext of info.extensions) {
    if (!REPEATING.has(ext.oid)) {
      ext.oid = sharedWord(ext.oid);
      ext.name = sharedWord(ext.name);
    }
  }
  for (const name of info.subjectAltNames) {
    name.type = sharedWord(name.type) as typeof name.type;
  }
  const key = info.publicKey;
  key.algorithm = sharedWord(key.algorithm) as typeof key.algorithm;
  key.description = sharedWord(key.description);
  if (key.curve !== undefined) {
    key.curve = sharedWord(key.curve);
  }
}
