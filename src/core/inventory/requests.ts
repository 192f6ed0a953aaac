// Phase 6 of linking: certificate requests — the key that sits where each request's key belongs,
// and each request's self-signature checked with the key it carries (cached by the request's hash).
import { csrSignatureCheck, parseCsr } from '../renew/csr';
import { toHex } from '../x509/bytes';
import { sha256 } from '../x509/sha';
import { keyStem } from './keysByLocation';
import { InventoryFile, RequestNode } from './model';
import { SignatureCache } from './signatureCache';

/** `apiserver.csr` → `apiserver`; kubeadm's `admin.conf.csr` → `admin.conf` (the kubeconfig holding the key). */
const requestStem = (name: string) => name.replace(/\.(csr|req)$/i, '');

export async function linkRequests(requests: readonly RequestNode[], files: readonly InventoryFile[], cache: SignatureCache): Promise<void> {
  if (!requests.length) {
    return;
  }
  const keyFiles = new Map<string, InventoryFile[]>();
  for (const file of files) {
    if (!file.privateKeys.length) {
      continue;
    }
    // A key file (`x.key`, `x-key.pem`), or a kubeconfig whose users hold keys (`admin.conf`).
    const stem = keyStem(file.name) ?? (file.kubeconfigs.length ? file.name : undefined);
    if (stem !== undefined) {
      keyFiles.set(file.folder + stem, [...(keyFiles.get(file.folder + stem) ?? []), file]);
    }
  }
  await Promise.all(requests.map(async request => {
    if (!request.carrier && /\.(csr|req)$/i.test(request.file.name)) {
      request.keys = (keyFiles.get(request.file.folder + requestStem(request.file.name)) ?? []).filter(f => f !== request.file).flatMap(f => f.privateKeys);
    }
    request.signature = await signatureOf(request, cache);
  }));
}

async function signatureOf(request: RequestNode, cache: SignatureCache): Promise<RequestNode['signature']> {
  const der = request.object.der;
  if (!der) {
    return undefined;
  }
  const key = `csr|${toHex(sha256(der))}`;
  const known = cache.getByKey(key);
  if (known) {
    return known;
  }
  let result: RequestNode['signature'];
  try {
    result = await csrSignatureCheck(parseCsr(der));
  } catch {
    return undefined; // unreadable for signing: csr-profile says why
  }
  cache.setByKey(key, result);
  return result;
}
