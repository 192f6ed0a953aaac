/**
 * PKCS#12 (.p12, .pfx, cert-manager's keystore.p12/truststore.p12) read through the
 * @peculiar/asn1-pfx and asn1-cms schemas (BER as Windows and Java write it included): the MAC
 * checked with each candidate password, encrypted safes and shrouded keys decrypted with the one
 * that verified (pbe.ts), bags grouped into entries by localKeyId.
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { parse } from './asn1';
import { RawAttribute, certFromCertBag, safeBagsFromDer } from './safeBags';
import { ContentInfo, EncryptedContentInfo, id_data, id_encryptedData } from '@peculiar/asn1-cms';
import { AuthenticatedSafe, CertBag, PFX, SafeContents, id_certBag, id_keyBag, id_pkcs8ShroudedKeyBag, id_SafeContents } from '@peculiar/asn1-pfx';
import { toArrayBuffer, toHex } from '../x509/bytes';
import { children, readTlv } from '../x509/der';
import { KeystoreContent, KeystoreEntryContent } from './model';
import { KdfBudget, PbeError, pbeScheme, splitEncryptedPrivateKeyInfo } from './pbe';
import { Pkcs12Hash, bmpPassword, pkcs12Kdf } from './pkcs12Kdf';
import { withFields } from '../collections';

const MAC_HASHES: Record<string, Pkcs12Hash> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};
const FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const LOCAL_KEY_ID = '1.2.840.113549.1.9.21';
/** Java's trusted-certificate marker (keytool writes it on truststore entries). */
const JAVA_TRUSTED = '2.16.840.1.113894.746875.1.1';
/** Nested SafeContents bags deeper than this are not followed (a hostile file could nest without end). */
const MAX_NESTING = 8;

const bytesOf = (buffer: ArrayBuffer) => new Uint8Array(buffer);


function octets(explicitContent: ArrayBuffer): Uint8Array {
  return bytesOf(parse(explicitContent, OctetString).buffer);
}

interface Bag {
  kind: 'certificate' | 'key' | 'shrouded-key';
  bytes: Uint8Array;
  friendlyName?: string;
  localKeyId?: string;
  trusted: boolean;
}

/** Opens a PKCS#12 file with the first of `passwords` that verifies its MAC (or decrypts it, without a MAC). Throws on malformed structure. */
export async function readPkcs12(der: Uint8Array, passwords: readonly string[]): Promise<KeystoreContent> {
  const pfx = parse(der, PFX);
  if (pfx.authSafe.contentType !== id_data) {
    throw new Error('PKCS#12 with public-key integrity (signed) is not read by PKI Lens');
  }
  const authData = octets(pfx.authSafe.content);
  const store: KeystoreContent = { format: 'PKCS#12', entries: [], integrity: 'none', encryption: [], weak: [] };
  let password: string | undefined;
  const budget = new KdfBudget();
  if (pfx.macData) {
    const hash = MAC_HASHES[pfx.macData.mac.digestAlgorithm.algorithm];
    if (!hash) {
      throw new Error(`PKCS#12 MAC algorithm ${pfx.macData.mac.digestAlgorithm.algorithm} is not one PKI Lens verifies`);
    }
    const iterations = pfx.macData.iterations ?? 1;
    store.integrityAlgorithm = `MAC ${hash.replace('-', '').toLowerCase()}, Iteration ${iterations}`;
    if (hash === 'SHA-1') {
      store.weak.push('SHA-1 MAC');
    }
    for (const candidate of passwords) {
      if (await macMatches(hash, candidate, bytesOf(pfx.macData.macSalt.buffer), iterations, authData, bytesOf(pfx.macData.mac.digest.buffer))) {
        password = candidate;
        break;
      }
    }
    store.integrity = password === undefined ? 'failed' : 'verified';
  }
  const bags: Bag[] = [];
  for (const info of parse(authData, AuthenticatedSafe)) {
    if (info.contentType === id_data) {
      collectBags(octets(info.content), bags, 0);
    } else if (info.contentType === id_encryptedData) {
      try {
        const opened = await openEncryptedData(info, pfx.macData ? (password === undefined ? [] : [password]) : passwords, store, budget);
        if (opened) {
          password ??= opened.password;
          collectBags(opened.plain, bags, 0);
        }
      } catch (e) {
        if (!(e instanceof PbeError)) {
          throw e;
        }
        store.entries.push({ type: 'certificate', certificates: [], error: `an encrypted safe was not read: ${e.message}` });
      }
    } else {
      store.entries.push({ type: 'certificate', certificates: [], error: `a safe of content type ${info.contentType} (public-key encrypted) was not read` });
    }
  }
  if (password === undefined && (pfx.macData || store.encryption.length)) {
    store.locked = 'the empty password and every supplied password fail its MAC';
  } else if (password !== undefined) {
    store.opened = password === '' ? 'empty password' : 'supplied password';
  }
  await groupBags(bags, password, store, budget);
  return store;
}

