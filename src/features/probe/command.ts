import vscode = require('vscode');
import { Command } from '../../commands';
import { DOCUMENTS } from '../../documents';
import { decodeFileText } from '../../core/analyze';
import { ExtraEndpoint, ManifestText, findEndpoints } from '../../core/probe/endpoints';
import { STATIC_POD_MANIFESTS } from '../../core/probe/manifests';
import { EndpointReport } from '../../core/probe/types';
import { probeReportText } from '../../core/render/probe';
import { Services } from '../../services';
import { relativePath } from '../../workspace/build';
import { registerProbeLens } from './codeLens';
import { ProbeProblems } from './problems';
import { ProbeResults } from './results';
import { ServedNameQuickFix } from './nameQuickFix';

/**
 * `pkiLens.probeEndpoints`: one TLS handshake to every endpoint the workspace names (kubeconfig
 * `server:` values, kubeadm static pod manifests, `pkiLens.probe.endpoints`), judged by the core
 * (core/probe) and shown in the Problems panel, a result document and the returned outcome (tests
 * and other commands use it). Desktop only: the handshake is Node's (src/net).
 *
 * Rules of conduct: only on the user's request (command, tree button, CodeLens) or, when
 * `pkiLens.probe.onOpen` is set, once at startup; only in a trusted workspace; only hosts the
 * workspace names; no client certificate, key, token or password; no kubeconfig exec plugin.
 */

const SCHEME = 'pki-lens-probe';
/** The static pod manifests' glob, made when a probe runs (not at activation: it reads the core, scripts/build/lazyCore.mjs). */
const manifestGlob = (): string => `**/manifests/{${Object.keys(STATIC_POD_MANIFESTS).map(f => f.replace(/\.yaml$/, '')).join(',')}}.yaml`;

export interface ProbeCommandOptions {
  /** Probe only this endpoint (`https://host:port`), as the CodeLens asks. */
  url?: string;
  /** Open the result document (default true). */
  show?: boolean;
}

export interface ProbeOutcome {
  reports: EndpointReport[];
  skipped: string[];
  text: string;
  uri: vscode.Uri;
  /** Diagnostics published. */
  problems: number;
}

class ProbeDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private seq = 0;

  add(text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: '/Probe result.txt', query: String(++this.seq) });
    this.texts.set(uri.toString(), text);
    if (this.texts.size > 10) {
      this.texts.delete(this.texts.keys().next().value!); // bounded: an old probe is history
    }
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'This probe result is no longer available: run PKI Lens: Probe Endpoints again.\n';
  }
}

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

export function registerProbe(context: vscode.ExtensionContext, services: Services, results: ProbeResults): void {
  const problems = new ProbeProblems(results);
  const documents = new ProbeDocuments();
  context.subscriptions.push(problems, vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents),
    vscode.languages.registerCodeActionsProvider(DOCUMENTS, new ServedNameQuickFix(services, results), { providedCodeActionKinds: ServedNameQuickFix.kinds }));

  const run = async (options: ProbeCommandOptions = {}): Promise<ProbeOutcome | string> => {
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
    // The network code (node:tls, node:net) loads when a probe is asked for, not with the extension:
    // requiring it cost about 17 ms of activation in a fresh host.
    const { probeEndpoints } = await import('../../net/probe');
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
  };

  context.subscriptions.push(vscode.commands.registerCommand(Command.ProbeEndpoints, (arg?: unknown) => run(asOptions(arg))));
  registerProbeLens(context, services);

  // pkiLens.probe.onOpen: the one probe not asked for by a click, and only when the user set it.
  // Its settings are read once the first build is done, not in activate(): the first read of a
  // folder's settings took 1.6–9.8 ms of the host's CPU there, for a setting that is off by default.
  // Waited for, not asked for: `ready()` here started the first scan inside activate(), before the
  // turn the index's registration gives it (registerIndex.ts) and before a reload's restore.
  void (services.index.snapshot ? Promise.resolve() : services.index.waitForChange()).then(() => {
    const onOpen = (vscode.workspace.workspaceFolders ?? []).some(f => services.settings.get(f.uri).probe.onOpen);
    return onOpen && vscode.workspace.isTrusted ? run({ show: false }) : undefined;
  }).catch(e => services.logger.error('probe on open failed', e));
}

/** The command's argument: options from a CodeLens or a test; anything else (a tree node, a URI) probes everything. */
function asOptions(arg: unknown): ProbeCommandOptions {
  if (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) && ('url' in arg || 'show' in arg)) {
    return arg as ProbeCommandOptions;
  }
  return {};
}
