import vscode = require('vscode');
import { decodeFileText } from '../../core/fileText';
import { utf8 } from '../../core/x509/bytes';
import { Services } from '../../services';
import type { IndexSnapshot } from '../../workspace/index';
import type { WrittenFile } from './model';
import type { PreparedFile } from './writer';

/**
 * The index and the files a repair writes, both ways: before it plans, a snapshot that has seen the
 * open documents' latest text; after it writes, the index told of every file at once. One road for
 * renewal, Change SANs, Update Stale Copy and Sign CSR, so none of them leaves the index on older text.
 */

/** A snapshot that has seen the open documents' latest text (a renewal must not work on stale offsets). */
export async function currentSnapshot(services: Services, uris: readonly (vscode.Uri | undefined)[]): Promise<IndexSnapshot> {
  let snapshot = await services.index.ready();
  let stale = false;
  for (const uri of uris) {
    const doc = uri && vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
    if (doc && services.index.inScope(doc.uri) && services.index.file(doc.uri)?.text !== doc.getText() && await isCurrent(doc)) {
      await services.index.editorText(doc.uri, doc.getText());
      stale = true;
    }
  }
  if (stale) {
    snapshot = (await services.index.rebuildNow()) ?? services.index.snapshot ?? snapshot;
  }
  return services.index.snapshot ?? snapshot;
}

/**
 * Whether an open document's text is newer than the disk's: it has unsaved changes, or it is saved
 * and the disk still holds it. VS Code reloads a saved document a moment after its file changes;
 * until then its text is older than the index's, which the repair wrote (`afterWrite`). Taking it
 * then put the renewed certificate's predecessor back into the index, and the next renewal was
 * refused as "file-changed" (a loaded machine's CI run).
 */
async function isCurrent(doc: vscode.TextDocument): Promise<boolean> {
  if (doc.isDirty) {
    return true;
  }
  try {
    return decodeFileText(await vscode.workspace.fs.readFile(doc.uri)) === doc.getText();
  } catch {
    return true; // no file behind it (deleted, or not readable): the document is all there is
  }
}

/**
 * Let the index (and so the Problems panel, the tree, the status bar) see the written content now.
 * An open, saved document keeps its text until VS Code reloads it, and the index holds an open
 * document's text over the disk's: it is given the written text, known already (`contentOf`).
 */
export async function afterWrite(services: Services, files: readonly WrittenFile[], contentOf: (uri: string) => Uint8Array | undefined): Promise<void> {
  try {
    for (const f of files) {
      const uri = vscode.Uri.parse(f.uri);
      const doc = vscode.workspace.textDocuments.find(d => !d.isClosed && d.uri.toString() === f.uri);
      if (f.via === 'editor' && doc) {
        await services.index.editorText(doc.uri, doc.getText());
      } else if (doc) {
        const content = contentOf(f.uri);
        await services.index.editorText(doc.uri, content ? utf8(content) : doc.getText());
      } else {
        await services.index.diskChanged(uri);
        if (f.realPath !== f.path && uri.scheme === 'file') {
          await services.index.diskChanged(vscode.Uri.file(f.realPath));
        }
      }
    }
    await services.index.rebuildNow();
  } catch (e) {
    services.logger.error('refreshing the index after a write failed', e);
  }
}

/** `contentOf` for the files of prepared plans (writer.ts). */
export function writtenBy(prepared: readonly PreparedFile[]): (uri: string) => Uint8Array | undefined {
  return uri => prepared.find(p => p.plan.uri.toString() === uri)?.newBytes;
}
