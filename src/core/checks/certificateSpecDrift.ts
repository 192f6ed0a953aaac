import { Inventory } from '../inventory/inventory';
import { CertificateSpec, SpecItem, parseGoDuration } from '../kube/certificateSpecs';
import { ipEqual, parseIp } from '../verify/hostMatch';
import { CertificateInfo } from '../x509/certificate';
import { shortName } from '../x509/name';
import { Check, Finding, ResolvedCheckOptions, RuleSteps } from './finding';
import { secretRelated, servedCertificate, tlsIndex } from './tlsRouteSecrets';

/** cert-manager's usage words for extended key usages, as the certificate names them (short names). */
const EKU_USAGES: Record<string, string> = {
  'server auth': 'serverAuth', 'client auth': 'clientAuth', 'code signing': 'codeSigning', 'email protection': 'emailProtection',
  'timestamping': 'timeStamping', 'ocsp signing': 'OCSPSigning',
};
/** …and for key usages, as the x509 room names them. */
const KEY_USAGES: Record<string, string> = {
  'digital signature': 'Digital Signature', 'content commitment': 'Non Repudiation', 'key encipherment': 'Key Encipherment',
  'data encipherment': 'Data Encipherment', 'key agreement': 'Key Agreement', 'cert sign': 'Certificate Sign', 'crl sign': 'CRL Sign',
};
const DEFAULT_DURATION_MS = 90 * 24 * 3_600_000;
/** Issuers round and backdate: lifetimes within this of the spec's duration agree. */
const DURATION_SLACK_MS = 3_600_000;

/**
 * certificate-spec-drift: a cert-manager Certificate manifest and the certificate in the Secret it
 * names (same namespace, in the workspace) disagree — a DNS name or IP the spec asks for is not a
 * SAN, the lifetime is not the spec's duration, or a requested usage is missing: the Secret was
 * issued from an older spec (cert-manager has not re-issued yet) or written by hand. Each
 * difference is placed on the spec item it is about.
 */
export const checkCertificateSpecDrift: Check = function* (inventory: Inventory, _options: ResolvedCheckOptions): RuleSteps {
  const findings: Finding[] = [];
  const { secrets, specs } = yield* tlsIndex(inventory);
  for (const { file, spec } of specs) {
    const secret = secrets.get(`${spec.namespace}/${spec.secretName}`);
    const cert = servedCertificate(secret)?.leaf;
    if (!cert) {
      continue;
    }
    const related = secretRelated(secret!, secret!.crt, `tls.crt of Secret ${secret!.name}: ${shortName(cert.subject)}`);
    const say = (item: SpecItem | undefined, what: string) => findings.push({
      code: 'certificate-spec-drift', severity: 'warning', uri: file.uri, range: item?.range ?? spec.secretRange, related,
      message: `Certificate ${spec.namespace}/${spec.name}: ${what} in Secret ${secret!.name} (${shortName(cert.subject)}); cert-manager has not re-issued it from this spec, or the Secret was written by hand`,
    });
    for (const difference of differences(spec, cert)) {
      say(difference.item, difference.what);
    }
  }
  return findings;
};

function differences(spec: CertificateSpec, cert: CertificateInfo): { item?: SpecItem; what: string }[] {
  const out: { item?: SpecItem; what: string }[] = [];
  const dns = new Set(cert.subjectAltNames.filter(s => s.type === 'DNS').map(s => s.value.toLowerCase()));
  for (const name of spec.dnsNames) {
    if (!dns.has(name.value.toLowerCase())) {
      out.push({ item: name, what: `the DNS name ${name.value} it asks for is not a SAN of the certificate` });
    }
  }
  const ips = cert.subjectAltNames.filter(s => s.type === 'IP').map(s => parseIp(s.value)).filter((ip): ip is Uint8Array => !!ip);
  for (const address of spec.ipAddresses) {
    const wanted = parseIp(address.value);
    if (wanted && !ips.some(ip => ipEqual(ip, wanted))) {
      out.push({ item: address, what: `the IP address ${address.value} it asks for is not a SAN of the certificate` });
    }
  }
  const duration = spec.duration ? parseGoDuration(spec.duration.value) : DEFAULT_DURATION_MS;
  const lifetime = cert.notAfter.getTime() - cert.notBefore.getTime();
  if (duration !== undefined && Math.abs(lifetime - duration) > DURATION_SLACK_MS) {
    const days = (ms: number) => `${+(ms / 86_400_000).toFixed(1)} days`;
    out.push({ item: spec.duration, what: `the duration is ${spec.duration ? `${spec.duration.value} (${days(duration)})` : `cert-manager's default (${days(duration)})`}, but the certificate lives ${days(lifetime)}` });
  }
  const ekus = new Set((cert.extendedKeyUsage ?? []).map(e => e.short));
  const kus = new Set(cert.keyUsage ?? []);
  for (const usage of spec.usages ?? []) {
    const word = usage.value.toLowerCase();
    const missing = EKU_USAGES[word] ? !ekus.has(EKU_USAGES[word]) : KEY_USAGES[word] ? !kus.has(KEY_USAGES[word]) : false;
    if (missing) {
      out.push({ item: usage, what: `the usage "${usage.value}" it asks for is not in the certificate` });
    }
  }
  return out;
}
