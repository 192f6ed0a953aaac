import { bytesEqual } from '../x509/bytes';
import { expectChildren as children, expectTlv as readTlv } from '../x509/der';
import { tlv } from '../x509/derWriter';
import { ipText } from '../x509/generalNames';
import { NameConstraints, SanEntry, nameConstraintsFailure, parseNameConstraints } from '../verify/nameConstraints';
import { parseIp, toLowerCaseAscii, validHostname } from '../verify/hostMatch';
import { RenewalError } from './errors';
import { RawExtension, extension } from './rawCertificate';

/**
 * Changing a certificate's Subject Alternative Names, for re-issue (renewal's one road) and for
 * CSR signing. Entries are validated one by one with the same rules Go's verifier applies (a name
 * the verifier could never match is refused here, not discovered at the first failed handshake),
 * names that stay keep their exact bytes, and the issuing CA's name constraints are applied before
 * anything is signed.
 */

export const OID_SAN = '2.5.29.17';
export const OID_NAME_CONSTRAINTS = '2.5.29.30';

/** Names to add and to remove, as typed: `DNS:api.example.com`, `IP:10.0.0.5`, or bare (an IP when it parses as one). */
export interface SanEdit {
  add?: readonly string[];
  remove?: readonly string[];
}

/** A validated DNS or IP entry: its openssl spelling and its GeneralName DER. */
export interface SanName {
  type: 'DNS' | 'IP';
  /** `kubernetes.default`, `10.0.0.5`, `FD00:0:0:0:0:0:0:1` (openssl's spelling of IPv6). */
  value: string;
  /** The GeneralName: [2] IA5String or [7] OCTET STRING. */
  der: Uint8Array;
}

/** `DNS:name` / `IP:address` as openssl prints it. */
export function sanLabel(n: Pick<SanName, 'type' | 'value'>): string {
  return `${n.type}:${n.value}`;
}

/** One entry as typed, validated. Throws RenewalError('invalid-name') with the reason. */
export function parseSanName(input: string): SanName {
  const text = input.trim();
  const m = /^(DNS|IP)\s*:\s*(.*)$/i.exec(text);
  const type = m ? m[1].toUpperCase() as 'DNS' | 'IP' : parseIp(text) || /^[0-9.]+$/.test(text) || text.includes(':') ? 'IP' : 'DNS';
  const value = m ? m[2].trim() : text;
  if (type === 'IP') {
    const ip16 = parseIp(value);
    if (!ip16) {
      throw new RenewalError('invalid-name', `IP:${value} is not a valid IP address (IPv4 as 10.0.0.5, IPv6 as fd00::1; no leading zeros, no zone, no CIDR)`);
    }
    const bytes = value.includes(':') ? ip16 : ip16.subarray(12);
    return { type, value: ipText(bytes), der: tlv(0x87, bytes) };
  }
  // Go matches DNS SANs as ASCII labels; an IDN must be written in its xn-- form.
  if (/[^\x21-\x7e]/.test(value) || !validHostname(value, true) || value.length > 253) {
    throw new RenewalError('invalid-name', `DNS:${value} is not a valid DNS name (letters, digits, '-' and '_' in dot-separated labels; '*' only as the whole first label; an IDN in its xn-- form)`);
  }
  const name = value.replace(/\.$/, '');
  return { type, value: name, der: tlv(0x82, new Uint8Array([...name].map(c => c.charCodeAt(0)))) };
}

/** The same name for matching: DNS case-insensitively, IP by address. */
function sameName(a: SanName, entry: { tag: number; body: Uint8Array }): boolean {
  if (a.type === 'DNS') {
    return entry.tag === 0x82 && toLowerCaseAscii(String.fromCharCode(...entry.body)) === toLowerCaseAscii(a.value);
  }
  const mine = a.der.subarray(2);
  const theirs = entry.tag === 0x87 ? parseIp(ipText(entry.body)) : undefined;
  return theirs !== undefined && bytesEqual(parseIp(ipText(mine))!, theirs);
}

/** What a SAN edit gives: the new extension (absent when no name is left) and the names before and after. */
export interface EditedSans {
  extension?: Uint8Array;
  /** Every GeneralName of the new extension, for the name-constraints check. */
  generalNames: Uint8Array[];
  added: string[];
  removed: string[];
}

