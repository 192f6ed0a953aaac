/**
 * GeneralNames (subjectAltName, and any other GeneralNames value) read from DER and spelled as
 * `openssl x509 -ext subjectAltName` (OpenSSL 3.0, i2v_GENERAL_NAME) prints them. One reader for
 * both certificate decoders: @peculiar/asn1-x509's GeneralName schema refuses x400Address and
 * ediPartyName (one such entry lost the whole SAN list) and turns an 8- or 32-byte iPAddress
 * into a CIDR, which only name constraints may hold.
 */
import { Tlv, children, oidString, readTlv, utf8String } from './der';
import type { SubjectAltName } from './types';
import { trimmed } from '../collections';

/**
 * otherName types OpenSSL 3.0 prints by a label of its own (v3_san.c), or by its object table's
 * name (long name, else short); any other shows its OID.
 */
const OTHER_NAME_LABELS: Record<string, string> = {
  '1.3.6.1.5.5.7.8.1': 'id-on-personalData',
  '1.3.6.1.5.5.7.8.3': 'Permanent Identifier',
  '1.3.6.1.4.1.311.20.2.2': 'Microsoft Smartcard Login',
  '1.3.6.1.5.5.7.8.9': 'SmtpUTF8Mailbox',
  '1.3.6.1.5.5.7.8.5': 'XmppAddr',
  '1.3.6.1.5.5.7.8.7': 'SRVName',
  '1.3.6.1.4.1.311.20.2.3': 'UPN',
  '1.3.6.1.5.5.7.8.8': 'NAIRealm',
};

/**
 * The names in a DER GeneralNames SEQUENCE, or undefined when it is malformed. `directoryName`
 * turns the DER of a Name into its text (each decoder has its own name reader); it may throw.
 * `lenient`: accept non-minimal lengths (the reference decoder reads BER as the schema parser did).
 */
export function decodeGeneralNames(bytes: Uint8Array, directoryName: (nameDer: Uint8Array) => string, lenient = false): SubjectAltName[] | undefined {
  const outer = readTlv(bytes, 0, bytes.length, lenient);
  const items = outer && outer.tag === 0x30 && outer.end === bytes.length ? children(bytes, outer, lenient) : undefined;
  if (!items) {
    return undefined;
  }
  const out: SubjectAltName[] = [];
  for (const item of items) {
    const name = generalName(bytes, item, directoryName, lenient);
    if (!name) {
      return undefined;
    }
    out.push(name);
  }
  return trimmed(out);
}

function generalName(bytes: Uint8Array, n: Tlv, directoryName: (nameDer: Uint8Array) => string, lenient: boolean): SubjectAltName | undefined {
  const raw = bytes.subarray(n.contentStart, n.end);
  switch (n.tag) {
    case 0x82: return { type: 'DNS', value: ia5Text(raw) };
    case 0x81: return { type: 'email', value: ia5Text(raw) };
    case 0x86: return { type: 'URI', value: ia5Text(raw) };
    case 0x87: return { type: 'IP', value: ipText(raw) };
    case 0x88: {
      const oid = oidString(bytes, { ...n, tag: 0x06 });
      return oid === undefined ? undefined : { type: 'RID', value: oid };
    }
    case 0xa4: {
      const inner = children(bytes, n, lenient);
      return inner?.length === 1 && inner[0].tag === 0x30 ? { type: 'DirName', value: directoryName(bytes.subarray(inner[0].start, inner[0].end)) } : undefined;
    }
    case 0xa0: return otherName(bytes, n, lenient);
    case 0xa3: return { type: 'X400Name', value: '<unsupported>' };
    case 0xa5: return { type: 'EdiPartyName', value: '<unsupported>' };
    default: return undefined;
  }
}

/**
 * openssl prints `othername: <label>::<text>` for an IA5String or UTF8String value and
 * `othername: <label>::<unsupported>` for anything else; the value here is what follows
 * `othername:`, leading space included, so prefix and value join to openssl's line.
 */
function otherName(bytes: Uint8Array, n: Tlv, lenient: boolean): SubjectAltName | undefined {
  const [typeId, explicit, ...extra] = children(bytes, n, lenient) ?? [];
  const oid = typeId && oidString(bytes, typeId);
  if (!oid || !explicit || explicit.tag !== 0xa0 || extra.length) {
    return undefined;
  }
  const label = OTHER_NAME_LABELS[oid] ?? oid;
  const inner = children(bytes, explicit, lenient);
  const value = inner?.length === 1 ? inner[0] : undefined;
  const content = value && bytes.subarray(value.contentStart, value.end);
  const text = value?.tag === 0x0c ? utf8String(content!) : value?.tag === 0x16 ? ia5Text(content!) : undefined;
  return { type: 'othername', value: ` ${label}::${text ?? '<unsupported>'}` };
}

/**
 * IA5String bytes as text. Printable ASCII as it is; UTF-8 (an IDN written unencoded, against
 * RFC 5280) as the characters a UTF-8 terminal shows for openssl's raw bytes; control characters
 * (a NUL in `evil.example\x00.good.example` is the null-prefix attack) and bytes that are not
 * UTF-8 as `\xNN` — openssl writes those bytes raw, never as a Latin-1 character the
 * certificate does not hold.
 */
export function ia5Text(raw: Uint8Array): string {
  const text = utf8String(raw);
  if (text !== undefined) {
    return /[\u0000-\u001f\u007f]/.test(text) ? text.replace(/[\u0000-\u001f\u007f]/g, c => hexEscape(c.charCodeAt(0))) : text;
  }
  let out = '';
  for (const b of raw) {
    out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : hexEscape(b);
  }
  return out;
}

function hexEscape(byte: number): string {
  return `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** IPv4 dotted, IPv6 as openssl prints it (eight groups, no leading zeros, upper case), else openssl's `<invalid length=N>`. */
export function ipText(raw: Uint8Array): string {
  if (raw.length === 4) {
    return Array.from(raw).join('.');
  }
  if (raw.length !== 16) {
    return `<invalid length=${raw.length}>`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push(((raw[i] << 8) | raw[i + 1]).toString(16).toUpperCase());
  }
  return groups.join(':');
}
