/**
 * Human names for the object identifiers a certificate reader meets, spelled as
 * `openssl x509 -text` spells them so output reads like the reference tool.
 */

import { flat } from '../flatString';

/**
 * Subject/issuer attribute names as `openssl -nameopt RFC2253` prints them: the short name (or the
 * long one where there is none) of every attribute-type arc in OpenSSL's object table
 * (obj_mac.h, OpenSSL 3.0): X.520 (2.5.4), PKCS#9, the pilot/LDAP attributes (0.9.2342…100.1), EV
 * jurisdiction (1.3.6.1.4.1.311.60.2.1), RFC 3739 personal data (1.3.6.1.5.5.7.9) and the Russian
 * registration numbers. OpenSSL names any OID it knows, so an attribute outside these arcs that it
 * knows still prints by name there and as `OID=#hex` here (none seen in real names).
 */
export const NAME_ATTRIBUTES: Record<string, string> = attributeTable({
  '2.5.4.': '3:CN 4:SN 5:serialNumber 6:C 7:L 8:ST 9:street 10:O 11:OU 12:title 13:description 14:searchGuide '
    + '15:businessCategory 16:postalAddress 17:postalCode 18:postOfficeBox 19:physicalDeliveryOfficeName 20:telephoneNumber '
    + '21:telexNumber 22:teletexTerminalIdentifier 23:facsimileTelephoneNumber 24:x121Address 25:internationaliSDNNumber '
    + '26:registeredAddress 27:destinationIndicator 28:preferredDeliveryMethod 29:presentationAddress '
    + '30:supportedApplicationContext 31:member 32:owner 33:roleOccupant 34:seeAlso 35:userPassword 36:userCertificate '
    + '37:cACertificate 38:authorityRevocationList 39:certificateRevocationList 40:crossCertificatePair 41:name 42:GN '
    + '43:initials 44:generationQualifier 45:x500UniqueIdentifier 46:dnQualifier 47:enhancedSearchGuide '
    + '48:protocolInformation 49:distinguishedName 50:uniqueMember 51:houseIdentifier 52:supportedAlgorithms '
    + '53:deltaRevocationList 54:dmdName 65:pseudonym 72:role 97:organizationIdentifier 98:c3 99:n3 100:dnsName',
  '0.9.2342.19200300.100.1.': '1:UID 2:textEncodedORAddress 3:mail 4:info 5:favouriteDrink 6:roomNumber 7:photo '
    + '8:userClass 9:host 10:manager 11:documentIdentifier 12:documentTitle 13:documentVersion 14:documentAuthor '
    + '15:documentLocation 20:homeTelephoneNumber 21:secretary 22:otherMailbox 23:lastModifiedTime 24:lastModifiedBy '
    + '25:DC 26:aRecord 27:pilotAttributeType27 28:mXRecord 29:nSRecord 30:sOARecord 31:cNAMERecord 37:associatedDomain '
    + '38:associatedName 39:homePostalAddress 40:personalTitle 41:mobileTelephoneNumber 42:pagerTelephoneNumber '
    + '43:friendlyCountryName 44:uid 45:organizationalStatus 46:janetMailbox 47:mailPreferenceOption 48:buildingName '
    + '49:dSAQuality 50:singleLevelQuality 51:subtreeMinimumQuality 52:subtreeMaximumQuality 53:personalSignature '
    + '54:dITRedirect 55:audio 56:documentPublisher',
  '1.2.840.113549.1.9.': '1:emailAddress 2:unstructuredName 3:contentType 4:messageDigest 5:signingTime '
    + '6:countersignature 7:challengePassword 8:unstructuredAddress 9:extendedCertificateAttributes 14:extReq '
    + '15:SMIME-CAPS 16:SMIME 20:friendlyName 21:localKeyID',
  '1.3.6.1.4.1.311.60.2.1.': '1:jurisdictionL 2:jurisdictionST 3:jurisdictionC',
  '1.3.6.1.5.5.7.9.': '1:id-pda-dateOfBirth 2:id-pda-placeOfBirth 3:id-pda-gender 4:id-pda-countryOfCitizenship '
    + '5:id-pda-countryOfResidence',
  '1.2.643.100.': '1:OGRN 3:SNILS 5:OGRNIP 111:subjectSignTool 112:issuerSignTool 113:classSignTool',
  '1.2.643.3.131.1.': '1:INN',
});

/** `{ arc: 'n:name n:name …' }` to `{ 'arc.n': name }`: the table above stays readable at a glance. */
function attributeTable(arcs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [arc, list] of Object.entries(arcs)) {
    for (const item of list.split(' ')) {
      const [n, name] = item.split(':');
      out[arc + n] = name;
    }
  }
  return out;
}

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
  // The rest of OpenSSL's id-kp arc (obj_mac.h), and Certificate Transparency's precertificate signer.
  '1.3.6.1.5.5.7.3.10': { short: 'DVCS', long: 'dvcs' },
  '1.3.6.1.5.5.7.3.18': { short: 'capwapAC', long: 'Ctrl/provision WAP Access' },
  '1.3.6.1.5.5.7.3.19': { short: 'capwapWTP', long: 'Ctrl/Provision WAP Termination' },
  '1.3.6.1.5.5.7.3.23': { short: 'sendRouter', long: 'Send Router' },
  '1.3.6.1.5.5.7.3.24': { short: 'sendProxiedRouter', long: 'Send Proxied Router' },
  '1.3.6.1.5.5.7.3.25': { short: 'sendOwner', long: 'Send Owner' },
  '1.3.6.1.5.5.7.3.26': { short: 'sendProxiedOwner', long: 'Send Proxied Owner' },
  '1.3.6.1.5.5.7.3.27': { short: 'cmcCA', long: 'CMC Certificate Authority' },
  '1.3.6.1.5.5.7.3.28': { short: 'cmcRA', long: 'CMC Registration Authority' },
  '1.3.6.1.5.5.7.3.29': { short: 'cmcArchive', long: 'CMC Archive Server' },
  '1.3.6.1.5.5.7.3.30': { short: 'id-kp-bgpsec-router', long: 'BGPsec Router' },
  '1.3.6.1.5.5.7.3.31': { short: 'id-kp-BrandIndicatorforMessageIdentification', long: 'Brand Indicator for Message Identification' },
  '1.3.6.1.5.5.7.3.32': { short: 'cmKGA', long: 'Certificate Management Key Generation Authority' },
  '1.3.6.1.4.1.11129.2.4.4': { short: 'ct_precert_signer', long: 'CT Precertificate Signer' },
};

