import { ERR_NAME_MISMATCH, ERR_NOT_AUTHORIZED_TO_SIGN, ERR_TOO_MANY_INTERMEDIATES, ERR_UNHANDLED_CRITICAL, goTime } from './goWords';
import { MAX_CONSTRAINT_COMPARISONS, NameConstraintsFailure, nameConstraintsFailure } from './nameConstraints';
import { Node } from './nodes';
import { VerifyPurpose } from './types';

/** The per-certificate checks of Go's isValid and checkChainForKeyUsage: validity, CA-ness, path length, names, EKU. */

export type CertType = 'leaf' | 'intermediate' | 'root';

const OID_ANY_EKU = '2.5.29.37.0';
const EKU_OIDS: Record<Exclude<VerifyPurpose, 'any'>, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

export function validityError(n: Node, at: Date): string | undefined {
  if (at.getTime() < n.info.notBefore.getTime()) {
    return `x509: certificate has expired or is not yet valid: current time ${goTime(at)} is before ${goTime(n.info.notBefore)}`;
  }
  if (at.getTime() > n.info.notAfter.getTime()) {
    return `x509: certificate has expired or is not yet valid: current time ${goTime(at)} is after ${goTime(n.info.notAfter)}`;
  }
  return undefined;
}

export function pathLengthError(n: Node, below: number): string | undefined {
  const pathLength = n.info.basicConstraints?.pathLength;
  return pathLength !== undefined && below - 1 > pathLength ? ERR_TOO_MANY_INTERMEDIATES : undefined;
}

/** Go's isValid: the checks a candidate must pass to join `chain` (leaf first) as `type`. */
export function isValid(n: Node, type: CertType, chain: Node[], at: Date): string | undefined {
  if (n.unhandledCritical.length) {
    return ERR_UNHANDLED_CRITICAL;
  }
  if (chain.length && chain[chain.length - 1].rawIssuer !== n.rawSubject) {
    return ERR_NAME_MISMATCH;
  }
  const expired = validityError(n, at);
  if (expired) {
    return expired;
  }
  if (type !== 'leaf') {
    const nc = nameConstraintsError(n, chain);
    if (nc) {
      return nc.error;
    }
  }
  if (type === 'intermediate' && !n.info.basicConstraints?.ca) {
    return ERR_NOT_AUTHORIZED_TO_SIGN;
  }
  return pathLengthError(n, chain.length);
}

/** Go's checkChainForKeyUsage for a single requested usage. */
export function ekuBlocker(chain: Node[], purpose: VerifyPurpose): Node | undefined {
  if (purpose === 'any') {
    return undefined;
  }
  const wanted = EKU_OIDS[purpose];
  for (let i = chain.length - 1; i >= 0; i--) {
    const eku = chain[i].info.extendedKeyUsage;
    if (!eku || eku.length === 0 || eku.some(e => e.oid === OID_ANY_EKU)) {
      continue;
    }
    if (!eku.some(e => e.oid === wanted)) {
      return chain[i];
    }
  }
  return undefined;
}

/** A CA's name constraints over the certificates below it, with Go's comparison budget. */
export function nameConstraintsError(ca: Node, below: readonly Node[]): NameConstraintsFailure | undefined {
  return nameConstraintsFailure(ca.nameConstraints, below, MAX_CONSTRAINT_COMPARISONS);
}
