// Legacy OpenSSL-encrypted PEM keys (Proc-Type: 4,ENCRYPTED + DEK-Info), written by openssl at
// test time (`openssl rsa -aes256 -traditional`, `openssl ec -aes128`, `-des3`), opened with the
// supplied passwords: the public half judged by `openssl pkey -pubout`, pairing judged through
// `pki-lens check --password-file` and `inspect`, wrong passwords and hostile DEK-Info headers
// reported as messages, and the password never in any output.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { main } from '../../src/cli/main';
import { PrivateKeyInfo } from '../../src/core/x509/keys';
import { provideNodeCrypto } from '../../src/util/nodeCrypto';
import { openssl, opensslBuffer } from '../fixtures/openssl';

const PASSWORD = 'Legacy-PEM-pa55';
const WRONG = 'not-the-password';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-legacy-pem-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const file = (name: string) => path.join(tmp, name);

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = process.env.PKI_LENS_PASSWORD;
  delete process.env.PKI_LENS_PASSWORD;
  try {
    const code = await main(args, { out: t => (out += t), err: t => (err += t) });
    return { code, out, err };
  } finally {
    if (saved !== undefined) {
      process.env.PKI_LENS_PASSWORD = saved;
    }
  }
}

async function keyOf(name: string, passwords: string[]): Promise<{ key?: PrivateKeyInfo; error?: string }> {
  const analysis = await analyzeText(fs.readFileSync(file(name), 'utf8'), { fileName: name, passwords });
  assert.equal(analysis.entries.length, 1);
  const obj = analysis.entries[0].objects[0];
  return { key: obj.privateKey, error: obj.error };
}

/** The SHA-256 of the SubjectPublicKeyInfo as openssl derives it from the encrypted key. */
function opensslSpki(name: string): Buffer {
  return opensslBuffer(['pkey', '-in', file(name), '-passin', `pass:${PASSWORD}`, '-pubout', '-outform', 'DER']);
}

