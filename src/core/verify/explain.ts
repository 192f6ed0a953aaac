import { CertificateInfo } from '../x509/certificate';
import { CertType, ekuBlocker, nameConstraintsError, pathLengthError, validityError } from './checks';
import { GoContext, MAX_SIGNATURE_CHECKS, alreadyInChain } from './chain';
import { ERR_INCOMPATIBLE_USAGE, ERR_NOT_AUTHORIZED_TO_SIGN, ERR_UNHANDLED_CRITICAL, goTime, label, unknownAuthority } from './goWords';
import { verifyHostname } from './hostMatch';
import { MAX_CONSTRAINT_COMPARISONS } from './nameConstraints';
import { Node, hostNames } from './nodes';
import { parentConstraintError } from './signatures';
import { VerificationCheck, VerificationCheckName, VerifyPurpose } from './types';

/** Explaining a verdict: the closest path Go could build, and every check on it with Go's words. */

/** How many intermediates the explanatory path search follows (Go's own search is bounded by signature checks). */
const MAX_EXPLAIN_INTERMEDIATES = 8;

export interface Explained {
  path: Node[];
  /** Name-matched candidates above the path's top that were refused, with Go's reason. */
  refused?: { error: string; cert: Node };
}

/** When Go finds no chain, find the path it came closest to: signatures must verify, everything else is judged later. */
export async function closestPath(leaf: Node, ctx: GoContext): Promise<Explained> {
  let best: Explained = { path: [leaf] };
  let bestScore = -1;
  let budget = MAX_SIGNATURE_CHECKS;
  const score = (path: Node[]) => (ctx.roots.contains(path[path.length - 1]) ? 1000 : 0) + path.length;
  const walk = async (path: Node[]): Promise<boolean> => {
    const top = path[path.length - 1];
    let refused: Explained['refused'];
    const candidates = [
      ...ctx.roots.potentialParents(top).map(n => ['root', n] as const),
      ...(path.length - 1 < MAX_EXPLAIN_INTERMEDIATES ? ctx.intermediates.potentialParents(top).map(n => ['intermediate', n] as const) : []),
    ];
    let extended = false;
    for (const [type, candidate] of candidates) {
      if (alreadyInChain(candidate, path) || (type === 'intermediate' && ctx.roots.contains(candidate)) || budget-- <= 0) {
        continue;
      }
      const sigError = await ctx.signatures.check(top, candidate);
      if (sigError) {
        refused ??= { error: sigError, cert: candidate };
        continue;
      }
      extended = true;
      const next = [...path, candidate];
      if (type === 'root') {
        if (score(next) > bestScore) {
          best = { path: next };
          bestScore = score(next);
        }
        return true;
      }
      if (await walk(next)) {
        return true;
      }
    }
    if (!extended && score(path) > bestScore) {
      best = { path, refused };
      bestScore = score(path);
    }
    return false;
  };
  if (ctx.roots.contains(leaf)) {
    return { path: [leaf] };
  }
  await walk([leaf]);
  return best;
}

function ekuText(info: CertificateInfo): string {
  return (info.extendedKeyUsage ?? []).map(e => e.short).join(', ');
}

