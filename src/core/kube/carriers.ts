import { Document, Node, Pair, Scalar, YAMLMap, YAMLSeq, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { TextRange } from '../x509/pem';
import { decodeBase64, utf8 } from '../x509/bytes';
import { ownCopy } from '../flatString';
import { TlsRoute, tlsRoutesOf } from './tlsRoutes';
import { CertificateSpec, certificateSpecOf } from './certificateSpecs';
import { CsrSpec, csrSpecOf } from './csrObject';

/** What a carrier is expected to hold, from its field name. */
export type CarrierRole = 'ca' | 'certificate' | 'key' | 'any';

/** How the value is encoded: base64 of PEM or DER, PEM text, or a path to a file holding it. */
export type CarrierEncoding = 'base64' | 'pem' | 'path';

/** Who a carrier belongs to, so checks can pair a client certificate with its key and its cluster's CA. */
export type CarrierOwner =
  | { kind: 'kubeconfig-cluster'; name: string; index: number }
  | { kind: 'kubeconfig-user'; name: string; index: number }
  | { kind: 'secret'; name: string; document: number; namespace?: string }
  | { kind: 'other'; document: number };

/** A place in structured text (YAML/JSON) where certificate material hides. */
export interface CarrierLocation {
  /** Dotted path with indices, e.g. `users[0].user.client-certificate-data`. */
  path: string;
  /** The field name, e.g. `client-certificate-data`, `tls.crt`, `caBundle`. */
  key: string;
  keyRange: TextRange;
  /** The value node's extent in the document (quotes and block-scalar header included). */
  valueRange: TextRange;
  /** The scalar's value after YAML/JSON unescaping and folding. */
  value: string;
  /** True when the value's characters stand in the document one for one (plain or single-line quoted), so offsets inside it map exactly. */
  verbatim: boolean;
  encoding: CarrierEncoding;
  role: CarrierRole;
  /** Named carriers are errors when they don't decode; guessed ones (any base64 scalar) are dropped silently. */
  expected: boolean;
  owner: CarrierOwner;
}

export interface KubeconfigModel {
  document: number;
  clusters: { name: string; index: number; server?: string; serverRange?: TextRange; tlsServerName?: string }[];
  users: { name: string; index: number }[];
  contexts: { name: string; cluster?: string; user?: string }[];
  currentContext?: string;
}

export interface StructuredScan {
  carriers: CarrierLocation[];
  kubeconfigs: KubeconfigModel[];
  /** Ingress and Gateway TLS entries and the Secrets they name (tlsRoutes.ts). */
  tlsRoutes: TlsRoute[];
  /** cert-manager Certificate manifests (certificateSpecs.ts). */
  certificateSpecs: CertificateSpec[];
  /** CertificateSigningRequest objects: how each asks to be signed (csrObject.ts). */
  certificateRequests: CsrSpec[];
  /**
   * Keystore passwords a Secret keeps beside its keystores (`keystore-password`, `password`…), by
   * document: handed to the keystore decoder for that Secret's carriers, never kept in an analysis.
   */
  secretPasswords: Map<number, string[]>;
  /** YAML syntax errors; a broken file still yields the carriers the parser could recover. */
  errors: { message: string; range: TextRange }[];
}

const BASE64_FIELDS: Record<string, CarrierRole> = {
  'certificate-authority-data': 'ca',
  'client-certificate-data': 'certificate',
  'client-key-data': 'key',
  'caBundle': 'ca',
  'tls.crt': 'certificate',
  'tls.key': 'key',
  'ca.crt': 'ca',
  // cert-manager's additional output formats (spec.keystores): binary keystores, base64 in the Secret.
  'keystore.p12': 'any',
  'truststore.p12': 'ca',
  'keystore.jks': 'any',
  'truststore.jks': 'ca',
};

const PATH_FIELDS: Record<string, CarrierRole> = {
  'certificate-authority': 'ca',
  'client-certificate': 'certificate',
  'client-key': 'key',
};

/** Deeper than any real manifest; stops hostile nesting from exhausting the stack. */
const MAX_DEPTH = 64;
/** Shortest base64 we bother guessing at: the smallest real certificate is far longer. */
const MIN_GUESS_LENGTH = 120;
const BASE64ISH = /^[A-Za-z0-9+/=\s]+$/;

/** Quick test before paying for a YAML parse: could this text hold a carrier at all? */
export function mayHoldCarriers(text: string): boolean {
  return /-data|caBundle|tls\.|ca\.crt|BEGIN|client-(certificate|key)|certificate-authority|secretName|certificateRefs|[A-Za-z0-9+/]{120}/.test(text);
}

/**
 * Find every carrier in YAML or JSON text (multi-document YAML, kubeconfigs, Secrets, webhook
 * configurations, values files). Uses the `yaml` Document API for exact ranges; never throws.
 */
export function findCarriers(text: string): StructuredScan {
  const scan: StructuredScan = { carriers: [], kubeconfigs: [], tlsRoutes: [], certificateSpecs: [], certificateRequests: [], secretPasswords: new Map(), errors: [] };
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, { uniqueKeys: false, strict: false, prettyErrors: false });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (e) {
    scan.errors.push({ message: `YAML could not be parsed: ${(e as Error).message}`, range: { start: 0, end: 0 } });
    return scan;
  }
  docs.forEach((doc, index) => {
    for (const err of doc.errors) {
      scan.errors.push({ message: err.message.split('\n')[0], range: { start: err.pos[0], end: err.pos[1] } });
    }
    if (!doc.contents) {
      return;
    }
    const context = documentContext(doc.contents, index);
    if (context.kubeconfig) {
      scan.kubeconfigs.push(context.kubeconfig);
    }
    scan.tlsRoutes.push(...tlsRoutesOf(doc.contents, index, context.kind, get, kept, range));
    if (context.kind === 'Secret') {
      const passwords = secretPasswords(doc.contents);
      if (passwords.length) {
        scan.secretPasswords.set(index, passwords);
      }
    }
    const certificateSpec = certificateSpecOf(doc.contents, index, context.kind, get, kept, range);
    if (certificateSpec) {
      scan.certificateSpecs.push(certificateSpec);
    }
    if (context.kind === 'CertificateSigningRequest') {
      const spec = csrSpecIn(doc, index, `csr-${scan.certificateRequests.length + 1}`);
      if (spec) {
        scan.certificateRequests.push(spec);
      }
    }
    walk(doc.contents, '', 0, context, scan.carriers);
  });
  return scan;
}

