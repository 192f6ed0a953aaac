import vscode = require('vscode');
import { Command } from '../../commands';
import { CertificateNode } from '../../core/inventory/inventory';
import { shortName } from '../../core/x509/name';
import { DOCUMENTS } from '../../documents';
import { Services } from '../../services';
import type { PkiLensSettings } from '../../settings';
import { Disposable } from '../../util/dispose';
import type { IndexSnapshot } from '../../workspace/index';
import { WorkspaceCaSource } from './caDiscovery';
import {
  RenewCancelled, RenewCommandError, RenewCommandResult, RenewInvocation, RenewedCertificate, asRenewError, emptyResult,
  parseInvocation,
} from './model';
import { filePlans } from './filePlan';
import { RenewalJob, planJob } from './plan';
import { RenewalPreviewDocument, confirmRenewal, previewText } from './preview';
import { RenewQuickFix } from './quickFix';
import { EditSubjectAltNames } from './editSubjectAltNames';
import { SubjectAltNameQuickFix } from './sanQuickFix';
import { StaleCopyQuickFix, updateStaleCopy } from './staleCopyFix';
import { signCsrCommand } from './signCsrCommand';
import { SignCsrLensProvider } from './signCsrLens';
import { afterRenewal, announce } from './report';
import { expiringTargets, resolveTargets } from './targets';
import { afterWrite, currentSnapshot, writtenBy } from './indexSync';
import { commitFiles, prepareFiles } from './writer';

export type { RenewCommandResult, RenewOptions } from './model';

/**
 * The renewal commands: `pkiLens.renewCertificate`, `pkiLens.renewExpiring`, `pkiLens.renewCa`.
 * Each resolves what to renew, finds the CA, re-issues through the pure core, previews, writes
 * (backup, atomic, undoable for dirty editors), refreshes the index and says what to restart.
 * Every outcome, refusals included, is a `RenewCommandResult`; nothing throws into the host.
 */

type Flow = 'certificate' | 'expiring' | 'ca';

export interface RenewalDependencies {
  /** Renewal writes files: only in a trusted workspace. Injectable so the refusal can be tested. */
  isTrusted?: () => boolean;
}

/** Refuses when the workspace is not trusted; the one place that decision is made. */
export function requireTrust(isTrusted: () => boolean): void {
  if (!isTrusted()) {
    throw new RenewCommandError('untrusted', 'renewal writes files, and this workspace is not trusted: trust it first (Manage Workspace Trust), then renew again');
  }
}

export class RenewalCommands extends Disposable {
  private running = false;
  private readonly isTrusted: () => boolean;
  /** Registered on first use, so constructing commands (tests do) registers nothing. */
  private previewDocument: RenewalPreviewDocument | undefined;

  constructor(private readonly services: Services, deps: RenewalDependencies = {}) {
    super();
    this.isTrusted = deps.isTrusted ?? (() => vscode.workspace.isTrusted);
  }

  private preview(): RenewalPreviewDocument {
    this.previewDocument ??= this._register(new RenewalPreviewDocument());
    return this.previewDocument;
  }

  renewCertificate(...args: unknown[]): Promise<RenewCommandResult> {
    return this.run('certificate', args);
  }

  renewExpiring(...args: unknown[]): Promise<RenewCommandResult> {
    return this.run('expiring', args);
  }

  renewCa(...args: unknown[]): Promise<RenewCommandResult> {
    return this.run('ca', args);
  }

  private async run(flow: Flow, args: unknown[]): Promise<RenewCommandResult> {
    const result = emptyResult();
    let interactive = true;
    if (this.running) {
      return this.fail(result, new RenewCommandError('busy', 'a renewal is already running; wait for it to finish'), interactive);
    }
    this.running = true;
    try {
      const inv = parseInvocation(args);
      interactive = inv.interactive;
      requireTrust(this.isTrusted);
      await this.renew(flow, inv, result);
      result.ok = true;
      for (const r of result.renewed) {
        this.services.logger.info(`renewed ${r.name} (${r.where}): serial ${r.serialNumber}, valid until ${r.notAfter}, key ${r.keyPolicy === 'rotate' ? 'rotated' : 'reused'}`);
      }
      if (result.renewed.length) {
        announce(result, this.services.logger);
      } else if (interactive) {
        void vscode.window.showInformationMessage(`PKI Lens: nothing to renew.${result.skipped.length ? ` Left alone: ${result.skipped.map(s => `${s.where} (${s.reason})`).join('; ')}` : ''}`);
      }
      return result;
    } catch (e) {
      if (e instanceof RenewCancelled) {
        result.cancelled = true;
        return result;
      }
      return this.fail(result, e, interactive);
    } finally {
      this.running = false;
    }
  }

