// Worker-thread entry: analyses large documents off the extension host's thread, so a 5 MB
// kubeconfig with hundreds of certificates never freezes hovers, lenses or other extensions.
import 'reflect-metadata';
import { parentPort } from 'node:worker_threads';
import { analyzeText } from '../core/analyze';

parentPort?.on('message', async (request: { id: number; text: string; fileName: string }) => {
  // analyzeText never throws: failures are located messages inside the analysis.
  const analysis = await analyzeText(request.text, { fileName: request.fileName });
  parentPort?.postMessage({ id: request.id, analysis });
});
