import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CRLDistributionPoints, CRLNumber, CRLReason,
  CertificatePolicies, ExtendedKeyUsage, GeneralName, IssueAlternativeName, KeyUsage, NameConstraints, PolicyConstraints,
  SubjectAlternativeName, SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { CertificateInfo } from '../x509/certificate';
import { fromHex, toHex } from '../x509/bytes';
import { formatName, nameFromAsn } from '../x509/name';
import { EXTENDED_KEY_USAGES, EXTENSIONS, KEY_USAGE_NAMES } from '../x509/oids';
import { CT_LOG_SNAPSHOT_DATE } from '../x509/ctLogs';
import { SCT_LIST_OID, decodeSctList, sctTimeText } from '../x509/sct';

/**
 * The value lines of an X.509 extension, as `openssl x509 -text` would print them: the common
 * extensions of certificates, CSRs and CRLs are decoded from their DER value (SANs of a
 * certificate come from CertificateInfo, whose IPv6 spelling matches openssl's); everything else,
 * and anything malformed, is shown as a hex dump so nothing is ever hidden.
 */

export interface ExtensionLike {
  oid: string;
  critical: boolean;
  valueHex: string;
}

const ACCESS_METHODS: Record<string, string> = {
  '1.3.6.1.5.5.7.48.1': 'OCSP',
  '1.3.6.1.5.5.7.48.2': 'CA Issuers',
  '1.3.6.1.5.5.7.48.3': 'Time Stamping',
  '1.3.6.1.5.5.7.48.5': 'CA Repository',
};

const CRL_REASONS = ['Unspecified', 'Key Compromise', 'CA Compromise', 'Affiliation Changed', 'Superseded', 'Cessation Of Operation', 'Certificate Hold', '', 'Remove From CRL', 'Privilege Withdrawn', 'AA Compromise'];

/** `X509v3 Subject Alternative Name (2.5.29.17): critical`. */
export function extensionHeading(ext: ExtensionLike): string {
  const name = EXTENSIONS[ext.oid];
  return `${name ? `${name} (${ext.oid})` : `${ext.oid} (unknown extension)`}:${ext.critical ? ' critical' : ''}`;
}

/** openssl's spelling of a SAN type prefix. */
export function sanPrefix(type: string): string {
  return ({ IP: 'IP Address', DirName: 'DirName', RID: 'Registered ID', othername: 'othername' } as Record<string, string>)[type] ?? type;
}

export function generalNameText(n: GeneralName): string {
  if (n.dNSName !== undefined) { return `DNS:${n.dNSName}`; }
  if (n.iPAddress !== undefined) { return `IP Address:${n.iPAddress}`; }
  if (n.rfc822Name !== undefined) { return `email:${n.rfc822Name}`; }
  if (n.uniformResourceIdentifier !== undefined) { return `URI:${n.uniformResourceIdentifier}`; }
  if (n.directoryName !== undefined) { return `DirName:${formatName(nameFromAsn(n.directoryName).rdns)}`; }
  if (n.registeredID !== undefined) { return `Registered ID:${n.registeredID}`; }
  if (n.otherName !== undefined) { return `othername:${n.otherName.typeId}`; }
  return '<unsupported name>';
}

/** Colon-separated hex, 16 bytes a line, as openssl dumps values it cannot name. */
export function hexDump(hex: string, maxBytes = 1024): string[] {
  const bytes = fromHex(hex);
  const shown = bytes.subarray(0, maxBytes);
  const lines: string[] = [];
  for (let i = 0; i < shown.length; i += 16) {
    lines.push(toHex(shown.subarray(i, i + 16), ':'));
  }
  if (bytes.length > shown.length) {
    lines.push(`… ${bytes.length - shown.length} more bytes`);
  }
  return lines.length ? lines : ['(empty)'];
}

function parse<T>(hex: string, type: new () => T): T {
  return AsnConvert.parse(fromHex(hex), type);
}

function ekuText(oid: string): string {
  const known = EXTENDED_KEY_USAGES[oid];
  return known ? `${known.long} (${known.short}, ${oid})` : oid;
}

