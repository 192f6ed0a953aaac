// Phase 5 of linking: private keys paired with the certificate their location names — the same
// kubeconfig user, Secret or sibling fields, the same file, or the same name beside it
// (`apiserver.key` / `apiserver.crt`, cfssl's `admin-key.pem` / `admin.pem`).
import { push } from '../collections';
import { Pause, pauseEvery } from '../slices';
import { CarrierLocation } from '../kube/carriers';
import { CertificateNode, InventoryFile, KeyPairing, KubeconfigNode, PairingReason, PrivateKeyNode, PublicKeyNode } from './model';

const CERT_FILE = /\.(crt|pem|cer|der)$/i;
const KEY_FILE = /\.(key|pem)$/i;

/** `apiserver.key` → `apiserver`; cfssl's `admin-key.pem` → `admin`. */
export function keyStem(name: string): string | undefined {
  if (/-key\.pem$/i.test(name)) {
    return name.slice(0, -'-key.pem'.length);
  }
  return KEY_FILE.test(name) ? name.replace(KEY_FILE, '') : undefined;
}

function parentPath(carrier: CarrierLocation): string {
  return carrier.path.endsWith(carrier.key) ? carrier.path.slice(0, carrier.path.length - carrier.key.length) : carrier.path;
}

/** `pause`: a turn for the host between files (core/slices.ts); 110,000 files took 0.2 s in one go. */
export async function pairKeysByLocation(files: readonly InventoryFile[], kubeconfigs: readonly KubeconfigNode[], pause?: Pause): Promise<KeyPairing[]> {
  const pairings: KeyPairing[] = [];
  const paired = new Set<PrivateKeyNode>();
  const pair = (key: PrivateKeyNode, reason: PairingReason, partners: CertificateNode[], publicKey?: PublicKeyNode) => {
    if (paired.has(key) || (!partners.length && !publicKey)) {
      return;
    }
    paired.add(key);
    const id = key.key.publicKey?.id;
    const partnerId = partners.length ? partners[0].certificate.publicKey.id : publicKey!.publicKey.id;
    const pairing: KeyPairing = { key, reason, certificates: partners, publicKey: partners.length ? undefined : publicKey, matches: id === undefined ? undefined : id === partnerId };
    key.pairing = pairing;
    pairings.push(pairing);
    if (pairing.matches === undefined && key.key.encrypted && partners.length) {
      partners[0].record.hasKeyInWorkspace = true;
    }
  };
  for (const kubeconfig of kubeconfigs) {
    for (const user of kubeconfig.users) {
      for (const key of user.keys) {
        pair(key, 'kubeconfig-user', user.certificates);
      }
    }
  }
  // Names beside a loose key are looked up only in the folders that hold one: a stem for each of
  // 10,000 certificate files (a test, a replace and a map entry each) was made at every relink for 8 keys.
  const keyFolders = new Set<string>();
  for (const file of files) {
    if (file.privateKeys.length && file.privateKeys.some(key => !key.carrier)) {
      keyFolders.add(file.folder);
    }
  }
  const byStem = new Map<string, InventoryFile[]>();
  // By index, as every pass over all files with a turn inside (see checks/finding.ts ITEMS_PER_STEP).
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    if (keyFolders.has(file.folder) && (CERT_FILE.test(file.name) || /\.pub$/i.test(file.name))) {
      push(byStem, file.folder + file.name.replace(/\.[^.]+$/, ''), file);
    }
    const turn = pauseEvery(pause, i, 'keys by location');
    if (turn) {
      await turn;
    }
  }
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const turn = pauseEvery(pause, i, 'keys by location');
    if (turn) {
      await turn;
    }
    if (!file.privateKeys.length) {
      continue;
    }
    const carried = new Map<string, CertificateNode[]>();
    for (const cert of file.certificates) {
      if (cert.carrier?.role === 'certificate' && cert.carrier.owner.kind !== 'kubeconfig-user') {
        push(carried, siblingKey(cert.carrier), cert);
      }
    }
    const loose = file.certificates.filter(c => !c.carrier);
    for (const key of file.privateKeys) {
      if (key.carrier) {
        if (key.carrier.owner.kind !== 'kubeconfig-user') {
          pair(key, key.carrier.owner.kind === 'secret' ? 'secret' : 'sibling-fields', carried.get(siblingKey(key.carrier)) ?? []);
        }
        continue;
      }
      if (loose.length) {
        pair(key, 'combined-file', loose);
        continue;
      }
      const stem = keyStem(file.name);
      if (stem === undefined) {
        continue;
      }
      const partners = (byStem.get(file.folder + stem) ?? []).filter(f => f !== file);
      const certFile = partners.find(f => CERT_FILE.test(f.name) && f.certificates.some(c => !c.carrier));
      if (certFile) {
        pair(key, 'same-name', certFile.certificates.filter(c => !c.carrier));
        continue;
      }
      const pubFile = partners.find(f => f.publicKeys.length && !f.certificates.length);
      if (pubFile) {
        pair(key, 'key-pair-files', [], pubFile.publicKeys[0]);
      }
    }
  }
  return pairings;
}

function siblingKey(carrier: CarrierLocation): string {
  const owner = carrier.owner;
  const doc = owner.kind === 'secret' || owner.kind === 'other' ? owner.document : -1;
  return `${doc}\n${parentPath(carrier)}`;
}
