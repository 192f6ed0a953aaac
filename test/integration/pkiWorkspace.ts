// Helpers shared by the workspace suites (problems, healthy, tree): where the seeded problems should
// be, computed from the generated files and their manifest (not from the extension's parser), and
// what PKI Lens has put in the Problems panel.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Manifest, SeededProblem } from '../fixtures/manifest';
import type { PkiLensApi } from '../../src/extension';
import { EXTENSION_ID } from './helpers';

/** The extension's API (activating it if the workspace did not already). */
export async function pkiApi(): Promise<PkiLensApi> {
  const ext = vscode.extensions.getExtension<PkiLensApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  return ext.isActive ? ext.exports : ext.activate();
}

export function rel(root: string, uri: vscode.Uri): string {
  return path.relative(root, uri.fsPath).split(path.sep).join('/');
}

/** Offsets to a VS Code range over text read from disk (lines end at \n, as in the editor). */
export function rangeOf(text: string, start: number, end: number): vscode.Range {
  const pos = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return new vscode.Position(line, offset - (before.lastIndexOf('\n') + 1));
  };
  return new vscode.Range(pos(start), pos(end));
}

export function fmt(r: vscode.Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * Where a reference points: `pki/ca.crt` (the file's first PEM block), `bundle.pem#1` (a block),
 * `admin.conf#users[0].user.client-certificate-data` (a carrier's value as written in the file).
 */
export function locate(m: Manifest, file: string, opts: { carrier?: string; blockIndex?: number } = {}): { file: string; range: vscode.Range } {
  const text = fs.readFileSync(path.join(m.root, ...file.split('/')), 'utf8');
  if (opts.carrier) {
    const carrier = m.files[file]?.carriers?.find(c => c.path === opts.carrier);
    assert.ok(carrier, `manifest has carrier ${opts.carrier} in ${file}`);
    const start = text.indexOf(carrier.value);
    assert.ok(start >= 0, `value of ${opts.carrier} found in ${file}`);
    return { file, range: rangeOf(text, start, start + carrier.value.length) };
  }
  const blocks = [...text.matchAll(PEM_BLOCK)];
  const block = blocks[opts.blockIndex ?? 0];
  assert.ok(block, `block ${opts.blockIndex ?? 0} in ${file}`);
  return { file, range: rangeOf(text, block.index!, block.index! + block[0].length) };
}

export function locateRef(m: Manifest, ref: string): { file: string; range: vscode.Range } {
  const [file, inner] = ref.split('#');
  if (inner === undefined) {
    return locate(m, file);
  }
  return /^\d+$/.test(inner) ? locate(m, file, { blockIndex: Number(inner) }) : locate(m, file, { carrier: inner.replace(/^\d+:/, '') });
}

/** One diagnostic the Problems panel must show. */
export interface Expected {
  code: string;
  file: string;
  range: vscode.Range;
  /** decode-error may point at the offending character inside the value rather than the whole value. */
  within?: boolean;
}

export function expectedOf(m: Manifest, p: SeededProblem): Expected {
  const at = locate(m, p.file, { carrier: p.carrier, blockIndex: p.blockIndex });
  return { code: p.code, file: p.file, range: at.range, within: p.code === 'decode-error' };
}

export function show(e: { code: string; file: string; range: vscode.Range }): string {
  return `${e.code} ${e.file} ${fmt(e.range)}`;
}

/** Pair actual diagnostics with expected ones, one to one; what is left over on either side is the difference. */
export function compare(actual: Actual[], expected: Expected[]): { ok: boolean; report: string } {
  const left = [...actual];
  const missing: Expected[] = [];
  for (const e of expected) {
    const i = left.findIndex(a => a.code === e.code && a.file === e.file && (e.within ? e.range.contains(a.diagnostic.range) : e.range.isEqual(a.diagnostic.range)));
    if (i < 0) {
      missing.push(e);
    } else {
      left.splice(i, 1);
    }
  }
  return {
    ok: !missing.length && !left.length,
    report: `missing:\n  ${missing.map(show).join('\n  ') || '(none)'}\nunexpected:\n  ${left.map(a => `${a.key}: ${a.diagnostic.message}`).join('\n  ') || '(none)'}`,
  };
}

export interface Actual {
  code: string;
  file: string;
  diagnostic: vscode.Diagnostic;
  key: string;
}

/** Every PKI Lens diagnostic in the workspace, with its file relative to the root. */
export function pkiDiagnostics(root: string): Actual[] {
  return vscode.languages.getDiagnostics()
    .flatMap(([uri, list]) => list.filter(d => d.source === 'PKI Lens').map(diagnostic => {
      const file = rel(root, uri);
      const code = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
      return { code, file, diagnostic, key: `${code} ${file} ${fmt(diagnostic.range)}` };
    }));
}

/** Wait (on onDidChangeDiagnostics, with a deadline) until the PKI Lens diagnostics are exactly `expected`; resolves with the ms it took. */
export function waitForDiagnostics(root: string, expected: Expected[], timeoutMs = 60_000): Promise<number> {
  return waitForDiagnosticsWhere(root, actual => compare(actual, expected), timeoutMs);
}

/** Wait (on onDidChangeDiagnostics, with a deadline) until `judge` accepts the PKI Lens diagnostics; resolves with the ms it took. */
export function waitForDiagnosticsWhere(root: string, judge: (actual: Actual[]) => { ok: boolean; report: string }, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let last = '';
    const check = () => {
      const result = judge(pkiDiagnostics(root));
      last = result.report;
      if (result.ok) {
        done();
        resolve(Date.now() - started);
      }
    };
    const sub = vscode.languages.onDidChangeDiagnostics(check);
    const timer = setTimeout(() => {
      done();
      reject(new Error(`PKI Lens diagnostics did not become the expected list within ${timeoutMs} ms\n${last}`));
    }, timeoutMs);
    const done = () => {
      sub.dispose();
      clearTimeout(timer);
    };
    check();
  });
}

/**
 * Run `body` while the extension withholds the file watchers' `kinds` events for `fsPath` and
 * everything below it (a test-only seam, registered in ExtensionMode.Test): what the index then
 * learns, it learns without events. `sources`: VS Code's watcher's, PKI Lens's own watch's, or both. Resolves with how many events were withheld.
 */
export async function withWatcherEventsWithheld(kinds: ('create' | 'change' | 'delete')[], fsPath: string, body: () => Promise<void>, sources: ('vscode' | 'own')[] = ['vscode', 'own']): Promise<number> {
  await pkiApi();
  await vscode.commands.executeCommand('pkiLens.test.withholdWatcherEvents', kinds, fsPath, sources);
  let counts: number[] = [];
  try {
    await body();
  } finally {
    counts = (await vscode.commands.executeCommand<number[]>('pkiLens.test.withholdWatcherEvents')) ?? [];
  }
  return counts.reduce((a, b) => a + b, 0);
}
