/**
 * Java KeyStore (JKS, magic FEEDFEED) and JCEKS (CECECECE), as keytool writes them. Hand-written:
 * the format is Java's own serialization (DataOutputStream fields, not ASN.1) and no maintained
 * npm package reads it without the JVM. Certificates are stored in the clear; the store's integrity
 * is a SHA-1 digest keyed with the password (password as UTF-16BE, then "Mighty Aphrodite", then
 * every byte before the digest); JKS private keys use Sun's SHA-1 XOR key protector, which this
 * reader opens to tell the key's algorithm and whether it matches its certificate. Every read is
 * bounds-checked: a truncated or hostile store is an error naming the byte, never an exception
 * escaping or a read past the end.
 */
import { utf8 } from '../x509/bytes';
import { sha1 } from '../x509/sha';
import { KeystoreContent, KeystoreEntryContent } from './model';
import { splitEncryptedPrivateKeyInfo } from './pbe';

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;
const SUN_KEY_PROTECTOR = '1.3.6.1.4.1.42.2.17.1.1';
const DIGEST_LENGTH = 20;
/** More certificates in one chain than any real one has. */
const MAX_CHAIN = 64;

export function isJavaKeystore(bytes: Uint8Array): boolean {
  const magic = bytes.length >= 4 ? readU32(bytes, 0) : 0;
  return magic === JKS_MAGIC || magic === JCEKS_MAGIC;
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array, readonly end: number) {}

  private need(n: number, what: string): void {
    if (n < 0 || this.at + n > this.end) {
      throw new Error(`truncated keystore: ${what} at byte ${this.at} needs ${n} bytes, ${Math.max(0, this.end - this.at)} remain`);
    }
  }

  u32(what: string): number {
    this.need(4, what);
    const v = readU32(this.bytes, this.at);
    this.at += 4;
    return v;
  }

  utf(what: string): string {
    this.need(2, what);
    const n = (this.bytes[this.at] << 8) | this.bytes[this.at + 1];
    this.at += 2;
    return utf8(this.take(n, what));
  }

  date(what: string): Date {
    this.need(8, what);
    const ms = readU32(this.bytes, this.at) * 2 ** 32 + readU32(this.bytes, this.at + 4);
    this.at += 8;
    return new Date(ms);
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

/** UTF-16BE without terminator: how Java's keystores feed a password to SHA-1. */
function javaPasswordBytes(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2);
  for (let i = 0; i < password.length; i++) {
    out[2 * i] = password.charCodeAt(i) >> 8;
    out[2 * i + 1] = password.charCodeAt(i) & 0xff;
  }
  return out;
}

const WHITENER = new TextEncoder().encode('Mighty Aphrodite');

function integrityMatches(bytes: Uint8Array, password: string): boolean {
  const p = javaPasswordBytes(password);
  const body = bytes.subarray(0, bytes.length - DIGEST_LENGTH);
  const input = new Uint8Array(p.length + WHITENER.length + body.length);
  input.set(p);
  input.set(WHITENER, p.length);
  input.set(body, p.length + WHITENER.length);
  const digest = sha1(input);
  const stored = bytes.subarray(bytes.length - DIGEST_LENGTH);
  return digest.every((b, i) => b === stored[i]);
}