async function macMatches(hash: Pkcs12Hash, password: string, salt: Uint8Array, iterations: number, data: Uint8Array, expected: Uint8Array): Promise<boolean> {
  const size = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[hash];
  // openssl tries an empty password both as an empty BMPString (two zero bytes) and as no bytes at all.
  const forms = password === '' ? [bmpPassword(''), new Uint8Array(0)] : [bmpPassword(password)];
  for (const form of forms) {
    const key = await pkcs12Kdf(hash, form, salt, iterations, 3, size);
    const hmac = await globalThis.crypto.subtle.importKey('raw', toArrayBuffer(key), { name: 'HMAC', hash }, false, ['verify']);
    if (await globalThis.crypto.subtle.verify('HMAC', hmac, toArrayBuffer(expected), toArrayBuffer(data))) {
      return true;
    }
  }
  return false;
}

async function openEncryptedData(info: ContentInfo, candidates: readonly string[], store: KeystoreContent, budget: KdfBudget): Promise<{ plain: Uint8Array; password: string } | undefined> {
  // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo }: the schema reads the second element.
  const outer = bytesOf(info.content);
  const top = readTlv(outer, 0, outer.length, true);
  const parts = top && children(outer, top, true);
  if (!parts || parts.length < 2) {
    throw new Error('malformed PKCS#7 EncryptedData');
  }
  const eci = parse(outer.subarray(parts[1].start, parts[1].end), EncryptedContentInfo);
  const scheme = pbeScheme(new Uint8Array(AsnConvert.serialize(eci.contentEncryptionAlgorithm)));
  note(store, scheme.description, scheme.weak);
  const enc = eci.encryptedContent;
  const data = enc?.value ? bytesOf(enc.value.buffer) : concat((enc?.constructedValue ?? []).map(o => bytesOf(o.buffer)));
  for (const password of candidates) {
    budget.spend(scheme);
    const plain = await scheme.decrypt(password, data);
    if (plain && isDerSequence(plain)) {
      return { plain, password };
    }
  }
  return undefined;
}

function note(store: KeystoreContent, description: string, weak: boolean): void {
  if (!store.encryption.includes(description)) {
    store.encryption.push(description);
    if (weak) {
      store.weak.push(description.split(',')[0]);
    }
  }
}

