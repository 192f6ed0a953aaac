import { AsnConvert } from '@peculiar/asn1-schema';
import type { Name as AsnName, AttributeValue } from '@peculiar/asn1-x509';
import { bytesKey, toHex, utf8Bytes } from './bytes';
import { asciiString, readTlv } from './der';
import { NAME_ATTRIBUTES } from './oids';
import { flat } from '../flatString';
import { Interned } from './interned';

/** One attribute of a relative distinguished name, e.g. `CN=kube-apiserver`. */
export interface NameAttribute {
  oid: string;
  /** Short name (CN, O, OU…) or the dotted OID when we have no name for it. */
  type: string;
  value: string;
  /** Set when the value is not a string type and is shown as `#hex` of its DER. */
  derHex?: string;
}

/** A subject or issuer name. */
export interface DistinguishedName {
  /** RDNs in encoding order (most general first), each a set of attributes. */
  rdns: NameAttribute[][];
  /** RFC 4514 string, most specific RDN first, readable UTF-8 (`CN=kube-apiserver,O=…`). */
  text: string;
  commonName?: string;
  organizations: string[];
  /** DER of the whole Name, the form issuer/subject matching compares. */
  der: Uint8Array;
}

/**
 * The Name's DER as a map key, made once per name: a certificate's analysis outlives builds
 * (content-keyed cache), and linking looks up every subject and issuer on every rebuild.
 */
const nameKeys = new WeakMap<DistinguishedName, string>();
export function nameKey(name: DistinguishedName): string {
  let key = nameKeys.get(name);
  if (key === undefined) {
    key = bytesKey(name.der);
    nameKeys.set(name, key);
  }
  return key;
}

/**
 * Names by their DER (see interned.ts): every leaf a CA signed names it as its issuer. Bounded
 * above the number of CAs a workspace holds; unique subjects pass through.
 */
const internedNames = new Interned<DistinguishedName>(8192);

/** The name encoded as `encoded`: one already made from the same bytes, or `make()`'s. */
export function internedName(encoded: Uint8Array, make: () => DistinguishedName): DistinguishedName {
  const key = bytesKey(encoded);
  return internedNames.get(key, () => {
    const name = make();
    nameKeys.set(name, key);
    return name;
  });
}

function attributeString(value: AttributeValue): string | undefined {
  const v = value as unknown as Record<string, unknown>;
  for (const k of ['utf8String', 'printableString', 'ia5String', 'teletexString', 'bmpString', 'universalString']) {
    if (typeof v[k] === 'string') {
      return v[k] as string;
    }
  }
  // NumericString and VisibleString (INN, OGRN, some serialNumbers) are no DirectoryString choice: read the raw value.
  if (v.anyValue instanceof ArrayBuffer) {
    const bytes = new Uint8Array(v.anyValue);
    const tlv = readTlv(bytes, 0);
    if (tlv && tlv.end === bytes.length && (tlv.tag === 0x12 || tlv.tag === 0x1a)) {
      return asciiString(bytes.subarray(tlv.contentStart));
    }
  }
  return undefined;
}

export function nameFromAsn(name: AsnName, der?: Uint8Array): DistinguishedName {
  const rdns: NameAttribute[][] = Array.from(name, rdn => Array.from(rdn, atv => {
    const type = NAME_ATTRIBUTES[atv.type] ?? atv.type;
    const str = attributeString(atv.value);
    if (str !== undefined && type !== atv.type) {
      return { oid: atv.type, type, value: str };
    }
    // openssl's dump_unknown: attributes without a known name are dumped as their DER.
    const derHex = toHex(new Uint8Array(AsnConvert.serialize(atv.value)));
    return { oid: atv.type, type, value: `#${derHex}`, derHex };
  }));
  return distinguishedName(rdns, der ?? new Uint8Array(AsnConvert.serialize(name)));
}

/** A name from its attributes and DER (shared by the schema-based and the fast DER decoder). */
export function distinguishedName(rdns: NameAttribute[][], encoded: Uint8Array): DistinguishedName {
  const attributes = rdns.flat();
  return {
    rdns,
    text: formatName(rdns),
    commonName: [...attributes].reverse().find(a => a.type === 'CN')?.value,
    organizations: attributes.filter(a => a.type === 'O').map(a => a.value),
    der: encoded,
  };
}

export interface FormatNameOptions {
  /**
   * openssl's `-nameopt RFC2253` spelling: non-ASCII escaped as `\XX` UTF-8 bytes, hex dumps in
   * upper case, and the attributes of a multi-valued RDN in reverse too (default: readable UTF-8).
   */
  escapeNonAscii?: boolean;
}

/**
 * RFC 4514 / RFC 2253 string: RDNs reversed, multi-valued RDNs joined with `+`. An empty RDN (a
 * SET with no attribute, seen in real certificates) contributes nothing, as in openssl, which
 * keeps no trace of it: no stray comma.
 */
export function formatName(rdns: NameAttribute[][], options: FormatNameOptions = {}): string {
  const openssl = options.escapeNonAscii === true;
  return rdns.filter(rdn => rdn.length > 0).reverse()
    .map(rdn => (openssl ? [...rdn].reverse() : rdn).map(a => flat(a.type, '=', a.derHex ? (openssl ? `#${a.derHex.toUpperCase()}` : a.value) : escapeValue(a.value, options))).join('+'))
    .join(',');
}

/** Values with nothing to escape (nearly all) are returned as they are, not rebuilt character by character. */
const NEEDS_ESCAPE = /[,+"\\<>;\u0000-\u001f\u007f]|^[# ]| $/;
const NEEDS_ESCAPE_NON_ASCII = /[,+"\\<>;\u0000-\u001f\u007f-\uffff]|^[# ]| $/;

function escapeValue(value: string, options: FormatNameOptions): string {
  if (!(options.escapeNonAscii ? NEEDS_ESCAPE_NON_ASCII : NEEDS_ESCAPE).test(value)) {
    return value;
  }
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const code = value.charCodeAt(i);
    if (',+"\\<>;'.includes(ch) || (i === 0 && (ch === '#' || ch === ' ')) || (i === value.length - 1 && ch === ' ')) {
      out += '\\' + ch;
    } else if (code < 0x20 || code === 0x7f) {
      out += '\\' + code.toString(16).toUpperCase().padStart(2, '0');
    } else if (code > 0x7f && options.escapeNonAscii) {
      const cp = value.codePointAt(i)!;
      const chars = String.fromCodePoint(cp);
      for (const b of utf8Bytes(chars)) {
        out += '\\' + b.toString(16).toUpperCase().padStart(2, '0');
      }
      i += chars.length - 1;
    } else {
      out += ch;
    }
  }
  return out;
}

/** The name the UI shows for a certificate: its CN, or the whole DN when it has none. */
export function shortName(name: DistinguishedName): string {
  return name.commonName !== undefined ? `CN=${name.commonName}` : (name.text || '(empty name)');
}