describe('legacy OpenSSL-encrypted PEM keys', () => {
  before(() => {
    provideNodeCrypto();
    openssl(['genrsa', '-out', file('rsa.plain'), '2048']);
    openssl(['rsa', '-in', file('rsa.plain'), '-aes256', '-traditional', '-passout', `pass:${PASSWORD}`, '-out', file('rsa-aes256.key')]);
    openssl(['rsa', '-in', file('rsa.plain'), '-des3', '-traditional', '-passout', `pass:${PASSWORD}`, '-out', file('rsa-des3.key')]);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('ec.plain')]);
    openssl(['ec', '-in', file('ec.plain'), '-aes128', '-passout', `pass:${PASSWORD}`, '-out', file('ec-aes128.key')]);
  });

  it('opens AES-256-CBC, DES-EDE3-CBC (RSA) and AES-128-CBC (EC) keys; the public half is the one openssl derives', async () => {
    for (const [name, cipher, algorithm] of [['rsa-aes256.key', 'AES-256-CBC', 'RSA'], ['rsa-des3.key', 'DES-EDE3-CBC', 'RSA'], ['ec-aes128.key', 'AES-128-CBC', 'EC']] as const) {
      const pem = fs.readFileSync(file(name), 'utf8');
      assert.match(pem, new RegExp(`Proc-Type: 4,ENCRYPTED\\nDEK-Info: ${cipher},`), `${name} is a legacy encrypted PEM key`);
      const { key } = await keyOf(name, [WRONG, PASSWORD]);
      assert.ok(key?.publicKey, `${name} opened`);
      assert.equal(key.encrypted, true);
      assert.equal(key.algorithm, algorithm);
      assert.match(key.encryption ?? '', new RegExp(`^${cipher} \\(legacy PEM`));
      assert.deepEqual(Buffer.from(key.publicKey.spki), opensslSpki(name), `${name}: public key equals openssl pkey -pubout`);
    }
  });

  it('a wrong password, or none, leaves the key described and locked, with a message and without an exception', async () => {
    const { key, error } = await keyOf('rsa-aes256.key', [WRONG]);
    assert.equal(error, undefined);
    assert.equal(key?.publicKey, undefined);
    assert.equal(key?.format, 'PKCS#1 (encrypted, legacy PEM)');
    assert.match(key?.encryption ?? '', /none of the supplied passwords fits/);
    const none = await keyOf('ec-aes128.key', []);
    assert.equal(none.key?.publicKey, undefined);
    assert.equal(none.key?.format, 'SEC1 (encrypted, legacy PEM)');
  });

  it('a truncated, garbled or missing DEK-Info, or truncated ciphertext, is a located message', async () => {
    const pem = fs.readFileSync(file('rsa-aes256.key'), 'utf8');
    const iv = /DEK-Info: AES-256-CBC,([0-9A-F]+)/.exec(pem)![1];
    const cases: [string, string, RegExp][] = [
      ['truncated IV', pem.replace(iv, iv.slice(0, 10)), /DEK-Info "AES-256-CBC,[0-9A-F]{10}" is not valid: AES-256-CBC needs an IV of 32 hex digits/],
      ['garbled IV', pem.replace(iv, `${iv.slice(0, 30)}ZZ`), /is not valid: AES-256-CBC needs an IV of 32 hex digits/],
      ['no IV', pem.replace(`,${iv}`, ''), /is not valid/],
      ['unknown cipher', pem.replace('AES-256-CBC', 'CAMELLIA-9-XYZ'), /names cipher "CAMELLIA-9-XYZ", not one PKI Lens decrypts/],
      ['no DEK-Info', pem.replace(/DEK-Info: .*\n/, ''), /no DEK-Info header/],
      ['huge DEK-Info', pem.replace(iv, iv + 'A'.repeat(100_000)), /DEK-Info "AES-256-CBC,[0-9A-F]{68}…" is not valid/],
    ];
    for (const [what, text, message] of cases) {
      for (const passwords of [[PASSWORD], []]) {
        const analysis = await analyzeText(`# leading line\n${text}`, { fileName: 'hostile.key', passwords });
        const obj = analysis.entries[0]?.objects[0];
        assert.match(obj?.error ?? '', message, `${what}: ${obj?.error}`);
        assert.equal(obj?.range.start, '# leading line\n'.length, `${what}: located at the block`);
      }
    }
    // Base64 body cut short by a few whole 4-character groups: not a whole number of AES blocks.
    const lines = pem.split('\n');
    const cut = [...lines.slice(0, 5), lines[5].slice(0, 20), ...lines.slice(-2)].join('\n');
    const truncated = await analyzeText(cut, { fileName: 'cut.key', passwords: [PASSWORD] });
    const obj = truncated.entries[0].objects[0];
    assert.match(obj.error ?? '', /63 bytes of ciphertext is not a whole number of AES-256-CBC blocks/);
    assert.equal(obj.range.start, 0);
  });

  it('pki-lens check --password-file pairs the key with a matching certificate and reports key-mismatch for another; inspect shows the match; the password is never printed', async () => {
    const good = file('good');
    const bad = file('bad');
    fs.mkdirSync(good);
    fs.mkdirSync(bad);
    openssl(['req', '-x509', '-key', file('rsa.plain'), '-subj', '/CN=legacy.example', '-days', '30', '-out', path.join(good, 'server.crt')]);
    fs.copyFileSync(file('rsa-aes256.key'), path.join(good, 'server.key'));
    openssl(['req', '-x509', '-key', file('ec.plain'), '-subj', '/CN=other.example', '-days', '30', '-out', path.join(bad, 'server.crt')]);
    fs.copyFileSync(file('rsa-des3.key'), path.join(bad, 'server.key'));
    const passwordFile = file('password.txt');
    fs.writeFileSync(passwordFile, `${WRONG}\n${PASSWORD}\n`);
    const codes = (out: string) => (JSON.parse(out) as { findings: { code: string; file: string }[] }).findings.map(f => `${f.code} ${f.file}`);
    const outputs: string[] = [];
    const locked = await cli(['check', '--format', 'json', '--fail-on', 'none', tmp]);
    assert.ok(!codes(locked.out).some(c => c.startsWith('key-mismatch')), 'without the password nothing can be compared');
    const opened = await cli(['check', '--format', 'json', '--fail-on', 'none', '--password-file', passwordFile, tmp]);
    assert.ok(codes(opened.out).includes('key-mismatch bad/server.key'), opened.out);
    assert.ok(!codes(opened.out).includes('key-mismatch good/server.key'), opened.out);
    const table = await cli(['check', '--fail-on', 'none', '--password-file', passwordFile, bad]);
    assert.match(table.out, /key-mismatch +server\.key/);
    const inspected = await cli(['inspect', '--password-file', passwordFile, path.join(good, 'server.crt'), path.join(good, 'server.key')]);
    assert.match(inspected.out, /Certificate: matches CN=legacy\.example/);
    const wrong = file('wrong.txt');
    fs.writeFileSync(wrong, `${WRONG}\n`);
    const refused = await cli(['inspect', '--password-file', wrong, path.join(good, 'server.key')]);
    assert.match(refused.out, /none of the supplied passwords fits/);
    outputs.push(locked.out, locked.err, opened.out, opened.err, table.out, table.err, inspected.out, inspected.err, refused.out, refused.err);
    for (const output of outputs) {
      assert.ok(!output.includes(PASSWORD) && !output.includes(WRONG), 'no password in any output');
    }
  });
});
