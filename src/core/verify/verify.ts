import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier as AsnAlgorithmIdentifier } from '@peculiar/asn1-x509';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { fromHex, toHex } from '../x509/bytes';
import { CertificateInfo } from '../x509/certificate';
import { HostNames, formatIp, parseIp, verifyHostname } from './hostMatch';
import { UNDERSTOOD_EXTENSIONS } from '../x509/oids';
import { VerifyKeyCache, verifySignedData } from '../x509/signature';
import { expectChildren as childrenOf, expectTlv as readTlv } from '../x509/der';

/**
 * Predict what Go's crypto/x509 `Certificate.Verify` — and so kubectl, client-go, the kubelet,
 * kube-apiserver and etcd — says about a certificate: the same path building (issuer name, then
 * AKI/SKI order, roots before intermediates, loops cut by subject+key+SAN), the same checks in the
 * same order, and the same words. Every other reason found on the way is listed too.
 */

export type VerifyPurpose = 'serverAuth' | 'clientAuth' | 'any';

export interface VerifyInput {
  leaf: CertificateInfo;
  /** Untrusted certificates that may complete the path (what a TLS peer sends after its leaf). */
  intermediates: CertificateInfo[];
  /** Trust anchors: every certificate of a CA bundle is one, as in Go's `CertPool`. */
  roots: CertificateInfo[];
}

export interface VerifyOptions {
  /** The moment to judge validity at (default: now). Go's `VerifyOptions.CurrentTime`. */
  at?: Date;
  /** DNS name or IP address the client dials. Go's `VerifyOptions.DNSName`. */
  host?: string;
  /** Required extended key usage; Go's default when none is given is serverAuth. */
  purpose?: VerifyPurpose;
}

export type VerificationCheckName =
  | 'parse' | 'critical-extensions' | 'validity' | 'issuer' | 'ca' | 'signature' | 'path-length'
  | 'name-constraints' | 'trust-anchor' | 'extended-key-usage' | 'hostname';

/** One thing that was checked, on one certificate of the path (or on the path as a whole). */
export interface VerificationCheck {
  name: VerificationCheckName;
  ok: boolean;
  /** On failure, the words Go prints; on success, what was found. */
  message: string;
  /** Index into `path` of the certificate the check is about. */
  certificate?: number;
  /** Extra context on a failure that Go's message leaves out (which OID, which certificate). */
  detail?: string;
  /** Informational only: does not change the verdict (where other verifiers would disagree with Go). */
  advisory?: boolean;
}

export interface VerificationResult {
  /** Whether Go's Verify would accept the leaf with these options. */
  ok: boolean;
  /** The path found, leaf first; when verification fails, the closest path that could be built. */
  path: CertificateInfo[];
  checks: VerificationCheck[];
  /** Every reason it fails, Go's wording; the first one is the error Go itself would return. */
  errors: string[];
  /** The single error `Certificate.Verify` returns (what kubectl prints after "Unable to connect to the server: "). */
  goError?: string;
  /** Whether the path's last certificate is one of the roots. */
  trusted: boolean;
  /** The options as applied. */
  at: Date;
  purpose: VerifyPurpose;
  host?: string;
}

// ---------------------------------------------------------------- Go's error texts

const ERR_UNKNOWN_AUTHORITY = 'x509: certificate signed by unknown authority';
const ERR_UNHANDLED_CRITICAL = 'x509: unhandled critical extension';
const ERR_NOT_AUTHORIZED_TO_SIGN = 'x509: certificate is not authorized to sign other certificates';
const ERR_TOO_MANY_INTERMEDIATES = 'x509: too many intermediates for path length constraint';
const ERR_INCOMPATIBLE_USAGE = 'x509: certificate specifies an incompatible key usage';
const ERR_NAME_MISMATCH = 'x509: issuer name does not match subject from issuing certificate';
const ERR_CONSTRAINT_VIOLATION = 'x509: invalid signature: parent certificate cannot sign this kind of certificate';
const ERR_UNSUPPORTED_ALGORITHM = 'x509: cannot verify signature: algorithm unimplemented';
const ERR_SIGNATURE_LIMIT = 'x509: signature check attempts limit reached while verifying certificate chain';
const ERR_CA_NAME_PREFIX = 'x509: a root or intermediate certificate is not authorized to sign for this name: ';

/** Go's crypto/x509 `maxChainSignatureChecks`. */
const MAX_SIGNATURE_CHECKS = 100;
/** How many intermediates the explanatory path search follows (Go's own search is bounded by signature checks). */
const MAX_EXPLAIN_INTERMEDIATES = 8;

const OID_SAN = '2.5.29.17';
const OID_NAME_CONSTRAINTS = '2.5.29.30';
const OID_SKI = '2.5.29.14';
const OID_AIA = '1.3.6.1.5.5.7.1.1';
const OID_ANY_EKU = '2.5.29.37.0';
const EKU_OIDS: Record<Exclude<VerifyPurpose, 'any'>, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};
/** What Go's parser handles besides UNDERSTOOD_EXTENSIONS: CRL distribution points and AIA are read, so not "unhandled". */
const GO_HANDLED_EXTENSIONS = new Set([...UNDERSTOOD_EXTENSIONS, '2.5.29.31', OID_AIA]);

// ---------------------------------------------------------------- DER, just enough to reach the raw fields Go compares


const ascii = (b: Uint8Array): string => String.fromCharCode(...b);

// ---------------------------------------------------------------- one certificate, as the verifier sees it

type SanEntry =
  | { kind: 'email' | 'dns' | 'uri'; text: string }
  | { kind: 'ip'; ip: Uint8Array };

