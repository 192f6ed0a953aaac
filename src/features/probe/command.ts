import vscode = require('vscode');
import { Command } from '../../commands';
import { DOCUMENTS } from '../../documents';
import { Services } from '../../services';
import { registerProbeLens } from './codeLens';
import { ProbeProblems } from './problems';
import { ProbeResults } from './results';
import { ServedNameQuickFix } from './nameQuickFix';
import { PROBE_SCHEME, ProbeCommandOptions, ProbeDocuments, ProbeOutcome } from './documents';
import { runProbe } from './run';

export type { ProbeCommandOptions, ProbeOutcome } from './documents';

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


export function registerProbe(context: vscode.ExtensionContext, services: Services, results: ProbeResults): void {
  const problems = new ProbeProblems(results);
  const documents = new ProbeDocuments();
  context.subscriptions.push(problems, vscode.workspace.registerTextDocumentContentProvider(PROBE_SCHEME, documents),
    vscode.languages.registerCodeActionsProvider(DOCUMENTS, new ServedNameQuickFix(services, results), { providedCodeActionKinds: ServedNameQuickFix.kinds }));

  // The probe itself (run.ts, with the network code) is in dist/commands.js, loaded at the first probe.
  const run = (options: ProbeCommandOptions = {}): Promise<ProbeOutcome | string> => runProbe(services, { problems, documents, results }, options);

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