  /** A refusal: said once, as an error notification, and returned. Unexpected errors are logged. */
  private fail(result: RenewCommandResult, e: unknown, interactive: boolean): RenewCommandResult {
    let error = asRenewError(e);
    if (!error) {
      this.services.logger.error('renewal failed', e);
      error = new RenewCommandError('internal', `renewal failed unexpectedly: ${(e as Error)?.message ?? String(e)} (details in the PKI Lens output)`);
    }
    result.ok = false;
    result.error = { code: error.code, message: error.message };
    const actions = error.code === 'untrusted' ? ['Manage Workspace Trust'] : [];
    void vscode.window.showErrorMessage(`PKI Lens: cannot renew — ${error.message}`, ...actions).then(choice => {
      if (choice === 'Manage Workspace Trust') {
        void vscode.commands.executeCommand('workbench.trust.manage');
      }
    });
    if (!interactive) {
      this.services.logger.info(`renewal refused (${error.code}): ${error.message}`);
    }
    return result;
  }

  private async renew(flow: Flow, inv: RenewInvocation, result: RenewCommandResult): Promise<void> {
    const snapshot = await currentSnapshot(this.services, [inv.uri, vscode.window.activeTextEditor?.document.uri]);
    const targets = flow === 'expiring' ? expiringTargets(snapshot, inv.uri) : await resolveTargets(this.services, snapshot, inv, flow);
    const settings = this.services.settings.get(inv.uri ?? (targets[0] && snapshot.byUri.get(targets[0].file.uri)?.uri));
    const options = inv.options;
    const caSource = new WorkspaceCaSource(snapshot, options, inv.interactive);
    const explicitCa = options.caCertificate !== undefined || options.caKey !== undefined;

    // One renewal per distinct certificate (two tree nodes, or a finding and its copy, may name the same one).
    let candidates = targets.filter((n, i) => targets.findIndex(t => t.fingerprint === n.fingerprint) === i);
    if (!explicitCa && (flow === 'expiring' || candidates.length > 1)) {
      // Like `kubeadm certs renew all`: a certificate whose CA key is not at hand is externally managed.
      // A batch (every user of a kubeconfig, every expiring certificate) never stops to ask for CA files.
      candidates = targets.filter(node => {
        const selfSigned = node.record.issuerStatus === 'self-signed';
        if (selfSigned ? caSource.hasOwnKey(node.record) : caSource.hasWorkspaceIssuer(node.record)) {
          return true;
        }
        result.skipped.push({ where: node.where, reason: externallyManaged(node) });
        return false;
      });
    }
    if (!candidates.length) {
      if (flow === 'expiring') {
        result.notes.push(targets.length ? 'no expired or expiring certificate has its CA key in the workspace' : 'no certificate is expired or expiring');
        return;
      }
      throw new RenewCommandError('ca-missing', `no CA with its private key in the workspace issued ${result.skipped.map(s => s.where).join(', ')}: pass caCertificate and caKey, or renew one of them at a time to pick the CA files`);
    }
    if (options.subjectAltNames && candidates.length !== 1) {
      throw new RenewCommandError('invalid-input', `Subject Alternative Names are changed on one certificate at a time (${candidates.length} named)`);
    }
    // CAs first: the leaves of the same batch are then signed by the renewed CA certificate.
    const ordered = [...candidates].sort((a, b) => rank(a) - rank(b));
    const jobs = await this.planJobs(snapshot, ordered, caSource, inv, settings, result);

    const plans = filePlans(snapshot, jobs);
    const prepared = await prepareFiles(plans);
    result.preview = previewText(jobs, plans, result.skipped, settings.renewal.backupFolder);
    if (inv.interactive && !await confirmRenewal(jobs, plans, result.skipped, settings.renewal.backupFolder, this.preview())) {
      throw new RenewCancelled();
    }
    const written = await commitFiles(prepared, new Date(), this.services.settings);
    await afterWrite(this.services, written, writtenBy(prepared));
    result.files = written;
    result.renewed = jobs.map(j => describeResult(snapshot, j));
    const after = afterRenewal(written);
    result.restart = after.restart;
    result.notes.push(...after.notes);
  }

