// The PEM injection grammar tokenised with VS Code's own TextMate engine and YAML grammar: PEM in
// YAML block scalars (`|`, `|-`, `|2`, in sequences) must be highlighted, and must end where the
// scalar ends. Regression: the YAML grammar consumes a block scalar's indentation before
// injections run, so a `^\s*-----BEGIN` pattern never matched. Needs the VS Code runtime, which the
// test command installs into .vscode-test/ before the unit stage (scripts/test-all.mjs).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const VSCODE = path.join(ROOT, '.vscode-test', 'code-server-runtime', 'code-server', 'node_modules', 'code-server', 'lib', 'vscode');
const available = fs.existsSync(path.join(VSCODE, 'node_modules', 'vscode-textmate'));

interface Token { text: string; scopes: string[] }

/* eslint-disable @typescript-eslint/no-require-imports */
async function tokenize(text: string): Promise<Token[][]> {
  const tm = require(path.join(VSCODE, 'node_modules', 'vscode-textmate', 'release', 'main.js'));
  const onig = require(path.join(VSCODE, 'node_modules', 'vscode-oniguruma', 'release', 'main.js'));
  const wasm = fs.readFileSync(path.join(VSCODE, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).catch(() => undefined); // loads once per process
  const yamlDir = path.join(VSCODE, 'extensions', 'yaml', 'syntaxes');
  const grammars: Record<string, string> = {
    'source.yaml': path.join(yamlDir, 'yaml.tmLanguage.json'),
    'source.yaml.1.3': path.join(yamlDir, 'yaml-1.3.tmLanguage.json'),
    'source.yaml.1.2': path.join(yamlDir, 'yaml-1.2.tmLanguage.json'),
    'source.yaml.1.1': path.join(yamlDir, 'yaml-1.1.tmLanguage.json'),
    'source.yaml.1.0': path.join(yamlDir, 'yaml-1.0.tmLanguage.json'),
    'source.yaml.embedded': path.join(yamlDir, 'yaml-embedded.tmLanguage.json'),
    'pem.injection': path.join(ROOT, 'syntaxes', 'pem-injection.tmLanguage.json'),
  };
  const registry = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s: string[]) => new onig.OnigScanner(s), createOnigString: (s: string) => new onig.OnigString(s) }),
    loadGrammar: async (scope: string) => (grammars[scope] && fs.existsSync(grammars[scope]) ? tm.parseRawGrammar(fs.readFileSync(grammars[scope], 'utf8'), grammars[scope]) : null),
    getInjections: (scope: string) => (scope === 'source.yaml' ? ['pem.injection'] : []),
  });
  const grammar = await registry.loadGrammar('source.yaml');
  let rule = tm.INITIAL;
  return text.split('\n').map(line => {
    const r = grammar.tokenizeLine(line, rule);
    rule = r.ruleStack;
    return r.tokens.map((t: { startIndex: number; endIndex: number; scopes: string[] }) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

const scopesOf = (line: Token[], text: string) => line.find(t => t.text.includes(text))?.scopes ?? [];

describe('PEM injection into YAML', () => {
  it('has VS Code\'s TextMate engine and YAML grammar at hand (run `node scripts/vscode/runtime.mjs`)', () => {
    assert.ok(available, `VS Code runtime not found under ${VSCODE}`);
  });

  it('highlights PEM in block scalars and stops where the scalar ends', async () => {
    const lines = await tokenize([
      'stringData:',
      '  tls.crt: |',
      '    -----BEGIN CERTIFICATE-----',
      '    MIIB+TCCAZ6gAwIBAgIU',
      '    -----END CERTIFICATE-----',
      'items:',
      '  - |-',
      '    -----BEGIN EC PRIVATE KEY-----',
      '    MHcCAQEEIL8NGa0htCl',
      '    -----END EC PRIVATE KEY-----',
      'other: |',
      '  -----BEGIN CERTIFICATE-----',
      '  truncated',
      'next: plain',
    ].join('\n'));
    assert.ok(scopesOf(lines[2], 'BEGIN').includes('keyword.control.begin.pem'), 'BEGIN in a | scalar');
    assert.ok(scopesOf(lines[3], 'MIIB').includes('string.unquoted.base64.pem'), 'base64 body');
    assert.ok(scopesOf(lines[4], 'END').includes('keyword.control.end.pem'), 'END');
    assert.ok(scopesOf(lines[7], 'BEGIN').includes('keyword.control.begin.pem'), 'BEGIN in a |- scalar of a sequence');
    assert.ok(scopesOf(lines[7], 'EC PRIVATE KEY').includes('entity.name.type.label.pem'), 'label');
    assert.ok(scopesOf(lines[12], 'truncated').includes('meta.embedded.block.pem'), 'inside an unterminated block');
    assert.ok(!scopesOf(lines[13], 'next').some(s => s.includes('pem')), 'an unterminated block ends with its scalar');
    assert.ok(scopesOf(lines[13], 'next').includes('entity.name.tag.yaml'));
  });
});
