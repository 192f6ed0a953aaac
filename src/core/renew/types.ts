import type { CertificateInfo } from '../x509/certificate';
import type { PrivateKeyEncoding, PrivateKeyMaterial } from '../x509/keygen';
import type { SanEdit } from './subjectAltNames';

/** What renewal takes and gives back. */

/** What happens to the certificate's key pair. */
export type KeyPolicy =
  /** Keep the certificate's public key. When the private key is given it must belong to the certificate. */
  | { policy: 'reuse'; privateKey?: PrivateKeyMaterial }
  /**
   * A new key of the same algorithm and size. The new key is written as `format`, else in the
   * format of the key it replaces (`previousKeyLabel`: `RSA PRIVATE KEY` keeps PKCS#1 as kubeadm
   * writes it, `EC PRIVATE KEY` keeps SEC1 as the kubelet writes it), else PKCS#8.
   */
  | { policy: 'rotate'; format?: PrivateKeyEncoding; previousKeyLabel?: string };

export interface RenewCertificateOptions {
  /** DER of the certificate to renew. */
  certificate: Uint8Array;
  /** DER of the issuing CA's certificate. */
  caCertificate: Uint8Array;
  /** The CA's private key (decrypted DER with its PEM label) or a WebCrypto signing key. */
  caKey: PrivateKeyMaterial | CryptoKey;
  key: KeyPolicy;
  /** Defaults to the current time. */
  now?: Date;
  /** Lifetime of the new certificate; defaults to the old certificate's lifetime. */
  validityDays?: number;
  /** Re-issue under a CA that did not sign the old certificate (moving to a new CA). */
  allowDifferentIssuer?: boolean;
  /** Names to add to or remove from the Subject Alternative Names; every other field and extension stays. */
  subjectAltNames?: SanEdit;
}

export interface RenewCaOptions {
  caCertificate: Uint8Array;
  caKey: PrivateKeyMaterial | CryptoKey;
  now?: Date;
  /** Defaults to the old CA certificate's lifetime. */
  validityDays?: number;
}

/** One field of the preview: the value before and after. */
export interface FieldChange<T> {
  old: T;
  new: T;
  changed: boolean;
}

/** Old versus new, for the preview shown before anything is written. */
export interface RenewalChanges {
  subject: FieldChange<string>;
  issuer: FieldChange<string>;
  /** `DNS:kubernetes`, `IP:10.96.0.1`… in certificate order. */
  subjectAltNames: FieldChange<string[]>;
  notBefore: FieldChange<Date>;
  notAfter: FieldChange<Date>;
  serialNumber: FieldChange<string>;
  /** Key description and SHA-256 of the SubjectPublicKeyInfo, e.g. `RSA 2048 (SHA-256 3F:A1…)`. */
  publicKey: FieldChange<string> & { policy: 'reuse' | 'rotate' };
  signatureAlgorithm: FieldChange<string>;
  subjectKeyId: FieldChange<string | undefined>;
  authorityKeyId: FieldChange<string | undefined>;
  /** Extension names: copied unchanged, rewritten (AKI, SKI), added (AKI where there was none), left out (SCTs). */
  extensions: { kept: string[]; replaced: string[]; added: string[]; dropped: string[] };
  /** The CA that signs the new certificate. */
  ca: { subject: string; serialNumber: string; notAfter: Date; subjectKeyId?: string };
  /** How the old certificate relates to this CA. */
  issuedByCa: 'verified' | 'same-name' | 'different-issuer';
  /** One line per changed field, for a quick preview. */
  summary: string[];
}

export interface RenewalResult {
  certificateDer: Uint8Array;
  /** PEM with LF line endings and a final newline. */
  certificatePem: string;
  /** The new certificate, decoded. */
  certificate: CertificateInfo;
  keyPolicy: 'reuse' | 'rotate';
  /** The new private key (rotate only). Private material: write it, never log it. */
  privateKeyPem?: string;
  privateKeyFormat?: PrivateKeyEncoding;
  /** Uppercase hex, as `openssl x509 -serial` prints it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** NotAfter was cut to the CA's NotAfter. */
  clamped: boolean;
  clampMessage?: string;
  /** `sha256WithRSAEncryption`, `ecdsa-with-SHA384`, `ED25519`… */
  signatureAlgorithm: string;
  /** Things the operator should know that did not stop the renewal. */
  warnings: string[];
  changes: RenewalChanges;
}
