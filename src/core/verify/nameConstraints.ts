import { toHex } from '../x509/bytes';
import { expectChildren as childrenOf, expectTlv as readTlv } from '../x509/der';
import { ERR_CA_NAME_PREFIX, ERR_TOO_MANY_CONSTRAINTS, goQuote } from './goWords';
import { Mailbox, parseMailbox, reverseLabels } from './goNames';
import { formatIp, parseIp } from './hostMatch';

/**
 * Name constraints as Go's crypto/x509 reads them (parser.go) and matches them (verify.go), with
 * Go's comparison budget so that thousands of names against thousands of constraints cannot stall.
 */

/** A SAN entry of a kind name constraints compare; Go keeps no other kind. */
export type SanEntry =
  | { kind: 'email' | 'dns' | 'uri'; text: string }
  | { kind: 'ip'; ip: Uint8Array };

export interface NameConstraintSet {
  dns: string[];
  ips: { ip: Uint8Array; mask: Uint8Array }[];
  emails: string[];
  uris: string[];
}

export interface NameConstraints {
  permitted: NameConstraintSet;
  excluded: NameConstraintSet;
}

/** What the checker needs of a certificate below a constrained CA. */
export interface NamedCertificate {
  hasSan: boolean;
  sans: SanEntry[];
}

/** Go's default `VerifyOptions.MaxConstraintComparisions`: comparisons per CA before Go gives up. */
export const MAX_CONSTRAINT_COMPARISONS = 250_000;

const ascii = (b: Uint8Array): string => String.fromCharCode(...b);

function emptySet(): NameConstraintSet {
  return { dns: [], ips: [], emails: [], uris: [] };
}

/**
 * Go's parseNameConstraintsExtension. Throws Go's parse error; `unhandled` is true when a subtree
 * uses a name type Go does not support (otherName, directoryName…), which makes a critical
 * extension "unhandled" — and so refused — exactly as in Go.
 */
export function parseNameConstraints(value: Uint8Array): { constraints: NameConstraints; unhandled: boolean } {
  const seq = readTlv(value, 0);
  const nc = { permitted: emptySet(), excluded: emptySet() };
  let unhandled = false;
  const parts = childrenOf(value, seq);
  if (parts.length === 0) {
    // RFC 5280 4.2.1.10: either permittedSubtrees or excludedSubtrees MUST be present.
    throw new Error('x509: empty name constraints extension');
  }
  for (const part of parts) {
    if (part.tag !== 0xa0 && part.tag !== 0xa1) {
      throw new Error('x509: invalid NameConstraints extension');
    }
    const set = part.tag === 0xa0 ? nc.permitted : nc.excluded;
    const subtrees = childrenOf(value, part);
    if (subtrees.length === 0) {
      // GeneralSubtrees ::= SEQUENCE SIZE (1..MAX)
      throw new Error('x509: empty name constraints subtree sequence');
    }
    for (const subtree of subtrees) {
      const base = childrenOf(value, subtree)[0];
      if (!base) {
        throw new Error('x509: invalid NameConstraints extension');
      }
      const body = value.subarray(base.contentStart, base.end);
      switch (base.tag) {
        case 0x82: {
          const domain = ascii(body);
          if (!reverseLabels(domain.startsWith('.') ? domain.slice(1) : domain) && domain !== '') {
            throw new Error(`x509: failed to parse dnsName constraint ${goQuote(domain)}`);
          }
          set.dns.push(domain);
          break;
        }
        case 0x87: {
          if (body.length !== 8 && body.length !== 32) {
            throw new Error(`x509: IP constraint contained value of length ${body.length}`);
          }
          const half = body.length / 2;
          const mask = body.subarray(half);
          if (!validMask(mask)) {
            throw new Error(`x509: IP constraint contained invalid mask ${toHex(mask)}`);
          }
          set.ips.push({ ip: body.subarray(0, half), mask });
          break;
        }
        case 0x81: {
          const constraint = ascii(body);
          const ok = constraint.includes('@') ? parseMailbox(constraint) : reverseLabels(constraint.startsWith('.') ? constraint.slice(1) : constraint);
          if (!ok) {
            throw new Error(`x509: failed to parse rfc822Name constraint ${goQuote(constraint)}`);
          }
          set.emails.push(constraint);
          break;
        }
        case 0x86: {
          const domain = ascii(body);
          if (parseIp(domain)) {
            throw new Error(`x509: failed to parse URI constraint ${goQuote(domain)}: cannot be IP address`);
          }
          if (!reverseLabels(domain.startsWith('.') ? domain.slice(1) : domain)) {
            throw new Error(`x509: failed to parse URI constraint ${goQuote(domain)}`);
          }
          set.uris.push(domain);
          break;
        }
        default:
          unhandled = true;
      }
    }
  }
  return { constraints: nc, unhandled };
}

