import { formatDate, validityPhrase } from '../render/time';
import { VerificationResult, verifyChain } from '../verify';
import { CertificateInfo, decodeCertificate } from '../x509/certificate';
import { shortName } from '../x509/name';
import { Endpoint, EndpointReport, Observation, PROBE_SEVERITY, ProbeCode, ProbeFailure, ProbeFinding } from './types';

/**
 * The verdict on one endpoint from what its handshake saw: the served chain judged by the one
 * verifier (Go semantics, for the name the client dials, against the CA the workspace says its
 * clients trust), and the served leaf compared with the workspace's certificate for that endpoint
 * (drift: the files were renewed but the process still serves the old one).
 */

const STATIC_POD_RESTART = 'move its manifest out of /etc/kubernetes/manifests and back, or restart the kubelet\'s static pod';
const STATIC_PODS = new Set(['kube-apiserver', 'etcd', 'kube-controller-manager', 'kube-scheduler']);

const serialOf = (c: CertificateInfo) => c.serialNumber.length > 16 ? `${c.serialNumber.slice(0, 16)}…` : c.serialNumber;

/** What to restart so the server loads the renewed file. */
export function restartAdvice(component: string | undefined): string {
  if (component && STATIC_PODS.has(component)) {
    return `restart ${component} (${STATIC_POD_RESTART})`;
  }
  return `restart ${component ?? 'the server'} so it loads the file`;
}

async function decodeChain(chain: Uint8Array[]): Promise<CertificateInfo[] | string> {
  const out: CertificateInfo[] = [];
  for (const [i, der] of chain.entries()) {
    try {
      out.push(await decodeCertificate(der));
    } catch (e) {
      return `certificate ${i + 1} of the served chain cannot be decoded: ${(e as Error).message}`;
    }
  }
  return out.length ? out : 'the server sent no certificate';
}

/** Which of our codes the verifier's failing checks amount to, each with Go's words. */
function verdictProblems(result: VerificationResult): Map<ProbeCode, string[]> {
  const out = new Map<ProbeCode, string[]>();
  const add = (code: ProbeCode, message: string) => out.set(code, [...(out.get(code) ?? []), message]);
  for (const check of result.checks) {
    if (check.ok || check.advisory) {
      continue;
    }
    if (check.name === 'hostname') {
      add('served-name-mismatch', check.message);
    } else if (check.name === 'validity' && (check.certificate ?? 0) === 0) {
      add('served-certificate-expired', check.message);
    } else {
      add('served-chain-untrusted', check.message);
    }
  }
  if (!result.ok && !out.size) {
    add('served-chain-untrusted', result.goError ?? result.errors[0] ?? 'does not verify');
  }
  return out;
}

function driftMessage(endpoint: Endpoint, served: CertificateInfo, now: Date): string {
  const expected = endpoint.expected!;
  const disk = expected.certificate;
  const who = endpoint.component ?? `the server at ${endpoint.url}`;
  if (served.notBefore.getTime() > disk.notBefore.getTime()) {
    return `${who} at ${endpoint.url} serves serial ${serialOf(served)} (issued ${formatDate(served.notBefore)}), newer than ${expected.relativePath} on disk (serial ${serialOf(disk)}): the workspace copy is stale`;
  }
  return `${who} is serving serial ${serialOf(served)}, which ${validityPhrase(served.notBefore, served.notAfter, now)}; `
    + `${expected.relativePath} on disk (serial ${serialOf(disk)}, issued ${formatDate(disk.notBefore)}) is not in use: ${restartAdvice(endpoint.component)}`;
}

function problemsFor(endpoint: Endpoint, leaf: CertificateInfo, result: VerificationResult | undefined, now: Date): { code: ProbeCode; message: string }[] {
  const at = `${endpoint.url}${endpoint.serverName !== endpoint.host ? ` (as ${endpoint.serverName})` : ''}`;
  const leafName = `${shortName(leaf.subject)} (serial ${serialOf(leaf)})`;
  const out: { code: ProbeCode; message: string }[] = [];
  const verdict = result ? verdictProblems(result) : new Map<ProbeCode, string[]>();
  if (!result && (now < leaf.notBefore || now > leaf.notAfter)) {
    verdict.set('served-certificate-expired', [`x509: certificate has expired or is not yet valid`]);
  }
  for (const [code, words] of verdict) {
    switch (code) {
      case 'served-certificate-expired':
        out.push({ code, message: `The certificate served at ${at}, ${leafName}, ${validityPhrase(leaf.notBefore, leaf.notAfter, now)} — clients say: ${words[0]}` });
        break;
      case 'served-name-mismatch':
        out.push({ code, message: `The certificate served at ${at}, ${leafName}, does not cover ${endpoint.serverName} — clients say: ${words[0]}` });
        break;
      default:
        out.push({ code, message: `The chain served at ${at} (${leafName}) does not verify against the CA in ${endpoint.rootsFrom ?? 'the workspace'} — clients say: ${result?.goError ?? words[0]}` });
    }
  }
  if (endpoint.expected && endpoint.expected.certificate.fingerprints.sha256 !== leaf.fingerprints.sha256) {
    out.push({ code: 'served-certificate-differs', message: driftMessage(endpoint, leaf, now) });
  }
  return out;
}

function place(endpoint: Endpoint, problems: EndpointReport['problems']): ProbeFinding[] {
  const related = endpoint.expected ? [{ uri: endpoint.expected.uri, range: endpoint.expected.range, message: `the certificate ${endpoint.label} should serve: ${endpoint.expected.relativePath}` }] : [];
  return endpoint.locations.flatMap(l => problems.map(p => ({ ...p, uri: l.uri, range: l.range, related: p.code === 'served-certificate-differs' ? related : [] })));
}

export async function judgeEndpoint(endpoint: Endpoint, observation: Observation, now: Date = new Date()): Promise<EndpointReport> {
  const report = (r: Omit<EndpointReport, 'endpoint' | 'findings'>): EndpointReport => ({ endpoint, ...r, findings: place(endpoint, r.problems) });
  const unreachable = (kind: ProbeFailure, message: string) => report({
    reachable: false,
    failure: { kind, message },
    servedChain: [],
    errors: [],
    drift: false,
    problems: [{ code: 'endpoint-unreachable', severity: PROBE_SEVERITY['endpoint-unreachable'], message: `${endpoint.label}: ${endpoint.url} ${message}; nothing was compared` }],
  });
  if (!observation.ok) {
    return unreachable(observation.failure, observation.message);
  }
  const chain = await decodeChain(observation.chain);
  if (typeof chain === 'string') {
    return unreachable('not-tls', `answered the handshake, but ${chain}`);
  }
  const [leaf, ...intermediates] = chain;
  const result = endpoint.roots.length
    ? await verifyChain({ leaf, intermediates, roots: endpoint.roots }, { host: endpoint.serverName, at: now, purpose: 'serverAuth' })
    : undefined;
  const problems = problemsFor(endpoint, leaf, result, now).map(p => ({ ...p, severity: PROBE_SEVERITY[p.code] }));
  return report({
    reachable: true,
    servedChain: chain,
    verified: result?.ok,
    errors: result?.errors ?? [],
    drift: problems.some(p => p.code === 'served-certificate-differs'),
    problems,
  });
}

