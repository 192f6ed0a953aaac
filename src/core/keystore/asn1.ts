import { AsnConvert } from '@peculiar/asn1-schema';
import { toArrayBuffer } from '../x509/bytes';

/**
 * A schema parse sized to the input. The parser stops at 10,000 ASN.1 nodes by default; a
 * truststore or bundle of thousands of certificates has more. Every node takes at least two
 * bytes, so a limit of the input's length never refuses a real file and keeps the cost linear.
 */
export function parse<T>(data: ArrayBuffer | Uint8Array, target: new () => T): T {
  const buffer = data instanceof Uint8Array ? toArrayBuffer(data) : data;
  return AsnConvert.parse(buffer, target, { berOptions: { maxNodes: Math.max(10_000, buffer.byteLength) } });
}