/** Lines for extensions without a CertificateInfo to read them from (CSRs, CRLs) or that it skips; undefined means "show hex". */
function decodeOther(ext: ExtensionLike): string[] | undefined {
  switch (ext.oid) {
    case SCT_LIST_OID: {
      const result = decodeSctList(fromHex(ext.valueHex));
      if ('error' in result) {
        throw new Error(result.error);
      }
      return result.scts.flatMap(sct => [
        'Signed Certificate Timestamp:',
        `  Version   : v${sct.version + 1} (0x${sct.version.toString(16)})`,
        `  Log       : ${sct.logName ?? `(not in the ${CT_LOG_SNAPSHOT_DATE} list of known logs)`}`,
        `  Log ID    : ${sct.logIdHex}`,
        `  Timestamp : ${sctTimeText(sct.timestamp)}`,
        `  Extensions: ${sct.extensionsHex || 'none'}`,
        `  Signature : ${sct.signatureAlgorithm}`,
      ]);
    }
    case '2.5.29.17':
      return parse(ext.valueHex, SubjectAlternativeName).map(generalNameText);
    case '2.5.29.15': {
      const flags = parse(ext.valueHex, KeyUsage).toNumber();
      return [KEY_USAGE_NAMES.filter((_, i) => flags & (1 << i)).join(', ') || '(no bits set)'];
    }
    case '2.5.29.37':
      return parse(ext.valueHex, ExtendedKeyUsage).map(ekuText);
    case '2.5.29.19': {
      const bc = parse(ext.valueHex, BasicConstraints);
      return [`CA:${bc.cA ? 'TRUE' : 'FALSE'}${bc.pathLenConstraint !== undefined ? `, pathlen:${bc.pathLenConstraint}` : ''}`];
    }
    case '2.5.29.14':
      return [toHex(parse(ext.valueHex, SubjectKeyIdentifier).buffer, ':').toUpperCase()];
    case '2.5.29.35': {
      const id = parse(ext.valueHex, AuthorityKeyIdentifier).keyIdentifier;
      return id ? [`keyid:${toHex(id.buffer, ':').toUpperCase()}`] : undefined;
    }
    case '1.3.6.1.5.5.7.1.1':
    case '1.3.6.1.5.5.7.1.11':
      return parse(ext.valueHex, AuthorityInfoAccessSyntax).map(a => `${ACCESS_METHODS[a.accessMethod] ?? a.accessMethod} - ${generalNameText(a.accessLocation)}`);
    case '2.5.29.31':
      return parse(ext.valueHex, CRLDistributionPoints).flatMap(dp => {
        const full = dp.distributionPoint?.fullName?.map(generalNameText) ?? [];
        return full.length ? ['Full Name:', ...full.map(n => `  ${n}`)] : ['(distribution point without a full name)'];
      });
    case '2.5.29.32':
      return parse(ext.valueHex, CertificatePolicies).map(p => `Policy: ${p.policyIdentifier}${p.policyQualifiers?.length ? ` (${p.policyQualifiers.length} qualifier${p.policyQualifiers.length > 1 ? 's' : ''})` : ''}`);
    case '2.5.29.18':
      return parse(ext.valueHex, IssueAlternativeName).map(generalNameText);
    case '2.5.29.30': {
      const nc = parse(ext.valueHex, NameConstraints);
      return [
        ...(nc.permittedSubtrees?.length ? ['Permitted:', ...nc.permittedSubtrees.map(s => `  ${generalNameText(s.base)}`)] : []),
        ...(nc.excludedSubtrees?.length ? ['Excluded:', ...nc.excludedSubtrees.map(s => `  ${generalNameText(s.base)}`)] : []),
      ];
    }
    case '2.5.29.36': {
      const pc = parse(ext.valueHex, PolicyConstraints);
      const skip = (v: ArrayBuffer) => parseInt(toHex(v) || '0', 16);
      return [
        ...(pc.requireExplicitPolicy !== undefined ? [`Require Explicit Policy:${skip(pc.requireExplicitPolicy)}`] : []),
        ...(pc.inhibitPolicyMapping !== undefined ? [`Inhibit Policy Mapping:${skip(pc.inhibitPolicyMapping)}`] : []),
      ];
    }
    case '2.5.29.20':
      return [String(parse(ext.valueHex, CRLNumber).value)];
    case '2.5.29.21':
      return [CRL_REASONS[parse(ext.valueHex, CRLReason).reason] || 'Unknown reason'];
    default:
      return undefined;
  }
}

/** SANs as the certificate decoder read them: IPv6 already spelled as openssl spells it. */
function fromCertificate(ext: ExtensionLike, cert: CertificateInfo): string[] | undefined {
  return ext.oid === '2.5.29.17' && cert.subjectAltNames.length ? cert.subjectAltNames.map(s => `${sanPrefix(s.type)}:${s.value}`) : undefined;
}

/** Heading plus indented value lines for one extension; never throws. */
export function extensionLines(ext: ExtensionLike, cert?: CertificateInfo): string[] {
  let values: string[] | undefined;
  let note = '';
  try {
    values = (cert && fromCertificate(ext, cert)) ?? decodeOther(ext);
  } catch {
    note = ' (could not be decoded; raw value below)';
  }
  const lines = [extensionHeading(ext) + note];
  if (values && values.length) {
    lines.push(...values.map(v => `    ${v}`));
  } else {
    lines.push(...hexDump(ext.valueHex).map(v => `    ${v}`));
  }
  return lines;
}
