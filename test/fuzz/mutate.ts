import { concat as concatBytes } from '../../src/core/x509/derWriter';
// A small seeded mutator for the hostile-input suite: the same seed gives the same mutants on every
// machine, so a failure names its seed and can be replayed. Mutations are structure-aware where it
// matters (DER length fields, PEM blocks, YAML lines) and blind elsewhere (bit flips, truncation).

/** mulberry32: tiny, fast, good enough to spread mutations; never used for anything secret. */
export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.int(256);
    }
    return out;
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Random base64 text of `length` characters, wrapped at `wrap` (0: one line). */
export function randomBase64(rng: Rng, length: number, wrap = 64): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += B64[rng.int(64)];
    if (wrap && (i + 1) % wrap === 0) {
      out += '\n';
    }
  }
  return out;
}

// ---------------------------------------------------------------- DER

interface Tlv {
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first length byte. */
  lengthStart: number;
  contentStart: number;
  end: number;
  constructed: boolean;
}

/** Every TLV of a DER buffer that parses (depth-first), for aiming mutations at length fields. */
export function derElements(der: Uint8Array, limit = 4096): Tlv[] {
  const out: Tlv[] = [];
  const walk = (from: number, to: number, depth: number) => {
    let at = from;
    while (at + 2 <= to && out.length < limit && depth < 32) {
      const tag = der[at];
      let len = der[at + 1];
      let header = 2;
      if (len & 0x80) {
        const n = len & 0x7f;
        if (n === 0 || n > 4 || at + 2 + n > to) {
          return;
        }
        len = 0;
        for (let i = 0; i < n; i++) {
          len = len * 256 + der[at + 2 + i];
        }
        header += n;
      }
      const end = at + header + len;
      if (end > to) {
        return;
      }
      const constructed = (tag & 0x20) !== 0;
      out.push({ start: at, lengthStart: at + 1, contentStart: at + header, end, constructed });
      if (constructed) {
        walk(at + header, end, depth + 1);
      } else if (tag === 0x04 || tag === 0x03) {
        // OCTET/BIT STRINGs often wrap DER (extensions, keys): descend when it parses.
        const skip = tag === 0x03 ? 1 : 0;
        if (end - (at + header + skip) >= 2 && der[at + header + skip] === 0x30) {
          walk(at + header + skip, end, depth + 1);
        }
      }
      at = end;
    }
  };
  walk(0, der.length, 0);
  return out;
}

const concat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

/** Rewrite one element's length field: too long, too short, zero, indefinite, huge, non-minimal. */
export function corruptLength(rng: Rng, der: Uint8Array): Uint8Array {
  const elements = derElements(der);
  if (!elements.length) {
    return flipBits(rng, der, 1);
  }
  const el = rng.pick(elements);
  const len = el.end - el.contentStart;
  const encodings: number[][] = [
    encodeLength(len + 1 + rng.int(4)),
    encodeLength(Math.max(0, len - 1 - rng.int(4))),
    [0x00],
    [0x80], // indefinite length: BER, not DER
    [0x84, 0xff, 0xff, 0xff, 0xff],
    [0x88, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    [0x82, (len >> 8) & 0xff, len & 0xff], // non-minimal for short lengths
    [0xff],
  ];
  const replacement = Uint8Array.from(rng.pick(encodings));
  return concat(der.subarray(0, el.lengthStart), replacement, der.subarray(el.contentStart));
}

function encodeLength(n: number): number[] {
  if (n < 0x80) {
    return [n];
  }
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | bytes.length, ...bytes];
}

/** Change the tag of one element (INTEGER → UTF8String, SEQUENCE → SET, context tags…). */
export function corruptTag(rng: Rng, der: Uint8Array): Uint8Array {
  const elements = derElements(der);
  if (!elements.length) {
    return flipBits(rng, der, 1);
  }
  const out = der.slice();
  out[rng.pick(elements).start] = rng.pick([0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x14, 0x17, 0x18, 0x1e, 0x30, 0x31, 0xa0, 0xa3, 0x80, 0x1f, 0x00]);
  return out;
}

