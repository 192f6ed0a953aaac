/**
 * cert-manager `Certificate` manifests (cert-manager.io/v1): what the issued certificate will
 * contain — names, duration, usages — and the Secret it is written to, with the ranges of each
 * item, so certificate-spec-drift can point at the very name or usage the Secret lacks.
 */
import { Node, isScalar, isSeq } from 'yaml';
import { TextRange } from '../x509/pem';
import { flat } from '../flatString';

export interface SpecItem {
  value: string;
  range: TextRange;
}

export interface CertificateSpec {
  name: string;
  namespace: string;
  document: number;
  secretName: string;
  secretRange: TextRange;
  commonName?: SpecItem;
  dnsNames: SpecItem[];
  ipAddresses: SpecItem[];
  /** Go duration text, e.g. "2160h"; cert-manager's default is 90 days. */
  duration?: SpecItem;
  renewBefore?: SpecItem;
  /** cert-manager usage words: "server auth", "digital signature", … (absent: its defaults). */
  usages?: SpecItem[];
  issuer?: string;
}

type Get = (map: unknown, key: string) => unknown;
type Str = (node: unknown) => string | undefined;
type RangeOf = (node: Node | null | undefined) => TextRange;

export function certificateSpecOf(root: Node, document: number, kind: string | undefined, get: Get, str: Str, range: RangeOf): CertificateSpec | undefined {
  const apiVersion = str(get(root, 'apiVersion')) ?? '';
  const spec = get(root, 'spec');
  const secret = get(spec, 'secretName');
  if (kind !== 'Certificate' || !apiVersion.startsWith('cert-manager.io/') || !isScalar(secret) || !str(secret)) {
    return undefined;
  }
  const item = (n: unknown): SpecItem | undefined => (isScalar(n) && str(n) !== undefined ? { value: str(n)!, range: range(n as Node) } : undefined);
  const items = (n: unknown): SpecItem[] => (isSeq(n) ? n.items.map(item).filter((i): i is SpecItem => !!i) : []);
  const metadata = get(root, 'metadata');
  const issuerRef = get(spec, 'issuerRef');
  const issuerName = str(get(issuerRef, 'name'));
  return {
    name: str(get(metadata, 'name')) ?? '',
    namespace: str(get(metadata, 'namespace')) ?? 'default',
    document,
    secretName: str(secret)!,
    secretRange: range(secret as Node),
    commonName: item(get(spec, 'commonName')),
    dnsNames: items(get(spec, 'dnsNames')),
    ipAddresses: items(get(spec, 'ipAddresses')),
    duration: item(get(spec, 'duration')),
    renewBefore: item(get(spec, 'renewBefore')),
    usages: isSeq(get(spec, 'usages')) ? items(get(spec, 'usages')) : undefined,
    // One flat string: a template literal would keep a tree of its parts (core/flatString.ts).
    issuer: issuerName && flat(str(get(issuerRef, 'kind')) ?? 'Issuer', '/', issuerName),
  };
}

/** Go's time.ParseDuration for the units cert-manager manifests use (h, m, s, ms; fractions allowed); undefined when not one. */
export function parseGoDuration(text: string): number | undefined {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (!parts.length || parts.map(p => p[0]).join('') !== text) {
    return undefined;
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * units[p[2]], 0);
}