/**
 * An extended key usage as certificates hold it, one object per OID shared by every certificate
 * that names it (never mutated): both decoders used to make the same label string per certificate.
 */
const ekuInfos = new Map<string, { oid: string; short: string; label: string }>();
export function extendedKeyUsageInfo(oid: string): { oid: string; short: string; label: string } {
  let info = ekuInfos.get(oid);
  if (!info) {
    const known = EXTENDED_KEY_USAGES[oid];
    info = known ? { oid, short: known.short, label: flat(known.long, ' (', known.short, ')') } : { oid, short: oid, label: oid };
    if (ekuInfos.size < 1024) {
      ekuInfos.set(oid, info); // hostile input may name endless made-up OIDs: those are not kept
    }
  }
  return info;
}

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

/** One signature algorithm as each tool names it, and what verifying it takes. */
export interface SignatureAlgorithmInfo {
  /** openssl's name (`Signature Algorithm:` in `openssl x509 -text`). */
  name: string;
  /** Go's `x509.SignatureAlgorithm.String()`; absent where Go does not know the algorithm. */
  go?: string;
  hash: 'MD2' | 'MD5' | 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512' | 'none';
  /** The key family, in Go's words (RSA-PSS parameters live in the AlgorithmIdentifier). */
  key: 'RSA' | 'RSA-PSS' | 'DSA' | 'ECDSA' | 'Ed25519' | 'Ed448';
  /** Collisions are practical: it no longer protects anything. */
  weak?: true;
}

/**
 * The one signature-algorithm table: display names (openssl), Go's names for verification
 * messages, hashes and key families for WebCrypto (signature.ts), weakness for the weak-signature
 * check. Every other table is derived from it.
 */
export const SIGNATURES: Record<string, SignatureAlgorithmInfo> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', go: 'MD2-RSA', hash: 'MD2', key: 'RSA', weak: true },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', go: 'MD5-RSA', hash: 'MD5', key: 'RSA', weak: true },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', go: 'SHA1-RSA', hash: 'SHA-1', key: 'RSA', weak: true },
  '1.3.14.3.2.29': { name: 'sha1WithRSA', go: 'SHA1-RSA', hash: 'SHA-1', key: 'RSA', weak: true },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', hash: 'none', key: 'RSA-PSS' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', go: 'SHA256-RSA', hash: 'SHA-256', key: 'RSA' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', go: 'SHA384-RSA', hash: 'SHA-384', key: 'RSA' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', go: 'SHA512-RSA', hash: 'SHA-512', key: 'RSA' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'SHA-224', key: 'RSA' },
  '1.2.840.10040.4.3': { name: 'dsa_with_SHA1', go: 'DSA-SHA1', hash: 'SHA-1', key: 'DSA', weak: true },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa_with_SHA256', go: 'DSA-SHA256', hash: 'SHA-256', key: 'DSA' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', go: 'ECDSA-SHA1', hash: 'SHA-1', key: 'ECDSA', weak: true },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'SHA-224', key: 'ECDSA' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', go: 'ECDSA-SHA256', hash: 'SHA-256', key: 'ECDSA' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', go: 'ECDSA-SHA384', hash: 'SHA-384', key: 'ECDSA' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', go: 'ECDSA-SHA512', hash: 'SHA-512', key: 'ECDSA' },
  '1.3.101.112': { name: 'ED25519', go: 'Ed25519', hash: 'none', key: 'Ed25519' },
  '1.3.101.113': { name: 'ED448', hash: 'none', key: 'Ed448' },
};

/** openssl's name of each signature algorithm (derived from SIGNATURES). */
export const SIGNATURE_ALGORITHMS: Record<string, string> = Object.fromEntries(Object.entries(SIGNATURES).map(([oid, s]) => [oid, s.name]));

/** Signature algorithms that no longer protect anything: collisions are practical. */
export const WEAK_SIGNATURE_ALGORITHMS = new Set(Object.keys(SIGNATURES).filter(oid => SIGNATURES[oid].weak));

/** A signature algorithm as Go's crypto/x509 knows it. */
export interface GoSignatureAlgorithmInfo {
  name: string;
  hash: Exclude<SignatureAlgorithmInfo['hash'], 'SHA-224'>;
  key: Exclude<SignatureAlgorithmInfo['key'], 'RSA-PSS' | 'Ed448'>;
}

/** Go's view of a signature algorithm, or undefined where Go does not know it (RSA-PSS: judged by its parameters). */
export function goSignatureAlgorithm(oid: string): GoSignatureAlgorithmInfo | undefined {
  const s = SIGNATURES[oid];
  // Entries with a Go name never use SHA-224, RSA-PSS or Ed448 (Go has none of them).
  return s?.go ? { name: s.go, hash: s.hash, key: s.key } as GoSignatureAlgorithmInfo : undefined;
}

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