function isDerSequence(bytes: Uint8Array): boolean {
  const top = readTlv(bytes, 0, bytes.length, true);
  return !!top && top.tag === 0x30 && top.end === bytes.length;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function collectBags(safeContents: Uint8Array, out: Bag[], depth: number): void {
  const bags = safeBagsFromDer(safeContents) ?? parse(safeContents, SafeContents).map(b => ({
    bagId: b.bagId, bagValue: bytesOf(b.bagValue), attributes: (b.bagAttributes ?? []).map(a => ({ attrId: a.attrId, attrValues: a.attrValues.map(bytesOf) })),
  }));
  for (const bag of bags) {
    const attributes = bag.attributes;
    const base = { friendlyName: friendlyName(attributes), localKeyId: localKeyId(attributes), trusted: attributes.some(a => a.attrId === JAVA_TRUSTED) };
    switch (bag.bagId) {
      case id_certBag: {
        const fast = certFromCertBag(bag.bagValue);
        const cert = fast ?? (() => {
          const schema = parse(bag.bagValue, CertBag);
          return { certId: schema.certId, certificate: octets(schema.certValue) };
        })();
        if (cert.certId === '1.2.840.113549.1.9.22.1') {
          out.push(withFields(base, { kind: 'certificate' as const, bytes: cert.certificate }));
        }
        break;
      }
      case id_keyBag:
        out.push(withFields(base, { kind: 'key' as const, bytes: bag.bagValue }));
        break;
      case id_pkcs8ShroudedKeyBag:
        out.push(withFields(base, { kind: 'shrouded-key' as const, bytes: bag.bagValue }));
        break;
      case id_SafeContents:
        if (depth < MAX_NESTING) {
          collectBags(bag.bagValue, out, depth + 1);
        }
        break;
    }
  }
}

function friendlyName(attributes: RawAttribute[]): string | undefined {
  const value = attributes.find(a => a.attrId === FRIENDLY_NAME)?.attrValues[0];
  if (!value) {
    return undefined;
  }
  const bytes = value;
  const tlv = readTlv(bytes, 0, bytes.length, true);
  if (!tlv || tlv.tag !== 0x1e) {
    return undefined;
  }
  let name = '';
  for (let i = tlv.contentStart; i + 1 < tlv.end; i += 2) {
    name += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
  }
  return name;
}

function localKeyId(attributes: RawAttribute[]): string | undefined {
  const value = attributes.find(a => a.attrId === LOCAL_KEY_ID)?.attrValues[0];
  return value ? toHex(value) : undefined;
}

/** Keys become private-key entries with the certificates sharing their localKeyId; the other certificates stand alone. */
async function groupBags(bags: Bag[], password: string | undefined, store: KeystoreContent, budget: KdfBudget): Promise<void> {
  const used = new Set<Bag>();
  for (const bag of bags.filter(b => b.kind !== 'certificate')) {
    const entry: KeystoreEntryContent = { alias: bag.friendlyName, type: 'private-key', certificates: [] };
    for (const cert of bags) {
      if (cert.kind === 'certificate' && bag.localKeyId !== undefined && cert.localKeyId === bag.localKeyId) {
        entry.certificates.push(cert.bytes);
        used.add(cert);
        entry.alias ??= cert.friendlyName;
      }
    }
    if (bag.kind === 'key') {
      entry.key = bag.bytes;
      entry.protection = 'not encrypted';
    } else {
      await openShroudedKey(bag.bytes, password, entry, store, budget);
    }
    store.entries.push(entry);
  }
  for (const cert of bags) {
    if (cert.kind === 'certificate' && !used.has(cert)) {
      store.entries.push({ alias: cert.friendlyName, type: cert.trusted ? 'trusted-certificate' : 'certificate', certificates: [cert.bytes] });
    }
  }
}

/** A shrouded key bag (EncryptedPrivateKeyInfo) decrypted to PKCS#8 with the store's password. */
export async function openShroudedKey(epki: Uint8Array, password: string | undefined, entry: KeystoreEntryContent, store?: KeystoreContent, budget = new KdfBudget()): Promise<void> {
  const parsed = splitEncryptedPrivateKeyInfo(epki);
  if (!parsed) {
    entry.error = 'malformed encrypted private key';
    return;
  }
  entry.encryptedKey = epki;
  try {
    const scheme = pbeScheme(parsed.algorithm);
    entry.protection = scheme.description;
    if (store) {
      note(store, scheme.description, scheme.weak);
    }
    if (password === undefined) {
      return;
    }
    budget.spend(scheme);
    const plain = await scheme.decrypt(password, parsed.data);
    if (plain && isDerSequence(plain)) {
      entry.key = plain;
    } else {
      entry.error = 'the private key does not decrypt with the store password';
    }
  } catch (e) {
    if (!(e instanceof PbeError)) {
      throw e;
    }
    entry.error = `private key not decrypted: ${e.message}`;
  }
}
