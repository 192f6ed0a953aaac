import type { DistinguishedName } from '../x509/name';
import { KUBEADM_KUBECONFIGS, KubeadmRole, TlsUsage, kubeadmRoleForPath } from './profiles';

/**
 * Which profile a certificate request is signed with. kubeadm gives every leaf digitalSignature
 * and keyEncipherment (ECDSA leaves included) and the EKU of its row in the table (profiles.ts);
 * the Kubernetes signers (`spec.signerName` of a CertificateSigningRequest) fix the usages and
 * what the request may ask for. `auto` follows, in order: the signer, the file name (a
 * `kubeadm certs generate-csr` tree), the request itself.
 */

export type SigningProfileName = 'server' | 'client' | 'peer';
export const SIGNING_PROFILES: readonly (SigningProfileName | 'auto')[] = ['auto', 'server', 'client', 'peer'];

export interface SigningProfile {
  name: SigningProfileName;
  usages: TlsUsage[];
  /** Why this profile: "the file name: the API server's serving certificate". */
  reason: string;
}

const USAGES: Record<SigningProfileName, TlsUsage[]> = {
  server: ['serverAuth'],
  client: ['clientAuth'],
  peer: ['serverAuth', 'clientAuth'],
};

export const KUBELET_SERVING = 'kubernetes.io/kubelet-serving';
export const APISERVER_CLIENT_KUBELET = 'kubernetes.io/kube-apiserver-client-kubelet';
export const APISERVER_CLIENT = 'kubernetes.io/kube-apiserver-client';

/** What the choice looks at. */
export interface ProfileInput {
  requested: SigningProfileName | 'auto';
  /** The CSR file's path (`pki/apiserver.csr`, `admin.conf.csr`). */
  path?: string;
  /** A CertificateSigningRequest object's `spec.signerName` and `spec.usages`. */
  signerName?: string;
  usages?: readonly string[];
  subject: DistinguishedName;
  /** `DNS:…`, `IP:…`, `email:…`, `URI:…`. */
  subjectAltNames: readonly string[];
}

/** The profile, or a refusal (the request does not fit what its signer or role requires). */
export type ProfileChoice = { ok: true; profile: SigningProfile; warnings: string[] } | { ok: false; reason: string };

function profile(name: SigningProfileName, reason: string): SigningProfile {
  return { name, usages: USAGES[name], reason };
}

const isNode = (s: DistinguishedName) => /^system:node:\S+$/.test(s.commonName ?? '') && s.organizations.includes('system:nodes');

/** The kubeadm role a CSR file stands for: `pki/apiserver.csr` → apiserver, `admin.conf.csr` → admin.conf. */
export function kubeadmRoleForCsr(path: string): KubeadmRole | undefined {
  const p = path.replace(/\\/g, '/');
  if (!/\.csr$/.test(p)) {
    return undefined;
  }
  const base = p.replace(/\.csr$/, '');
  const name = base.slice(base.lastIndexOf('/') + 1);
  return kubeadmRoleForPath(`${base}.crt`)?.role ?? KUBEADM_KUBECONFIGS.find(r => r.id === name);
}

function fromUsages(usages: readonly string[]): SigningProfileName | undefined {
  const server = usages.includes('server auth');
  const client = usages.includes('client auth');
  return server && client ? 'peer' : server ? 'server' : client ? 'client' : undefined;
}

/**
 * The kubelet signers accept exactly digital signature, key encipherment and their one purpose,
 * which is required (Kubernetes' IsKubeletServingCSR / IsKubeletClientCSR); `usages` absent
 * (a PEM CSR signed for that signer) is not judged.
 */
function usagesProblem(signer: string, usages: readonly string[] | undefined, needed: string): string | undefined {
  if (!usages) {
    return undefined;
  }
  const allowed = ['digital signature', 'key encipherment', needed];
  const extra = usages.filter(u => !allowed.includes(u));
  if (!usages.includes(needed) || extra.length) {
    return `${signer} requires spec.usages to include "${needed}" and allows only ${allowed.map(u => `"${u}"`).join(', ')} (the request has ${usages.map(u => `"${u}"`).join(', ') || 'none'})`;
  }
  return undefined;
}

