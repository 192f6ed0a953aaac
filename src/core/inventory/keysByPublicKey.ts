// Phase 2 of linking: private keys, public keys and certificates that hold the same public key.
import { none, push } from '../collections';
import { Pause, maybePause, pauseEvery } from '../slices';
import { CertificateRecord, PrivateKeyNode, PublicKeyNode } from './model';

/**
 * `pause`: see core/slices.ts (a first look at 10,000 key ids is a tenth of a second).
 *
 * Everything holding one public key shares one list per kind (the certificates, the private keys,
 * the public keys with that key), in the order of the inputs: linear in the material. A list per
 * node was as long as its group and filled one push at a time, so 1,250 certificates and 125 key
 * files with the same key (the bench's pool of ten keys) cost 156,250 pushes for that key alone and
 * a third of a rebuild; a thousand copies of one key beside ten thousand certificates would cost ten
 * million. The shared lists are never written after this phase.
 */
export async function linkKeysByPublicKey(records: Map<string, CertificateRecord>, privateKeys: readonly PrivateKeyNode[], publicKeys: readonly PublicKeyNode[], pause?: Pause): Promise<void> {
  const keysById = new Map<string, PrivateKeyNode[]>();
  for (const key of privateKeys) {
    if (key.key.publicKey) {
      push(keysById, key.key.publicKey.id, key);
    }
  }
  const turn = maybePause(pause, 'private keys by public key');
  if (turn) {
    await turn;
  }
  const publicById = new Map<string, PublicKeyNode[]>();
  for (const pub of publicKeys) {
    push(publicById, pub.publicKey.id, pub);
  }
  const recordsById = new Map<string, CertificateRecord[]>();
  // An array walked by index: a Map's iterator across the turns made a result object per record.
  const list = Array.from(records.values());
  for (let i = 0; i < list.length; i++) {
    const record = list[i];
    const id = record.certificate.publicKey.id;
    push(recordsById, id, record);
    record.privateKeys = keysById.get(id) ?? none();
    record.hasKeyInWorkspace = record.privateKeys.length > 0;
    const turn = pauseEvery(pause, i, 'certificates by public key');
    if (turn) {
      await turn;
    }
  }
  for (const [id, keys] of keysById) {
    const certificates = recordsById.get(id) ?? [];
    const pubs = publicById.get(id) ?? [];
    for (const key of keys) {
      key.certificates = certificates;
      key.publicKeys = pubs;
    }
  }
  for (const [id, pubs] of publicById) {
    const certificates = recordsById.get(id) ?? [];
    const keys = keysById.get(id) ?? [];
    for (const pub of pubs) {
      pub.certificates = certificates;
      pub.privateKeys = keys;
    }
  }
}
