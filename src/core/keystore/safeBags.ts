/**
 * SafeContents and CertBags walked with the DER reader: the fast path of pkcs12.ts. The
 * @peculiar/asn1-pfx schemas stay the reference (BER with indefinite lengths, as Java and Windows
 * write it, falls back to them), but building their object graph for a truststore of thousands
 * of bags costs seconds where this walk costs milliseconds (measured by `npm run bench`).
 */
import { Tlv, children, content, oidString, readTlv } from '../x509/der';

export interface RawAttribute {
  attrId: string;
  /** Each value as a whole TLV. */
  attrValues: Uint8Array[];
}

export interface RawBag {
  bagId: string;
  /** The TLV inside bagValue's [0] EXPLICIT. */
  bagValue: Uint8Array;
  attributes: RawAttribute[];
}

const whole = (bytes: Uint8Array, t: Tlv) => bytes.subarray(t.start, t.end);

/** The bags of a DER SafeContents, or undefined when it is not plain DER (the schema decides then). */
export function safeBagsFromDer(bytes: Uint8Array): RawBag[] | undefined {
  const top = readTlv(bytes, 0, bytes.length, true);
  const bags = top && top.tag === 0x30 && top.end === bytes.length ? children(bytes, top, true) : undefined;
  if (!bags) {
    return undefined;
  }
  const out: RawBag[] = [];
  for (const bag of bags) {
    const parts = bag.tag === 0x30 ? children(bytes, bag, true) : undefined;
    const bagId = parts?.[0] && oidString(bytes, parts[0]);
    const wrapper = parts?.[1]?.tag === 0xa0 ? children(bytes, parts[1], true) : undefined;
    if (!parts || !bagId || wrapper?.length !== 1 || parts.length > 3) {
      return undefined;
    }
    const attributes: RawAttribute[] = [];
    if (parts[2]) {
      const set = parts[2].tag === 0x31 ? children(bytes, parts[2], true) : undefined;
      for (const attribute of set ?? []) {
        const pair = attribute.tag === 0x30 ? children(bytes, attribute, true) : undefined;
        const attrId = pair?.[0] && oidString(bytes, pair[0]);
        const values = pair?.[1]?.tag === 0x31 ? children(bytes, pair[1], true) : undefined;
        if (!attrId || !values) {
          return undefined;
        }
        attributes.push({ attrId, attrValues: values.map(v => whole(bytes, v)) });
      }
      if (!set) {
        return undefined;
      }
    }
    out.push({ bagId, bagValue: whole(bytes, wrapper[0]), attributes });
  }
  return out;
}

/** CertBag { certId, [0] EXPLICIT OCTET STRING }: the id and the certificate bytes, or undefined when not plain DER. */
export function certFromCertBag(bytes: Uint8Array): { certId: string; certificate: Uint8Array } | undefined {
  const top = readTlv(bytes, 0, bytes.length, true);
  const parts = top && top.tag === 0x30 ? children(bytes, top, true) : undefined;
  const certId = parts?.[0] && oidString(bytes, parts[0]);
  const wrapper = parts?.[1]?.tag === 0xa0 ? children(bytes, parts[1], true) : undefined;
  if (!certId || wrapper?.length !== 1 || wrapper[0].tag !== 0x04) {
    return undefined;
  }
  return { certId, certificate: content(bytes, wrapper[0]) };
}
