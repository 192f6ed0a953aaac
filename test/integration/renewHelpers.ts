// Helpers for the renewal suites (renew, renewErrors): the generated workspace on disk, the renew
// commands run without prompts, and certificates issued by openssl for extra cases.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Issued, Key, KeyAlg, Workbench, days, minutes } from '../fixtures/ca';
import { certFacts, openssl } from '../fixtures/openssl';
import type { RenewCommandResult, RenewOptions } from '../../src/features/renew/commands';
import { pkiApi } from './pkiWorkspace';
import { waitFor } from './helpers';

export type { RenewCommandResult } from '../../src/features/renew/commands';

/** The generated workspace: paths, bytes, text and modes of its files. */
export class Tree {
  constructor(readonly root: string) {}
  path(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }
  uri(rel: string): vscode.Uri {
    return vscode.Uri.file(this.path(rel));
  }
  read(rel: string): string {
    return fs.readFileSync(this.path(rel), 'utf8');
  }
  bytes(rel: string): Buffer {
    return fs.readFileSync(this.path(rel));
  }
  mode(rel: string): number {
    return fs.statSync(this.path(rel)).mode & 0o777;
  }
  write(rel: string, content: string, mode = 0o644): void {
    fs.mkdirSync(path.dirname(this.path(rel)), { recursive: true });
    fs.writeFileSync(this.path(rel), content, { mode });
  }

  /** Every file under the root: content (a symlink as its link text), mode. */
  snapshot(): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const abs = path.join(dir, e.name);
        const rel = path.relative(this.root, abs).split(path.sep).join('/');
        if (e.isSymbolicLink()) {
          out.set(rel, `link:${fs.readlinkSync(abs)}`);
        } else if (e.isDirectory()) {
          walk(abs);
        } else {
          const st = fs.statSync(abs);
          out.set(rel, `${(st.mode & 0o777).toString(8)}:${fs.readFileSync(abs).toString('base64')}`);
        }
      }
    };
    walk(this.root);
    return out;
  }
}

/** What differs between two snapshots: changed, added and removed paths. */
export function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [rel, v] of after) {
    if (!before.has(rel)) {
      out.push(`added ${rel}`);
    } else if (before.get(rel) !== v) {
      out.push(`changed ${rel}`);
    }
  }
  for (const rel of before.keys()) {
    if (!after.has(rel)) {
      out.push(`removed ${rel}`);
    }
  }
  return out;
}

export type RenewCommand = 'pkiLens.renewCertificate' | 'pkiLens.renewExpiring' | 'pkiLens.renewCa';

/** Run a renew command without prompts (`confirm: false`); resolves with whatever it returned. */
export async function renew(command: RenewCommand, target: vscode.Uri | undefined, options: RenewOptions = {}): Promise<RenewCommandResult> {
  const args: unknown[] = target ? [target, { confirm: false, ...options }] : [{ confirm: false, ...options }];
  const result = await vscode.commands.executeCommand<RenewCommandResult>(command, ...args);
  assert.ok(result, `${command} returned a result`);
  return result;
}

/** The same, asserting success. */
export async function renewOk(command: RenewCommand, target: vscode.Uri | undefined, options: RenewOptions = {}): Promise<RenewCommandResult> {
  const result = await renew(command, target, options);
  assert.ok(result.ok, `${command} ${target?.fsPath ?? ''} failed: ${result.error?.code}: ${result.error?.message}`);
  return result;
}

/** A workspace CA as an openssl `Issued` (its files are the workspace's own). */
export function workspaceCa(tree: Tree, certRel: string, keyRel: string, alg: KeyAlg): Issued {
  const pem = tree.read(certRel);
  return { pem, key: new Key(alg, tree.path(keyRel), tree.read(keyRel)), facts: certFacts(pem), file: tree.path(certRel) };
}

/** A leaf issued by openssl, valid from `fromDays` to `toDays` relative to now. */
export function issueLeaf(bench: Workbench, issuer: Issued, cn: string, fromDays: number, toDays: number, alg: KeyAlg = 'p256', ca = false): Issued {
  const now = Date.now();
  return bench.issue({
    subject: `/CN=${cn}`, key: bench.newKey(alg), issuer,
    ext: ca ? { ca: true, keyUsage: ['digitalSignature', 'keyCertSign'], ski: true }
      : { ca: false, keyUsage: ['digitalSignature', 'keyEncipherment'], eku: ['serverAuth'], san: [`DNS:${cn}.example.test`], aki: true },
    notBefore: new Date(now + days(fromDays) - minutes(5)), notAfter: new Date(now + days(toDays)),
  });
}

/** A self-signed CA made by openssl. */
export function issueCa(bench: Workbench, cn: string, fromDays: number, toDays: number, alg: KeyAlg = 'p256'): Issued {
  const now = Date.now();
  return bench.issue({
    subject: `/CN=${cn}`, key: bench.newKey(alg),
    ext: { ca: true, keyUsage: ['digitalSignature', 'keyEncipherment', 'keyCertSign'], ski: true },
    notBefore: new Date(now + days(fromDays) - minutes(5)), notAfter: new Date(now + days(toDays)),
  });
}

/**
 * Wait until the index holds a file the test wrote. The file watcher reports it too, but its events
 * lag on a loaded machine; these suites are about renewal, so the index is told directly as well.
 */
export async function indexed(tree: Tree, rel: string): Promise<void> {
  const api = await pkiApi();
  const uri = tree.uri(rel);
  await api.services.index.diskChanged(uri);
  await waitFor(`${rel} in the index`, () => api.services.index.snapshot?.files.some(f => f.uri.toString() === uri.toString()) || undefined, 30_000);
}

export function diagnosticCodes(uri: vscode.Uri): string[] {
  return vscode.languages.getDiagnostics(uri).filter(d => d.source === 'PKI Lens')
    .map(d => (typeof d.code === 'object' ? String(d.code.value) : String(d.code)));
}

/** A kubeconfig's one-line base64 value, decoded (kubeadm writes them on one line). */
export function kubeconfigValue(text: string, key: string): string {
  const m = new RegExp(`^\\s*${key}:\\s*(\\S+)\\s*$`, 'm').exec(text);
  assert.ok(m, `${key} in kubeconfig`);
  return Buffer.from(m[1], 'base64').toString('utf8');
}

/** `openssl x509 -enddate` as a Date. */
export function notAfter(pem: string): Date {
  return new Date(openssl(['x509', '-noout', '-enddate'], { input: pem }).trim().replace(/^notAfter=/, ''));
}

export function serialOf(pem: string): string {
  return openssl(['x509', '-noout', '-serial'], { input: pem }).trim().replace(/^serial=/, '');
}

export function fingerprintOf(pem: string): string {
  return openssl(['x509', '-noout', '-fingerprint', '-sha256'], { input: pem }).trim();
}

/** PEM labels of a text, in order. */
export function labels(text: string): string[] {
  return [...text.matchAll(/-----BEGIN ([A-Z ]+)-----/g)].map(m => m[1]);
}