interface NameConstraintSet {
  dns: string[];
  ips: { ip: Uint8Array; mask: Uint8Array }[];
  emails: string[];
  uris: string[];
}

interface Node {
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
  nameConstraints?: { permitted: NameConstraintSet; excluded: NameConstraintSet };
  unhandledCritical: string[];
  /** Why Go's ParseCertificate would refuse this certificate. */
  parseError?: string;
}

function emptySet(): NameConstraintSet {
  return { dns: [], ips: [], emails: [], uris: [] };
}

function toNode(info: CertificateInfo): Node {
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
        unhandled = parseNameConstraints(node, fromHex(ext.valueHex));
      } else if ((ext.oid === OID_SKI || ext.oid === OID_AIA) && ext.critical) {
        node.parseError ??= ext.oid === OID_SKI
          ? 'x509: subject key identifier incorrectly marked critical'
          : 'x509: authority info access incorrectly marked critical';
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

/** Returns Go's "unhandled" flag: true when a subtree uses a name type Go does not support. */
function parseNameConstraints(node: Node, value: Uint8Array): boolean {
  const seq = readTlv(value, 0);
  const nc = { permitted: emptySet(), excluded: emptySet() };
  let unhandled = false;
  for (const part of childrenOf(value, seq)) {
    if (part.tag !== 0xa0 && part.tag !== 0xa1) {
      throw new Error('x509: invalid NameConstraints extension');
    }
    const set = part.tag === 0xa0 ? nc.permitted : nc.excluded;
    for (const subtree of childrenOf(value, part)) {
      const base = childrenOf(value, subtree)[0];
      if (!base) {
        throw new Error('x509: invalid NameConstraints extension');
      }
      const body = value.subarray(base.contentStart, base.end);
      switch (base.tag) {
        case 0x82: {
          const domain = ascii(body);
          if (!reverseLabels(domain.startsWith('.') ? domain.slice(1) : domain) && domain !== '') {
            throw new Error(`x509: failed to parse dnsName constraint ${goQuote(domain)}`);
          }
          set.dns.push(domain);
          break;
        }
        case 0x87: {
          if (body.length !== 8 && body.length !== 32) {
            throw new Error(`x509: IP constraint contained value of length ${body.length}`);
          }
          const half = body.length / 2;
          const mask = body.subarray(half);
          if (!validMask(mask)) {
            throw new Error(`x509: IP constraint contained invalid mask ${toHex(mask)}`);
          }
          set.ips.push({ ip: body.subarray(0, half), mask });
          break;
        }
        case 0x81: {
          const constraint = ascii(body);
          const ok = constraint.includes('@') ? parseMailbox(constraint) : reverseLabels(constraint.startsWith('.') ? constraint.slice(1) : constraint);
          if (!ok) {
            throw new Error(`x509: failed to parse rfc822Name constraint ${goQuote(constraint)}`);
          }
          set.emails.push(constraint);
          break;
        }
        case 0x86: {
          const domain = ascii(body);
          if (parseIp(domain)) {
            throw new Error(`x509: failed to parse URI constraint ${goQuote(domain)}: cannot be IP address`);
          }
          if (!reverseLabels(domain.startsWith('.') ? domain.slice(1) : domain)) {
            throw new Error(`x509: failed to parse URI constraint ${goQuote(domain)}`);
          }
          set.uris.push(domain);
          break;
        }
        default:
          unhandled = true;
      }
    }
  }
  node.nameConstraints = nc;
  return unhandled;
}

function validMask(mask: Uint8Array): boolean {
  let seenZero = false;
  for (const b of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      if (b & (1 << bit)) {
        if (seenZero) {
          return false;
        }
      } else {
        seenZero = true;
      }
    }
  }
  return true;
}

// ---------------------------------------------------------------- name constraints, as verify.go matches them

/** Go's domainToReverseLabels. */
function reverseLabels(domain: string): string[] | undefined {
  const labels: string[] = [];
  while (domain.length > 0) {
    const i = domain.lastIndexOf('.');
    if (i === -1) {
      labels.push(domain);
      domain = '';
    } else {
      labels.push(domain.slice(i + 1));
      domain = domain.slice(0, i);
    }
  }
  if (labels.length > 0 && labels[0].length === 0) {
    return undefined;
  }
  for (const label of labels) {
    if (label.length === 0) {
      return undefined;
    }
    for (const ch of label) {
      const c = ch.codePointAt(0)!;
      if (c < 33 || c > 126) {
        return undefined;
      }
    }
  }
  return labels;
}

interface Mailbox {
  local: string;
  domain: string;
}

