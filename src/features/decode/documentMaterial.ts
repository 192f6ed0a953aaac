import vscode = require('vscode');
import { DocumentAnalysis, MaterialEntry, analyzeBinary, decodeFileText } from '../../core/analyze';
import { DecodedObject } from '../../core/x509/material';
import { pairKeysInDocument, pairWith } from '../../core/inventory/pairing';
import { KeyPairing } from '../../core/render/hover';
import { Services } from '../../services';
import { Disposable } from '../../util/dispose';
import { siblingCertificateUris } from '../../workspace/siblings';
import { resolvePathEntry } from './pathResolution';

/**
 * The material of a document as the decode features show it: the cached analysis, with kubeconfig
 * path carriers replaced by what their files hold, and every private key paired with its
 * certificate (same carrier owner, same file, a sibling `x.crt`, or any certificate of the file
 * with the same public key). Computed once per analysis and file generation, shared by the lens,
 * the outline and the decoded view.
 */
export interface DocumentMaterial {
  uri: vscode.Uri;
  /** Entries with path carriers resolved (copies; the cached analysis is never changed). */
  analysis: DocumentAnalysis;
  pairings: Map<DecodedObject, KeyPairing>;
  /** For path carriers: the file each resolved to, by entry. */
  targets: Map<MaterialEntry, vscode.Uri>;
  /** The text the analysis was made from; undefined for a binary (DER) file. */
  text?: string;
  /** The raw bytes of a binary file. */
  binary?: Uint8Array;
  /** The open document, when the material came from one. */
  document?: vscode.TextDocument;
}

/** Largest file the decode features read on their own (an open editor is always read). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

export class MaterialReader extends Disposable {
  private readonly enriched = new WeakMap<DocumentAnalysis, Map<string, { generation: number; material: Promise<Omit<DocumentMaterial, 'text' | 'binary' | 'document'>> }>>();
  private generation = 0;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when a certificate or key file changed on disk: lenses and views that paired or resolved against it are stale. */
  readonly onDidChangeFiles = this.changed.event;

  constructor(private readonly services: Services) {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/*.{crt,pem,cer,der,key,pub,csr}'));
    const bump = () => {
      this.generation++;
      this.changed.fire();
    };
    this._register(watcher.onDidChange(bump));
    this._register(watcher.onDidCreate(bump));
    this._register(watcher.onDidDelete(bump));
  }

  /** Material of the open document, or of the file read from disk (binary DER included). */
  async read(uri: vscode.Uri): Promise<DocumentMaterial> {
    const document = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
    if (document) {
      return this.fromText(uri, document.getText(), document.fileName, document);
    }
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_FILE_BYTES) {
      throw new Error(`${uri.path} is larger than ${MAX_FILE_BYTES >> 20} MB`);
    }
    const bytes = await vscode.workspace.fs.readFile(uri);
    const text = decodeFileText(bytes);
    if (text === undefined) {
      const analysis = await analyzeBinary(bytes, { passwords: this.services.cache.passwords });
      return { uri, analysis, pairings: new Map(), targets: new Map(), binary: bytes };
    }
    return this.fromText(uri, text, uri.scheme === 'file' ? uri.fsPath : uri.path);
  }

  async fromDocument(document: vscode.TextDocument): Promise<DocumentMaterial> {
    return this.fromText(document.uri, document.getText(), document.fileName, document);
  }

  private async fromText(uri: vscode.Uri, text: string, fileName: string, document?: vscode.TextDocument): Promise<DocumentMaterial> {
    const analysis = await this.services.cache.analyze(text, fileName);
    return { ...(await this.enrich(uri, analysis)), text, document };
  }

  /** Path carriers resolved and keys paired; memoised by analysis (content) and URI (paths are relative to it). */
  enrich(uri: vscode.Uri, analysis: DocumentAnalysis): Promise<Omit<DocumentMaterial, 'text' | 'binary' | 'document'>> {
    let byUri = this.enriched.get(analysis);
    if (!byUri) {
      byUri = new Map();
      this.enriched.set(analysis, byUri);
    }
    const key = uri.toString();
    const hit = byUri.get(key);
    if (hit && hit.generation === this.generation) {
      return hit.material;
    }
    const material = this.compute(uri, analysis);
    byUri.set(key, { generation: this.generation, material });
    return material;
  }

  private async compute(uri: vscode.Uri, cached: DocumentAnalysis): Promise<Omit<DocumentMaterial, 'text' | 'binary' | 'document'>> {
    const targets = new Map<MaterialEntry, vscode.Uri>();
    let analysis = cached;
    if (cached.entries.some(e => e.carrier?.encoding === 'path')) {
      const entries = await Promise.all(cached.entries.map(async e => {
        if (e.carrier?.encoding !== 'path') {
          return e;
        }
        const resolved = await resolvePathEntry(uri, e, this.services.cache);
        if (resolved.target) {
          targets.set(resolved.entry, resolved.target);
        }
        return resolved.entry;
      }));
      analysis = { ...cached, entries };
    }
    const pairings = pairKeysInDocument(analysis);
    pairBySameKey(analysis, pairings);
    const unpaired = analysis.entries.filter(e => !e.carrier).flatMap(e => e.objects).filter(o => o.privateKey && !pairings.has(o));
    await pairWithSiblingFiles(uri, unpaired, pairings, this.services);
    return { uri, analysis, pairings, targets };
  }
}

