import { digest } from '../x509/bytes';
import { CertificateInfo, decodeCertificate } from '../x509/certificate';
import { Tlv, expectChildren as children, oidString, expectTlv as readTlv } from '../x509/der';
import { oidBytes, tlv } from '../x509/derWriter';
import { RenewalError } from './errors';

/**
 * The parts of a certificate renewal copies, read as the exact bytes they were, and the two
 * extensions it writes itself (Authority and Subject Key Identifier).
 */

export const OID_SKI = '2.5.29.14';
export const OID_AKI = '2.5.29.35';

export interface RawExtension {
  oid: string;
  critical: boolean;
  /** The whole Extension SEQUENCE, as it stood in the certificate. */
  der: Uint8Array;
  /** extnValue contents. */
  value: Uint8Array;
}

export interface RawCertificate {
  tbs: Uint8Array;
  serial: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  extensions: RawExtension[];
  signatureAlgorithm: Uint8Array;
  signature: Uint8Array;
  /** The SubjectKeyIdentifier's key id, when present. */
  skiKeyId?: Uint8Array;
}

/** A certificate decoded (what it says) and raw (its bytes, to copy). */
export interface ParsedCertificate {
  info: CertificateInfo;
  raw: RawCertificate;
}

/** `what` names the certificate in the refusal ("the CA certificate"). Throws RenewalError. */
export async function parseCertificate(der: Uint8Array, what: string): Promise<ParsedCertificate> {
  try {
    return { info: await decodeCertificate(der), raw: rawCertificate(der) };
  } catch (e) {
    throw new RenewalError('invalid-input', `${what} cannot be read: ${(e as Error).message}`);
  }
}

export function rawCertificate(der: Uint8Array): RawCertificate {
  const cert = readTlv(der, 0);
  const [tbsTlv, sigAlg, sigValue] = children(der, cert);
  const fields = children(der, tbsTlv);
  let i = fields[0]?.tag === 0xa0 ? 1 : 0;
  const [serial, , issuer, , subject, spki] = fields.slice(i, i + 6);
  i += 6;
  const slice = (t: Tlv) => der.slice(t.start, t.end);
  const extensions: RawExtension[] = [];
  let skiKeyId: Uint8Array | undefined;
  const extWrapper = fields.slice(i).find(t => t.tag === 0xa3);
  if (extWrapper) {
    const [list] = children(der, extWrapper);
    for (const e of children(der, list)) {
      const parts = children(der, e);
      const oid = oidString(der, parts[0]);
      if (oid === undefined) {
        throw new Error('malformed extension OID');
      }
      const critical = parts.length === 3 && parts[1].tag === 0x01 && der[parts[1].contentStart] !== 0;
      const valueTlv = parts[parts.length - 1];
      const value = der.slice(valueTlv.contentStart, valueTlv.end);
      extensions.push({ oid, critical, der: slice(e), value });
      if (oid === OID_SKI) {
        const inner = readTlv(value, 0);
        skiKeyId = value.slice(inner.contentStart, inner.end);
      }
    }
  }
  return {
    tbs: slice(tbsTlv),
    serial: der.slice(serial.contentStart, serial.end),
    issuer: slice(issuer),
    subject: slice(subject),
    spki: slice(spki),
    extensions,
    signatureAlgorithm: slice(sigAlg),
    signature: der.slice(sigValue.contentStart + 1, sigValue.end),
    skiKeyId,
  };
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits, what `subjectKeyIdentifier = hash` gives. */
export async function keyIdentifier(spki: Uint8Array): Promise<Uint8Array> {
  const seq = readTlv(spki, 0);
  const bits = children(spki, seq)[1];
  return digest('SHA-1', spki.subarray(bits.contentStart + 1, bits.end));
}

/** One Extension SEQUENCE: OID, the critical flag when set (DER leaves out FALSE), extnValue. */
export function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return tlv(0x30, oidBytes(oid), critical ? new Uint8Array([0x01, 0x01, 0xff]) : new Uint8Array(0), tlv(0x04, value));
}

/** An AuthorityKeyIdentifier naming the signing CA's key (its SKI, else the hash of its key). */
export async function akiExtensionFor(ca: RawCertificate): Promise<Uint8Array> {
  const keyId = ca.skiKeyId ?? await keyIdentifier(ca.spki);
  return extension(OID_AKI, false, tlv(0x30, tlv(0x80, keyId)));
}

export function skiExtension(keyId: Uint8Array, critical: boolean): Uint8Array {
  return extension(OID_SKI, critical, tlv(0x04, keyId));
}

/** True when an AuthorityKeyIdentifier names the issuer and serial (`authorityKeyIdentifier = keyid, issuer:always`), not just a key id. */
export function akiNamesIssuerSerial(value: Uint8Array): boolean {
  try {
    const seq = readTlv(value, 0);
    return children(value, seq).some(t => t.tag !== 0x80);
  } catch {
    return false;
  }
}
