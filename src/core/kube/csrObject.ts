import { isMap, parseAllDocuments } from 'yaml';
import { decodeBase64, utf8 } from '../x509/bytes';
import { findPemBlocks } from '../x509/pem';

/**
 * Kubernetes `CertificateSigningRequest` objects (certificates.k8s.io/v1): `spec.request` is the
 * base64 of a PEM CSR; `spec.signerName`, `spec.usages` and `spec.expirationSeconds` say how it
 * is to be signed. Read from YAML or JSON (the `yaml` parser reads both), every document of a file.
 */

/** How a CertificateSigningRequest asks to be signed: what the analysis keeps of it (kept small, no request bytes). */
export interface CsrSpec {
  /** The YAML document it is in (carriers' `owner.document`). */
  document: number;
  /** `metadata.name`, or `csr-<n>` when it has none. */
  name: string;
  signerName?: string;
  usages?: string[];
  expirationSeconds?: number;
}

/** The spec of a CertificateSigningRequest document (its JS value), or undefined when the document is none. */
export function csrSpecOf(o: Record<string, unknown> | null | undefined, document: number, fallbackName: string): (CsrSpec & { request: unknown }) | undefined {
  if (o?.kind !== 'CertificateSigningRequest' || typeof o.spec !== 'object' || o.spec === null) {
    return undefined;
  }
  const spec = o.spec as Record<string, unknown>;
  const metadata = (o.metadata ?? {}) as Record<string, unknown>;
  return {
    document,
    name: typeof metadata.name === 'string' ? metadata.name : fallbackName,
    signerName: typeof spec.signerName === 'string' ? spec.signerName : undefined,
    usages: Array.isArray(spec.usages) ? spec.usages.filter((u): u is string => typeof u === 'string') : undefined,
    expirationSeconds: typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : undefined,
    request: spec.request,
  };
}

export interface CsrObject extends CsrSpec {
  /** DER of the request, or why it could not be read. */
  request: { ok: true; der: Uint8Array } | { ok: false; error: string };
}

/** Every CertificateSigningRequest in the text; empty when there is none (or the text is not YAML/JSON). */
export function findCsrObjects(text: string): CsrObject[] {
  const out: CsrObject[] = [];
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return out;
  }
  (Array.isArray(docs) ? docs : [docs]).forEach((doc, index) => {
    if (doc.errors.length || !isMap(doc.contents)) {
      return;
    }
    const spec = csrSpecOf(doc.toJS({ maxAliasCount: 0 }) as Record<string, unknown>, index, `csr-${out.length + 1}`);
    if (spec) {
      out.push({ ...spec, request: requestOf(spec.request) });
    }
  });
  return out;
}

function requestOf(value: unknown): CsrObject['request'] {
  if (typeof value !== 'string' || !value.trim()) {
    return { ok: false, error: 'spec.request is missing' };
  }
  const decoded = decodeBase64(value.replace(/\s+/g, ''));
  if (!decoded.ok) {
    return { ok: false, error: `spec.request is not base64: ${decoded.error}` };
  }
  const block = findPemBlocks(utf8(decoded.bytes)).find(b => b.label === 'CERTIFICATE REQUEST' || b.label === 'NEW CERTIFICATE REQUEST');
  if (!block?.der) {
    return { ok: false, error: 'spec.request does not hold a PEM "CERTIFICATE REQUEST" block' };
  }
  return { ok: true, der: block.der };
}
