// What a host hands the inventory: one input per file, and the kubeconfig path references it followed.
import { DocumentAnalysis } from '../analyze';
import { InventoryInput, ResolvedPathCarrier } from './model';
import { withFields } from '../collections';
import { Pause, pauseEvery } from '../slices';


/**
 * Inventory inputs for files: two files with the same text share one cached analysis, and the
 * inventory maps decoded objects to their node, so each file must bring objects of its own.
 */
export async function inventoryInputs<F extends { analysis: DocumentAnalysis }>(files: readonly F[], describe: (file: F) => Omit<InventoryInput, 'analysis'>, pause?: Pause): Promise<InventoryInput[]> {
  const used = new Set<DocumentAnalysis>();
  const inputs: InventoryInput[] = [];
  // By index, as every pass over all files with a turn inside (see checks/finding.ts ITEMS_PER_STEP).
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const analysis = used.has(file.analysis) ? cloneAnalysis(file.analysis) : file.analysis;
    used.add(file.analysis);
    const { uri, relativePath } = describe(file);
    inputs.push({ uri, relativePath, analysis }); // a literal: one hidden class for every input (see withFields)
    const turn = pauseEvery(pause, i, 'inputs');
    if (turn) {
      await turn;
    }
  }
  return inputs;
}

function cloneAnalysis(analysis: DocumentAnalysis): DocumentAnalysis {
  return withFields(analysis, { entries: analysis.entries.map(e => withFields(e, { objects: e.objects.map(o => withFields(o, {})) })) });
}

/**
 * kubeconfig `client-certificate: ../pki/admin.crt` style references of the files, each followed by
 * `resolve` (given the file and the trimmed path) to the URI of an input; those it cannot follow are left out.
 */
export async function resolvePathCarriers<F extends { analysis: DocumentAnalysis }>(files: readonly F[], uriOf: (file: F) => string, resolve: (file: F, path: string) => string | undefined, pause?: Pause): Promise<ResolvedPathCarrier[]> {
  const out: ResolvedPathCarrier[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const turn = pauseEvery(pause, i, 'path references');
    if (turn) {
      await turn;
    }
    for (const entry of file.analysis.entries) {
      const carrier = entry.carrier;
      if (carrier?.encoding !== 'path' || !carrier.value.trim()) {
        continue;
      }
      const targetUri = resolve(file, carrier.value.trim());
      if (targetUri !== undefined) {
        out.push({ uri: uriOf(file), carrierPath: carrier.path, targetUri });
      }
    }
  }
  return out;
}
