// Worker-thread entry: analyses large documents off the extension host's thread, so a 5 MB
// kubeconfig with hundreds of certificates never freezes hovers, lenses or other extensions.
import 'reflect-metadata';
import { parentPort } from 'node:worker_threads';
import { analyzeInline } from '../core/pipeline/analysisCache';
import { provideNodeCrypto } from '../util/nodeCrypto';

provideNodeCrypto();

parentPort?.on('message', async (request: { id: number; text: string; fileName: string; passwords?: string[] }) => {
  // The pipeline's analysis step, as the inline cache runs it; never throws: failures are located messages inside the analysis.
  const analysis = await analyzeInline(request.text, request.fileName, request.passwords);
  parentPort?.postMessage({ id: request.id, analysis });
});
