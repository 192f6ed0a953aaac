import vscode = require('vscode');
import { MaterialEntry, analyzeBinary, decodeFileText } from '../../core/analyze';
import { AnalysisCache } from '../../core/pipeline/analysisCache';

/**
 * kubeconfig `certificate-authority`, `client-certificate` and `client-key` hold paths, relative to
 * the kubeconfig's own folder (client-go's rule). Resolving them turns the carrier into an entry
 * like any other, so lens, outline and decoded view show what the file holds; a missing or
 * unreadable file becomes the entry's error, located at the value.
 */

const MAX_TARGET_BYTES = 4 * 1024 * 1024;

export interface ResolvedPathEntry {
  /** A copy of the entry with the target's objects (placed at the carrier's value) or an error. */
  entry: MaterialEntry;
  target?: vscode.Uri;
}

/** Where a kubeconfig path points: absolute as written, otherwise joined to the kubeconfig's folder. */
export function pathTarget(documentUri: vscode.Uri, value: string): vscode.Uri | undefined {
  const path = value.trim();
  if (!path) {
    return undefined;
  }
  if (/^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\')) {
    return vscode.Uri.file(path);
  }
  if (path.startsWith('/')) {
    return documentUri.with({ path, query: '', fragment: '' });
  }
  if (documentUri.scheme === 'untitled') {
    return undefined;
  }
  return vscode.Uri.joinPath(documentUri, '..', path);
}

function failed(entry: MaterialEntry, error: string, target?: vscode.Uri): ResolvedPathEntry {
  return { entry: { ...entry, objects: [], error, errorOffset: entry.range.start }, target };
}

export async function resolvePathEntry(documentUri: vscode.Uri, entry: MaterialEntry, cache: AnalysisCache): Promise<ResolvedPathEntry> {
  const carrier = entry.carrier!;
  const target = pathTarget(documentUri, carrier.value);
  if (!target) {
    return failed(entry, carrier.value.trim() ? `${carrier.key} is a relative path; save the kubeconfig to resolve it` : `${carrier.key} is empty`);
  }
  const shown = target.scheme === 'file' ? target.fsPath : target.toString();
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(target);
  } catch {
    return failed(entry, `file not found: ${shown} (relative paths start at the kubeconfig's folder)`, target);
  }
  if (!(stat.type & vscode.FileType.File)) {
    return failed(entry, `${shown} is not a file`, target);
  }
  if (stat.size > MAX_TARGET_BYTES) {
    return failed(entry, `${shown} is too large to be a certificate or key (${stat.size} bytes)`, target);
  }
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(target);
  } catch (e) {
    return failed(entry, `cannot read ${shown}: ${(e as Error).message}`, target);
  }
  const text = decodeFileText(bytes);
  const analysis = text === undefined ? await analyzeBinary(bytes, { passwords: cache.passwords }) : await cache.analyze(text, target.path);
  // Objects stay the target's, placed at the carrier so the kubeconfig's own ranges hold.
  const objects = analysis.entries.flatMap(e => e.objects).map(o => ({ ...o, range: entry.range, errorOffset: undefined }));
  if (!objects.length) {
    const word = carrier.role === 'key' ? 'key' : 'certificate';
    return failed(entry, `${shown} holds no PEM block (kubectl would say: tls: failed to find any PEM data in ${word} input)`, target);
  }
  return { entry: { ...entry, objects, error: undefined }, target };
}