/** Drop or duplicate one element (an extension, an RDN, the validity…). */
export function spliceElement(rng: Rng, der: Uint8Array): Uint8Array {
  const elements = derElements(der).filter(e => e.start > 0);
  if (!elements.length) {
    return truncate(rng, der);
  }
  const el = rng.pick(elements);
  const body = der.subarray(el.start, el.end);
  return rng.next() < 0.5 ? concat(der.subarray(0, el.start), der.subarray(el.end)) : concat(der.subarray(0, el.end), body, der.subarray(el.end));
}

export function flipBits(rng: Rng, bytes: Uint8Array, count = 1 + rng.int(8)): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < count && out.length; i++) {
    out[rng.int(out.length)] ^= 1 << rng.int(8);
  }
  return out;
}

export function truncate(rng: Rng, bytes: Uint8Array): Uint8Array {
  return bytes.subarray(0, rng.int(bytes.length));
}

/** Append garbage after the last element (trailing data). */
export function trailingGarbage(rng: Rng, der: Uint8Array): Uint8Array {
  return concat(der, rng.bytes(1 + rng.int(32)));
}

export type DerMutation = (rng: Rng, der: Uint8Array) => Uint8Array;
export const DER_MUTATIONS: Record<string, DerMutation> = {
  flipBits: (rng, der) => flipBits(rng, der),
  truncate,
  corruptLength,
  corruptTag,
  spliceElement,
  trailingGarbage,
};

export function mutateDer(rng: Rng, der: Uint8Array): { name: string; bytes: Uint8Array } {
  const name = rng.pick(Object.keys(DER_MUTATIONS));
  return { name, bytes: DER_MUTATIONS[name](rng, der) };
}

// ---------------------------------------------------------------- text (PEM, YAML)

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----\r?\n?/g;

function pemBlocks(text: string): { start: number; end: number }[] {
  return [...text.matchAll(PEM_BLOCK)].map(m => ({ start: m.index!, end: m.index! + m[0].length }));
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
}

export type TextMutation = (rng: Rng, text: string) => string;

/** Mutations of PEM text: inside the DER, or the armour itself. */
export const PEM_MUTATIONS: Record<string, TextMutation> = {
  derInside: (rng, text) => {
    const blocks = pemBlocks(text);
    if (!blocks.length) {
      return flipChars(rng, text);
    }
    const b = rng.pick(blocks);
    const block = text.slice(b.start, b.end);
    const lines = block.split('\n');
    const begin = lines.findIndex(l => l.startsWith('-----BEGIN'));
    const end = lines.findIndex(l => l.startsWith('-----END'));
    const headerEnd = lines.findIndex((l, i) => i > begin && i < end && !/:/.test(l) && l.trim() !== '');
    const bodyStart = headerEnd < 0 ? begin + 1 : headerEnd;
    const der = fromBase64(lines.slice(bodyStart, end).join(''));
    const mutated = mutateDer(rng, der).bytes;
    const body = (toBase64(mutated).match(/.{1,64}/g) ?? []).join('\n');
    const rebuilt = [...lines.slice(0, bodyStart), body, ...lines.slice(end)].join('\n');
    return text.slice(0, b.start) + rebuilt + text.slice(b.end);
  },
  duplicateBlock: (rng, text) => {
    const blocks = pemBlocks(text);
    if (!blocks.length) {
      return text + text;
    }
    const b = rng.pick(blocks);
    return text.slice(0, b.end) + text.slice(b.start, b.end) + text.slice(b.end);
  },
  reorderBlocks: (rng, text) => {
    const blocks = pemBlocks(text);
    if (blocks.length < 2) {
      return text;
    }
    const bodies = blocks.map(b => text.slice(b.start, b.end));
    for (let i = bodies.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [bodies[i], bodies[j]] = [bodies[j], bodies[i]];
    }
    let out = '';
    let at = 0;
    blocks.forEach((b, i) => {
      out += text.slice(at, b.start) + bodies[i];
      at = b.end;
    });
    return out + text.slice(at);
  },
  dropEndLine: (_rng, text) => text.replace(/-----END [A-Z0-9 ]+-----/, ''),
  mismatchLabel: (_rng, text) => text.replace(/-----END ([A-Z0-9 ]+)-----/, '-----END X$1-----'),
  base64Garbage: (rng, text) => {
    const blocks = pemBlocks(text);
    if (!blocks.length) {
      return flipChars(rng, text);
    }
    const b = rng.pick(blocks);
    const at = b.start + 30 + rng.int(Math.max(1, b.end - b.start - 60));
    return text.slice(0, at) + rng.pick(['*', '=', '==\n', '\u0000', '\u00e9', '-', '!', '====', ' ']) + text.slice(at);
  },
  crlf: (_rng, text) => text.replace(/\n/g, '\r\n'),
  indent: (rng, text) => text.replace(/\n/g, '\n' + ' '.repeat(rng.int(6))),
  truncateText: (rng, text) => text.slice(0, rng.int(text.length)),
  flipChars: (rng, text) => flipChars(rng, text),
};

