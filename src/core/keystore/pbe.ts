/**
 * Password-based decryption of a PKCS#12 bag or PKCS#8 EncryptedPrivateKeyInfo: PBES2 (PBKDF2 +
 * AES-CBC, openssl's default since 3.0) through WebCrypto, and the legacy PKCS#12 schemes
 * (RFC 7292 appendix C: SHA-1 KDF with RC2 or 3DES) through pkcs12Kdf.ts, rc2.ts and the host's 3DES.
 */
import { toArrayBuffer } from '../x509/bytes';
import { Tlv, children, content, oidString, readTlv } from '../x509/der';
import { legacyCipher } from './legacyCipher';
import { bmpPassword, MAX_ITERATIONS, pkcs12Kdf } from './pkcs12Kdf';

/** PBKDF2 runs natively in WebCrypto: a higher ceiling than the JavaScript PKCS#12 KDF (Java 20+ writes 10,000; some tools 600,000). */
const MAX_PBKDF2_ITERATIONS = 1_000_000;
import { rc2CbcDecrypt } from './rc2';

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';

const PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'SHA-1',
  '1.2.840.113549.2.9': 'SHA-256',
  '1.2.840.113549.2.10': 'SHA-384',
  '1.2.840.113549.2.11': 'SHA-512',
};

const AES: Record<string, { name: string; bytes: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'AES-128-CBC', bytes: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'AES-192-CBC', bytes: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'AES-256-CBC', bytes: 32 },
};

/** RFC 7292 appendix C; `weak` ones are what `weak-keystore` reports. */
const PKCS12_PBE: Record<string, { name: string; cipher: 'rc2' | '3des' | 'rc4'; keyBytes: number }> = {
  '1.2.840.113549.1.12.1.1': { name: 'pbeWithSHA1And128BitRC4', cipher: 'rc4', keyBytes: 16 },
  '1.2.840.113549.1.12.1.2': { name: 'pbeWithSHA1And40BitRC4', cipher: 'rc4', keyBytes: 5 },
  '1.2.840.113549.1.12.1.3': { name: 'pbeWithSHA1And3-KeyTripleDES-CBC', cipher: '3des', keyBytes: 24 },
  '1.2.840.113549.1.12.1.4': { name: 'pbeWithSHA1And2-KeyTripleDES-CBC', cipher: '3des', keyBytes: 16 },
  '1.2.840.113549.1.12.1.5': { name: 'pbeWithSHA1And128BitRC2-CBC', cipher: 'rc2', keyBytes: 16 },
  '1.2.840.113549.1.12.1.6': { name: 'pbeWithSHA1And40BitRC2-CBC', cipher: 'rc2', keyBytes: 5 },
};

export interface PbeScheme {
  /** As `openssl pkcs12 -info` prints it: "PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256". */
  description: string;
  /** A legacy scheme (RC2, RC4, 3DES, SHA-1 KDF). */
  weak: boolean;
  /** Key-derivation iterations one decryption costs (see KdfBudget). */
  iterations: number;
  /** The plaintext, or undefined when the padding is wrong (a wrong password). Throws PbeError when this host cannot decrypt it. */
  decrypt(password: string, data: Uint8Array): Promise<Uint8Array | undefined>;
}

/** A scheme PKI Lens (or this host) cannot decrypt, or malformed parameters. */
export class PbeError extends Error {}

/**
 * Key-derivation iterations one store may spend, all bags and passwords together: a real store
 * needs a few tens of thousands; a hostile one with thousands of bags each asking for a million
 * iterations stops here with a message instead of stalling the scan.
 */
export class KdfBudget {
  constructor(private left = 20_000_000) {}

  spend(scheme: PbeScheme): void {
    this.left -= scheme.iterations;
    if (this.left < 0) {
      throw new PbeError('key derivation budget exhausted (too many encrypted bags or iterations)');
    }
  }
}

const seq = (bytes: Uint8Array, tlv: Tlv | undefined) => (tlv && tlv.tag === 0x30 ? children(bytes, tlv, true) : undefined);
const int = (bytes: Uint8Array, tlv: Tlv | undefined) => {
  if (!tlv || tlv.tag !== 0x02 || tlv.end - tlv.contentStart > 6) {
    return undefined;
  }
  let n = 0;
  for (let i = tlv.contentStart; i < tlv.end; i++) {
    n = n * 256 + bytes[i];
  }
  return n;
};

