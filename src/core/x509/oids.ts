/**
 * Human names for the object identifiers a certificate reader meets, spelled as
 * `openssl x509 -text` spells them so output reads like the reference tool.
 */

/** Subject/issuer attribute short names, as RFC 4514 / openssl -nameopt RFC2253 print them. */
export const NAME_ATTRIBUTES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
  '2.5.4.15': 'businessCategory',
  '2.5.4.45': 'x500UniqueIdentifier',
  // Russian qualified certificates (GOST R 34.10), as openssl names them.
  '1.2.643.3.131.1.1': 'INN',
  '1.2.643.100.1': 'OGRN',
  '1.2.643.100.3': 'SNILS',
  '1.2.643.100.5': 'OGRNIP',
};

export interface EkuName {
  short: string;
  long: string;
}

export const EXTENDED_KEY_USAGES: Record<string, EkuName> = {
  '1.3.6.1.5.5.7.3.1': { short: 'serverAuth', long: 'TLS Web Server Authentication' },
  '1.3.6.1.5.5.7.3.2': { short: 'clientAuth', long: 'TLS Web Client Authentication' },
  '1.3.6.1.5.5.7.3.3': { short: 'codeSigning', long: 'Code Signing' },
  '1.3.6.1.5.5.7.3.4': { short: 'emailProtection', long: 'E-mail Protection' },
  '1.3.6.1.5.5.7.3.8': { short: 'timeStamping', long: 'Time Stamping' },
  '1.3.6.1.5.5.7.3.9': { short: 'OCSPSigning', long: 'OCSP Signing' },
  '1.3.6.1.5.5.7.3.17': { short: 'ipsecIKE', long: 'ipsec Internet Key Exchange' },
  '2.5.29.37.0': { short: 'anyExtendedKeyUsage', long: 'Any Extended Key Usage' },
  '1.3.6.1.4.1.311.20.2.2': { short: 'msSmartcardLogin', long: 'Microsoft Smartcard Login' },
  '1.3.6.1.4.1.311.10.3.3': { short: 'msSGC', long: 'Microsoft Server Gated Crypto' },
  '2.16.840.1.113730.4.1': { short: 'nsSGC', long: 'Netscape Server Gated Crypto' },
  '1.3.6.1.4.1.311.2.1.21': { short: 'msCodeInd', long: 'Microsoft Individual Code Signing' },
  '1.3.6.1.4.1.311.2.1.22': { short: 'msCodeCom', long: 'Microsoft Commercial Code Signing' },
  '1.3.6.1.4.1.311.10.3.1': { short: 'msCTLSign', long: 'Microsoft Trust List Signing' },
  '1.3.6.1.4.1.311.10.3.4': { short: 'msEFS', long: 'Microsoft Encrypted File System' },
  '1.3.6.1.5.5.7.3.5': { short: 'ipsecEndSystem', long: 'IPSec End System' },
  '1.3.6.1.5.5.7.3.6': { short: 'ipsecTunnel', long: 'IPSec Tunnel' },
  '1.3.6.1.5.5.7.3.7': { short: 'ipsecUser', long: 'IPSec User' },
  '1.3.6.1.5.2.3.4': { short: 'pkInitClientAuth', long: 'PKINIT Client Auth' },
  '1.3.6.1.5.2.3.5': { short: 'pkInitKDC', long: 'Signing KDC Response' },
  '1.3.6.1.5.5.7.3.21': { short: 'secureShellClient', long: 'SSH Client' },
  '1.3.6.1.5.5.7.3.22': { short: 'secureShellServer', long: 'SSH Server' },
};

export const EXTENSIONS: Record<string, string> = {
  '2.5.29.14': 'X509v3 Subject Key Identifier',
  '2.5.29.15': 'X509v3 Key Usage',
  '2.5.29.17': 'X509v3 Subject Alternative Name',
  '2.5.29.18': 'X509v3 Issuer Alternative Name',
  '2.5.29.19': 'X509v3 Basic Constraints',
  '2.5.29.30': 'X509v3 Name Constraints',
  '2.5.29.31': 'X509v3 CRL Distribution Points',
  '2.5.29.32': 'X509v3 Certificate Policies',
  '2.5.29.33': 'X509v3 Policy Mappings',
  '2.5.29.35': 'X509v3 Authority Key Identifier',
  '2.5.29.36': 'X509v3 Policy Constraints',
  '2.5.29.37': 'X509v3 Extended Key Usage',
  '2.5.29.54': 'X509v3 Inhibit Any Policy',
  '2.5.29.20': 'X509v3 CRL Number',
  '2.5.29.21': 'X509v3 CRL Reason Code',
  '2.5.29.27': 'X509v3 Delta CRL Indicator',
  '2.5.29.28': 'X509v3 Issuing Distribution Point',
  '1.3.6.1.5.5.7.1.1': 'Authority Information Access',
  '1.3.6.1.5.5.7.1.11': 'Subject Information Access',
  '1.3.6.1.5.5.7.1.24': 'TLS Feature',
  '1.3.6.1.4.1.11129.2.4.2': 'CT Precertificate SCTs',
  '1.3.6.1.4.1.11129.2.4.3': 'CT Precertificate Poison',
  '2.16.840.1.113730.1.1': 'Netscape Cert Type',
  '2.16.840.1.113730.1.13': 'Netscape Comment',
};

/** Extensions whose meaning we understand; any other one marked critical must make verification fail. */
export const UNDERSTOOD_EXTENSIONS = new Set([
  '2.5.29.14', '2.5.29.15', '2.5.29.17', '2.5.29.19', '2.5.29.30', '2.5.29.32', '2.5.29.35', '2.5.29.36',
  '2.5.29.37', '2.5.29.54', '2.5.29.33',
]);

export const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10040.4.3': 'dsa_with_SHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa_with_SHA256',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

/** Signature algorithms that no longer protect anything: collisions are practical. */
export const WEAK_SIGNATURE_ALGORITHMS = new Set([
  '1.2.840.113549.1.1.2', '1.2.840.113549.1.1.4', '1.2.840.113549.1.1.5', '1.2.840.10040.4.3', '1.2.840.10045.4.1',
]);

export const KEY_ALGORITHMS: Record<string, 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'X25519' | 'X448' | 'DSA' | 'RSA-PSS'> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
  '1.2.840.10045.2.1': 'EC',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.2.840.10040.4.1': 'DSA',
};

export interface CurveInfo {
  name: 'P-256' | 'P-384' | 'P-521' | 'secp256k1' | 'brainpoolP256r1' | 'brainpoolP384r1' | 'brainpoolP512r1';
  openssl: string;
  bits: number;
}

export const CURVES: Record<string, CurveInfo> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', openssl: 'prime256v1', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', openssl: 'secp384r1', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', openssl: 'secp521r1', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', openssl: 'secp256k1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', openssl: 'brainpoolP256r1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', openssl: 'brainpoolP384r1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', openssl: 'brainpoolP512r1', bits: 512 },
};

export const KEY_USAGE_NAMES = [
  'Digital Signature', 'Non Repudiation', 'Key Encipherment', 'Data Encipherment', 'Key Agreement',
  'Certificate Sign', 'CRL Sign', 'Encipher Only', 'Decipher Only',
] as const;

export function extensionName(oid: string): string {
  return EXTENSIONS[oid] ?? oid;
}

export function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_ALGORITHMS[oid] ?? oid;
}
