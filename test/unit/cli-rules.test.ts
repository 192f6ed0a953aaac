// `pkiLens.rules.<code>` per folder in `pki-lens check`: two folders holding the same openssl-made
// SHA-1/RSA-1024 pair, one configured by `.vscode/settings.json` (with comments, as VS Code writes
// it), one by `.pki-lens.json`; each folder's findings follow its own settings, as the Problems
// panel does per workspace folder (test/integration/rules.test.ts shows the editor side).
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { CHECK_CODES } from '../../src/core/checks';
import { ChainLab, DAY } from '../fixtures/chains';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-cli-rules-'));
const lab = new ChainLab();
after(() => {
  lab.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface JsonFinding { code: string; severity: string; file: string }

async function check(...args: string[]): Promise<{ code: number; findings: JsonFinding[]; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['check', '--format', 'json', '--fail-on', 'none', ...args], { out: t => (out += t), err: t => (err += t) });
  return { code, findings: (JSON.parse(out) as { findings: JsonFinding[] }).findings, err };
}

const listed = (findings: JsonFinding[]) => findings.map(f => `${f.severity} ${f.code} ${f.file}`).sort();

describe('pki-lens check: rule settings per scanned folder', () => {
  const folders = ['plain', 'vscode', 'dotfile'].map(name => path.join(tmp, name));
  before(() => {
    const now = Date.now();
    const ca = lab.issue({ subject: '/CN=Old CA', key: lab.key('rsa1024'), notBefore: new Date(now - DAY), notAfter: new Date(now + 60 * DAY),
      ext: ['basicConstraints = CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash'] });
    const leaf = lab.issue({ subject: '/CN=legacy.example.test', key: lab.key('rsa1024'), issuer: ca, notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY), md: 'sha1',
      ext: ['basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature, keyEncipherment', 'extendedKeyUsage = serverAuth', 'authorityKeyIdentifier = keyid'] });
    for (const folder of folders) {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'ca.crt'), ca.pem);
      fs.writeFileSync(path.join(folder, 'legacy.crt'), leaf.pem);
    }
    fs.mkdirSync(path.join(folders[1], '.vscode'));
    fs.writeFileSync(path.join(folders[1], '.vscode', 'settings.json'), [
      '{',
      '  // as VS Code writes it: comments, dotted keys, a trailing comma',
      '  "editor.tabSize": 2,',
      '  "pkiLens.rules.san-missing": "off",',
      '  "pkiLens.rules.weak-key": "error",',
      '}',
    ].join('\n'));
    fs.writeFileSync(path.join(folders[2], '.pki-lens.json'), JSON.stringify({ rules: { 'validity-not-nested': 'information', 'weak-signature': 'off' } }));
  });

  it('without settings, the six warnings of the rules', async () => {
    const { findings } = await check(folders[0]);
    assert.deepEqual(listed(findings), [
      'warning ca-constraints ca.crt', 'warning san-missing legacy.crt', 'warning validity-not-nested legacy.crt',
      'warning weak-key ca.crt', 'warning weak-key legacy.crt', 'warning weak-signature legacy.crt',
    ]);
  });

  it('each folder scanned together keeps its own settings: .vscode/settings.json and .pki-lens.json', async () => {
    const { findings, err } = await check(...folders);
    assert.equal(err, '');
    assert.deepEqual(listed(findings.filter(f => f.file.startsWith('vscode/'))), [
      'error weak-key vscode/ca.crt', 'error weak-key vscode/legacy.crt',
      'warning ca-constraints vscode/ca.crt', 'warning validity-not-nested vscode/legacy.crt', 'warning weak-signature vscode/legacy.crt',
    ]);
    assert.deepEqual(listed(findings.filter(f => f.file.startsWith('dotfile/'))), [
      'information validity-not-nested dotfile/legacy.crt',
      'warning ca-constraints dotfile/ca.crt', 'warning san-missing dotfile/legacy.crt', 'warning weak-key dotfile/ca.crt', 'warning weak-key dotfile/legacy.crt',
    ]);
    assert.equal(findings.filter(f => f.file.startsWith('plain/')).length, 6);
  });

  it('an error severity set in the folder makes --fail-on error fail', async () => {
    let out = '';
    const failing = await main(['check', '--format', 'json', folders[1]], { out: t => (out += t), err: () => undefined });
    const passing = await main(['check', '--format', 'json', folders[0]], { out: () => undefined, err: () => undefined });
    assert.equal(failing, 1, out);
    assert.equal(passing, 0);
  });

  it('unknown codes, wrong levels and broken JSON are reported with their place; the rest still applies', async () => {
    const folder = path.join(tmp, 'broken');
    fs.cpSync(folders[0], folder, { recursive: true });
    fs.writeFileSync(path.join(folder, '.pki-lens.json'), '{\n  "rules": {\n    "san-missing": "off",\n    "no-such-rule": "off",\n    "weak-key": "loud"\n  }\n  "oops": 1\n}\n');
    const { findings, err } = await check(folder);
    const file = path.join(folder, '.pki-lens.json');
    assert.match(err, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7:3: CommaExpected`));
    assert.match(err, /rules\.no-such-rule: unknown rule "no-such-rule"/);
    assert.match(err, /rules\.weak-key: "loud" is not one of off, information, warning, error/);
    assert.ok(!findings.some(f => f.code === 'san-missing'), 'the valid setting still applies');
    assert.equal(findings.filter(f => f.code === 'weak-key').length, 2);
  });
});

describe('pkiLens.rules.<code> in package.json', () => {
  it('every rule code is a folder-scoped setting with the four levels, and nothing else is', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { enum?: string[]; scope?: string }> } } };
    const props = pkg.contributes.configuration.properties;
    const ruleKeys = Object.keys(props).filter(k => k.startsWith('pkiLens.rules.')).map(k => k.slice('pkiLens.rules.'.length)).sort();
    assert.deepEqual(ruleKeys, Object.keys(CHECK_CODES).sort());
    for (const code of ruleKeys) {
      assert.deepEqual(props[`pkiLens.rules.${code}`].enum, ['off', 'information', 'warning', 'error']);
      assert.equal(props[`pkiLens.rules.${code}`].scope, 'resource');
    }
  });
});