/** Mutations of YAML/JSON text: structure, quoting, anchors, indentation and the values themselves. */
export const YAML_MUTATIONS: Record<string, TextMutation> = {
  ...PEM_MUTATIONS,
  dropLine: (rng, text) => {
    const lines = text.split('\n');
    lines.splice(rng.int(lines.length), 1);
    return lines.join('\n');
  },
  duplicateLine: (rng, text) => {
    const lines = text.split('\n');
    const i = rng.int(lines.length);
    lines.splice(i, 0, lines[i]);
    return lines.join('\n');
  },
  swapLines: (rng, text) => {
    const lines = text.split('\n');
    const i = rng.int(lines.length);
    const j = rng.int(lines.length);
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return lines.join('\n');
  },
  reindent: (rng, text) => {
    const lines = text.split('\n');
    const i = rng.int(lines.length);
    lines[i] = ' '.repeat(rng.int(9)) + lines[i].trimStart();
    return lines.join('\n');
  },
  insertSyntax: (rng, text) => {
    const at = rng.int(text.length + 1);
    return text.slice(0, at) + rng.pick(['&a ', '*a', '!!binary ', '{', '}', '[', ']', '"', "'", ': ', '- ', '|', '>-', '#', '\t', '---\n', '...\n', '%YAML 1.1\n', '? ', '<<: *a\n', '\\']) + text.slice(at);
  },
  base64Value: (rng, text) => {
    // Damage one long base64 value the way a bad copy-paste does.
    const values = [...text.matchAll(/[A-Za-z0-9+/]{80,}={0,2}/g)];
    if (!values.length) {
      return flipChars(rng, text);
    }
    const m = rng.pick(values);
    const value = m[0];
    const kind = rng.int(4);
    const at = rng.int(value.length);
    const replaced = kind === 0 ? value.slice(0, at) // truncated
      : kind === 1 ? value.slice(0, at) + '\n' + value.slice(at) // wrapped
        : kind === 2 ? toBase64(mutateDer(rng, fromBase64(value)).bytes) // DER inside the base64 damaged
          : value.slice(0, at) + '%' + value.slice(at + 1);
    return text.slice(0, m.index!) + replaced + text.slice(m.index! + value.length);
  },
};

function flipChars(rng: Rng, text: string, count = 1 + rng.int(6)): string {
  const chars = text.split('');
  for (let i = 0; i < count && chars.length; i++) {
    chars[rng.int(chars.length)] = String.fromCharCode(rng.int(128));
  }
  return chars.join('');
}

export function mutateText(rng: Rng, text: string, mutations: Record<string, TextMutation>, rounds = 1 + rng.int(3)): { names: string[]; text: string } {
  const names: string[] = [];
  let out = text;
  for (let i = 0; i < rounds; i++) {
    const name = rng.pick(Object.keys(mutations));
    names.push(name);
    out = mutations[name](rng, out);
  }
  return { names, text: out };
}