/**
 * Applies `edit` to the certificate's SAN extension (`old`, absent when it has none): kept names
 * keep their bytes and order, added names follow, the criticality stays. Throws RenewalError when
 * an entry is invalid, a name to remove is not there, or the result has no name left while the
 * subject is empty (RFC 5280 4.2.1.6: such a certificate names nobody).
 */
export function editSubjectAltNames(old: RawExtension | undefined, edit: SanEdit, subjectIsEmpty: boolean): EditedSans {
  const add = (edit.add ?? []).map(parseSanName);
  const remove = (edit.remove ?? []).map(parseSanName);
  const entries = old ? generalNamesOf(old.value) : [];
  const removed: string[] = [];
  for (const r of remove) {
    const at = entries.findIndex(e => sameName(r, e));
    if (at < 0) {
      throw new RenewalError('invalid-name', `${sanLabel(r)} is not among the certificate's Subject Alternative Names; nothing to remove`);
    }
    entries.splice(at, 1);
    removed.push(sanLabel(r));
  }
  const added: string[] = [];
  for (const a of add) {
    if (!entries.some(e => sameName(a, e))) {
      entries.push({ tag: a.der[0], body: a.der.subarray(2), der: a.der });
      added.push(sanLabel(a));
    }
  }
  const generalNames = entries.map(e => e.der);
  if (!generalNames.length) {
    if (subjectIsEmpty) {
      throw new RenewalError('invalid-name', 'the certificate would have neither a subject nor a Subject Alternative Name');
    }
    return { generalNames, added, removed };
  }
  return { extension: extension(OID_SAN, old?.critical ?? subjectIsEmpty, tlv(0x30, ...generalNames)), generalNames, added, removed };
}

function generalNamesOf(value: Uint8Array): { tag: number; body: Uint8Array; der: Uint8Array }[] {
  try {
    const seq = readTlv(value, 0);
    return children(value, seq).map(t => ({ tag: t.tag, body: value.subarray(t.contentStart, t.end), der: value.slice(t.start, t.end) }));
  } catch {
    throw new RenewalError('invalid-input', 'the certificate\'s Subject Alternative Name extension cannot be read');
  }
}

/** The kinds name constraints compare (Go keeps DNS, email, URI and IP). */
function sanEntries(generalNames: readonly Uint8Array[]): SanEntry[] {
  const out: SanEntry[] = [];
  for (const gn of generalNames) {
    const body = gn.subarray(gn[1] & 0x80 ? 2 + (gn[1] & 0x7f) : 2);
    const text = () => String.fromCharCode(...body);
    switch (gn[0]) {
      case 0x81: out.push({ kind: 'email', text: text() }); break;
      case 0x82: out.push({ kind: 'dns', text: text() }); break;
      case 0x86: out.push({ kind: 'uri', text: text() }); break;
      case 0x87: out.push({ kind: 'ip', ip: body }); break;
      default: break;
    }
  }
  return out;
}

/**
 * Refuses names the signing CA's nameConstraints forbid, with Go's reason ("DNS name
 * "evil.example" is not permitted by any constraint"): Go, and so kubectl and the API server's
 * clients, would refuse the certificate at every handshake.
 */
export function checkNameConstraints(caExtensions: readonly RawExtension[], caSubject: string, generalNames: readonly Uint8Array[]): void {
  const nc = caExtensions.find(e => e.oid === OID_NAME_CONSTRAINTS);
  if (!nc || !generalNames.length) {
    return;
  }
  let constraints: NameConstraints;
  try {
    constraints = parseNameConstraints(nc.value).constraints;
  } catch (e) {
    throw new RenewalError('invalid-input', `the CA ${caSubject} has name constraints that cannot be read: ${(e as Error).message}`);
  }
  const failure = nameConstraintsFailure(constraints, [{ hasSan: true, sans: sanEntries(generalNames) }]);
  if (failure) {
    throw new RenewalError('name-forbidden', `the CA ${caSubject} may not issue this name: ${failure.error.replace(/^x509: /, '')}`);
  }
}