/** A CertificateSigningRequest document's signer and usages; undefined when it cannot be read as one (an alias bomb, a broken document). */
function csrSpecIn(doc: Document.Parsed, index: number, fallbackName: string): CsrSpec | undefined {
  try {
    const spec = csrSpecOf(doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown>, index, fallbackName);
    if (!spec) {
      return undefined;
    }
    const { request: _request, ...rest } = spec;
    // Its strings are the document's values: copies of their own, as every string kept (see `kept`).
    return { ...rest, name: ownCopy(rest.name), signerName: rest.signerName === undefined ? undefined : ownCopy(rest.signerName), usages: rest.usages?.map(ownCopy) };
  } catch {
    return undefined;
  }
}

/** Values of a Secret's password-like keys: base64 under `data`, plain under `stringData`. */
function secretPasswords(root: Node): string[] {
  const out: string[] = [];
  for (const [section, encoded] of [['data', true], ['stringData', false]] as const) {
    const map = get(root, section);
    for (const pair of isMap(map) ? map.items : []) {
      const key = str(pair.key);
      const value = str(pair.value);
      if (key && value !== undefined && /pass(word|phrase)?$/i.test(key)) {
        const decoded = encoded ? decodeBase64(value) : undefined;
        out.push(decoded ? (decoded.ok ? utf8(decoded.bytes).replace(/\r?\n$/, '') : '') : value);
      }
    }
  }
  return out.filter(p => p !== '');
}

interface DocumentContext {
  document: number;
  kind?: string;
  name?: string;
  namespace?: string;
  kubeconfig?: KubeconfigModel;
}