/** The scheme of an AlgorithmIdentifier (DER of the whole SEQUENCE). Throws PbeError naming a scheme PKI Lens cannot decrypt. */
export function pbeScheme(algorithmDer: Uint8Array): PbeScheme {
  const parts = seq(algorithmDer, readTlv(algorithmDer, 0, algorithmDer.length, true));
  const oid = parts?.[0] && oidString(algorithmDer, parts[0]);
  if (!parts || !oid) {
    throw new PbeError('malformed encryption algorithm');
  }
  if (oid === PBES2) {
    return pbes2(algorithmDer, parts[1]);
  }
  const legacy = PKCS12_PBE[oid];
  if (!legacy) {
    throw new PbeError(`encryption algorithm ${oid} is not one PKI Lens decrypts`);
  }
  const params = seq(algorithmDer, parts[1]);
  const salt = params?.[0]?.tag === 0x04 ? content(algorithmDer, params[0]) : undefined;
  const iterations = int(algorithmDer, params?.[1]);
  if (!salt || !iterations || iterations > MAX_ITERATIONS) {
    throw new PbeError(`malformed ${legacy.name} parameters`);
  }
  return {
    description: `${legacy.name}, Iteration ${iterations}`,
    weak: true,
    iterations: iterations * 2,
    decrypt: async (password, data) => {
      const host = legacy.cipher === '3des' ? legacyCipher() : undefined;
      if (legacy.cipher !== 'rc2' && !host) {
        throw new PbeError(`${legacy.name} cannot be decrypted here (${legacy.cipher === '3des' ? 'no Triple DES in this host' : 'RC4 is not supported'})`);
      }
      // Like openssl, an empty password is tried as an empty BMPString (two zero bytes) and as no bytes at all.
      for (const p of password === '' ? [bmpPassword(''), new Uint8Array(0)] : [bmpPassword(password)]) {
        const key = await pkcs12Kdf('SHA-1', p, salt, iterations, 1, legacy.keyBytes);
        const iv = await pkcs12Kdf('SHA-1', p, salt, iterations, 2, 8);
        // 2-key Triple DES is K1 K2 K1.
        const plain = legacy.cipher === 'rc2' ? rc2CbcDecrypt(key, legacy.keyBytes * 8, iv, data)
          : host!('des-ede3-cbc', key.length === 16 ? Uint8Array.of(...key, ...key.subarray(0, 8)) : key, iv, data);
        if (plain) {
          return plain;
        }
      }
      return undefined;
    },
  };
}

function pbes2(der: Uint8Array, paramsTlv: Tlv | undefined): PbeScheme {
  const params = seq(der, paramsTlv);
  const kdf = seq(der, params?.[0]);
  const scheme = seq(der, params?.[1]);
  if (!kdf || !scheme || oidString(der, kdf[0]) !== PBKDF2) {
    throw new PbeError('PBES2 with a key derivation other than PBKDF2 is not one PKI Lens decrypts');
  }
  const kdfParams = seq(der, kdf[1]);
  const salt = kdfParams?.[0]?.tag === 0x04 ? content(der, kdfParams[0]) : undefined;
  const iterations = int(der, kdfParams?.[1]);
  const prfTlv = kdfParams?.slice(2).find(t => t.tag === 0x30);
  const prfOid = prfTlv ? oidString(der, seq(der, prfTlv)?.[0] ?? prfTlv) : '1.2.840.113549.2.7';
  const prf = prfOid ? PRFS[prfOid] : undefined;
  const cipherOid = oidString(der, scheme[0]);
  const aes = cipherOid ? AES[cipherOid] : undefined;
  const iv = scheme[1]?.tag === 0x04 ? content(der, scheme[1]) : undefined;
  if (!salt || !iterations || iterations > MAX_PBKDF2_ITERATIONS || !prf) {
    throw new PbeError('malformed or unsupported PBKDF2 parameters');
  }
  if (!aes || !iv || iv.length !== 16) {
    throw new PbeError(`PBES2 cipher ${cipherOid ?? '?'} is not one PKI Lens decrypts`);
  }
  return {
    description: `PBES2, PBKDF2, ${aes.name}, Iteration ${iterations}, PRF hmacWith${prf.replace('-', '')}`,
    weak: false,
    iterations,
    decrypt: async (password, data) => {
      const subtle = globalThis.crypto.subtle;
      const base = await subtle.importKey('raw', toArrayBuffer(new TextEncoder().encode(password)), 'PBKDF2', false, ['deriveKey']);
      const key = await subtle.deriveKey({ name: 'PBKDF2', salt: toArrayBuffer(salt), iterations, hash: prf }, base, { name: 'AES-CBC', length: aes.bytes * 8 }, false, ['decrypt']);
      try {
        return new Uint8Array(await subtle.decrypt({ name: 'AES-CBC', iv: toArrayBuffer(iv) }, key, toArrayBuffer(data)));
      } catch {
        return undefined; // bad padding: the wrong password
      }
    },
  };
}

/** EncryptedPrivateKeyInfo { AlgorithmIdentifier, OCTET STRING } split into its algorithm (whole DER and OID) and the encrypted bytes. */
export function splitEncryptedPrivateKeyInfo(epki: Uint8Array): { algorithm: Uint8Array; oid: string; data: Uint8Array } | undefined {
  const parts = seq(epki, readTlv(epki, 0, epki.length, true));
  const algorithm = seq(epki, parts?.[0]);
  const oid = algorithm?.[0] && oidString(epki, algorithm[0]);
  if (!parts || parts.length !== 2 || parts[1].tag !== 0x04 || !oid) {
    return undefined;
  }
  return { algorithm: epki.subarray(parts[0].start, parts[0].end), oid, data: content(epki, parts[1]) };
}
