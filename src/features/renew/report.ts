import path = require('node:path');
import vscode = require('vscode');
import { Command } from '../../commands';
import type { ProbeOutcome } from '../probe/command';
import { formatDate } from '../../core/render/time';
import { Logger } from '../../util/logger';
import { RenewCommandResult, WrittenFile } from './model';

/**
 * After writing: what to restart (kubeadm layout), the reminder about copies of admin.conf, and
 * a notification with Open and Show Diff (backup against the renewed file).
 */

const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet'];

/** Which kubeadm components read a file, by its place in /etc/kubernetes; undefined outside that layout. */
const READERS: [RegExp, string[]][] = [
  [/(^|\/)pki\/etcd\/ca\.(crt|key)$/, ['etcd', 'kube-apiserver']],
  [/(^|\/)pki\/ca\.(crt|key)$/, COMPONENTS],
  [/(^|\/)pki\/front-proxy-(ca|client)\.(crt|key)$/, ['kube-apiserver']],
  [/(^|\/)pki\/apiserver[^/]*\.(crt|key)$/, ['kube-apiserver']],
  [/(^|\/)pki\/etcd\/[^/]+\.(crt|key)$/, ['etcd']],
  [/(^|\/)controller-manager\.conf$/, ['kube-controller-manager']],
  [/(^|\/)scheduler\.conf$/, ['kube-scheduler']],
  [/(^|\/)kubelet\.conf$/, ['kubelet']],
  [/(^|\/)kubelet-client[^/]*\.pem$/, ['kubelet']],
  [/(^|\/)(super-)?admin\.conf$/, []],
];

const ADMIN_CONF = /(^|\/)(super-)?admin\.conf$/;

/** Components to restart and reminders for the files written. */
export function afterRenewal(files: readonly { path: string }[]): { restart: string[]; notes: string[] } {
  const restart = new Set<string>();
  let kubeadm = false;
  for (const f of files) {
    const p = f.path.split(path.sep).join('/');
    const hit = READERS.find(([re]) => re.test(p));
    if (hit) {
      kubeadm = true;
      hit[1].forEach(c => restart.add(c));
    }
  }
  const notes: string[] = [];
  const ordered = COMPONENTS.filter(c => restart.has(c));
  if (ordered.length) {
    notes.push(`Restart ${ordered.join(', ')} so ${ordered.length === 1 ? 'it loads' : 'they load'} the new certificates (a static pod restarts when its manifest leaves /etc/kubernetes/manifests and comes back; the kubelet with systemctl restart kubelet).`);
  }
  if (kubeadm && files.some(f => ADMIN_CONF.test(f.path.split(path.sep).join('/')))) {
    notes.push('Copies of admin.conf, such as ~/.kube/config, still hold the old data: copy the renewed file over them.');
  }
  return { restart: ordered, notes };
}

function name(file: WrittenFile): string {
  return vscode.workspace.asRelativePath(vscode.Uri.parse(file.uri), false);
}

async function pickFile(files: readonly WrittenFile[], placeHolder: string): Promise<WrittenFile | undefined> {
  if (files.length < 2) {
    return files[0];
  }
  const picked = await vscode.window.showQuickPick(files.map(f => ({ label: name(f), description: f.backup ? `backup ${path.basename(f.backup)}` : undefined, file: f })), { placeHolder });
  return picked?.file;
}

/** Show what happened. Not awaited by the command: a notification stays until dismissed. */
export function announce(result: RenewCommandResult, logger: Logger): void {
  const certs = result.renewed;
  const head = certs.length === 1
    ? `PKI Lens: renewed ${certs[0].ca ? 'CA ' : ''}${certs[0].name} (${certs[0].where}), valid until ${formatDate(new Date(certs[0].notAfter))}.`
    : `PKI Lens: renewed ${certs.length} certificates in ${result.files.length} files.`;
  const editor = result.files.filter(f => f.via === 'editor');
  const tail = [
    ...certs.filter(c => c.clamped).map(c => `${c.name}: NotAfter cut to its CA's expiry.`),
    ...(editor.length ? [`Unsaved: ${editor.map(name).join(', ')} (edited in the editor; save to write).`] : []),
    ...result.notes,
  ];
  const message = [head, ...tail].join(' ');
  const actions = ['Open', ...(result.files.some(f => f.backup) ? ['Show Diff'] : []), ...(result.restart.length && vscode.workspace.isTrusted ? [PROBE_NOW] : [])];
  void vscode.window.showInformationMessage(message, ...actions).then(async choice => {
    try {
      if (choice === 'Open') {
        const file = await pickFile(result.files, 'Open which renewed file?');
        if (file) {
          await vscode.window.showTextDocument(vscode.Uri.parse(file.uri));
        }
      } else if (choice === PROBE_NOW) {
        await probeAfterRenewal();
      } else if (choice === 'Show Diff') {
        const file = await pickFile(result.files.filter(f => f.backup), 'Compare which file with its backup?');
        if (file?.backup) {
          const uri = vscode.Uri.parse(file.uri);
          const backup = uri.scheme === 'file' ? vscode.Uri.file(file.backup) : uri.with({ path: file.backup });
          await vscode.commands.executeCommand('vscode.diff', backup, uri, `${name(file)} (backup ↔ renewed)`);
        }
      }
    } catch (e) {
      logger.error('renewal notification action failed', e);
    }
  });
}

const PROBE_NOW = 'Probe Now';

/**
 * "Probe Now": ask the endpoints whether they serve the renewed files yet, and name who still does
 * not. Returns the warning shown (undefined when every endpoint serves its file), for tests.
 */
export async function probeAfterRenewal(): Promise<string | undefined> {
  const outcome = await vscode.commands.executeCommand<ProbeOutcome | string>(Command.ProbeEndpoints);
  if (typeof outcome !== 'object') {
    return undefined; // the probe said why itself
  }
  const stale = [...new Set(outcome.reports.filter(r => r.drift).map(r => r.endpoint.component ?? r.endpoint.url))];
  if (!stale.length) {
    return undefined;
  }
  const message = `PKI Lens: ${stale.join(', ')} still ${stale.length === 1 ? 'serves' : 'serve'} the old certificate: restart ${stale.length === 1 ? 'it' : 'them'} (see the Problems panel).`;
  void vscode.window.showWarningMessage(message);
  return message;
}
