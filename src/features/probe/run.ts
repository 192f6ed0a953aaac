import vscode = require('vscode');
import { decodeFileText } from '../../core/analyze';
import { ExtraEndpoint, ManifestText, findEndpoints } from '../../core/probe/endpoints';
import { STATIC_POD_MANIFESTS } from '../../core/probe/manifests';
import { probeReportText } from '../../core/render/probe';
import { probeEndpoints } from '../../net/probe';
import { Services } from '../../services';
import { relativePath } from '../../workspace/build';
import type { ProbeCommandOptions, ProbeDocuments, ProbeOutcome } from './documents';
import type { ProbeProblems } from './problems';
import type { ProbeResults } from './results';

/** Where a probe's reports go: the Problems panel, the result documents, the served nodes and lenses. */
export interface ProbeShown {
  problems: ProbeProblems;
  documents: ProbeDocuments;
  results: ProbeResults;
}

/** The static pod manifests' glob, made when a probe runs (not at activation: it reads the core, scripts/build/lazyCore.mjs). */
const manifestGlob = (): string => `**/manifests/{${Object.keys(STATIC_POD_MANIFESTS).map(f => f.replace(/\.yaml$/, '')).join(',')}}.yaml`;

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
  return open ? open.getText() : decodeFileText(await vscode.workspace.fs.readFile(uri));
}

async function manifests(): Promise<ManifestText[]> {
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const out: ManifestText[] = [];
  for (const uri of await vscode.workspace.findFiles(manifestGlob(), '**/node_modules/**', 100)) {
    const text = await readText(uri).catch(() => undefined);
    if (text !== undefined) {
      out.push({ uri: uri.toString(), relativePath: relativePath(uri, multiRoot), text });
    }
  }
  return out;
}

/** `pkiLens.probe.endpoints` of every folder, each with its CA file read and decoded. */
async function extraEndpoints(services: Services): Promise<{ extra: ExtraEndpoint[]; skipped: string[] }> {
  const extra: ExtraEndpoint[] = [];
  const skipped: string[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    for (const entry of services.settings.get(folder.uri).probe.endpoints) {
      const spec = typeof entry === 'string' ? { address: entry } : entry;
      if (!spec || typeof spec.address !== 'string') {
        skipped.push(`pkiLens.probe.endpoints: ${JSON.stringify(entry)} has no "address"; not probed`);
        continue;
      }
      const x: ExtraEndpoint = { address: spec.address, serverName: spec.serverName, roots: [] };
      if (spec.ca) {
        const uri = vscode.Uri.joinPath(folder.uri, spec.ca);
        const text = await readText(uri).catch(() => undefined);
        const analysis = text === undefined ? undefined : await services.cache.analyze(text, uri.path);
        x.roots = analysis?.entries.flatMap(e => e.objects.flatMap(o => (o.certificate ? [o.certificate] : []))) ?? [];
        x.rootsFrom = spec.ca;
        if (!x.roots.length) {
          skipped.push(`pkiLens.probe.endpoints: no certificate could be read from ${spec.ca}; ${spec.address} is probed without judging its chain`);
        }
      }
      extra.push(x);
    }
  }
  return { extra, skipped };
}


/**
 * One probe, as `pkiLens.probeEndpoints` runs it. command.ts registers the command; this module and
 * the network code (src/net: node:tls, node:net, which cost about 17 ms of activation in a fresh host
 * when required with the extension) are in dist/commands.js, loaded when a probe is asked for.
 */
export async function runProbe(services: Services, { problems, documents, results }: ProbeShown, options: ProbeCommandOptions = {}): Promise<ProbeOutcome | string> {
  if (!vscode.workspace.isTrusted) {
    const message = 'PKI Lens: probing endpoints connects to servers and needs a trusted workspace.';
    void vscode.window.showWarningMessage(message);
    return message;
  }
  const snapshot = await services.index.ready();
  const [found, extras] = await Promise.all([manifests(), extraEndpoints(services)]);
  const discovery = findEndpoints(snapshot.inventory, found, extras.extra);
  const endpoints = options.url ? discovery.endpoints.filter(e => e.url === options.url) : discovery.endpoints;
  const skipped = [...extras.skipped, ...discovery.skipped];
  if (!endpoints.length) {
    const message = `PKI Lens: no https endpoint to probe${options.url ? ` at ${options.url}` : ' in the workspace'} (kubeconfig server: values, kubeadm static pod manifests, pkiLens.probe.endpoints).`;
    void vscode.window.showInformationMessage(message);
    return message;
  }
  const timeoutMs = services.settings.get().probe.timeoutMs;
  const reports = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `PKI Lens: probing ${endpoints.length} endpoint(s)` },
    progress => probeEndpoints(endpoints, { timeoutMs, onReport: r => progress.report({ increment: 100 / endpoints.length, message: r.endpoint.url }) }),
  );
  const texts = new Map<string, string | undefined>([
    ...snapshot.files.map(f => [f.uri.toString(), f.text] as const),
    ...found.map(m => [m.uri, m.text] as const),
  ]);
  const published = problems.publish(reports, texts);
  results.set(reports);
  const text = probeReportText(reports, skipped);
  const uri = documents.add(text);
  services.logger.info(`probe: ${reports.length} endpoint(s), ${published} problem(s)`);
  if (options.show !== false) {
    await vscode.window.showTextDocument(uri, { preview: true });
  }
  return { reports, skipped, text, uri, problems: published };
}
