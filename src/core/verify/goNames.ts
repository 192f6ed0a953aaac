/**
 * Go's parsers for the names that name constraints compare (crypto/x509 verify.go), kept apart from
 * the matching so the certificate reader and the constraint checker share one copy.
 */

/** Go's domainToReverseLabels. */
export function reverseLabels(domain: string): string[] | undefined {
  const labels: string[] = [];
  while (domain.length > 0) {
    const i = domain.lastIndexOf('.');
    if (i === -1) {
      labels.push(domain);
      domain = '';
    } else {
      labels.push(domain.slice(i + 1));
      domain = domain.slice(0, i);
    }
  }
  if (labels.length > 0 && labels[0].length === 0) {
    return undefined;
  }
  for (const label of labels) {
    if (label.length === 0) {
      return undefined;
    }
    for (const ch of label) {
      const c = ch.codePointAt(0)!;
      if (c < 33 || c > 126) {
        return undefined;
      }
    }
  }
  return labels;
}

export interface Mailbox {
  local: string;
  domain: string;
}

/** Go's parseRFC2821Mailbox. */
export function parseMailbox(input: string): Mailbox | undefined {
  if (input.length === 0) {
    return undefined;
  }
  let local = '';
  let i = 0;
  const code = (k: number) => input.charCodeAt(k);
  if (input[0] === '"') {
    i = 1;
    for (;;) {
      if (i >= input.length) {
        return undefined;
      }
      const c = code(i++);
      if (c === 0x22) {
        break;
      }
      if (c === 0x5c) {
        if (i >= input.length) {
          return undefined;
        }
        const n = code(i);
        if (n === 11 || n === 12 || (n >= 1 && n <= 9) || (n >= 14 && n <= 127)) {
          local += input[i++];
          continue;
        }
        return undefined;
      }
      if (c === 11 || c === 12 || c === 32 || c === 33 || c === 127 || (c >= 1 && c <= 8) || (c >= 14 && c <= 31) || (c >= 35 && c <= 91) || (c >= 93 && c <= 126)) {
        local += String.fromCharCode(c);
        continue;
      }
      return undefined;
    }
  } else {
    while (i < input.length) {
      const c = input[i];
      if (c === '\\') {
        i++;
        if (i >= input.length) {
          return undefined;
        }
        local += input[i++];
        continue;
      }
      if (/[0-9A-Za-z!#$%&'*+\-/=?^_`{|}~.]/.test(c)) {
        local += c;
        i++;
        continue;
      }
      break;
    }
    if (local.length === 0 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
      return undefined;
    }
  }
  if (i >= input.length || input[i] !== '@') {
    return undefined;
  }
  const domain = input.slice(i + 1);
  if (!reverseLabels(domain)) {
    return undefined;
  }
  return { local, domain };
}

