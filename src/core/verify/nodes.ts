import { fromHex, toHex } from '../x509/bytes';
import { CertificateInfo } from '../x509/certificate';
import { expectChildren as childrenOf, expectTlv as readTlv } from '../x509/der';
import { UNDERSTOOD_EXTENSIONS } from '../x509/oids';
import { HostNames } from './hostMatch';
import { NameConstraints, SanEntry, parseNameConstraints } from './nameConstraints';

/**
 * A certificate as Go's verifier sees it: the raw fields it compares byte for byte, the names it
 * keeps, the critical extensions it does not handle, and why Go's ParseCertificate would refuse it.
 */

const OID_SAN = '2.5.29.17';
const OID_NAME_CONSTRAINTS = '2.5.29.30';
const OID_SKI = '2.5.29.14';
const OID_AIA = '1.3.6.1.5.5.7.1.1';
/** What Go's parser handles besides UNDERSTOOD_EXTENSIONS: CRL distribution points and AIA are read, so not "unhandled". */
const GO_HANDLED_EXTENSIONS = new Set([...UNDERSTOOD_EXTENSIONS, '2.5.29.31', OID_AIA]);

const ascii = (b: Uint8Array): string => String.fromCharCode(...b);

export interface Node {
  info: CertificateInfo;
  fp: string;
  rawSubject: string;
  rawIssuer: string;
  tbs: Uint8Array;
  signature: Uint8Array;
  sigParams?: Uint8Array;
  hasSan: boolean;
  sanHex?: string;
  sans: SanEntry[];
  dnsNames: string[];
  ipAddresses: Uint8Array[];
  nameConstraints?: NameConstraints;
  unhandledCritical: string[];
  /** Why Go's ParseCertificate would refuse this certificate. */
  parseError?: string;
}

export function toNode(info: CertificateInfo): Node {
  const der = info.der;
  const node: Node = {
    info, fp: info.fingerprints.sha256, rawSubject: '', rawIssuer: '', tbs: new Uint8Array(0), signature: new Uint8Array(0),
    hasSan: false, sans: [], dnsNames: [], ipAddresses: [], unhandledCritical: [],
  };
  try {
    const cert = readTlv(der, 0);
    const [tbs, sigAlg, sigValue] = childrenOf(der, cert);
    node.tbs = der.subarray(tbs.start, tbs.end);
    const params = childrenOf(der, sigAlg)[1];
    if (params && params.tag !== 0x05) {
      node.sigParams = der.subarray(params.start, params.end);
    }
    node.signature = der.subarray(sigValue.contentStart + 1, sigValue.end);
    const fields = childrenOf(der, tbs);
    const i = fields[0].tag === 0xa0 ? 1 : 0;
    const issuer = fields[i + 2];
    const subject = fields[i + 4];
    node.rawIssuer = toHex(der.subarray(issuer.start, issuer.end));
    node.rawSubject = toHex(der.subarray(subject.start, subject.end));
  } catch {
    node.parseError = 'x509: malformed certificate';
  }
  const seen = new Set<string>();
  for (const ext of info.extensions) {
    if (seen.has(ext.oid)) {
      node.parseError ??= `x509: certificate contains duplicate extension with OID "${ext.oid}"`;
    }
    seen.add(ext.oid);
    let unhandled = !GO_HANDLED_EXTENSIONS.has(ext.oid);
    try {
      if (ext.oid === OID_SAN) {
        node.hasSan = true;
        node.sanHex = ext.valueHex;
        parseSan(node, fromHex(ext.valueHex));
        // Go treats a SAN extension with no DNS, email, IP or URI name like an unknown one.
        unhandled = node.sans.length === 0;
      } else if (ext.oid === OID_NAME_CONSTRAINTS) {
        const parsed = parseNameConstraints(fromHex(ext.valueHex));
        node.nameConstraints = parsed.constraints;
        unhandled = parsed.unhandled;
      } else if ((ext.oid === OID_SKI || ext.oid === OID_AIA) && ext.critical) {
        node.parseError ??= ext.oid === OID_SKI
          ? 'x509: subject key identifier incorrectly marked critical'
          : 'x509: authority info access incorrectly marked critical';
      } else if (ext.oid === OID_AIA) {
        checkAia(fromHex(ext.valueHex));
      }
    } catch (e) {
      node.parseError ??= (e as Error).message.startsWith('x509:') ? (e as Error).message : `x509: invalid ${ext.name}`;
    }
    if (ext.critical && unhandled) {
      node.unhandledCritical.push(ext.oid);
    }
  }
  if (info.serialNumber.startsWith('-')) {
    node.parseError ??= 'x509: negative serial number';
  }
  if (info.publicKey.algorithm === 'EC' && !['P-256', 'P-384', 'P-521', 'P-224'].includes(info.publicKey.curve ?? '')) {
    node.parseError ??= 'x509: unsupported elliptic curve';
  }
  return node;
}

function parseSan(node: Node, value: Uint8Array): void {
  const seq = readTlv(value, 0);
  for (const gn of childrenOf(value, seq)) {
    const body = value.subarray(gn.contentStart, gn.end);
    switch (gn.tag) {
      case 0x81: case 0x82: case 0x86: {
        const what = gn.tag === 0x81 ? 'rfc822Name' : gn.tag === 0x82 ? 'dNSName' : 'uniformResourceIdentifier';
        if (body.some(c => c > 0x7f)) {
          throw new Error(`x509: SAN ${what} is malformed`);
        }
        const text = ascii(body);
        const kind = gn.tag === 0x81 ? 'email' : gn.tag === 0x82 ? 'dns' : 'uri';
        node.sans.push({ kind, text });
        if (kind === 'dns') {
          node.dnsNames.push(text);
        }
        break;
      }
      case 0x87:
        if (body.length !== 4 && body.length !== 16) {
          throw new Error(`x509: cannot parse IP address of length ${body.length}`);
        }
        node.sans.push({ kind: 'ip', ip: body });
        node.ipAddresses.push(body);
        break;
      default:
        break; // otherName, directoryName…: Go keeps none of them
    }
  }
}

/** Go's AIA reading in processExtensions: a SEQUENCE of SEQUENCE { OID, GeneralName }; anything else is refused. */
function checkAia(value: Uint8Array): void {
  const invalid = () => new Error('x509: invalid authority info access');
  let ok: boolean;
  try {
    const seq = readTlv(value, 0);
    ok = seq.tag === 0x30 && childrenOf(value, seq).every(entry => entry.tag === 0x30 && childrenOf(value, entry)[0]?.tag === 0x06);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw invalid();
  }
}

/** The names VerifyHostname compares. */
export function hostNames(n: Node): HostNames {
  return { dnsNames: n.dnsNames, ipAddresses: n.ipAddresses, hasSanExtension: n.hasSan, commonName: n.info.subject.commonName };
}
