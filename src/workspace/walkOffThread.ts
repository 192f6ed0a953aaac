// A start's folder walk in a worker thread (walkWorker.ts), for the desktop host: see that file for why.
// Only the first scan of a window walks here. The worker's folder listings come back with its files,
// so a rescan, which walks in the host, reads only the folders that changed since (folderListings.ts).
// Any failure (no worker, an error in it) answers undefined, and the host walks the folder itself.
import type * as vscode from 'vscode';
import * as path from 'node:path';
import type { WalkRequest, WalkedFile } from './folderWalk';
import type { KeptListing } from './folderListings';
import type { Logger } from '../util/logger';

export type WalkOffThreadRequest = Pick<WalkRequest, 'base' | 'include' | 'exclude'>;
export type WalkOffThreadReply = { rels: string[]; linked: Uint8Array; kept: KeptListing[] } | { unreadable: true } | { error: string };

/** What a walk in the worker found, and the listings it kept for the host's next walk. */
export interface WalkedOffThread {
  files: WalkedFile[];
  kept: KeptListing[];
}

/** The files of `request.base` as `walkFolder` lists them, walked in a worker; undefined when that cannot be done there (or `token` was cancelled). */
export type WalkOffThread = (request: WalkOffThreadRequest, token?: Pick<vscode.CancellationToken, 'onCancellationRequested'>) => Promise<WalkedOffThread | undefined>;

export function walkerOffThread(workerFile: string, logger: Logger): WalkOffThread {
  return async (request, token) => {
    let reply: WalkOffThreadReply | undefined;
    try {
      // Loaded at the first walk, not with the extension (as workerAnalyzer.ts does for the same module).
      const { Worker } = await import('node:worker_threads');
      reply = await new Promise<WalkOffThreadReply | undefined>(resolve => {
        const worker = new Worker(workerFile);
        worker.unref(); // never keeps the extension host alive
        const done = (answer: WalkOffThreadReply | undefined) => {
          resolve(answer);
          void worker.terminate(); // one walk a worker: a start's, then the thread is gone
        };
        worker.once('message', done);
        worker.once('error', e => done({ error: e.message }));
        worker.once('exit', () => done(undefined));
        const cancelled = token?.onCancellationRequested(() => done({ unreadable: true }));
        worker.once('exit', () => cancelled?.dispose());
        worker.postMessage(request);
      });
    } catch (e) {
      reply = { error: (e as Error)?.message ?? String(e) };
    }
    if (!reply || 'error' in reply) {
      logger.warn(`walking ${request.base} in a worker failed (${reply?.error ?? 'the worker stopped'}); walking it in the extension host`);
      return undefined;
    }
    if ('unreadable' in reply) {
      return undefined; // the host's own walk says so, and falls back as it does
    }
    const { rels, linked, kept } = reply;
    const files: WalkedFile[] = new Array(rels.length);
    for (let i = 0; i < rels.length; i++) {
      files[i] = { rel: rels[i], linked: linked[i] === 1 };
    }
    return { files, kept };
  };
}

/** The desktop bundle's worker file. */
export function walkWorkerFile(extensionPath: string): string {
  return path.join(extensionPath, 'dist', 'walkWorker.js');
}
