import { Pause, maybePause, pauseEvery, runInSlices } from '../slices';
import { choosePreferredOccurrences, collectFile, emptyCollection, filesByUri, groupBundles, nodesByObject } from './collect';
import { linkIssuers } from './issuers';
import { pairKeysByLocation } from './keysByLocation';
import { linkKeysByPublicKey } from './keysByPublicKey';
import { linkKubeconfigs } from './kubeconfigs';
import { BuildInventoryOptions, Inventory, InventoryFile, InventoryInput } from './model';
import { linkRequests } from './requests';
import { sharedCache } from './signatureCache';

/**
 * Link the material of every file, phase by phase. Async only for signature checks; everything
 * else is a single pass over the objects with hash-map lookups. The order matters: issuers are
 * ranked by whether their key is at hand (keys by public key first), and kubeconfig verdicts
 * follow confirmed issuers. `pause` hands the host a turn between files and phases (core/slices.ts).
 */
export async function buildInventory(inputs: InventoryInput[], options: BuildInventoryOptions = {}, pause?: Pause): Promise<Inventory> {
  const started = Date.now();
  const collected = emptyCollection();
  for (let i = 0; i < inputs.length; i++) {
    collectFile(collected, inputs[i]);
    const turn = pauseEvery(pause, i, 'inputs and collect');
    if (turn) {
      await turn;
    }
  }
  const { files, certificates, privateKeys, publicKeys, requests, records, filesWith } = collected;
  const bundles = await runInSlices(groupBundles(files), pause, 'bundles');
  await runInSlices(choosePreferredOccurrences(records), pause, 'preferred occurrences');
  await linkKeysByPublicKey(records, privateKeys, publicKeys, pause);
  await maybePause(pause, 'keys by public key');
  const stats = options.linkIssuers === false ? { verified: 0, cached: 0, milliseconds: 0 } : await linkIssuers(records, options.signatureCache ?? sharedCache, pause);
  await maybePause(pause, 'issuers');
  const kubeconfigs = await linkKubeconfigs(collected, options.resolvedPaths ?? [], pause);
  const pairings = await pairKeysByLocation(files, kubeconfigs, pause);
  await linkRequests(requests, files, options.signatureCache ?? sharedCache);
  stats.milliseconds = Date.now() - started;
  let nodes: ReturnType<typeof nodesByObject> | undefined;
  let byUri: Map<string, InventoryFile> | undefined;
  return {
    files, certificates, records, privateKeys, publicKeys, kubeconfigs, requests, bundles, pairings, filesWith,
    get fileByUri() {
      return (byUri ??= filesByUri(files));
    },
    nodeOf: object => (nodes ??= nodesByObject(collected)).get(object),
    stats,
  };
}
