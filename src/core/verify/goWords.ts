import { CertificateInfo } from '../x509/certificate';

/**
 * Go's crypto/x509 error texts and the small formatting helpers that build them, verbatim: they are
 * what kubectl, the kubelet and etcd print, so users can search for them.
 */

export const ERR_UNKNOWN_AUTHORITY = 'x509: certificate signed by unknown authority';
export const ERR_UNHANDLED_CRITICAL = 'x509: unhandled critical extension';
export const ERR_NOT_AUTHORIZED_TO_SIGN = 'x509: certificate is not authorized to sign other certificates';
export const ERR_TOO_MANY_INTERMEDIATES = 'x509: too many intermediates for path length constraint';
export const ERR_INCOMPATIBLE_USAGE = 'x509: certificate specifies an incompatible key usage';
export const ERR_NAME_MISMATCH = 'x509: issuer name does not match subject from issuing certificate';
export const ERR_CONSTRAINT_VIOLATION = 'x509: invalid signature: parent certificate cannot sign this kind of certificate';
export const ERR_UNSUPPORTED_ALGORITHM = 'x509: cannot verify signature: algorithm unimplemented';
export const ERR_SIGNATURE_LIMIT = 'x509: signature check attempts limit reached while verifying certificate chain';
export const ERR_CA_NAME_PREFIX = 'x509: a root or intermediate certificate is not authorized to sign for this name: ';
/**
 * `CertificateInvalidError{Reason: TooManyConstraints}`: Go's Error() has no case for that reason, so
 * what Go prints when a CA's name constraints would need more than its comparison budget is this.
 */
export const ERR_TOO_MANY_CONSTRAINTS = 'x509: unknown error';

/** Go's time.RFC3339 of a UTC time: seconds precision, fraction dropped. */
export function goTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Go's %q (strconv.Quote) for the strings that reach these messages. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') {
      out += '\\' + ch;
    } else if (c === 7) { out += '\\a'; } else if (c === 8) { out += '\\b'; } else if (c === 12) { out += '\\f'; } else if (c === 10) { out += '\\n'; } else if (c === 13) { out += '\\r'; } else if (c === 9) { out += '\\t'; } else if (c === 11) { out += '\\v'; } else if (c < 0x20 || c === 0x7f) {
      out += '\\x' + c.toString(16).padStart(2, '0');
    } else if (c >= 0x80 && c < 0xa0) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else {
      out += ch;
    }
  }
  return out + '"';
}

/** The name Go's UnknownAuthorityError gives a rejected candidate: CN, else first O, else the decimal serial. */
function candidateName(info: CertificateInfo): string {
  if (info.subject.commonName) {
    return info.subject.commonName;
  }
  if (info.subject.organizations.length) {
    return info.subject.organizations[0];
  }
  const hex = info.serialNumber;
  const negative = hex.startsWith('-');
  let decimal: string;
  try {
    decimal = BigInt('0x' + (negative ? hex.slice(1) : hex)).toString();
  } catch {
    decimal = hex;
  }
  return `serial:${negative ? '-' : ''}${decimal}`;
}

/** Go's UnknownAuthorityError text, with the first rejected candidate as its hint. */
export function unknownAuthority(hint?: { error: string; cert: { info: CertificateInfo } }): string {
  return hint
    ? `${ERR_UNKNOWN_AUTHORITY} (possibly because of ${goQuote(hint.error)} while trying to verify candidate authority certificate ${goQuote(candidateName(hint.cert.info))})`
    : ERR_UNKNOWN_AUTHORITY;
}

/** How a certificate is named in PKI Lens's own explanations (details, not Go's words). */
export function label(info: CertificateInfo): string {
  return info.subject.commonName !== undefined ? `CN=${info.subject.commonName}` : (info.subject.text || '(empty subject)');
}
