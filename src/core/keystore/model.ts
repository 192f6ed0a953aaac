/**
 * What a keystore or certificate container holds, as the readers of this room report it: the
 * formats PKCS#12 (.p12/.pfx), PKCS#7/CMS certificate bundles (.p7b/.p7c), Java KeyStore (JKS)
 * and JCEKS. Key material leaves this room only as PKCS#8 DER handed to the x509 decoder, which
 * keeps the public half alone; passwords never leave it at all.
 */
export type KeystoreFormat = 'PKCS#12' | 'PKCS#7' | 'JKS' | 'JCEKS';

export type KeystoreEntryType = 'private-key' | 'trusted-certificate' | 'certificate' | 'secret-key' | 'crl';

/** One entry as read (bytes included): a key with its chain, a trusted certificate, a certificate bag. */
export interface KeystoreEntryContent {
  alias?: string;
  type: KeystoreEntryType;
  /** Certificate DER, leaf first for a key entry's chain. */
  certificates: Uint8Array[];
  /** The private key as PKCS#8 DER once decrypted; handed to the x509 decoder, never kept. */
  key?: Uint8Array;
  /** The key still encrypted (EncryptedPrivateKeyInfo DER) when no password opened it. */
  encryptedKey?: Uint8Array;
  /** How the key is protected, e.g. "PBES2 (PBKDF2, AES-256-CBC)". */
  protection?: string;
  /** Why this entry (or its key) could not be read. */
  error?: string;
  /** JKS/JCEKS creation date. */
  created?: Date;
}

/** Whether the store's integrity (PKCS#12 MAC, JKS keyed SHA-1 digest) was checked. */
export type KeystoreIntegrity = 'verified' | 'failed' | 'none';

export interface KeystoreContent {
  format: KeystoreFormat;
  entries: KeystoreEntryContent[];
  integrity: KeystoreIntegrity;
  /** "HMAC-SHA256, 2048 iterations", "SHA-1 keyed digest". */
  integrityAlgorithm?: string;
  /** Encryption schemes met, in order, without repeats. */
  encryption: string[];
  /** Legacy algorithms in use (40-bit RC2, 3DES, SHA-1 MAC, JKS's own key protection). */
  weak: string[];
  /** The store could not be opened (or its integrity checked) with any password tried. */
  locked?: string;
  /** Which password opened it: the empty one, or one the user supplied (never which). */
  opened?: 'empty password' | 'supplied password';
}

/** The content without any bytes: what an analysis keeps and the renderers show. */
export interface KeystoreSummary {
  format: KeystoreFormat;
  integrity: KeystoreIntegrity;
  integrityAlgorithm?: string;
  encryption: string[];
  weak: string[];
  locked?: string;
  opened?: 'empty password' | 'supplied password';
  entries: KeystoreEntrySummary[];
}

export interface KeystoreEntrySummary {
  alias?: string;
  type: KeystoreEntryType;
  /** Indices into the analysis entry's objects: the certificates, then the key when decoded. */
  objects: number[];
  protection?: string;
  error?: string;
  created?: Date;
}

/**
 * The passwords to try, in order, after the empty one. Supplied by the host (the CLI's
 * --password-file or PKI_LENS_PASSWORD, a prompt in VS Code, a sibling Secret key).
 */
export interface KeystorePasswords {
  passwords?: readonly string[];
}