  private async planJobs(
    snapshot: IndexSnapshot, nodes: CertificateNode[], caSource: WorkspaceCaSource, inv: RenewInvocation,
    settings: PkiLensSettings, result: RenewCommandResult,
  ): Promise<RenewalJob[]> {
    const validity = inv.options.validityDays ?? settings.renewal.validityDays;
    const jobOptions = {
      policy: inv.options.key ?? settings.renewal.key,
      validityDays: validity > 0 ? validity : undefined,
      renewedCas: new Map<string, Uint8Array>(),
      subjectAltNames: inv.options.subjectAltNames,
    };
    const run = async () => {
      const jobs: RenewalJob[] = [];
      let firstError: unknown;
      for (const node of nodes) {
        try {
          jobs.push(await planJob(snapshot, node, caSource, jobOptions));
        } catch (e) {
          const refusal = asRenewError(e);
          // One certificate: its refusal is the answer. Several: the others still go ahead.
          if (nodes.length === 1 || !refusal) {
            throw e;
          }
          firstError ??= refusal;
          result.skipped.push({ where: node.where, reason: refusal.message });
        }
      }
      if (!jobs.length) {
        throw firstError ?? new RenewCommandError('nothing-to-renew', 'nothing to renew');
      }
      return jobs;
    };
    // RSA key generation and signing take a moment: say so in the status bar.
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PKI Lens: renewing…' }, run);
  }
}

function externallyManaged(node: CertificateNode): string {
  if (node.record.issuerStatus === 'self-signed') {
    return 'its private key is not in the workspace';
  }
  return node.record.issuer ? `the private key of its CA ${shortName(node.record.issuer.certificate.subject)} is not in the workspace` : `its issuer ${shortName(node.certificate.issuer)} is not in the workspace`;
}

function rank(node: CertificateNode): number {
  return node.record.issuerStatus === 'self-signed' ? 0 : node.certificate.isCa ? 1 : 2;
}

function describeResult(snapshot: IndexSnapshot, job: RenewalJob): RenewedCertificate {
  const r = job.result;
  const cert = job.node.certificate;
  const keyUri = job.policy === 'rotate' && job.keyNode ? snapshot.byUri.get(job.keyNode.file.uri)?.uri.toString() ?? job.keyNode.file.uri : undefined;
  return {
    name: shortName(cert.subject),
    subject: cert.subject.text,
    uri: snapshot.byUri.get(job.node.file.uri)?.uri.toString() ?? job.node.file.uri,
    where: job.node.where,
    kubeconfigUser: job.kubeconfigUser,
    ca: job.selfSigned,
    oldSerialNumber: cert.serialNumber,
    serialNumber: r.serialNumber,
    oldNotAfter: cert.notAfter.toISOString(),
    notBefore: r.notBefore.toISOString(),
    notAfter: r.notAfter.toISOString(),
    keyPolicy: job.policy,
    keyUri,
    issuer: {
      subject: job.ca.certificate.subject.text,
      certificateUri: job.ca.certificateUri?.toString(),
      keyUri: job.ca.keyUri?.toString(),
    },
    clamped: r.clamped,
    clampMessage: r.clampMessage,
    warnings: job.notes,
    copies: job.copies.map(c => c.where),
  };
}

/** Register the three commands and the Quick Fix. Returns the commands object (tests construct their own with an injected trust check). */
export function registerRenewal(context: vscode.ExtensionContext, services: Services): RenewalCommands {
  const commands = new RenewalCommands(services);
  context.subscriptions.push(
    commands,
    vscode.commands.registerCommand(Command.RenewCertificate, (...args: unknown[]) => commands.renewCertificate(...args)),
    vscode.commands.registerCommand(Command.RenewExpiring, (...args: unknown[]) => commands.renewExpiring(...args)),
    vscode.commands.registerCommand(Command.RenewCa, (...args: unknown[]) => commands.renewCa(...args)),
    vscode.languages.registerCodeActionsProvider(DOCUMENTS, new RenewQuickFix(services), { providedCodeActionKinds: RenewQuickFix.kinds }),
    // Repairs beyond renewal (issue 14): change the names, same road.
    vscode.commands.registerCommand(Command.EditSubjectAltNames, (...args: unknown[]) => new EditSubjectAltNames(services, commands).run(...args)),
    vscode.languages.registerCodeActionsProvider(DOCUMENTS, new SubjectAltNameQuickFix(services), { providedCodeActionKinds: SubjectAltNameQuickFix.kinds }),
    vscode.commands.registerCommand(Command.SignCsr, (target?: unknown, options?: unknown) => signCsrCommand(services, target, options)),
    vscode.languages.registerCodeLensProvider(DOCUMENTS, new SignCsrLensProvider(services)),
    vscode.commands.registerCommand(Command.UpdateStaleCopy, (uri: unknown, options: unknown) => updateStaleCopy(services, uri, options)),
    vscode.languages.registerCodeActionsProvider(DOCUMENTS, new StaleCopyQuickFix(services), { providedCodeActionKinds: StaleCopyQuickFix.kinds }),
  );
  return commands;
}
