import { Scalar, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { TextRange } from '../x509/pem';

/**
 * The TLS endpoints a kubeadm static pod manifest declares (`/etc/kubernetes/manifests/*.yaml`),
 * read from the container's `command` flags with the `yaml` Document so each endpoint keeps the
 * range of the flag that names it (findings are placed there).
 */

/** The four control-plane components kubeadm runs as static pods, by manifest file name. */
export const STATIC_POD_MANIFESTS: Record<string, string> = {
  'kube-apiserver.yaml': 'kube-apiserver',
  'etcd.yaml': 'etcd',
  'kube-controller-manager.yaml': 'kube-controller-manager',
  'kube-scheduler.yaml': 'kube-scheduler',
};

/** One endpoint of a manifest: where it listens and which certificate file (as the manifest names it) it serves. */
export interface ManifestEndpoint {
  component: string;
  host: string;
  port: number;
  range: TextRange;
  /** The serving certificate's path as the flag gives it (`/etc/kubernetes/pki/apiserver.crt`); undefined when the component makes its own. */
  certFile?: string;
  /** The kubeadm role id of that certificate when the flag is absent but kubeadm's default is known. */
  defaultRole?: string;
}

interface Flag {
  value: string;
  range: TextRange;
}

/** The component a manifest path is for, from its name under a `manifests/` folder. */
export function staticPodComponent(relativePath: string): string | undefined {
  const m = /(?:^|\/)manifests\/([^/]+)$/.exec(relativePath.replace(/\\/g, '/'));
  return m ? STATIC_POD_MANIFESTS[m[1]] : undefined;
}

function commandFlags(text: string): { flags: Map<string, Flag>; first?: TextRange } | undefined {
  let doc;
  try {
    doc = parseDocument(text, { keepSourceTokens: false });
  } catch {
    return undefined;
  }
  const containers = doc.getIn(['spec', 'containers'], true);
  if (!isSeq(containers)) {
    return undefined;
  }
  const flags = new Map<string, Flag>();
  let first: TextRange | undefined;
  for (const container of containers.items) {
    const command = isMap(container) ? container.get('command', true) : undefined;
    if (!isSeq(command)) {
      continue;
    }
    for (const item of command.items) {
      if (!isScalar(item) || typeof item.value !== 'string' || !item.range) {
        continue;
      }
      const range = { start: item.range[0], end: item.range[1] };
      first ??= range;
      const m = /^--([a-z0-9-]+)=(.*)$/.exec((item as Scalar<string>).value);
      if (m && !flags.has(m[1])) {
        flags.set(m[1], { value: m[2].trim(), range });
      }
    }
  }
  return first ? { flags, first } : undefined;
}

const ANY_ADDRESS = new Set(['', '0.0.0.0', '::', '[::]']);

/** `https://host:port` → host and port; undefined for any other scheme or no port. */
export function splitHttpsUrl(url: string): { host: string; port: number } | undefined {
  const m = /^https:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(url.trim());
  const port = m ? Number(m[2]) : 0;
  return m && port > 0 && port < 65536 ? { host: m[1].replace(/^\[|\]$/g, ''), port } : undefined;
}

/**
 * The endpoints of one manifest. kube-apiserver: its advertise address and `--secure-port`
 * (6443); etcd: every https URL of `--listen-client-urls` and `--listen-peer-urls`; the
 * controller manager and the scheduler: `--bind-address` (127.0.0.1) and `--secure-port` (10257,
 * 10259). An address that is not named (0.0.0.0, absent) is not guessed: the probe only dials
 * hosts the workspace names.
 */
export function manifestEndpoints(relativePath: string, text: string): ManifestEndpoint[] {
  const component = staticPodComponent(relativePath);
  const parsed = component ? commandFlags(text) : undefined;
  if (!component || !parsed) {
    return [];
  }
  const { flags, first } = parsed;
  const flag = (name: string) => flags.get(name);
  const port = (fallback: number) => {
    const n = Number(flag('secure-port')?.value ?? fallback);
    return Number.isInteger(n) && n > 0 && n < 65536 ? n : fallback;
  };
  const out: ManifestEndpoint[] = [];
  switch (component) {
    case 'kube-apiserver': {
      const address = flag('advertise-address') ?? flag('bind-address');
      if (address && !ANY_ADDRESS.has(address.value)) {
        out.push({ component, host: address.value, port: port(6443), range: (flag('secure-port') ?? address).range, certFile: flag('tls-cert-file')?.value, defaultRole: 'apiserver' });
      }
      break;
    }
    case 'etcd':
      for (const [urls, cert, role] of [['listen-client-urls', 'cert-file', 'etcd/server'], ['listen-peer-urls', 'peer-cert-file', 'etcd/peer']] as const) {
        const f = flag(urls);
        for (const url of f ? f.value.split(',') : []) {
          const hp = splitHttpsUrl(url);
          if (hp && !ANY_ADDRESS.has(hp.host)) {
            out.push({ component, ...hp, range: f!.range, certFile: flag(cert)?.value, defaultRole: role });
          }
        }
      }
      break;
    default: {
      const address = flag('bind-address');
      const host = address ? address.value : '127.0.0.1';
      if (!ANY_ADDRESS.has(host)) {
        const fallback = component === 'kube-controller-manager' ? 10257 : 10259;
        out.push({ component, host, port: port(fallback), range: (flag('secure-port') ?? address)?.range ?? first!, certFile: flag('tls-cert-file')?.value });
      }
    }
  }
  return out;
}
