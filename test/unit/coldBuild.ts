// A build with nothing kept from any other (relinkEquivalence.test.ts): run in a worker thread of its
// own, so every cache of the core (decoded certificates, signature verdicts, the API server's name
// index kept with its CA, the analyses) starts empty, as in a new `pki-lens check`.
import 'reflect-metadata';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { DiskScanner } from '../../src/cli/diskScanner';
import { provideNodeCrypto } from '../../src/util/nodeCrypto';
import { describeFindings, describeLinks } from './relinkLinks';

/** What the test hands the worker: the folder to scan and the moment to judge validity at. */
export interface ColdBuildRequest {
  root: string;
  now: number;
}

provideNodeCrypto();
const { root, now } = workerData as ColdBuildRequest;
new DiskScanner().scan([root], { now: new Date(now) }).then(
  result => parentPort!.postMessage({ links: describeLinks(result.inventory), findings: describeFindings(result.findings, `${pathToFileURL(root).href}/`) }),
  (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.stack ?? e.message : String(e) }),
);
