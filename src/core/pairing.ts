import { DocumentAnalysis, MaterialEntry } from './analyze';
import { DecodedObject } from './material';
import { shortName } from './name';
import { KeyPairing } from './render/hover';

/**
 * Pair each private key in a document with the certificate it is meant for, by position:
 * a kubeconfig user's client-key-data with its client-certificate-data, a Secret's tls.key with
 * tls.crt, a key in a combined PEM file with the file's certificate. Matching is by public key.
 */
export function pairKeysInDocument(analysis: DocumentAnalysis): Map<DecodedObject, KeyPairing> {
  const pairings = new Map<DecodedObject, KeyPairing>();
  const certEntries = analysis.entries.filter(e => e.objects.some(o => o.certificate));
  for (const entry of analysis.entries) {
    for (const key of entry.objects.filter(o => o.privateKey)) {
      const partner = partnerEntry(entry, certEntries);
      const cert = partner?.objects.find(o => o.certificate)?.certificate;
      if (!partner || !cert) {
        continue;
      }
      const pairing = pairWith(key, cert, partner.carrier?.path ?? 'this file');
      if (pairing) {
        pairings.set(key, pairing);
      }
    }
  }
  return pairings;
}

function partnerEntry(keyEntry: MaterialEntry, certEntries: MaterialEntry[]): MaterialEntry | undefined {
  const carrier = keyEntry.carrier;
  if (!carrier) {
    // A combined file (kubelet-client-current.pem): the certificate outside any carrier.
    return certEntries.find(e => !e.carrier);
  }
  const owner = carrier.owner;
  return certEntries.find(e => {
    const c = e.carrier;
    if (!c || c.role !== 'certificate') {
      return false;
    }
    if (owner.kind === 'kubeconfig-user') {
      return c.owner.kind === 'kubeconfig-user' && c.owner.index === owner.index;
    }
    if (owner.kind === 'secret' || owner.kind === 'other') {
      return (c.owner.kind === 'secret' || c.owner.kind === 'other') && c.owner.document === owner.document;
    }
    return false;
  });
}

/** Compare a key with a certificate; undefined when the key's public half is unknown (encrypted). */
export function pairWith(key: DecodedObject, cert: NonNullable<DecodedObject['certificate']>, where: string): KeyPairing | undefined {
  const pub = key.privateKey?.publicKey;
  if (!pub) {
    return undefined;
  }
  return { where, subject: shortName(cert.subject), matches: pub.id === cert.publicKey.id };
}