function str(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

/** `str`, for a value the analysis keeps: a copy of its own, never a view into the text (see flatString.ts `ownCopy`). */
function kept(node: unknown): string | undefined {
  const value = str(node);
  return value === undefined ? undefined : ownCopy(value);
}

function get(map: unknown, key: string): unknown {
  return isMap(map) ? map.items.find(p => str(p.key) === key)?.value : undefined;
}

function range(node: Node | null | undefined): TextRange {
  const r = node?.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

function documentContext(root: Node, document: number): DocumentContext {
  const ctx: DocumentContext = { document, kind: kept(get(root, 'kind')), name: kept(get(get(root, 'metadata'), 'name')), namespace: kept(get(get(root, 'metadata'), 'namespace')) };
  const clusters = get(root, 'clusters');
  const users = get(root, 'users');
  if (isSeq(clusters) || isSeq(users) || ctx.kind === 'Config') {
    const seqItems = (n: unknown) => (isSeq(n) ? n.items : []);
    ctx.kubeconfig = {
      document,
      clusters: seqItems(clusters).map((c, index) => {
        const cluster = get(c, 'cluster');
        const server = get(cluster, 'server');
        return { name: kept(get(c, 'name')) ?? `#${index}`, index, server: kept(server), serverRange: isScalar(server) ? range(server) : undefined, tlsServerName: kept(get(cluster, 'tls-server-name')) };
      }),
      users: seqItems(users).map((u, index) => ({ name: kept(get(u, 'name')) ?? `#${index}`, index })),
      contexts: seqItems(get(root, 'contexts')).map(c => {
        const context = get(c, 'context');
        return { name: kept(get(c, 'name')) ?? '', cluster: kept(get(context, 'cluster')), user: kept(get(context, 'user')) };
      }),
      currentContext: kept(get(root, 'current-context')),
    };
  }
  return ctx;
}

function ownerFor(path: string, ctx: DocumentContext): CarrierOwner {
  const m = /^(clusters|users)\[(\d+)\]/.exec(path);
  if (m && ctx.kubeconfig) {
    const index = Number(m[2]);
    if (m[1] === 'clusters') {
      return { kind: 'kubeconfig-cluster', name: ctx.kubeconfig.clusters[index]?.name ?? `#${index}`, index };
    }
    return { kind: 'kubeconfig-user', name: ctx.kubeconfig.users[index]?.name ?? `#${index}`, index };
  }
  if (ctx.kind === 'Secret') {
    return { kind: 'secret', name: ctx.name ?? '', document: ctx.document, namespace: ctx.namespace };
  }
  return { kind: 'other', document: ctx.document };
}

function walk(node: unknown, path: string, depth: number, ctx: DocumentContext, out: CarrierLocation[]): void {
  if (depth > MAX_DEPTH) {
    return;
  }
  if (isMap(node)) {
    for (const pair of (node as YAMLMap).items) {
      visitPair(pair as Pair, path, depth, ctx, out);
    }
  } else if (isSeq(node)) {
    (node as YAMLSeq).items.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1, ctx, out));
  }
}

function visitPair(pair: Pair, path: string, depth: number, ctx: DocumentContext, out: CarrierLocation[]): void {
  if (!isPair(pair)) {
    return;
  }
  const key = str(pair.key);
  if (key === undefined) {
    return;
  }
  const childPath = path ? `${path}.${key}` : key;
  const value = pair.value;
  if (!isScalar(value)) {
    walk(value, childPath, depth + 1, ctx, out);
    return;
  }
  if (typeof value.value !== 'string') {
    return;
  }
  const carrier = classify(key, value as Scalar<string>, ctx);
  if (carrier) {
    out.push({
      path: ownCopy(childPath),
      key: ownCopy(key),
      keyRange: range(pair.key as Node),
      valueRange: range(value),
      value: ownCopy(value.value),
      verbatim: value.type === 'PLAIN' ? !value.value.includes('\n') : (value.type === 'QUOTE_SINGLE' || value.type === 'QUOTE_DOUBLE') && !/[\\'\n]/.test(value.value),
      owner: ownerFor(childPath, ctx),
      ...carrier,
    });
  }
}

function classify(key: string, scalar: Scalar<string>, ctx: DocumentContext): Pick<CarrierLocation, 'encoding' | 'role' | 'expected'> | undefined {
  const value = scalar.value;
  const hasPem = value.includes('-----BEGIN ');
  const base64Role = BASE64_FIELDS[key];
  if (base64Role) {
    // ConfigMaps (kube-root-ca.crt) and Secret stringData hold PEM as text under the same key names.
    return { encoding: hasPem ? 'pem' : 'base64', role: base64Role, expected: true };
  }
  if (ctx.kubeconfig && PATH_FIELDS[key]) {
    return { encoding: 'path', role: PATH_FIELDS[key], expected: true };
  }
  if (hasPem) {
    return { encoding: 'pem', role: 'any', expected: true };
  }
  if (value.length >= MIN_GUESS_LENGTH && BASE64ISH.test(value)) {
    return { encoding: 'base64', role: 'any', expected: false };
  }
  return undefined;
}