/**
 * Private keys of a key file (`x.key`) with no certificate of their own are compared with `x.crt`
 * beside it (text or binary DER); the lens, the outline, the decoded view and the hover all pair so.
 * A sibling that cannot be read is logged and skipped.
 */
export async function pairWithSiblingFiles(uri: vscode.Uri, keys: readonly DecodedObject[], pairings: Map<DecodedObject, KeyPairing>, services: Pick<Services, 'cache' | 'logger'>): Promise<void> {
  if (!keys.length || uri.scheme === 'untitled') {
    return;
  }
  for (const sibling of await siblingCertificateUris(uri)) {
    try {
      const bytes = await vscode.workspace.fs.readFile(sibling);
      const text = decodeFileText(bytes);
      const siblingAnalysis = text === undefined ? await analyzeBinary(bytes, { passwords: services.cache.passwords }) : await services.cache.analyze(text, sibling.fsPath);
      const cert = siblingAnalysis.entries.flatMap(e => e.objects).find(o => o.certificate)?.certificate;
      if (cert) {
        const where = sibling.path.slice(sibling.path.lastIndexOf('/') + 1);
        for (const key of keys) {
          const pairing = pairWith(key, cert, where);
          if (pairing) {
            pairings.set(key, pairing);
          }
        }
        return;
      }
    } catch (e) {
      services.logger.warn(`could not read ${sibling.toString()} to pair a key: ${(e as Error).message}`);
    }
  }
}

/**
 * Keys that position alone did not pair (a Helm values file, a JSON document) still match any
 * certificate of the same document holding their public key. Only positive matches are added: a
 * key beside an unrelated certificate is no error.
 */
function pairBySameKey(analysis: DocumentAnalysis, pairings: Map<DecodedObject, KeyPairing>): void {
  const certs = analysis.entries.flatMap(e => e.objects.filter(o => o.certificate).map(o => ({ entry: e, cert: o.certificate! })));
  for (const entry of analysis.entries) {
    for (const key of entry.objects) {
      const pub = key.privateKey?.publicKey;
      if (!pub || pairings.has(key)) {
        continue;
      }
      const match = certs.find(c => c.cert.publicKey.id === pub.id);
      if (match) {
        const pairing = pairWith(key, match.cert, match.entry.carrier?.path ?? 'this file');
        if (pairing) {
          pairings.set(key, pairing);
        }
      }
    }
  }
}

const readers = new WeakMap<Services, MaterialReader>();

/** The one reader per activation, shared by the decode features; disposed with the extension. */
export function materialReader(context: vscode.ExtensionContext, services: Services): MaterialReader {
  let reader = readers.get(services);
  if (!reader) {
    reader = new MaterialReader(services);
    readers.set(services, reader);
    context.subscriptions.push(reader);
  }
  return reader;
}
