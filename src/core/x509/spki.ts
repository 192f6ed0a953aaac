/**
 * Fingerprints of a public key rather than of a certificate: SHA-256 over the DER
 * SubjectPublicKeyInfo. The base64 form is what HPKP-style pins (`pin-sha256="…"`, RFC 7469 §2.4)
 * and Envoy's `verify_certificate_spki` use; the hex form with `sha256:` is kubeadm's
 * `--discovery-token-ca-cert-hash` (kubeadm hashes the CA's RawSubjectPublicKeyInfo). A key keeps
 * its pin across renewals that reuse it, which a certificate fingerprint does not.
 */
import { encodeBase64, toHex } from './bytes';
import { PublicKeyInfo } from './keys';
import { sha256 } from './sha';

export interface SpkiFingerprint {
  /** Lower-case hex, as `sha256sum` and kubeadm print it. */
  sha256Hex: string;
  /** Standard base64 with padding, as HPKP pins write it. */
  sha256Base64: string;
}

const computed = new WeakMap<PublicKeyInfo, SpkiFingerprint>();

export function spkiFingerprint(key: PublicKeyInfo): SpkiFingerprint {
  let fp = computed.get(key);
  if (!fp) {
    const digest = sha256(key.spki);
    fp = { sha256Hex: toHex(digest).toLowerCase(), sha256Base64: encodeBase64(digest) };
    computed.set(key, fp);
  }
  return fp;
}

/** `sha256:<hex>`, the value of `kubeadm join --discovery-token-ca-cert-hash` for a CA with this key. */
export function kubeadmCaCertHash(key: PublicKeyInfo): string {
  return `sha256:${spkiFingerprint(key).sha256Hex}`;
}
