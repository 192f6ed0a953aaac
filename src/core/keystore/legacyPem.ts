/**
 * A legacy OpenSSL-encrypted PEM key (`Proc-Type: 4,ENCRYPTED` with `DEK-Info: <cipher>,<iv>`, as
 * `openssl rsa -aes256 -traditional`, `openssl ec -aes128` and `-des3` write it) opened with the
 * supplied passwords, so it pairs with its certificate like an encrypted PKCS#8 key
 * (encryptedKey.ts). The key is OpenSSL's EVP_BytesToKey: MD5, one iteration, salt = the first
 * 8 bytes of the IV. MD5 and Triple DES come from the host (legacyCipher.ts); AES-CBC from WebCrypto.
 */
import { toArrayBuffer } from '../x509/bytes';
import { DecodedObject, decodeDer } from '../x509/material';
import { PemBlock } from '../x509/pem';
import { legacyCipher, legacyDigest } from './legacyCipher';

const CIPHERS: Record<string, { keyBytes: number; ivBytes: number; aes: boolean }> = {
  'AES-128-CBC': { keyBytes: 16, ivBytes: 16, aes: true },
  'AES-192-CBC': { keyBytes: 24, ivBytes: 16, aes: true },
  'AES-256-CBC': { keyBytes: 32, ivBytes: 16, aes: true },
  'DES-EDE3-CBC': { keyBytes: 24, ivBytes: 8, aes: false },
};

const LEGACY_LABELS = new Set(['RSA PRIVATE KEY', 'EC PRIVATE KEY']);

/** Whether the block is a legacy encrypted PEM key (Proc-Type: 4,ENCRYPTED). */
export function isLegacyEncryptedPem(block: PemBlock): boolean {
  return LEGACY_LABELS.has(block.label) && /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
}

type DekInfo = { cipher: string; iv: Uint8Array; spec: (typeof CIPHERS)[string] };

/** The DEK-Info header read strictly; a string saying what is wrong with it otherwise (its value is public: a cipher name and an IV). */
export function parseDekInfo(value: string | undefined): DekInfo | string {
  if (value === undefined) {
    return 'it has Proc-Type: 4,ENCRYPTED but no DEK-Info header';
  }
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  const [cipher, hex, ...rest] = value.split(',').map(s => s.trim());
  const spec = CIPHERS[cipher?.toUpperCase()];
  if (!spec) {
    return `DEK-Info ${shown} names cipher "${(cipher ?? '').slice(0, 40)}", not one PKI Lens decrypts (${Object.keys(CIPHERS).join(', ')})`;
  }
  if (rest.length || !hex || !/^[0-9a-fA-F]*$/.test(hex) || hex.length !== spec.ivBytes * 2) {
    return `DEK-Info ${shown} is not valid: ${cipher} needs an IV of ${spec.ivBytes * 2} hex digits after the comma`;
  }
  const iv = new Uint8Array(spec.ivBytes);
  for (let i = 0; i < iv.length; i++) {
    iv[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  }
  return { cipher: cipher.toUpperCase(), iv, spec };
}

/** OpenSSL's EVP_BytesToKey(MD5, count 1): D_i = MD5(D_{i-1} ‖ password ‖ salt) until the key is long enough. */
function bytesToKey(md5: (data: Uint8Array) => Uint8Array, password: Uint8Array, salt: Uint8Array, length: number): Uint8Array {
  const key = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let filled = 0; filled < length; filled += previous.length) {
    const input = new Uint8Array(previous.length + password.length + salt.length);
    input.set(previous);
    input.set(password, previous.length);
    input.set(salt, previous.length + password.length);
    previous = md5(input);
    key.set(previous.subarray(0, length - filled), filled);
  }
  return key;
}

async function decrypt(dek: DekInfo, key: Uint8Array, data: Uint8Array): Promise<Uint8Array | undefined> {
  if (!dek.spec.aes) {
    return legacyCipher()!('des-ede3-cbc', key, dek.iv, data);
  }
  const subtle = globalThis.crypto.subtle;
  const aes = await subtle.importKey('raw', toArrayBuffer(key), 'AES-CBC', false, ['decrypt']);
  try {
    return new Uint8Array(await subtle.decrypt({ name: 'AES-CBC', iv: toArrayBuffer(dek.iv) }, aes, toArrayBuffer(data)));
  } catch {
    return undefined; // bad padding: the wrong password
  }
}

/**
 * The key opened with the first password that fits; a located error for a broken DEK-Info; a
 * locked key that says no supplied password opened it; undefined when there is nothing to try
 * (no passwords, or this host lacks MD5/Triple DES) and the ordinary decoder describes it.
 * Never throws; the passwords never reach the result.
 */
export async function openLegacyEncryptedPem(block: PemBlock, passwords: readonly string[]): Promise<DecodedObject | undefined> {
  const dek = parseDekInfo(block.headers['DEK-Info']);
  if (typeof dek === 'string') {
    return { kind: 'private-key', label: block.label, range: block.range, error: `Encrypted ${block.label}: ${dek}`, errorOffset: block.range.start };
  }
  const md5 = legacyDigest();
  const data = block.der;
  if (!passwords.length || !md5 || !data || (!dek.spec.aes && !legacyCipher())) {
    return undefined;
  }
  if (data.length % dek.spec.ivBytes !== 0) {
    return { kind: 'private-key', label: block.label, range: block.range, error: `Encrypted ${block.label}: ${data.length} bytes of ciphertext is not a whole number of ${dek.cipher} blocks (truncated?)`, errorOffset: block.range.start };
  }
  const format = block.label === 'EC PRIVATE KEY' ? 'SEC1 (encrypted, legacy PEM)' : 'PKCS#1 (encrypted, legacy PEM)';
  const encryption = `${dek.cipher} (legacy PEM, EVP_BytesToKey MD5)`;
  for (const password of new Set(passwords)) {
    const key = bytesToKey(md5, new TextEncoder().encode(password), dek.iv.subarray(0, 8), dek.spec.keyBytes);
    const plain = await decrypt(dek, key, data);
    if (plain && plain[0] === 0x30) {
      const opened = await decodeDer('private-key', block.label, plain, block.range);
      if (!opened.error && opened.privateKey) {
        return { ...opened, label: block.label, privateKey: { ...opened.privateKey, format, encrypted: true, encryption } };
      }
    }
  }
  const locked = await decodeDer('private-key', block.label, data, block.range, block.headers);
  return locked.privateKey
    ? { ...locked, privateKey: { ...locked.privateKey, encryption: `${encryption}; not opened: none of the supplied passwords fits` } }
    : locked;
}
