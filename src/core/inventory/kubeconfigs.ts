// Phase 4 of linking: kubeconfig clusters and users with the certificates and keys they carry
// (inline data or a path the host resolved to a file), and whether each user's client certificate
// chains to each of its clusters' CAs.
import { MaterialEntry } from '../analyze';
import { Pause, maybePause, pauseEvery } from '../slices';
import { appended, none, push } from '../collections';
import { CollectedMaterial } from './collect';
import { chainsTo } from './issuers';
import { CertificateNode, InventoryFile, KubeconfigClusterNode, KubeconfigNode, PrivateKeyNode, ResolvedPathCarrier } from './model';

/**
 * `pause` hands the host a turn between files (10,000 kubeconfigs held it 30–60 ms in one piece).
 * Only the files holding a kubeconfig are visited (`filesWith.kubeconfigs`, noted as they were collected).
 */
export async function linkKubeconfigs({ carried, filesWith, files: allFiles }: CollectedMaterial, resolvedPaths: readonly ResolvedPathCarrier[], pause?: Pause): Promise<KubeconfigNode[]> {
  const resolved = await pathTargets(allFiles, resolvedPaths, pause);
  const carrierCertificates = (file: InventoryFile, entry: MaterialEntry): CertificateNode[] => {
    const target = entry.carrier?.encoding === 'path' ? resolved.get(`${file.uri}\n${entry.carrier.path}`) : undefined;
    if (target && !entry.objects.length) {
      return target.certificates;
    }
    return entry.objects.map(o => carried.get(o)).filter((n): n is CertificateNode => n?.kind === 'certificate');
  };
  const carrierKeys = (file: InventoryFile, entry: MaterialEntry): PrivateKeyNode[] => {
    const target = entry.carrier?.encoding === 'path' ? resolved.get(`${file.uri}\n${entry.carrier.path}`) : undefined;
    if (target && !entry.objects.length) {
      return target.privateKeys;
    }
    return entry.objects.map(o => carried.get(o)).filter((n): n is PrivateKeyNode => n?.kind === 'private-key');
  };

  // Kubeconfigs.
  const kubeconfigs: KubeconfigNode[] = [];
  const files = filesWith.kubeconfigs;
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    file.analysis.kubeconfigs.forEach((model, i) => {
      // Lists not carried stay the one shared empty list (none()); the rest are set below. Five lists a
      // user made only to be replaced were a fifth of the kubeconfigs' garbage at every relink.
      const kubeconfig: KubeconfigNode = {
        file, model,
        clusters: model.clusters.map(c => ({ name: c.name, index: c.index, server: c.server, caCertificates: none() })),
        users: model.users.map(u => ({ name: u.name, index: u.index, certificates: none(), keys: none(), clusters: none(), contexts: none(), caVerdicts: none() })),
      };
      // Carriers carry no document index for kubeconfig owners: they belong to the file's first kubeconfig.
      if (i === 0) {
        for (const entry of file.analysis.entries) {
          const owner = entry.carrier?.owner;
          if (owner?.kind === 'kubeconfig-cluster' && entry.carrier!.role === 'ca') {
            const cluster = kubeconfig.clusters[owner.index];
            if (cluster && !cluster.caCarrier) {
              cluster.caCarrier = entry.carrier;
              cluster.caRange = entry.range;
              cluster.caCertificates = carrierCertificates(file, entry);
            }
          } else if (owner?.kind === 'kubeconfig-user') {
            const user = kubeconfig.users[owner.index];
            if (user && entry.carrier!.role === 'certificate' && !user.certificateCarrier) {
              user.certificateCarrier = entry.carrier;
              user.certificates = carrierCertificates(file, entry);
            } else if (user && entry.carrier!.role === 'key' && !user.keyCarrier) {
              user.keyCarrier = entry.carrier;
              user.keys = carrierKeys(file, entry);
            }
          }
        }
      }
      let clusterByName: Map<string, KubeconfigClusterNode> | undefined;
      for (const user of kubeconfig.users) {
        const contexts = model.contexts.filter(c => c.user === user.name);
        user.contexts = contexts.length ? contexts.map(c => c.name) : none();
        if (contexts.length) {
          clusterByName ??= new Map(kubeconfig.clusters.map(c => [c.name, c] as const));
          const byName = clusterByName;
          user.clusters = [...new Set(contexts.map(c => (c.cluster !== undefined ? byName.get(c.cluster) : undefined)).filter((c): c is KubeconfigClusterNode => !!c))];
        } else {
          user.clusters = kubeconfig.clusters;
        }
        const client = user.certificates[0];
        user.caVerdicts = user.clusters.length ? user.clusters.map(cluster => ({
          cluster,
          signed: client && cluster.caCertificates.length ? chainsTo(client.record, new Set(cluster.caCertificates.map(c => c.record))) : undefined,
        })) : none();
      }
      file.kubeconfigs = appended(file.kubeconfigs, kubeconfig);
      kubeconfigs.push(kubeconfig);
    });
    const turn = maybePause(pause, 'kubeconfigs');
    if (turn) {
      await turn;
    }
  }
  return kubeconfigs;
}

/**
 * The file each path carrier the workspace layer resolved points at, by `uri\ncarrierPath`: one pass
 * over the files, in steps, looking each up among the few targets. A map of every file by URI, made
 * in one piece at every relink for the first reference, held the host 65–79 ms at 110,000 files.
 */
async function pathTargets(files: readonly InventoryFile[], resolvedPaths: readonly ResolvedPathCarrier[], pause?: Pause): Promise<Map<string, InventoryFile>> {
  const resolved = new Map<string, InventoryFile>();
  if (!resolvedPaths.length) {
    return resolved;
  }
  const byTarget = new Map<string, ResolvedPathCarrier[]>();
  for (const r of resolvedPaths) {
    push(byTarget, r.targetUri, r);
  }
  for (let i = 0; i < files.length; i++) {
    const carriers = byTarget.get(files[i].uri);
    if (carriers) {
      for (const r of carriers) {
        resolved.set(`${r.uri}\n${r.carrierPath}`, files[i]);
      }
    }
    const turn = pauseEvery(pause, i, 'path targets');
    if (turn) {
      await turn;
    }
  }
  return resolved;
}
