import { DocumentAnalysis, MaterialEntry } from '../analyze';
import { DecodedObject } from '../x509/material';
import { shortName } from '../x509/name';
import { KeyPairing } from '../render/hover';

/**
 * Pair each private key in a document with the certificate it is meant for, by position:
 * a kubeconfig user's client-key-data with its client-certificate-data, a Secret's tls.key with
 * tls.crt, a key in a combined PEM file with the file's certificate. Matching is by public key.
 */
export function pairKeysInDocument(analysis: DocumentAnalysis): Map<DecodedObject, KeyPairing> {
  const pairings = new Map<DecodedObject, KeyPairing>();
  const certEntries = analysis.entries.filter(e => e.objects.some(o => o.certificate));
  // The first certificate carrier of each owner, so a kubeconfig with 500 users pairs in one pass (every hover does this).
  const byOwner = new Map<string, MaterialEntry>();
  for (const e of certEntries) {
    const key = e.carrier?.role === 'certificate' ? ownerKey(e.carrier.owner) : undefined;
    if (key !== undefined && !byOwner.has(key)) {
      byOwner.set(key, e);
    }
  }
  for (const entry of analysis.entries) {
    for (const key of entry.objects.filter(o => o.privateKey)) {
      const owner = entry.carrier && ownerKey(entry.carrier.owner);
      const partner = entry.carrier ? (owner === undefined ? undefined : byOwner.get(owner)) : partnerEntry(entry, certEntries);
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

/** Which certificate carriers a key carrier pairs with (see partnerEntry): the same kubeconfig user, or the same YAML document. */
function ownerKey(owner: NonNullable<MaterialEntry['carrier']>['owner']): string | undefined {
  switch (owner.kind) {
    case 'kubeconfig-user': return `user:${owner.index}`;
    case 'secret': case 'other': return `document:${owner.document}`;
    default: return undefined;
  }
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
