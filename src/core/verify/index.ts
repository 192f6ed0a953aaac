import { GoContext, GoVerdict, Pool, goVerify } from './chain';
import { CHECK_ORDER, Explained, closestPath, explain } from './explain';
import { label } from './goWords';
import { toNode } from './nodes';
import { SignatureChecker } from './signatures';
import { VerificationResult, VerifyInput, VerifyOptions } from './types';

/**
 * Predict what Go's crypto/x509 `Certificate.Verify` — and so kubectl, client-go, the kubelet,
 * kube-apiserver and etcd — says about a certificate: the same path building (issuer name, then
 * AKI/SKI order, roots before intermediates, loops cut by subject+key+SAN), the same checks in the
 * same order, and the same words. Every other reason found on the way is listed too.
 *
 * The rooms: types.ts (the public shapes), goWords.ts (Go's error texts), nodes.ts (a certificate as
 * the verifier sees it), nameConstraints.ts + goNames.ts, signatures.ts, checks.ts (per certificate),
 * chain.ts (path building), explain.ts (the closest path and every check on it).
 */

export * from './types';
export { goQuote, goTime } from './goWords';

/**
 * Verify `leaf` against `roots` (with `intermediates` to complete the path) as Go's crypto/x509
 * would, and list every reason it fails. Pure: WebCrypto only.
 */
export async function verifyChain(input: VerifyInput, options: VerifyOptions = {}): Promise<VerificationResult> {
  const at = options.at ?? new Date();
  const purpose = options.purpose ?? 'serverAuth';
  const host = options.host || undefined;
  const leaf = toNode(input.leaf);
  const parsedRoots = input.roots.map(toNode);
  const ctx: GoContext = {
    // Go's AppendCertsFromPEM skips what it cannot parse; the TLS peer's intermediates must all parse.
    roots: new Pool(parsedRoots.filter(n => !n.parseError)),
    intermediates: new Pool(input.intermediates.map(toNode)),
    at,
    signatures: new SignatureChecker(),
    sigChecks: 0,
  };
  const brokenIntermediate = ctx.intermediates.nodes.find(n => n.parseError);
  const verdict: GoVerdict = brokenIntermediate
    ? { chains: [], accepted: [], error: brokenIntermediate.parseError, stage: 'parse' }
    : await goVerify(leaf, ctx, host, purpose);

  let explained: Explained;
  if (verdict.accepted.length) {
    explained = { path: verdict.accepted[0] };
  } else if (verdict.chains.length) {
    explained = { path: verdict.chains[0] };
  } else {
    explained = await closestPath(leaf, ctx);
  }
  const checks = await explain(explained.path, explained.refused, ctx, host, purpose);
  for (const root of parsedRoots.filter(n => n.parseError)) {
    checks.push({ name: 'parse', ok: false, advisory: true, message: root.parseError!, detail: `Go leaves ${label(root.info)} out of the CA bundle: it cannot parse it` });
  }
  if (brokenIntermediate && !explained.path.includes(brokenIntermediate)) {
    checks.push({ name: 'parse', ok: false, message: brokenIntermediate.parseError!, detail: `Go cannot parse the intermediate ${label(brokenIntermediate.info)}` });
  }

  const ok = !verdict.error;
  const errors: string[] = [];
  if (verdict.error) {
    errors.push(verdict.error);
    const failing = checks.filter(c => !c.ok && !c.advisory)
      .sort((a, b) => CHECK_ORDER.indexOf(a.name) - CHECK_ORDER.indexOf(b.name) || (a.certificate ?? 0) - (b.certificate ?? 0));
    for (const c of failing) {
      if (!errors.some(e => e.includes(c.message))) {
        errors.push(c.message);
      }
    }
  }
  return {
    ok,
    path: explained.path.map(n => n.info),
    checks,
    errors,
    goError: verdict.error,
    trusted: ctx.roots.contains(explained.path[explained.path.length - 1]),
    at,
    purpose,
    host,
  };
}
