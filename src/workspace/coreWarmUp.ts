// The core's code made ready in turns of its own before the first file is analysed. On the desktop
// the core is a second bundle (dist/core.js, scripts/build/lazyCore.mjs), compiled at the first read
// of one of its exports, each module's body run at the first read of its own; the first analysis
// read them all in one task of the extension host: 146 ms of the cold start's longest gap (a CPU
// profile of `npm run bench`), the reload's 110 ms. Read here one step per turn: the bundle's
// compile (reading `trimmed`, whose module imports nothing), the certificate decoders
// (@peculiar/x509's classes), then the rest of the analysis (YAML carriers, keystores).
// In the browser build the core is in the same file: the steps read what is already there.
import { trimmed } from '../core/collections';
import { decodeDer } from '../core/x509/material';
import { analyzeText } from '../core/analyze';

/** The core's analysis loaded, a step per `turn`; true once every step read a function. */
export async function warmCore(turn: () => Promise<void>): Promise<boolean> {
  const steps = [() => trimmed, () => decodeDer, () => analyzeText];
  let loaded = true;
  for (const step of steps) {
    await turn();
    loaded &&= typeof step() === 'function';
  }
  return loaded;
}
