// Phase 2 of linking: private keys, public keys and certificates that hold the same public key.
import { push } from '../collections';
import { Pause, maybePause } from '../slices';
import { CertificateRecord, PrivateKeyNode, PublicKeyNode } from './model';

/** `pause`: see core/slices.ts (a first look at 10,000 key ids is a tenth of a second). */
export async function linkKeysByPublicKey(records: Map<string, CertificateRecord>, privateKeys: readonly PrivateKeyNode[], publicKeys: readonly PublicKeyNode[], pause?: Pause): Promise<void> {
  const keysById = new Map<string, PrivateKeyNode[]>();
  for (const key of privateKeys) {
    if (key.key.publicKey) {
      push(keysById, key.key.publicKey.id, key);
    }
    await maybePause(pause, 'private keys by public key');
  }
  const publicById = new Map<string, PublicKeyNode[]>();
  for (const pub of publicKeys) {
    push(publicById, pub.publicKey.id, pub);
    for (const key of keysById.get(pub.publicKey.id) ?? []) {
      key.publicKeys.push(pub);
      pub.privateKeys.push(key);
    }
  }
  for (const record of records.values()) {
    const id = record.certificate.publicKey.id;
    record.privateKeys = keysById.get(id) ?? [];
    record.hasKeyInWorkspace = record.privateKeys.length > 0;
    for (const key of record.privateKeys) {
      key.certificates.push(record);
    }
    for (const pub of publicById.get(id) ?? []) {
      pub.certificates.push(record);
    }
    await maybePause(pause, 'certificates by public key');
  }
}