/** Go's parseRFC2821Mailbox. */
function parseMailbox(input: string): Mailbox | undefined {
  if (input.length === 0) {
    return undefined;
  }
  let local = '';
  let i = 0;
  const code = (k: number) => input.charCodeAt(k);
  if (input[0] === '"') {
    i = 1;
    for (;;) {
      if (i >= input.length) {
        return undefined;
      }
      const c = code(i++);
      if (c === 0x22) {
        break;
      }
      if (c === 0x5c) {
        if (i >= input.length) {
          return undefined;
        }
        const n = code(i);
        if (n === 11 || n === 12 || (n >= 1 && n <= 9) || (n >= 14 && n <= 127)) {
          local += input[i++];
          continue;
        }
        return undefined;
      }
      if (c === 11 || c === 12 || c === 32 || c === 33 || c === 127 || (c >= 1 && c <= 8) || (c >= 14 && c <= 31) || (c >= 35 && c <= 91) || (c >= 93 && c <= 126)) {
        local += String.fromCharCode(c);
        continue;
      }
      return undefined;
    }
  } else {
    while (i < input.length) {
      const c = input[i];
      if (c === '\\') {
        i++;
        if (i >= input.length) {
          return undefined;
        }
        local += input[i++];
        continue;
      }
      if (/[0-9A-Za-z!#$%&'*+\-/=?^_`{|}~.]/.test(c)) {
        local += c;
        i++;
        continue;
      }
      break;
    }
    if (local.length === 0 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
      return undefined;
    }
  }
  if (i >= input.length || input[i] !== '@') {
    return undefined;
  }
  const domain = input.slice(i + 1);
  if (!reverseLabels(domain)) {
    return undefined;
  }
  return { local, domain };
}

function equalFold(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function matchDomainConstraint(domain: string, constraint: string): boolean {
  if (constraint.length === 0) {
    return true;
  }
  const domainLabels = reverseLabels(domain);
  if (!domainLabels) {
    throw new Error(`x509: internal error: cannot parse domain ${goQuote(domain)}`);
  }
  let mustHaveSubdomains = false;
  if (constraint[0] === '.') {
    mustHaveSubdomains = true;
    constraint = constraint.slice(1);
  }
  const constraintLabels = reverseLabels(constraint);
  if (!constraintLabels) {
    throw new Error(`x509: internal error: cannot parse domain ${goQuote(constraint)}`);
  }
  if (domainLabels.length < constraintLabels.length || (mustHaveSubdomains && domainLabels.length === constraintLabels.length)) {
    return false;
  }
  return constraintLabels.every((label, i) => equalFold(label, domainLabels[i]));
}

function matchEmailConstraint(mailbox: Mailbox, constraint: string): boolean {
  if (constraint.includes('@')) {
    const c = parseMailbox(constraint);
    if (!c) {
      throw new Error(`x509: internal error: cannot parse constraint ${goQuote(constraint)}`);
    }
    return mailbox.local === c.local && equalFold(mailbox.domain, c.domain);
  }
  return matchDomainConstraint(mailbox.domain, constraint);
}

/** The authority part of a URI as Go's url.Parse returns it in `Host` (userinfo dropped). */
function uriHost(uri: string): string {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(uri);
  if (!m) {
    return '';
  }
  const authority = m[1];
  const at = authority.lastIndexOf('@');
  return at >= 0 ? authority.slice(at + 1) : authority;
}

function matchUriConstraint(uri: string, constraint: string): boolean {
  let host = uriHost(uri);
  if (host.length === 0) {
    throw new Error(`URI with empty host (${goQuote(uri)}) cannot be matched against constraints`);
  }
  if (host.includes(':') && !host.endsWith(']')) {
    host = host.slice(0, host.lastIndexOf(':'));
  }
  if ((host.startsWith('[') && host.endsWith(']')) || parseIp(host)) {
    throw new Error(`URI with IP (${goQuote(uri)}) cannot be matched against constraints`);
  }
  return matchDomainConstraint(host, constraint);
}

function matchIpConstraint(ip: Uint8Array, c: { ip: Uint8Array; mask: Uint8Array }): boolean {
  if (ip.length !== c.ip.length) {
    return false;
  }
  return ip.every((b, i) => (b & c.mask[i]) === (c.ip[i] & c.mask[i]));
}

function formatIpNet(c: { ip: Uint8Array; mask: Uint8Array }): string {
  let ones = 0;
  c.mask.forEach(b => { for (let bit = 7; bit >= 0; bit--) { ones += (b >> bit) & 1; } });
  return `${formatIp(c.ip)}/${ones}`;
}

/** Check one SAN against a CA's constraints the way Go's checkNameConstraints does; returns Go's error or undefined. */
function checkNameConstraint<T, C>(nameType: string, name: string, parsed: T, match: (parsed: T, constraint: C) => boolean,
  permitted: C[], excluded: C[], show: (c: C) => string): string | undefined {
  for (const constraint of excluded) {
    let hit: boolean;
    try {
      hit = match(parsed, constraint);
    } catch (e) {
      return ERR_CA_NAME_PREFIX + (e as Error).message;
    }
    if (hit) {
      return `${ERR_CA_NAME_PREFIX}${nameType} ${goQuote(name)} is excluded by constraint ${goQuote(show(constraint))}`;
    }
  }
  let ok = true;
  for (const constraint of permitted) {
    try {
      ok = match(parsed, constraint);
    } catch (e) {
      return ERR_CA_NAME_PREFIX + (e as Error).message;
    }
    if (ok) {
      break;
    }
  }
  return ok ? undefined : `${ERR_CA_NAME_PREFIX}${nameType} ${goQuote(name)} is not permitted by any constraint`;
}

/** The name-constraints part of Go's isValid for a CA `ca` over the certificates below it. */
function nameConstraintsError(ca: Node, below: Node[]): string | undefined {
  const nc = ca.nameConstraints;
  if (!nc) {
    return undefined;
  }
  const { permitted: p, excluded: x } = nc;
  for (const cert of below) {
    if (!cert.hasSan) {
      continue;
    }
    for (const san of cert.sans) {
      let err: string | undefined;
      switch (san.kind) {
        case 'email': {
          const mailbox = parseMailbox(san.text);
          if (!mailbox) {
            return 'x509: cannot parse rfc822Name {"" ""}';
          }
          err = checkNameConstraint('email address', san.text, mailbox, matchEmailConstraint, p.emails, x.emails, s => s);
          break;
        }
        case 'dns':
          if (!reverseLabels(san.text)) {
            return `x509: cannot parse dnsName ${goQuote(san.text)}`;
          }
          err = checkNameConstraint('DNS name', san.text, san.text, matchDomainConstraint, p.dns, x.dns, s => s);
          break;
        case 'uri':
          err = checkNameConstraint('URI', san.text, san.text, matchUriConstraint, p.uris, x.uris, s => s);
          break;
        case 'ip':
          err = checkNameConstraint('IP address', formatIp(san.ip), san.ip, matchIpConstraint, p.ips, x.ips, formatIpNet);
          break;
      }
      if (err) {
        return err;
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- signatures, as CheckSignatureFrom judges them

interface GoSignatureAlgorithm {
  name: string;
  hash: 'MD2' | 'MD5' | 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512' | 'none';
  key: 'RSA' | 'DSA' | 'ECDSA' | 'Ed25519';
  pss?: boolean;
}

const GO_SIGNATURE_ALGORITHMS: Record<string, GoSignatureAlgorithm> = {
  '1.2.840.113549.1.1.2': { name: 'MD2-RSA', hash: 'MD2', key: 'RSA' },
  '1.2.840.113549.1.1.4': { name: 'MD5-RSA', hash: 'MD5', key: 'RSA' },
  '1.2.840.113549.1.1.5': { name: 'SHA1-RSA', hash: 'SHA-1', key: 'RSA' },
  '1.3.14.3.2.29': { name: 'SHA1-RSA', hash: 'SHA-1', key: 'RSA' },
  '1.2.840.113549.1.1.11': { name: 'SHA256-RSA', hash: 'SHA-256', key: 'RSA' },
  '1.2.840.113549.1.1.12': { name: 'SHA384-RSA', hash: 'SHA-384', key: 'RSA' },
  '1.2.840.113549.1.1.13': { name: 'SHA512-RSA', hash: 'SHA-512', key: 'RSA' },
  '1.2.840.10040.4.3': { name: 'DSA-SHA1', hash: 'SHA-1', key: 'DSA' },
  '2.16.840.1.101.3.4.3.2': { name: 'DSA-SHA256', hash: 'SHA-256', key: 'DSA' },
  '1.2.840.10045.4.1': { name: 'ECDSA-SHA1', hash: 'SHA-1', key: 'ECDSA' },
  '1.2.840.10045.4.3.2': { name: 'ECDSA-SHA256', hash: 'SHA-256', key: 'ECDSA' },
  '1.2.840.10045.4.3.3': { name: 'ECDSA-SHA384', hash: 'SHA-384', key: 'ECDSA' },
  '1.2.840.10045.4.3.4': { name: 'ECDSA-SHA512', hash: 'SHA-512', key: 'ECDSA' },
  '1.3.101.112': { name: 'Ed25519', hash: 'none', key: 'Ed25519' },
};

const PSS_HASHES: Record<string, { hash: 'SHA-256' | 'SHA-384' | 'SHA-512'; size: number }> = {
  '2.16.840.1.101.3.4.2.1': { hash: 'SHA-256', size: 32 },
  '2.16.840.1.101.3.4.2.2': { hash: 'SHA-384', size: 48 },
  '2.16.840.1.101.3.4.2.3': { hash: 'SHA-512', size: 64 },
};

/** Go recognises RSA-PSS only with SHA-256/384/512, MGF1 over the same hash and a salt as long as the hash. */
function goPssAlgorithm(params: Uint8Array | undefined): GoSignatureAlgorithm | undefined {
  if (!params) {
    return undefined;
  }
  try {
    const p = AsnConvert.parse(params, RsaSaPssParams);
    const h = PSS_HASHES[p.hashAlgorithm.algorithm];
    if (!h || p.maskGenAlgorithm.algorithm !== '1.2.840.113549.1.1.8' || !p.maskGenAlgorithm.parameters || p.saltLength !== h.size || p.trailerField !== 1) {
      return undefined;
    }
    const mgfHash = AsnConvert.parse(p.maskGenAlgorithm.parameters, AsnAlgorithmIdentifier);
    if (mgfHash.algorithm !== p.hashAlgorithm.algorithm) {
      return undefined;
    }
    return { name: `${h.hash.replace('-', '')}-RSAPSS`, hash: h.hash, key: 'RSA', pss: true };
  } catch {
    return undefined;
  }
}

const GO_KEY_TYPES: Record<string, string> = { RSA: '*rsa.PublicKey', EC: '*ecdsa.PublicKey', Ed25519: 'ed25519.PublicKey', DSA: '*dsa.PublicKey' };
const GO_KEY_ALGORITHM: Record<string, GoSignatureAlgorithm['key']> = { RSA: 'RSA', EC: 'ECDSA', Ed25519: 'Ed25519', DSA: 'DSA' };

/** The constraint half of Go's CheckSignatureFrom: may `parent` sign certificates at all? */
function parentConstraintError(parent: Node): string | undefined {
  const bc = parent.info.basicConstraints;
  if ((parent.info.version === 3 && !bc) || (bc && !bc.ca)) {
    return ERR_CONSTRAINT_VIOLATION;
  }
  if (parent.info.keyUsage && parent.info.keyUsage.length > 0 && !parent.info.keyUsage.includes('Certificate Sign')) {
    return ERR_CONSTRAINT_VIOLATION;
  }
  return undefined;
}

class SignatureChecker {
  private readonly results = new Map<string, Promise<string | undefined>>();
  private readonly keys = new VerifyKeyCache();

  /** Go's CheckSignatureFrom(child, parent): undefined when it passes, else Go's error text. */
  checkFrom(child: Node, parent: Node): Promise<string | undefined> {
    const constraint = parentConstraintError(parent);
    if (constraint) {
      return Promise.resolve(constraint);
    }
    return this.check(child, parent);
  }

  /** Go's checkSignature with SHA-1 refused (the part of CheckSignatureFrom after the CA checks). */
  check(child: Node, parent: Node): Promise<string | undefined> {
    const key = `${child.fp}>${parent.fp}`;
    let result = this.results.get(key);
    if (!result) {
      result = this.compute(child, parent);
      this.results.set(key, result);
    }
    return result;
  }

  private async compute(child: Node, parent: Node): Promise<string | undefined> {
    const keyAlg = GO_KEY_ALGORITHM[parent.info.publicKey.algorithm];
    if (!keyAlg) {
      return ERR_UNSUPPORTED_ALGORITHM;
    }
    const oid = child.info.signatureAlgorithm.oid;
    const alg = oid === '1.2.840.113549.1.1.10' ? goPssAlgorithm(child.sigParams) : GO_SIGNATURE_ALGORITHMS[oid];
    if (!alg || alg.hash === 'MD2' || (alg.hash === 'none' && alg.key !== 'Ed25519')) {
      return ERR_UNSUPPORTED_ALGORITHM;
    }
    if (alg.hash === 'MD5' || alg.hash === 'SHA-1') {
      return `x509: cannot verify signature: insecure algorithm ${alg.name}`;
    }
    if (keyAlg === 'DSA') {
      return ERR_UNSUPPORTED_ALGORITHM;
    }
    if (alg.key !== keyAlg) {
      return `x509: signature algorithm specifies an ${alg.key} public key, but have public key of type ${GO_KEY_TYPES[parent.info.publicKey.algorithm]}`;
    }
    const failure = keyAlg === 'RSA' ? 'crypto/rsa: verification error' : keyAlg === 'ECDSA' ? 'x509: ECDSA verification failure' : 'x509: Ed25519 verification failure';
    const result = await verifySignedData({
      oid,
      parts: { tbs: child.tbs, signature: child.signature },
      pss: alg.pss ? { hash: alg.hash, saltLength: PSS_HASHES_BY_NAME[alg.hash] } : undefined,
    }, parent.info.publicKey, { cache: this.keys, owner: parent.fp });
    if (result === 'valid') {
      return undefined;
    }
    if (result === 'unsupported' && keyAlg === 'ECDSA' && parent.info.publicKey.curve === 'P-224') {
      return 'pki-lens: cannot check ECDSA P-224 signatures (WebCrypto has no P-224)';
    }
    return failure;
  }
}

const PSS_HASHES_BY_NAME: Record<string, number> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

// ---------------------------------------------------------------- small Go formatting helpers

/** Go's time.RFC3339 of a UTC time: seconds precision, fraction dropped. */
export function goTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Go's %q (strconv.Quote) for the strings that reach these messages. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') {
      out += '\\' + ch;
    } else if (c === 7) { out += '\\a'; } else if (c === 8) { out += '\\b'; } else if (c === 12) { out += '\\f'; } else if (c === 10) { out += '\\n'; } else if (c === 13) { out += '\\r'; } else if (c === 9) { out += '\\t'; } else if (c === 11) { out += '\\v'; } else if (c < 0x20 || c === 0x7f) {
      out += '\\x' + c.toString(16).padStart(2, '0');
    } else if (c >= 0x80 && c < 0xa0) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else {
      out += ch;
    }
  }
  return out + '"';
}

/** The name Go's UnknownAuthorityError gives a rejected candidate: CN, else first O, else the decimal serial. */
function candidateName(info: CertificateInfo): string {
  if (info.subject.commonName) {
    return info.subject.commonName;
  }
  if (info.subject.organizations.length) {
    return info.subject.organizations[0];
  }
  const hex = info.serialNumber;
  const negative = hex.startsWith('-');
  let decimal: string;
  try {
    decimal = BigInt('0x' + (negative ? hex.slice(1) : hex)).toString();
  } catch {
    decimal = hex;
  }
  return `serial:${negative ? '-' : ''}${decimal}`;
}

function unknownAuthority(hint?: { error: string; cert: Node }): string {
  return hint
    ? `${ERR_UNKNOWN_AUTHORITY} (possibly because of ${goQuote(hint.error)} while trying to verify candidate authority certificate ${goQuote(candidateName(hint.cert.info))})`
    : ERR_UNKNOWN_AUTHORITY;
}

function hostNames(n: Node): HostNames {
  return { dnsNames: n.dnsNames, ipAddresses: n.ipAddresses, hasSanExtension: n.hasSan, commonName: n.info.subject.commonName };
}

function label(info: CertificateInfo): string {
  return info.subject.commonName !== undefined ? `CN=${info.subject.commonName}` : (info.subject.text || '(empty subject)');
}

// ---------------------------------------------------------------- Go's Verify, step by step

type CertType = 'leaf' | 'intermediate' | 'root';

class Pool {
  readonly nodes: Node[] = [];
  private readonly byFp = new Set<string>();

  constructor(nodes: Node[]) {
    for (const n of nodes) {
      if (!this.byFp.has(n.fp)) {
        this.byFp.add(n.fp);
        this.nodes.push(n);
      }
    }
  }

  contains(n: Node): boolean {
    return this.byFp.has(n.fp);
  }

  /** CertPool.findPotentialParents: same raw subject as the child's raw issuer, AKI/SKI matches first. */
  potentialParents(child: Node): Node[] {
    const matching: Node[] = [];
    const oneKeyId: Node[] = [];
    const mismatch: Node[] = [];
    const aki = child.info.authorityKeyId ?? '';
    for (const c of this.nodes) {
      if (c.rawSubject !== child.rawIssuer) {
        continue;
      }
      const ski = c.info.subjectKeyId ?? '';
      if (ski === aki) {
        matching.push(c);
      } else if ((ski === '' && aki !== '') || (ski !== '' && aki === '')) {
        oneKeyId.push(c);
      } else {
        mismatch.push(c);
      }
    }
    return [...matching, ...oneKeyId, ...mismatch];
  }
}

/** Go's alreadyInChain: same subject, same key, same SAN extension (or neither has one). */
function alreadyInChain(candidate: Node, chain: Node[]): boolean {
  return chain.some(c => c.rawSubject === candidate.rawSubject && c.info.publicKey.id === candidate.info.publicKey.id
    && (c.sanHex === undefined) === (candidate.sanHex === undefined) && (c.sanHex === undefined || c.sanHex === candidate.sanHex));
}

function validityError(n: Node, at: Date): string | undefined {
  if (at.getTime() < n.info.notBefore.getTime()) {
    return `x509: certificate has expired or is not yet valid: current time ${goTime(at)} is before ${goTime(n.info.notBefore)}`;
  }
  if (at.getTime() > n.info.notAfter.getTime()) {
    return `x509: certificate has expired or is not yet valid: current time ${goTime(at)} is after ${goTime(n.info.notAfter)}`;
  }
  return undefined;
}

function pathLengthError(n: Node, below: number): string | undefined {
  const pathLength = n.info.basicConstraints?.pathLength;
  return pathLength !== undefined && below - 1 > pathLength ? ERR_TOO_MANY_INTERMEDIATES : undefined;
}

/** Go's isValid: the checks a candidate must pass to join `chain` (leaf first) as `type`. */
function isValid(n: Node, type: CertType, chain: Node[], at: Date): string | undefined {
  if (n.unhandledCritical.length) {
    return ERR_UNHANDLED_CRITICAL;
  }
  if (chain.length && chain[chain.length - 1].rawIssuer !== n.rawSubject) {
    return ERR_NAME_MISMATCH;
  }
  const expired = validityError(n, at);
  if (expired) {
    return expired;
  }
  if (type !== 'leaf') {
    const nc = nameConstraintsError(n, chain);
    if (nc) {
      return nc;
    }
  }
  if (type === 'intermediate' && !n.info.basicConstraints?.ca) {
    return ERR_NOT_AUTHORIZED_TO_SIGN;
  }
  return pathLengthError(n, chain.length);
}

/** Go's checkChainForKeyUsage for a single requested usage. */
function ekuBlocker(chain: Node[], purpose: VerifyPurpose): Node | undefined {
  if (purpose === 'any') {
    return undefined;
  }
  const wanted = EKU_OIDS[purpose];
  for (let i = chain.length - 1; i >= 0; i--) {
    const eku = chain[i].info.extendedKeyUsage;
    if (!eku || eku.length === 0 || eku.some(e => e.oid === OID_ANY_EKU)) {
      continue;
    }
    if (!eku.some(e => e.oid === wanted)) {
      return chain[i];
    }
  }
  return undefined;
}

interface GoContext {
  roots: Pool;
  intermediates: Pool;
  at: Date;
  signatures: SignatureChecker;
  sigChecks: number;
}

/** Go's buildChains, including which error survives when no chain is found. */
async function buildChains(current: Node[], ctx: GoContext): Promise<{ chains: Node[][]; error?: string }> {
  const c = current[current.length - 1];
  const chains: Node[][] = [];
  let error: string | undefined;
  let hint: { error: string; cert: Node } | undefined;
  const consider = async (type: CertType, candidate: Node): Promise<void> => {
    if (alreadyInChain(candidate, current)) {
      return;
    }
    ctx.sigChecks++;
    if (ctx.sigChecks > MAX_SIGNATURE_CHECKS) {
      error = ERR_SIGNATURE_LIMIT;
      return;
    }
    const sigError = await ctx.signatures.checkFrom(c, candidate);
    if (sigError) {
      hint ??= { error: sigError, cert: candidate };
      return;
    }
    error = isValid(candidate, type, current, ctx.at);
    if (error) {
      hint ??= { error, cert: candidate };
      return;
    }
    if (type === 'root') {
      chains.push([...current, candidate]);
    } else {
      const sub = await buildChains([...current, candidate], ctx);
      chains.push(...sub.chains);
      error = sub.error;
    }
  };
  for (const root of ctx.roots.potentialParents(c)) {
    await consider('root', root);
  }
  for (const intermediate of ctx.intermediates.potentialParents(c)) {
    await consider('intermediate', intermediate);
  }
  if (chains.length) {
    error = undefined;
  } else if (!error) {
    error = unknownAuthority(hint);
  }
  return { chains, error };
}

interface GoVerdict {
  chains: Node[][];
  /** Chains that also pass the EKU check; Go returns these. */
  accepted: Node[][];
  error?: string;
  /** Which step produced the error. */
  stage?: 'parse' | 'leaf' | 'hostname' | 'chain' | 'eku';
}

/** Go's Certificate.Verify. */
async function goVerify(leaf: Node, ctx: GoContext, host: string | undefined, purpose: VerifyPurpose): Promise<GoVerdict> {
  if (leaf.parseError) {
    return { chains: [], accepted: [], error: leaf.parseError, stage: 'parse' };
  }
  const leafError = isValid(leaf, 'leaf', [], ctx.at);
  if (leafError) {
    return { chains: [], accepted: [], error: leafError, stage: 'leaf' };
  }
  if (host) {
    const match = verifyHostname(hostNames(leaf), host);
    if (!match.ok) {
      return { chains: [], accepted: [], error: match.message, stage: 'hostname' };
    }
  }
  let chains: Node[][];
  if (ctx.roots.contains(leaf)) {
    chains = [[leaf]];
  } else {
    const built = await buildChains([leaf], ctx);
    if (built.error) {
      return { chains: [], accepted: [], error: built.error, stage: 'chain' };
    }
    chains = built.chains;
  }
  const accepted = chains.filter(chain => !ekuBlocker(chain, purpose));
  if (!accepted.length) {
    return { chains, accepted, error: ERR_INCOMPATIBLE_USAGE, stage: 'eku' };
  }
  return { chains, accepted };
}

// ---------------------------------------------------------------- explaining: the closest path and every check on it

interface Explained {
  path: Node[];
  /** Name-matched candidates above the path's top that were refused, with Go's reason. */
  refused?: { error: string; cert: Node };
}

/** When Go finds no chain, find the path it came closest to: signatures must verify, everything else is judged later. */
async function closestPath(leaf: Node, ctx: GoContext): Promise<Explained> {
  let best: Explained = { path: [leaf] };
  let bestScore = -1;
  let budget = MAX_SIGNATURE_CHECKS;
  const score = (path: Node[]) => (ctx.roots.contains(path[path.length - 1]) ? 1000 : 0) + path.length;
  const walk = async (path: Node[]): Promise<boolean> => {
    const top = path[path.length - 1];
    let refused: Explained['refused'];
    const candidates = [
      ...ctx.roots.potentialParents(top).map(n => ['root', n] as const),
      ...(path.length - 1 < MAX_EXPLAIN_INTERMEDIATES ? ctx.intermediates.potentialParents(top).map(n => ['intermediate', n] as const) : []),
    ];
    let extended = false;
    for (const [type, candidate] of candidates) {
      if (alreadyInChain(candidate, path) || (type === 'intermediate' && ctx.roots.contains(candidate)) || budget-- <= 0) {
        continue;
      }
      const sigError = await ctx.signatures.check(top, candidate);
      if (sigError) {
        refused ??= { error: sigError, cert: candidate };
        continue;
      }
      extended = true;
      const next = [...path, candidate];
      if (type === 'root') {
        if (score(next) > bestScore) {
          best = { path: next };
          bestScore = score(next);
        }
        return true;
      }
      if (await walk(next)) {
        return true;
      }
    }
    if (!extended && score(path) > bestScore) {
      best = { path, refused };
      bestScore = score(path);
    }
    return false;
  };
  if (ctx.roots.contains(leaf)) {
    return { path: [leaf] };
  }
  await walk([leaf]);
  return best;
}

function ekuText(info: CertificateInfo): string {
  return (info.extendedKeyUsage ?? []).map(e => e.short).join(', ');
}

async function explain(path: Node[], refused: Explained['refused'], ctx: GoContext, host: string | undefined, purpose: VerifyPurpose): Promise<VerificationCheck[]> {
  const checks: VerificationCheck[] = [];
  const last = path.length - 1;
  const trusted = ctx.roots.contains(path[last]);
  path.forEach((n, i) => {
    const who = label(n.info);
    if (n.parseError) {
      const isRoot = i === last && trusted && i > 0;
      checks.push({
        name: 'parse', ok: false, certificate: i, message: n.parseError,
        detail: isRoot ? `Go cannot parse ${who} and leaves it out of the CA bundle` : `Go cannot parse ${who}`,
      });
    }
    if (n.unhandledCritical.length) {
      checks.push({ name: 'critical-extensions', ok: false, certificate: i, message: ERR_UNHANDLED_CRITICAL, detail: `${who} has critical extension(s) Go does not understand: ${n.unhandledCritical.join(', ')}` });
    } else {
      checks.push({ name: 'critical-extensions', ok: true, certificate: i, message: `${who}: no unknown critical extension` });
    }
    const expired = validityError(n, ctx.at);
    checks.push(expired
      ? { name: 'validity', ok: false, certificate: i, message: expired, detail: `${who} is valid from ${goTime(n.info.notBefore)} to ${goTime(n.info.notAfter)}` }
      : { name: 'validity', ok: true, certificate: i, message: `${who} is valid from ${goTime(n.info.notBefore)} to ${goTime(n.info.notAfter)}` });
    if (i === 0) {
      return;
    }
    const child = path[i - 1];
    const type: CertType = i === last && trusted ? 'root' : 'intermediate';
    const constraint = parentConstraintError(n);
    if (constraint) {
      checks.push({ name: 'ca', ok: false, certificate: i, message: constraint, detail: n.info.basicConstraints?.ca ? `${who} has a key usage without keyCertSign` : `${who} is not a CA (basicConstraints CA:TRUE missing)` });
    } else if (type === 'intermediate' && !n.info.basicConstraints?.ca) {
      checks.push({ name: 'ca', ok: false, certificate: i, message: ERR_NOT_AUTHORIZED_TO_SIGN, detail: `${who} is a version ${n.info.version} certificate without basicConstraints` });
    } else {
      checks.push({ name: 'ca', ok: true, certificate: i, message: `${who} may sign certificates` });
    }
    // Signatures are what the path was built on; still say which algorithm, and refuse what Go refuses.
    checks.push({ name: 'signature', ok: true, certificate: i - 1, message: `${label(child.info)} is signed by ${who} (${child.info.signatureAlgorithm.name})` });
    const pathLength = n.info.basicConstraints?.pathLength;
    if (pathLength !== undefined) {
      const err = pathLengthError(n, i);
      checks.push(err
        ? { name: 'path-length', ok: false, certificate: i, message: err, detail: `${who} allows ${pathLength} intermediate(s) below it, the path has ${i - 1}` }
        : { name: 'path-length', ok: true, certificate: i, message: `${who} allows ${pathLength} intermediate(s) below it, the path has ${i - 1}` });
    }
    if (n.nameConstraints) {
      const err = nameConstraintsError(n, path.slice(0, i));
      checks.push(err
        ? { name: 'name-constraints', ok: false, certificate: i, message: err, detail: `name constraints of ${who}` }
        : { name: 'name-constraints', ok: true, certificate: i, message: `names below ${who} are within its name constraints` });
    }
  });
  // Signatures Go refuses although the key verifies (SHA-1, MD5): judged with Go's rules.
  for (let i = 1; i <= last; i++) {
    const err = await ctx.signatures.check(path[i - 1], path[i]);
    if (err) {
      const idx = checks.findIndex(c => c.name === 'signature' && c.certificate === i - 1);
      checks[idx] = { name: 'signature', ok: false, certificate: i - 1, message: err, detail: `signature of ${label(path[i - 1].info)} by ${label(path[i].info)}` };
    }
  }
  if (trusted) {
    checks.push({ name: 'trust-anchor', ok: true, certificate: last, message: last === 0 ? `${label(path[0].info)} is itself one of the trusted certificates` : `chains to trusted ${label(path[last].info)}` });
  } else {
    checks.push({
      name: 'trust-anchor', ok: false, certificate: last, message: unknownAuthority(refused),
      detail: refused ? `the certificate named ${label(refused.cert.info)} did not sign ${label(path[last].info)}` : `no trusted certificate (or intermediate) is named ${path[last].info.issuer.text || '(empty issuer)'}`,
    });
  }
  if (purpose !== 'any') {
    const blocker = ekuBlocker(path, purpose);
    if (blocker) {
      const i = path.indexOf(blocker);
      checks.push({
        name: 'extended-key-usage', ok: false, certificate: i, message: ERR_INCOMPATIBLE_USAGE,
        detail: `${label(blocker.info)} allows ${ekuText(blocker.info)}, not ${purpose}${i > 0 ? ' (Go applies a CA\'s extended key usages to everything it signs)' : ''}`,
      });
    } else {
      const restricted = path.filter(n => n.info.extendedKeyUsage?.length);
      checks.push({ name: 'extended-key-usage', ok: true, certificate: 0, message: restricted.length ? `${purpose} is allowed by ${restricted.map(n => `${label(n.info)} (${ekuText(n.info)})`).join(', ')}` : `no extended key usage restricts ${purpose}` });
    }
  }
  if (host) {
    const match = verifyHostname(hostNames(path[0]), host);
    checks.push({ name: 'hostname', ok: match.ok, certificate: 0, message: match.message });
    if (!match.ok && !path[0].hasSan && path[0].info.subject.commonName !== undefined) {
      checks.push({ name: 'hostname', ok: true, advisory: true, certificate: 0, message: `the subject CN (${path[0].info.subject.commonName}) is never used by Go; openssl and older clients may still match it` });
    }
  }
  return checks;
}

/** Order in which Go evaluates things, for listing reasons the way Go would meet them. */
const CHECK_ORDER: VerificationCheckName[] = ['parse', 'critical-extensions', 'validity', 'hostname', 'ca', 'signature', 'name-constraints', 'path-length', 'trust-anchor', 'extended-key-usage'];

/**
 * Verify `leaf` against `roots` (with `intermediates` to complete the path) as Go's crypto/x509
 * would, and list every reason it fails. Pure: WebCrypto only.
 */
export async function verifyChain(input: VerifyInput, options: VerifyOptions = {}): Promise<VerificationResult> {
  const at = options.at ?? new Date();
  const purpose = options.purpose ?? 'serverAuth';
  const host = options.host || undefined;
  const leaf = toNode(input.leaf);
  const parsedRoots = input.roots.map(toNode);
  const ctx: GoContext = {
    // Go's AppendCertsFromPEM skips what it cannot parse; the TLS peer's intermediates must all parse.
    roots: new Pool(parsedRoots.filter(n => !n.parseError)),
    intermediates: new Pool(input.intermediates.map(toNode)),
    at,
    signatures: new SignatureChecker(),
    sigChecks: 0,
  };
  const brokenIntermediate = ctx.intermediates.nodes.find(n => n.parseError);
  const verdict: GoVerdict = brokenIntermediate
    ? { chains: [], accepted: [], error: brokenIntermediate.parseError, stage: 'parse' }
    : await goVerify(leaf, ctx, host, purpose);

  let explained: Explained;
  if (verdict.accepted.length) {
    explained = { path: verdict.accepted[0] };
  } else if (verdict.chains.length) {
    explained = { path: verdict.chains[0] };
  } else {
    explained = await closestPath(leaf, ctx);
  }
  const checks = await explain(explained.path, explained.refused, ctx, host, purpose);
  for (const root of parsedRoots.filter(n => n.parseError)) {
    checks.push({ name: 'parse', ok: false, advisory: true, message: root.parseError!, detail: `Go leaves ${label(root.info)} out of the CA bundle: it cannot parse it` });
  }
  if (brokenIntermediate && !explained.path.includes(brokenIntermediate)) {
    checks.push({ name: 'parse', ok: false, message: brokenIntermediate.parseError!, detail: `Go cannot parse the intermediate ${label(brokenIntermediate.info)}` });
  }

  const ok = !verdict.error;
  const errors: string[] = [];
  if (verdict.error) {
    errors.push(verdict.error);
    const failing = checks.filter(c => !c.ok && !c.advisory)
      .sort((a, b) => CHECK_ORDER.indexOf(a.name) - CHECK_ORDER.indexOf(b.name) || (a.certificate ?? 0) - (b.certificate ?? 0));
    for (const c of failing) {
      if (!errors.some(e => e.includes(c.message))) {
        errors.push(c.message);
      }
    }
  }
  return {
    ok,
    path: explained.path.map(n => n.info),
    checks,
    errors,
    goError: verdict.error,
    trusted: ctx.roots.contains(explained.path[explained.path.length - 1]),
    at,
    purpose,
    host,
  };
}