/** What the Kubernetes signers require of a request (the kube-controller-manager's signer refuses otherwise). */
function signerChoice(input: ProfileInput, signer: string): ProfileChoice | undefined {
  const names = input.subjectAltNames;
  if (signer === KUBELET_SERVING) {
    if (!isNode(input.subject)) {
      return { ok: false, reason: `${KUBELET_SERVING} requires the subject CN=system:node:<nodeName>, O=system:nodes (the request has ${input.subject.text || 'an empty subject'})` };
    }
    const other = names.filter(n => !/^(DNS|IP):/.test(n));
    if (other.length || !names.length) {
      return { ok: false, reason: other.length ? `${KUBELET_SERVING} allows only DNS and IP names (the request also asks for ${other.join(', ')})` : `${KUBELET_SERVING} requires at least one DNS or IP name` };
    }
    const usages = usagesProblem(KUBELET_SERVING, input.usages, 'server auth');
    return usages ? { ok: false, reason: usages } : { ok: true, profile: profile('server', `the signer ${KUBELET_SERVING}`), warnings: [] };
  }
  if (signer === APISERVER_CLIENT_KUBELET) {
    if (!isNode(input.subject) || names.length) {
      return { ok: false, reason: `${APISERVER_CLIENT_KUBELET} requires the subject CN=system:node:<nodeName>, O=system:nodes and no Subject Alternative Names (the request has ${input.subject.text || 'an empty subject'}${names.length ? `, ${names.join(', ')}` : ''})` };
    }
    const usages = usagesProblem(APISERVER_CLIENT_KUBELET, input.usages, 'client auth');
    return usages ? { ok: false, reason: usages } : { ok: true, profile: profile('client', `the signer ${APISERVER_CLIENT_KUBELET}`), warnings: [] };
  }
  if (signer === APISERVER_CLIENT) {
    return { ok: true, profile: profile('client', `the signer ${APISERVER_CLIENT}`), warnings: [] };
  }
  return undefined;
}

/** The profile to sign with. An explicit profile wins over `auto`, but never over a signer's requirements. */
export function chooseSigningProfile(input: ProfileInput): ProfileChoice {
  const bySigner = input.signerName ? signerChoice(input, input.signerName) : undefined;
  if (bySigner && !bySigner.ok) {
    return bySigner;
  }
  if (input.requested !== 'auto') {
    const warnings = bySigner?.ok && bySigner.profile.name !== input.requested
      ? [`the signer ${input.signerName} implies the ${bySigner.profile.name} profile; signing as ${input.requested} as asked`] : [];
    return { ok: true, profile: profile(input.requested, 'asked for'), warnings };
  }
  if (bySigner) {
    return bySigner;
  }
  const usages = input.usages && fromUsages(input.usages);
  if (usages) {
    return { ok: true, profile: profile(usages, `the requested usages (${input.usages!.join(', ')})`), warnings: [] };
  }
  const role = input.path ? kubeadmRoleForCsr(input.path) : undefined;
  if (role && !role.ca) {
    const name: SigningProfileName = role.usages.length === 2 ? 'peer' : role.usages[0] === 'serverAuth' ? 'server' : 'client';
    return { ok: true, profile: profile(name, `the file name: ${role.description}`), warnings: roleWarnings(role, input) };
  }
  const servesNames = input.subjectAltNames.some(n => /^(DNS|IP):/.test(n));
  if (servesNames) {
    const node = /^system:node:/.test(input.subject.commonName ?? '');
    return { ok: true, profile: profile('server', node ? 'a system:node: subject with DNS/IP names: a kubelet serving certificate' : 'the request asks for DNS/IP names: a serving certificate'), warnings: [] };
  }
  return { ok: true, profile: profile('client', 'no DNS/IP names: a client certificate'), warnings: [] };
}

/** What the request says against what kubeadm writes for the role: said, not refused (the operator may know better). */
function roleWarnings(role: KubeadmRole, input: ProfileInput): string[] {
  const warnings: string[] = [];
  const cn = input.subject.commonName ?? '';
  if (role.commonName && !role.commonName.pattern.test(cn)) {
    warnings.push(`${role.description} has CN=${role.commonName.spelled}; the request has CN=${cn || '(none)'}`);
  }
  if (role.organizations && !role.organizations.some(o => input.subject.organizations.includes(o))) {
    warnings.push(`${role.description} has O=${role.organizations.join(' or O=')}; the request has ${input.subject.organizations.map(o => `O=${o}`).join(', ') || 'no O'}`);
  }
  if (!role.sans && input.subjectAltNames.length) {
    warnings.push(`${role.description} carries no Subject Alternative Names; the request asks for ${input.subjectAltNames.join(', ')}`);
  }
  return warnings;
}
