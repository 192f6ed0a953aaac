import { CertificateInfo } from '../x509/certificate';
import { VerificationCheck, VerificationResult, goTime } from '../verify';
import { md } from './hover';

/**
 * A VerificationResult for people: the verdict in Go's words, the path leaf → root, and every
 * check. Pure; the same facts as plain text (the verify document) and as Markdown (hovers).
 * Go's messages are printed verbatim — they are what kubectl prints, so they are searchable.
 */

export interface VerificationLabels {
  /** What was verified, for the heading: `pki/apiserver.crt`, `kubectl → https://10.0.0.5:6443`. */
  title?: string;
  /** Where each path certificate sits in the workspace, by SHA-256 fingerprint. */
  whereOf?: (cert: CertificateInfo) => string | undefined;
  /** Where the trust anchors came from: `certificate-authority-data of cluster "kubernetes"`. */
  trustSource?: string;
}

/** A path position for machines (the CLI's JSON): the trusted top is the root, any other is an intermediate. */
export type PathRole = 'leaf' | 'intermediate' | 'root';

/** The one place roles are decided: `pathRole` for JSON, `roleWords` for people. */
export function pathRole(result: VerificationResult, i: number): PathRole {
  if (i === 0) {
    return 'leaf';
  }
  return i === result.path.length - 1 && result.trusted ? 'root' : 'intermediate';
}

/** The role in words: `leaf`, `intermediate`, `trusted root`, `untrusted top`, `leaf, trusted`. */
export function roleWords(result: VerificationResult, i: number): string {
  const last = i === result.path.length - 1;
  if (i === 0) {
    return last && result.trusted ? 'leaf, trusted' : 'leaf';
  }
  if (last) {
    return result.trusted ? 'trusted root' : 'untrusted top';
  }
  return 'intermediate';
}

/** One path line: `[1] CN=x  (trusted root; from .. to)`, with where it sits when known. */
export function pathLine(result: VerificationResult, i: number, where?: string): string {
  const cert = result.path[i];
  return `  [${i}] ${subjectOf(cert)}  (${roleWords(result, i)}; ${goTime(cert.notBefore)} .. ${goTime(cert.notAfter)})${where ? `  ${where}` : ''}`;
}

/** Go's errors, the first being the one Go returns, under a heading; nothing when it verifies. */
export function errorLines(result: VerificationResult): string[] {
  return result.errors.length ? ['', 'Errors, in Go\'s words (the first is what Go reports):', ...result.errors.map(e => `  ${e}`)] : [];
}

/** A certificate's subject for people; `(empty subject)` when it has none. */
export function subjectOf(cert: CertificateInfo): string {
  return cert.subject.text || '(empty subject)';
}

function mark(check: VerificationCheck): 'ok' | 'FAIL' | 'note' {
  return check.advisory ? 'note' : check.ok ? 'ok' : 'FAIL';
}

/** The options the verdict was reached with: `at 2026-…Z, purpose serverAuth, host 10.0.0.5`. */
export function appliedOptions(result: VerificationResult): string {
  const parts = [`at ${goTime(result.at)}`, `purpose ${result.purpose}`];
  parts.push(result.host ? `host ${result.host}` : 'no host checked');
  return parts.join(', ');
}

/** One line: `OK` or `FAILED: x509: …` — what a Go client would do. */
export function verdictLine(result: VerificationResult): string {
  return result.ok ? 'OK: a Go client (kubectl, client-go, kubelet, etcd) accepts this certificate' : `FAILED: ${result.goError ?? result.errors[0] ?? 'does not verify'}`;
}

/** The checks as aligned plain-text lines (`  ok    validity            [0] …`), a failure's detail under it. */
export function checkLines(checks: readonly VerificationCheck[]): string[] {
  const lines: string[] = [];
  for (const check of checks) {
    const at = check.certificate !== undefined ? `[${check.certificate}] ` : '';
    lines.push(`  ${mark(check).padEnd(4)}  ${check.name.padEnd(19)} ${at}${check.message}`);
    if (check.detail && (!check.ok || check.advisory)) {
      lines.push(`  ${''.padEnd(4)}  ${''.padEnd(19)} ${' '.repeat(at.length)}${check.detail}`);
    }
  }
  return lines;
}

/** The read-only document `pkiLens.verifyChain` shows. */
export function renderVerificationText(result: VerificationResult, labels: VerificationLabels = {}): string {
  const lines: string[] = [];
  lines.push(`Chain verification${labels.title ? `: ${labels.title}` : ''}`);
  lines.push(`  ${appliedOptions(result)}`);
  if (labels.trustSource) {
    lines.push(`  trusting ${labels.trustSource}`);
  }
  lines.push('', verdictLine(result));
  lines.push('', 'Path (leaf first):');
  if (!result.path.length) {
    lines.push('  (none)');
  }
  result.path.forEach((cert, i) => lines.push(pathLine(result, i, labels.whereOf?.(cert))));
  lines.push('', 'Checks:', ...checkLines(result.checks), ...errorLines(result));
  return lines.join('\n') + '\n';
}

const ICON = { ok: '$(pass)', FAIL: '$(error)', note: '$(info)' } as const;

/** The same for a hover: verdict first, then the chain and the checks as short lists. */
export function renderVerificationMarkdown(result: VerificationResult, labels: VerificationLabels = {}): string {
  const lines: string[] = [];
  const verdict = result.ok
    ? '$(pass) **verifies** — a Go client (kubectl, client-go) accepts it'
    : `$(error) **would fail**: \`${codeSpan(result.goError ?? result.errors[0] ?? 'does not verify')}\``;
  lines.push(`**${md(labels.title ?? 'Chain verification')}** — ${verdict}`, '');
  lines.push(`_${md(appliedOptions(result))}${labels.trustSource ? `; trusting ${md(labels.trustSource)}` : ''}_`, '');
  lines.push('**Path**', '');
  result.path.forEach((cert, i) => {
    const where = labels.whereOf?.(cert);
    lines.push(`${i + 1}. ${md(subjectOf(cert))} — ${roleWords(result, i)}${where ? ` (\`${codeSpan(where)}\`)` : ''}`);
  });
  lines.push('', '**Checks**', '');
  for (const check of result.checks) {
    const at = check.certificate !== undefined ? ` [${check.certificate + 1}]` : '';
    lines.push(`- ${ICON[mark(check)]} ${check.name}${at}: ${md(check.message)}${check.detail && (!check.ok || check.advisory) ? ` — _${md(check.detail)}_` : ''}`);
  }
  return lines.join('\n') + '\n';
}

/** Text inside a Markdown code span cannot hold a backtick; Go's messages never do, names might. */
function codeSpan(text: string): string {
  return text.replace(/`/g, "'");
}