export function readJavaKeystore(bytes: Uint8Array, passwords: readonly string[]): KeystoreContent {
  const format = readU32(bytes, 0) === JKS_MAGIC ? 'JKS' : 'JCEKS';
  const store: KeystoreContent = { format, entries: [], integrity: 'failed', integrityAlgorithm: 'SHA-1 keyed digest ("Mighty Aphrodite")', encryption: [], weak: [] };
  if (bytes.length < 12 + DIGEST_LENGTH) {
    throw new Error(`truncated keystore: ${bytes.length} bytes is shorter than a header and its digest`);
  }
  const password = passwords.find(p => integrityMatches(bytes, p));
  if (password === undefined) {
    store.locked = 'the integrity digest matches neither the empty password nor any supplied password: certificates are shown unverified';
  } else {
    store.integrity = 'verified';
    store.opened = password === '' ? 'empty password' : 'supplied password';
  }
  const r = new Reader(bytes, bytes.length - DIGEST_LENGTH);
  r.at = 4;
  const version = r.u32('version');
  if (version !== 1 && version !== 2) {
    throw new Error(`unknown ${format} version ${version}`);
  }
  const count = r.u32('entry count');
  for (let i = 0; i < count; i++) {
    const tag = r.u32(`entry ${i + 1} tag`);
    const alias = r.utf(`entry ${i + 1} alias`);
    const created = r.date(`entry ${i + 1} date`);
    const certificate = (what: string) => {
      if (version === 2) {
        const type = r.utf(`${what} type`);
        if (type !== 'X.509') {
          throw new Error(`${what} is of type ${type}, not X.509`);
        }
      }
      return r.take(r.u32(`${what} length`), what).slice();
    };
    if (tag === 1) {
      const protectedKey = r.take(r.u32(`key of "${alias}" length`), `key of "${alias}"`);
      const chain = r.u32(`chain length of "${alias}"`);
      if (chain > MAX_CHAIN) {
        throw new Error(`"${alias}" claims ${chain} chain certificates at byte ${r.at - 4}`);
      }
      const entry: KeystoreEntryContent = { alias, created, type: 'private-key', certificates: [] };
      for (let c = 0; c < chain; c++) {
        entry.certificates.push(certificate(`certificate ${c + 1} of "${alias}"`));
      }
      openJavaKey(protectedKey, password === undefined ? passwords : [password, ...passwords.filter(p => p !== password)], entry, store);
      store.entries.push(entry);
    } else if (tag === 2) {
      store.entries.push({ alias, created, type: 'trusted-certificate', certificates: [certificate(`certificate "${alias}"`)] });
    } else if (tag === 3 && format === 'JCEKS') {
      // A secret key is a serialized Java SealedObject whose length is nowhere recorded: what follows cannot be located.
      store.entries.push({ alias, created, type: 'secret-key', certificates: [], error: `secret key entry (a serialized Java object); ${count - i - 1} entries after it were not read` });
      return store;
    } else {
      throw new Error(`entry ${i + 1} ("${alias}") has unknown tag ${tag}`);
    }
  }
  if (r.at !== r.end) {
    throw new Error(`${r.end - r.at} unexpected bytes after the last entry at byte ${r.at}`);
  }
  return store;
}

/** JKS's own key protection (sun.security.provider.KeyProtector): salt, SHA-1 keystream XOR, SHA-1 check. */
function openJavaKey(epki: Uint8Array, candidates: readonly string[], entry: KeystoreEntryContent, store: KeystoreContent): void {
  const parsed = splitEncryptedPrivateKeyInfo(epki);
  if (!parsed) {
    entry.error = 'malformed protected key';
    return;
  }
  entry.encryptedKey = epki.slice();
  if (parsed.oid !== SUN_KEY_PROTECTOR) {
    entry.protection = parsed.oid === '1.3.6.1.4.1.42.2.19.1' ? 'PBEWithMD5AndTripleDES (JCEKS)' : parsed.oid;
    if (parsed.oid === '1.3.6.1.4.1.42.2.19.1' && !store.weak.includes(entry.protection)) {
      store.weak.push(entry.protection);
      store.encryption.push(entry.protection);
    }
    return;
  }
  entry.protection = 'JKS key protector (SHA-1 keystream)';
  if (!store.weak.includes(entry.protection)) {
    store.weak.push(entry.protection);
    store.encryption.push(entry.protection);
  }
  const data = parsed.data;
  if (data.length < 2 * DIGEST_LENGTH + 1) {
    entry.error = 'protected key too short';
    return;
  }
  const salt = data.subarray(0, DIGEST_LENGTH);
  const encrypted = data.subarray(DIGEST_LENGTH, data.length - DIGEST_LENGTH);
  const check = data.subarray(data.length - DIGEST_LENGTH);
  for (const password of candidates) {
    const p = javaPasswordBytes(password);
    const plain = new Uint8Array(encrypted.length);
    let block: Uint8Array = salt;
    for (let at = 0; at < encrypted.length; at += DIGEST_LENGTH) {
      block = sha1(Uint8Array.of(...p, ...block));
      for (let i = 0; i < DIGEST_LENGTH && at + i < encrypted.length; i++) {
        plain[at + i] = encrypted[at + i] ^ block[i];
      }
    }
    const digest = sha1(concat(p, plain));
    if (digest.every((b, i) => b === check[i])) {
      entry.key = plain;
      return;
    }
  }
  entry.error = 'the private key does not open with the store password or any supplied password';
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
