/**
 * Host name matching exactly as Go's crypto/x509 `Certificate.VerifyHostname` does it (and so
 * kubectl, client-go, the kubelet and etcd): DNS names against DNS SANs only, case-insensitive
 * ASCII, a trailing dot on the host ignored, a wildcard only as the whole left-most label;
 * IP addresses only against IP SANs; the subject CN never.
 */

/** The names a certificate claims, in the form the matcher needs. */
export interface HostNames {
  /** dNSName SANs, verbatim. */
  dnsNames: string[];
  /** iPAddress SANs as their raw 4- or 16-byte values. */
  ipAddresses: Uint8Array[];
  /** Whether a subjectAltName extension is present at all (even one without DNS or IP names). */
  hasSanExtension: boolean;
  /** The subject's last CN, as Go's `Subject.CommonName`. */
  commonName?: string;
}

export interface HostMatch {
  ok: boolean;
  /** On success: the SAN that matched (`DNS:*.example.com`, `IP:10.0.0.1`). On failure: Go's HostnameError text. */
  message: string;
  matched?: string;
}

/** Go's `net.ParseIP`: dotted IPv4 (no leading zeros) or IPv6 (embedded IPv4 allowed, no zone). 16 bytes, or undefined. */
export function parseIp(text: string): Uint8Array | undefined {
  if (text.includes(':')) {
    return parseIpv6(text);
  }
  const v4 = parseIpv4(text);
  return v4 ? v4To16(v4) : undefined;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) {
    return undefined;
  }
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^[0-9]{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) {
      return undefined;
    }
    const n = Number(p);
    if (n > 255) {
      return undefined;
    }
    out[i] = n;
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | undefined {
  if (text.includes('%')) {
    return undefined; // Go's ParseIP refuses zones
  }
  const halves = text.split('::');
  if (halves.length > 2) {
    return undefined;
  }
  const groups = (s: string): number[] | undefined => {
    if (s === '') {
      return [];
    }
    const out: number[] = [];
    const fields = s.split(':');
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (i === fields.length - 1 && f.includes('.')) {
        const v4 = parseIpv4(f);
        if (!v4) {
          return undefined;
        }
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(f)) {
        out.push(parseInt(f, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) {
    return undefined;
  }
  // an embedded IPv4 may only end the address
  if (halves.length === 2 && halves[0].includes('.')) {
    return undefined;
  }
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) {
    return undefined;
  }
  const all = [...head, ...Array(8 - total).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => { out[2 * i] = g >> 8; out[2 * i + 1] = g & 0xff; });
  return out;
}

function v4To16(v4: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

/** 16-byte form of a 4- or 16-byte address (Go's `IP.To16`). */
export function ipTo16(ip: Uint8Array): Uint8Array | undefined {
  return ip.length === 4 ? v4To16(ip) : ip.length === 16 ? ip : undefined;
}

function isV4Mapped(ip16: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) {
    if (ip16[i] !== 0) {
      return false;
    }
  }
  return ip16[10] === 0xff && ip16[11] === 0xff;
}

/** Go's `net.IP.String()`: dotted for IPv4 (and IPv4-mapped), RFC 5952 for IPv6. */
export function formatIp(ip: Uint8Array): string {
  const ip16 = ipTo16(ip);
  if (!ip16) {
    return '?' + Array.from(ip, b => b.toString(16).padStart(2, '0')).join('');
  }
  if (isV4Mapped(ip16)) {
    return Array.from(ip16.subarray(12)).join('.');
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push((ip16[i] << 8) | ip16[i + 1]);
  }
  // the longest run of at least two zero groups (the first one on a tie) becomes "::"
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) {
      j++;
    }
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map(g => g.toString(16));
  if (bestLen < 2) {
    return hex.join(':');
  }
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function ipEqual(a: Uint8Array, b: Uint8Array): boolean {
  const a16 = ipTo16(a);
  const b16 = ipTo16(b);
  if (!a16 || !b16) {
    return false;
  }
  for (let i = 0; i < 16; i++) {
    if (a16[i] !== b16[i]) {
      return false;
    }
  }
  return true;
}

export function toLowerCaseAscii(s: string): string {
  return s.replace(/[A-Z]/g, c => c.toLowerCase());
}

/** RFC 6125-ish syntax check with Go's leniency (underscores allowed); patterns may start with a whole `*` label. */
export function validHostname(host: string, isPattern: boolean): boolean {
  if (!isPattern && host.endsWith('.')) {
    host = host.slice(0, -1);
  }
  if (host.length === 0) {
    return false;
  }
  const labels = host.split('.');
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label === '') {
      return false;
    }
    if (isPattern && i === 0 && label === '*') {
      continue;
    }
    for (let j = 0; j < label.length; j++) {
      const c = label[j];
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || (c === '-' && j !== 0)) {
        continue;
      }
      return false;
    }
  }
  return true;
}

function matchExactly(a: string, b: string): boolean {
  if (a === '' || a === '.' || b === '' || b === '.') {
    return false;
  }
  return toLowerCaseAscii(a) === toLowerCaseAscii(b);
}

/** Go's `matchHostnames`: label by label, `*` only as the whole first label, trailing dot of the host dropped. */
export function matchHostnames(pattern: string, host: string): boolean {
  pattern = toLowerCaseAscii(pattern);
  host = toLowerCaseAscii(host.endsWith('.') ? host.slice(0, -1) : host);
  if (pattern.length === 0 || host.length === 0) {
    return false;
  }
  const p = pattern.split('.');
  const h = host.split('.');
  if (p.length !== h.length) {
    return false;
  }
  return p.every((label, i) => (i === 0 && label === '*') || label === h[i]);
}

/** `Certificate.VerifyHostname(host)` with `HostnameError.Error()` for the message. */
export function verifyHostname(names: HostNames, host: string): HostMatch {
  const candidateIp = host.length >= 3 && host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const ip = parseIp(candidateIp);
  if (ip) {
    for (const san of names.ipAddresses) {
      if (ipEqual(ip, san)) {
        return { ok: true, message: `${candidateIp} matches IP SAN ${formatIp(san)}`, matched: `IP:${formatIp(san)}` };
      }
    }
    return { ok: false, message: hostnameError(names, candidateIp) };
  }
  const candidateName = toLowerCaseAscii(host);
  const validCandidate = validHostname(candidateName, false);
  for (const pattern of names.dnsNames) {
    const hit = validCandidate && validHostname(pattern, true) ? matchHostnames(pattern, candidateName) : matchExactly(pattern, candidateName);
    if (hit) {
      return { ok: true, message: `${host} matches DNS SAN ${pattern}`, matched: `DNS:${pattern}` };
    }
  }
  return { ok: false, message: hostnameError(names, host) };
}

/** Go's `HostnameError.Error()`, word for word. */
function hostnameError(names: HostNames, host: string): string {
  if (!names.hasSanExtension && names.commonName !== undefined && matchHostnames(names.commonName, host)) {
    return 'x509: certificate relies on legacy Common Name field, use SANs instead';
  }
  let valid: string;
  if (parseIp(host)) {
    if (names.ipAddresses.length === 0) {
      return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
    }
    valid = names.ipAddresses.map(formatIp).join(', ');
  } else {
    valid = names.dnsNames.join(', ');
  }
  if (valid.length === 0) {
    return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  }
  return `x509: certificate is valid for ${valid}, not ${host}`;
}