export async function explain(path: Node[], refused: Explained['refused'], ctx: GoContext, host: string | undefined, purpose: VerifyPurpose): Promise<VerificationCheck[]> {
  const checks: VerificationCheck[] = [];
  const last = path.length - 1;
  const trusted = ctx.roots.contains(path[last]);
  path.forEach((n, i) => {
    const who = label(n.info);
    if (n.parseError) {
      const isRoot = i === last && trusted && i > 0;
      checks.push({
        name: 'parse', ok: false, certificate: i, message: n.parseError,
        detail: isRoot ? `Go cannot parse ${who} and leaves it out of the CA bundle` : `Go cannot parse ${who}`,
      });
    }
    if (n.unhandledCritical.length) {
      checks.push({ name: 'critical-extensions', ok: false, certificate: i, message: ERR_UNHANDLED_CRITICAL, detail: `${who} has critical extension(s) Go does not understand: ${n.unhandledCritical.join(', ')}` });
    } else {
      checks.push({ name: 'critical-extensions', ok: true, certificate: i, message: `${who}: no unknown critical extension` });
    }
    const expired = validityError(n, ctx.at);
    checks.push(expired
      ? { name: 'validity', ok: false, certificate: i, message: expired, detail: `${who} is valid from ${goTime(n.info.notBefore)} to ${goTime(n.info.notAfter)}` }
      : { name: 'validity', ok: true, certificate: i, message: `${who} is valid from ${goTime(n.info.notBefore)} to ${goTime(n.info.notAfter)}` });
    if (i === 0) {
      return;
    }
    const child = path[i - 1];
    const type: CertType = i === last && trusted ? 'root' : 'intermediate';
    const constraint = parentConstraintError(n);
    if (constraint) {
      checks.push({ name: 'ca', ok: false, certificate: i, message: constraint, detail: n.info.basicConstraints?.ca ? `${who} has a key usage without keyCertSign` : `${who} is not a CA (basicConstraints CA:TRUE missing)` });
    } else if (type === 'intermediate' && !n.info.basicConstraints?.ca) {
      checks.push({ name: 'ca', ok: false, certificate: i, message: ERR_NOT_AUTHORIZED_TO_SIGN, detail: `${who} is a version ${n.info.version} certificate without basicConstraints` });
    } else {
      checks.push({ name: 'ca', ok: true, certificate: i, message: `${who} may sign certificates` });
    }
    // Signatures are what the path was built on; still say which algorithm, and refuse what Go refuses.
    checks.push({ name: 'signature', ok: true, certificate: i - 1, message: `${label(child.info)} is signed by ${who} (${child.info.signatureAlgorithm.name})` });
    const pathLength = n.info.basicConstraints?.pathLength;
    if (pathLength !== undefined) {
      const err = pathLengthError(n, i);
      checks.push(err
        ? { name: 'path-length', ok: false, certificate: i, message: err, detail: `${who} allows ${pathLength} intermediate(s) below it, the path has ${i - 1}` }
        : { name: 'path-length', ok: true, certificate: i, message: `${who} allows ${pathLength} intermediate(s) below it, the path has ${i - 1}` });
    }
    if (n.nameConstraints) {
      const err = nameConstraintsError(n, path.slice(0, i));
      checks.push(err
        ? {
          name: 'name-constraints', ok: false, certificate: i, message: err.error,
          detail: err.budget
            ? `checking the names below ${who} against its name constraints needs more than ${MAX_CONSTRAINT_COMPARISONS.toLocaleString('en-US')} comparisons: Go gives up (VerifyOptions.MaxConstraintComparisions) and refuses the chain`
            : `name constraints of ${who}`,
        }
        : { name: 'name-constraints', ok: true, certificate: i, message: `names below ${who} are within its name constraints` });
    }
  });
  // Signatures Go refuses although the key verifies (SHA-1, MD5): judged with Go's rules.
  for (let i = 1; i <= last; i++) {
    const err = await ctx.signatures.check(path[i - 1], path[i]);
    if (err) {
      const idx = checks.findIndex(c => c.name === 'signature' && c.certificate === i - 1);
      checks[idx] = { name: 'signature', ok: false, certificate: i - 1, message: err, detail: `signature of ${label(path[i - 1].info)} by ${label(path[i].info)}` };
    }
  }
  if (trusted) {
    checks.push({ name: 'trust-anchor', ok: true, certificate: last, message: last === 0 ? `${label(path[0].info)} is itself one of the trusted certificates` : `chains to trusted ${label(path[last].info)}` });
  } else {
    checks.push({
      name: 'trust-anchor', ok: false, certificate: last, message: unknownAuthority(refused),
      detail: refused ? `the certificate named ${label(refused.cert.info)} did not sign ${label(path[last].info)}` : `no trusted certificate (or intermediate) is named ${path[last].info.issuer.text || '(empty issuer)'}`,
    });
  }
  if (purpose !== 'any') {
    const blocker = ekuBlocker(path, purpose);
    if (blocker) {
      const i = path.indexOf(blocker);
      checks.push({
        name: 'extended-key-usage', ok: false, certificate: i, message: ERR_INCOMPATIBLE_USAGE,
        detail: `${label(blocker.info)} allows ${ekuText(blocker.info)}, not ${purpose}${i > 0 ? ' (Go applies a CA\'s extended key usages to everything it signs)' : ''}`,
      });
    } else {
      const restricted = path.filter(n => n.info.extendedKeyUsage?.length);
      checks.push({ name: 'extended-key-usage', ok: true, certificate: 0, message: restricted.length ? `${purpose} is allowed by ${restricted.map(n => `${label(n.info)} (${ekuText(n.info)})`).join(', ')}` : `no extended key usage restricts ${purpose}` });
    }
  }
  if (host) {
    const match = verifyHostname(hostNames(path[0]), host);
    checks.push({ name: 'hostname', ok: match.ok, certificate: 0, message: match.message });
    if (!match.ok && !path[0].hasSan && path[0].info.subject.commonName !== undefined) {
      checks.push({ name: 'hostname', ok: true, advisory: true, certificate: 0, message: `the subject CN (${path[0].info.subject.commonName}) is never used by Go; openssl and older clients may still match it` });
    }
  }
  return checks;
}

/** Order in which Go evaluates things, for listing reasons the way Go would meet them. */
export const CHECK_ORDER: VerificationCheckName[] = ['parse', 'critical-extensions', 'validity', 'hostname', 'ca', 'signature', 'name-constraints', 'path-length', 'trust-anchor', 'extended-key-usage'];