function validMask(mask: Uint8Array): boolean {
  let seenZero = false;
  for (const b of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      if (b & (1 << bit)) {
        if (seenZero) {
          return false;
        }
      } else {
        seenZero = true;
      }
    }
  }
  return true;
}

function equalFold(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function matchDomainConstraint(domain: string, constraint: string): boolean {
  if (constraint.length === 0) {
    return true;
  }
  const domainLabels = reverseLabels(domain);
  if (!domainLabels) {
    throw new Error(`x509: internal error: cannot parse domain ${goQuote(domain)}`);
  }
  let mustHaveSubdomains = false;
  if (constraint[0] === '.') {
    mustHaveSubdomains = true;
    constraint = constraint.slice(1);
  }
  const constraintLabels = reverseLabels(constraint);
  if (!constraintLabels) {
    throw new Error(`x509: internal error: cannot parse domain ${goQuote(constraint)}`);
  }
  if (domainLabels.length < constraintLabels.length || (mustHaveSubdomains && domainLabels.length === constraintLabels.length)) {
    return false;
  }
  return constraintLabels.every((label, i) => equalFold(label, domainLabels[i]));
}

function matchEmailConstraint(mailbox: Mailbox, constraint: string): boolean {
  if (constraint.includes('@')) {
    const c = parseMailbox(constraint);
    if (!c) {
      throw new Error(`x509: internal error: cannot parse constraint ${goQuote(constraint)}`);
    }
    return mailbox.local === c.local && equalFold(mailbox.domain, c.domain);
  }
  return matchDomainConstraint(mailbox.domain, constraint);
}

/** The authority part of a URI as Go's url.Parse returns it in `Host` (userinfo dropped). */
function uriHost(uri: string): string {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(uri);
  if (!m) {
    return '';
  }
  const authority = m[1];
  const at = authority.lastIndexOf('@');
  return at >= 0 ? authority.slice(at + 1) : authority;
}

function matchUriConstraint(uri: string, constraint: string): boolean {
  let host = uriHost(uri);
  if (host.length === 0) {
    throw new Error(`URI with empty host (${goQuote(uri)}) cannot be matched against constraints`);
  }
  if (host.includes(':') && !host.endsWith(']')) {
    host = host.slice(0, host.lastIndexOf(':'));
  }
  if ((host.startsWith('[') && host.endsWith(']')) || parseIp(host)) {
    throw new Error(`URI with IP (${goQuote(uri)}) cannot be matched against constraints`);
  }
  return matchDomainConstraint(host, constraint);
}

function matchIpConstraint(ip: Uint8Array, c: { ip: Uint8Array; mask: Uint8Array }): boolean {
  if (ip.length !== c.ip.length) {
    return false;
  }
  return ip.every((b, i) => (b & c.mask[i]) === (c.ip[i] & c.mask[i]));
}

function formatIpNet(c: { ip: Uint8Array; mask: Uint8Array }): string {
  let ones = 0;
  c.mask.forEach(b => { for (let bit = 7; bit >= 0; bit--) { ones += (b >> bit) & 1; } });
  return `${formatIp(c.ip)}/${ones}`;
}

/** Go's comparison counter for one CA: it gives up once the count passes the budget. */
interface Budget {
  count: number;
  readonly max: number;
}

/** Why a CA's constraints were not (fully) satisfied. `budget`: Go gave up counting, not a name it refused. */
export interface NameConstraintsFailure {
  error: string;
  budget?: boolean;
}

const OVER_BUDGET: NameConstraintsFailure = { error: ERR_TOO_MANY_CONSTRAINTS, budget: true };

/**
 * Check one SAN against a CA's constraints the way Go's checkNameConstraints does; returns Go's
 * error or undefined. The budget is charged before comparing, as Go does, so the work done for one
 * CA is bounded by `budget.max` comparisons whatever the number of names and constraints.
 */
function checkNameConstraint<T, C>(budget: Budget, nameType: string, name: string, parsed: T, match: (parsed: T, constraint: C) => boolean,
  permitted: C[], excluded: C[], show: (c: C) => string): NameConstraintsFailure | undefined {
  budget.count += excluded.length;
  if (budget.count > budget.max) {
    return OVER_BUDGET;
  }
  for (const constraint of excluded) {
    let hit: boolean;
    try {
      hit = match(parsed, constraint);
    } catch (e) {
      return { error: ERR_CA_NAME_PREFIX + (e as Error).message };
    }
    if (hit) {
      return { error: `${ERR_CA_NAME_PREFIX}${nameType} ${goQuote(name)} is excluded by constraint ${goQuote(show(constraint))}` };
    }
  }
  budget.count += permitted.length;
  if (budget.count > budget.max) {
    return OVER_BUDGET;
  }
  let ok = true;
  for (const constraint of permitted) {
    try {
      ok = match(parsed, constraint);
    } catch (e) {
      return { error: ERR_CA_NAME_PREFIX + (e as Error).message };
    }
    if (ok) {
      break;
    }
  }
  return ok ? undefined : { error: `${ERR_CA_NAME_PREFIX}${nameType} ${goQuote(name)} is not permitted by any constraint` };
}

/**
 * The name-constraints part of Go's isValid for a CA with constraints `nc` over the certificates
 * below it (every one with a SAN extension, self-issued intermediates included, as Go does).
 */
export function nameConstraintsFailure(nc: NameConstraints | undefined, below: readonly NamedCertificate[], max = MAX_CONSTRAINT_COMPARISONS): NameConstraintsFailure | undefined {
  if (!nc) {
    return undefined;
  }
  const budget: Budget = { count: 0, max };
  const { permitted: p, excluded: x } = nc;
  for (const cert of below) {
    if (!cert.hasSan) {
      continue;
    }
    for (const san of cert.sans) {
      let err: NameConstraintsFailure | undefined;
      switch (san.kind) {
        case 'email': {
          const mailbox = parseMailbox(san.text);
          if (!mailbox) {
            return { error: 'x509: cannot parse rfc822Name {"" ""}' };
          }
          err = checkNameConstraint(budget, 'email address', san.text, mailbox, matchEmailConstraint, p.emails, x.emails, s => s);
          break;
        }
        case 'dns':
          if (!reverseLabels(san.text)) {
            return { error: `x509: cannot parse dnsName ${goQuote(san.text)}` };
          }
          err = checkNameConstraint(budget, 'DNS name', san.text, san.text, matchDomainConstraint, p.dns, x.dns, s => s);
          break;
        case 'uri':
          err = checkNameConstraint(budget, 'URI', san.text, san.text, matchUriConstraint, p.uris, x.uris, s => s);
          break;
        case 'ip':
          err = checkNameConstraint(budget, 'IP address', formatIp(san.ip), san.ip, matchIpConstraint, p.ips, x.ips, formatIpNet);
          break;
      }
      if (err) {
        return err;
      }
    }
  }
  return undefined;
}

