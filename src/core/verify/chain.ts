import { ERR_INCOMPATIBLE_USAGE, ERR_SIGNATURE_LIMIT, unknownAuthority } from './goWords';
import { verifyHostname } from './hostMatch';
import { CertType, ekuBlocker, isValid } from './checks';
import { Node, hostNames } from './nodes';
import { SignatureChecker } from './signatures';
import { VerifyPurpose } from './types';

/**
 * Path building as Go's Certificate.Verify does it: candidates by issuer name then AKI/SKI order,
 * roots before intermediates, loops cut by subject+key+SAN, at most 100 signature checks, and the
 * same error surviving when no chain is found.
 */

/** Go's crypto/x509 `maxChainSignatureChecks`. */
export const MAX_SIGNATURE_CHECKS = 100;

export class Pool {
  readonly nodes: Node[] = [];
  private readonly byFp = new Set<string>();

  constructor(nodes: Node[]) {
    for (const n of nodes) {
      if (!this.byFp.has(n.fp)) {
        this.byFp.add(n.fp);
        this.nodes.push(n);
      }
    }
  }

  contains(n: Node): boolean {
    return this.byFp.has(n.fp);
  }

  /** CertPool.findPotentialParents: same raw subject as the child's raw issuer, AKI/SKI matches first. */
  potentialParents(child: Node): Node[] {
    const matching: Node[] = [];
    const oneKeyId: Node[] = [];
    const mismatch: Node[] = [];
    const aki = child.info.authorityKeyId ?? '';
    for (const c of this.nodes) {
      if (c.rawSubject !== child.rawIssuer) {
        continue;
      }
      const ski = c.info.subjectKeyId ?? '';
      if (ski === aki) {
        matching.push(c);
      } else if ((ski === '' && aki !== '') || (ski !== '' && aki === '')) {
        oneKeyId.push(c);
      } else {
        mismatch.push(c);
      }
    }
    return [...matching, ...oneKeyId, ...mismatch];
  }
}

/** Go's alreadyInChain: same subject, same key, same SAN extension (or neither has one). */
export function alreadyInChain(candidate: Node, chain: Node[]): boolean {
  return chain.some(c => c.rawSubject === candidate.rawSubject && c.info.publicKey.id === candidate.info.publicKey.id
    && (c.sanHex === undefined) === (candidate.sanHex === undefined) && (c.sanHex === undefined || c.sanHex === candidate.sanHex));
}

export interface GoContext {
  roots: Pool;
  intermediates: Pool;
  at: Date;
  signatures: SignatureChecker;
  sigChecks: number;
}

/** Go's buildChains, including which error survives when no chain is found. */
async function buildChains(current: Node[], ctx: GoContext): Promise<{ chains: Node[][]; error?: string }> {
  const c = current[current.length - 1];
  const chains: Node[][] = [];
  let error: string | undefined;
  let hint: { error: string; cert: Node } | undefined;
  const consider = async (type: CertType, candidate: Node): Promise<void> => {
    if (alreadyInChain(candidate, current)) {
      return;
    }
    ctx.sigChecks++;
    if (ctx.sigChecks > MAX_SIGNATURE_CHECKS) {
      error = ERR_SIGNATURE_LIMIT;
      return;
    }
    const sigError = await ctx.signatures.checkFrom(c, candidate);
    if (sigError) {
      hint ??= { error: sigError, cert: candidate };
      return;
    }
    error = isValid(candidate, type, current, ctx.at);
    if (error) {
      hint ??= { error, cert: candidate };
      return;
    }
    if (type === 'root') {
      chains.push([...current, candidate]);
    } else {
      const sub = await buildChains([...current, candidate], ctx);
      chains.push(...sub.chains);
      error = sub.error;
    }
  };
  for (const root of ctx.roots.potentialParents(c)) {
    await consider('root', root);
  }
  for (const intermediate of ctx.intermediates.potentialParents(c)) {
    await consider('intermediate', intermediate);
  }
  if (chains.length) {
    error = undefined;
  } else if (!error) {
    error = unknownAuthority(hint);
  }
  return { chains, error };
}

export interface GoVerdict {
  chains: Node[][];
  /** Chains that also pass the EKU check; Go returns these. */
  accepted: Node[][];
  error?: string;
  /** Which step produced the error. */
  stage?: 'parse' | 'leaf' | 'hostname' | 'chain' | 'eku';
}

/** Go's Certificate.Verify. */
export async function goVerify(leaf: Node, ctx: GoContext, host: string | undefined, purpose: VerifyPurpose): Promise<GoVerdict> {
  if (leaf.parseError) {
    return { chains: [], accepted: [], error: leaf.parseError, stage: 'parse' };
  }
  const leafError = isValid(leaf, 'leaf', [], ctx.at);
  if (leafError) {
    return { chains: [], accepted: [], error: leafError, stage: 'leaf' };
  }
  if (host) {
    const match = verifyHostname(hostNames(leaf), host);
    if (!match.ok) {
      return { chains: [], accepted: [], error: match.message, stage: 'hostname' };
    }
  }
  let chains: Node[][];
  if (ctx.roots.contains(leaf)) {
    chains = [[leaf]];
  } else {
    const built = await buildChains([leaf], ctx);
    if (built.error) {
      return { chains: [], accepted: [], error: built.error, stage: 'chain' };
    }
    chains = built.chains;
  }
  const accepted = chains.filter(chain => !ekuBlocker(chain, purpose));
  if (!accepted.length) {
    return { chains, accepted, error: ERR_INCOMPATIBLE_USAGE, stage: 'eku' };
  }
  return { chains, accepted };
}
