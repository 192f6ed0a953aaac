// Worker-thread entry: a start's folder walk off the extension host's thread (walkOffThread.ts). While a
// window starts, the host's turns come back 50–100 ms apart and its thread waits for a CPU most of
// the time: the walk's 0.1 s of work in 25 ms slices took 0.6–1.0 s of the cold start. Here it runs
// straight through, on whichever core is free, and the host only makes the URIs of what it found.
import { parentPort } from 'node:worker_threads';
import { walkFolder, walkKey } from './folderWalk';
import { FolderListings } from './folderListings';
import type { WalkOffThreadReply, WalkOffThreadRequest } from './walkOffThread';

parentPort?.on('message', async (request: WalkOffThreadRequest) => {
  let reply: WalkOffThreadReply;
  try {
    // The folders' listings go back with the files, so the host's next walk reads only the folders that changed.
    const listings = new FolderListings();
    const walked = await walkFolder({ ...request, listings });
    // Paths as one list of strings and the links as bytes: 27,000 small objects cloned across threads cost the host more.
    reply = walked ? { rels: walked.map(w => w.rel), linked: Uint8Array.from(walked, w => (w.linked ? 1 : 0)), kept: listings.exported(walkKey(request)) } : { unreadable: true };
  } catch (e) {
    reply = { error: (e as Error)?.message ?? String(e) };
  }
  parentPort?.postMessage(reply);
});
