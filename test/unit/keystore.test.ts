// Keystores and PKCS#7 bundles made by openssl and keytool at test time, decoded by the core and
// judged by what openssl pkcs12 -info, openssl x509 -fingerprint and keytool -list -v print; the
// rules keystore-locked and weak-keystore; passwords from the CLI, never in its output.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DocumentAnalysis, MaterialEntry, analyzeBinary, analyzeText, decodeFileText } from '../../src/core/analyze';
import { runChecks } from '../../src/core/checks';
import { buildInventory } from '../../src/core/inventory/inventory';
import { main } from '../../src/cli/main';
import { provideNodeCrypto } from '../../src/util/nodeCrypto';
import { KeystoreFixtures, STORE_PASSWORD, WRONG_PASSWORD, generateKeystores, keytoolList, opensslPkcs12Info } from '../fixtures/keystores';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-keystore-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fx: KeystoreFixtures;

async function analyze(file: string, passwords: string[] = []): Promise<DocumentAnalysis> {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const text = decodeFileText(bytes);
  return text === undefined ? analyzeBinary(bytes, { passwords }) : analyzeText(text, { fileName: path.basename(file), passwords });
}

function only(analysis: DocumentAnalysis): MaterialEntry {
  assert.equal(analysis.entries.length, 1, JSON.stringify(analysis.entries.map(e => e.error)));
  return analysis.entries[0];
}

const fingerprints = (entry: MaterialEntry) => entry.objects.filter(o => o.certificate).map(o => o.certificate!.fingerprints.sha256);

async function findings(file: string, passwords: string[] = []) {
  const analysis = await analyze(file, passwords);
  return runChecks(await buildInventory([{ uri: file, relativePath: path.basename(file), analysis }]), { now: new Date() });
}

async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = process.env.PKI_LENS_PASSWORD;
  if ('PKI_LENS_PASSWORD' in env) {
    process.env.PKI_LENS_PASSWORD = env.PKI_LENS_PASSWORD;
  }
  try {
    const code = await main(args, { out: t => (out += t), err: t => (err += t) });
    return { code, out, err };
  } finally {
    if (saved === undefined) {
      delete process.env.PKI_LENS_PASSWORD;
    } else {
      process.env.PKI_LENS_PASSWORD = saved;
    }
  }
}

describe('keystores and PKCS#7 bundles', () => {
  before(() => {
    provideNodeCrypto();
    fx = generateKeystores(path.join(tmp, 'stores'));
  });

  it('PKCS#12 (OpenSSL 3 defaults): opened with the password, fields as openssl pkcs12 -info prints them', async () => {
    const entry = only(await analyze(fx.files.modernP12, [STORE_PASSWORD]));
    const store = entry.keystore!;
    const info = opensslPkcs12Info(fx.files.modernP12, STORE_PASSWORD);
    assert.equal(store.format, 'PKCS#12');
    assert.equal(store.integrity, 'verified');
    assert.equal(store.opened, 'supplied password');
    const mac = /^MAC: (\w+), Iteration (\d+)$/m.exec(info)!;
    assert.equal(store.integrityAlgorithm, `MAC ${mac[1]}, Iteration ${mac[2]}`);
    for (const line of info.matchAll(/^(?:PKCS7 Encrypted data|Shrouded Keybag): (.*)$/gm)) {
      assert.ok(store.encryption.includes(line[1]), `${line[1]} in ${store.encryption.join(' | ')}`);
    }
    assert.deepEqual(store.weak, []);
    assert.deepEqual(fingerprints(entry).sort(), [fx.leafFingerprint, fx.caFingerprint].sort());
    const key = entry.objects.find(o => o.privateKey)!.privateKey!;
    assert.equal(key.description, 'ECDSA P-256');
    const leaf = entry.objects.find(o => o.certificate?.fingerprints.sha256 === fx.leafFingerprint)!.certificate!;
    assert.equal(key.publicKey?.id, leaf.publicKey.id, 'the key in the store belongs to its certificate');
    assert.equal(store.entries.find(e => e.type === 'private-key')?.alias, 'app');
  });

  it('legacy PKCS#12 (RC2-40 certificates, 3DES key, SHA-1 MAC) is read and flagged weak-keystore', async () => {
    const entry = only(await analyze(fx.files.legacyP12, [STORE_PASSWORD]));
    const store = entry.keystore!;
    const info = opensslPkcs12Info(fx.files.legacyP12, STORE_PASSWORD, true);
    assert.match(info, /pbeWithSHA1And40BitRC2-CBC/);
    assert.ok(store.encryption.includes('pbeWithSHA1And40BitRC2-CBC, Iteration 2048'), store.encryption.join());
    assert.ok(store.encryption.includes('pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048'), store.encryption.join());
    assert.equal(store.integrityAlgorithm, 'MAC sha1, Iteration 2048');
    assert.deepEqual(fingerprints(entry).sort(), [fx.leafFingerprint, fx.caFingerprint].sort());
    assert.equal(entry.objects.find(o => o.privateKey)?.privateKey?.description, 'ECDSA P-256');
    const found = await findings(fx.files.legacyP12, [STORE_PASSWORD]);
    const weak = found.filter(f => f.code === 'weak-keystore');
    assert.equal(weak.length, 1);
    assert.match(weak[0].message, /SHA-1 MAC, pbeWithSHA1And40BitRC2-CBC, pbeWithSHA1And3-KeyTripleDES-CBC/);
    assert.equal((await findings(fx.files.modernP12, [STORE_PASSWORD])).filter(f => f.code === 'weak-keystore').length, 0, 'none on the modern twin');
  });

  it('the empty password is tried first', async () => {
    const entry = only(await analyze(fx.files.emptyP12));
    assert.equal(entry.keystore?.opened, 'empty password');
    assert.deepEqual(fingerprints(entry), [fx.leafFingerprint]);
  });

  it('a wrong password is a keystore-locked finding that never names the password, not an exception', async () => {
    const entry = only(await analyze(fx.files.modernP12, [WRONG_PASSWORD]));
    assert.equal(entry.error, undefined);
    assert.equal(entry.keystore?.integrity, 'failed');
    assert.ok(entry.keystore?.locked);
    assert.deepEqual(fingerprints(entry), [], 'encrypted certificates were not read');
    const locked = (await findings(fx.files.modernP12, [WRONG_PASSWORD])).filter(f => f.code === 'keystore-locked');
    assert.equal(locked.length, 1);
    assert.equal(locked[0].severity, 'warning');
    assert.match(locked[0].message, /PKCS#12 keystore is locked: .* were not read/);
    assert.ok(!JSON.stringify(locked).includes(WRONG_PASSWORD) && !JSON.stringify(entry).includes(WRONG_PASSWORD));
    assert.equal((await findings(fx.files.modernP12, [WRONG_PASSWORD, STORE_PASSWORD])).filter(f => f.code === 'keystore-locked').length, 0, 'the second password opens it');
  });

  it('PKCS#7: PEM (crl2pkcs7) and DER bundles list the certificates openssl put in', async () => {
    for (const file of [fx.files.p7bPem, fx.files.p7cDer]) {
      const entry = only(await analyze(file));
      assert.equal(entry.keystore?.format, 'PKCS#7', file);
      assert.deepEqual(fingerprints(entry), [fx.leafFingerprint, fx.caFingerprint], file);
    }
  });

  it('JKS: aliases, entry types, chains and fingerprints as keytool -list -v prints them; key protector opened', async () => {
    for (const [file, type] of [[fx.files.keyJks, 'JKS'], [fx.files.trustJks, 'JKS'], [fx.files.jceks, 'JCEKS']] as const) {
      const entry = only(await analyze(file, [STORE_PASSWORD]));
      const store = entry.keystore!;
      assert.equal(store.format, type);
      assert.equal(store.integrity, 'verified', file);
      const listed = keytoolList(file, type, STORE_PASSWORD);
      assert.deepEqual(store.entries.map(e => e.alias).sort(), listed.map(l => l.alias).sort());
      for (const l of listed) {
        const ours = store.entries.find(e => e.alias === l.alias)!;
        assert.equal(ours.type === 'private-key' ? 'PrivateKeyEntry' : 'trustedCertEntry', l.type);
        const certs = ours.objects.map(i => entry.objects[i]).filter(o => o.certificate).map(o => o.certificate!.fingerprints.sha256);
        assert.equal(certs.length, l.chain, l.alias);
        assert.deepEqual(certs, l.fingerprints, l.alias);
      }
    }
    const key = only(await analyze(fx.files.keyJks, [STORE_PASSWORD])).objects.find(o => o.privateKey)!.privateKey!;
    assert.equal(key.description, 'ECDSA P-256', 'the JKS key protector opened with the store password');
  });

  it('a JKS store without its password: certificates read, integrity unverified (information), no exception', async () => {
    const entry = only(await analyze(fx.files.trustJks, [WRONG_PASSWORD]));
    assert.equal(entry.keystore?.integrity, 'failed');
    assert.deepEqual(fingerprints(entry), [fx.caFingerprint]);
    const locked = (await findings(fx.files.trustJks, [WRONG_PASSWORD])).filter(f => f.code === 'keystore-locked');
    assert.equal(locked.length, 1);
    assert.equal(locked[0].severity, 'information');
  });

  it('a Secret with cert-manager keystores: keystore.p12 and truststore.jks decoded in place', async () => {
    const analysis = await analyze(fx.files.secretYaml, [STORE_PASSWORD]);
    const p12 = analysis.entries.find(e => e.carrier?.key === 'keystore.p12')!;
    const jks = analysis.entries.find(e => e.carrier?.key === 'truststore.jks')!;
    assert.equal(p12.keystore?.integrity, 'verified');
    assert.deepEqual(fingerprints(p12).sort(), [fx.leafFingerprint, fx.caFingerprint].sort());
    assert.deepEqual(fingerprints(jks), [fx.caFingerprint]);
    const locked = runChecks(await buildInventory([{ uri: 's', relativePath: 'app-tls-secret.yaml', analysis: await analyze(fx.files.secretYaml) }]), {}).filter(f => f.code === 'keystore-locked');
    assert.equal(locked.length, 2, 'both stores say they are locked without the password');
    assert.match(locked.map(f => f.message).join('\n'), /in data\.keystore\.p12/);
  });

  it('pki-lens check and inspect take --password-file and PKI_LENS_PASSWORD; the password is never printed', async () => {
    const folder = path.join(tmp, 'scan');
    fs.mkdirSync(folder);
    fs.copyFileSync(fx.files.modernP12, path.join(folder, 'keystore.p12'));
    const passwordFile = path.join(tmp, 'password.txt');
    fs.writeFileSync(passwordFile, `${WRONG_PASSWORD}\n${STORE_PASSWORD}\n`);
    const locked = await cli(['check', '--format', 'json', '--fail-on', 'none', folder], { PKI_LENS_PASSWORD: undefined });
    const lockedCodes = (JSON.parse(locked.out) as { findings: { code: string }[] }).findings.map(f => f.code);
    assert.ok(lockedCodes.includes('keystore-locked'), locked.out);
    const outputs = [locked.out, locked.err];
    for (const args of [['--password-file', passwordFile], []]) {
      const env = args.length ? { PKI_LENS_PASSWORD: undefined } : { PKI_LENS_PASSWORD: STORE_PASSWORD };
      for (const format of ['json', 'table', 'sarif']) {
        const r = await cli(['check', '--format', format, '--fail-on', 'none', ...args, folder], env);
        outputs.push(r.out, r.err);
        if (format === 'json') {
          const codes = (JSON.parse(r.out) as { findings: { code: string }[] }).findings.map(f => f.code);
          assert.ok(!codes.includes('keystore-locked'), r.out);
        }
      }
      const inspected = await cli(['inspect', '--format', 'json', ...args, path.join(folder, 'keystore.p12')], env);
      assert.equal(inspected.code, 0, inspected.err);
      const records = JSON.parse(inspected.out) as { type: string; sha256Fingerprint?: string; keystore?: { format: string; alias?: string } }[];
      assert.deepEqual(records.filter(r => r.type === 'certificate').map(r => r.sha256Fingerprint).sort(), [fx.leafFingerprint, fx.caFingerprint].sort());
      assert.ok(records.every(r => r.keystore?.format === 'PKCS#12'));
      const text = await cli(['inspect', ...args, path.join(folder, 'keystore.p12')], env);
      assert.match(text.out, /Keystore: PKCS#12 \(opened with the supplied password\)/);
      outputs.push(inspected.out, inspected.err, text.out, text.err);
    }
    const lockedInspect = await cli(['inspect', path.join(folder, 'keystore.p12')], { PKI_LENS_PASSWORD: undefined });
    assert.equal(lockedInspect.code, 1, 'a locked store is not a silent success');
    assert.match(lockedInspect.err, /PKCS#12 keystore is locked/);
    outputs.push(lockedInspect.out, lockedInspect.err);
    for (const output of outputs) {
      assert.ok(!output.includes(STORE_PASSWORD) && !output.includes(WRONG_PASSWORD), 'no password in any output');
    }
  });

  it('every PKCS#12 of the cryptography test vectors opens, with the certificates openssl extracts', async () => {
    const dir = '/usr/lib/python3/dist-packages/cryptography_vectors/pkcs12';
    const files = fs.readdirSync(dir).filter(f => f.endsWith('.p12'));
    assert.ok(files.length >= 20, `python3-cryptography-vectors provides the PKCS#12 vectors (${dir})`);
    for (const f of files) {
      const file = path.join(dir, f);
      const entry = only(await analyze(file, ['cryptography', 'password']));
      assert.equal(entry.keystore?.locked, undefined, f);
      assert.deepEqual(entry.keystore?.entries.filter(e => e.error).map(e => e.error), [], f);
      const password = entry.keystore?.opened === 'empty password' ? '' : /-pwd\.p12$/.test(f) ? 'password' : 'cryptography';
      const extracted = spawnSync('openssl', ['pkcs12', '-in', file, '-nokeys', '-passin', `pass:${password}`, '-legacy'], { encoding: 'utf8' }).stdout;
      const expected = [...extracted.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g)].map(m =>
        spawnSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: m[0], encoding: 'utf8' }).stdout.trim().replace(/^.*=/, ''));
      assert.deepEqual(fingerprints(entry).sort(), expected.sort(), f);
      const keys = entry.objects.filter(o => o.privateKey);
      assert.ok(keys.every(k => !k.privateKey!.encrypted && k.privateKey!.publicKey), `${f}: every key decrypted`);
    }
  });

  it('an ENCRYPTED PRIVATE KEY (pkcs8 -topk8 -v2) opens with a supplied passphrase and pairs with its certificate; legacy Proc-Type keys stay recognised', async () => {
    const dir = path.join(tmp, 'encrypted');
    fs.mkdirSync(dir);
    const run = (...args: string[]) => assert.equal(spawnSync('openssl', args, { cwd: fx.dir, encoding: 'utf8' }).status, 0, args.join(' '));
    run('pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'leaf.key', '-passout', `pass:${STORE_PASSWORD}`, '-out', path.join(dir, 'leaf-pkcs8.key'));
    run('rsa', '-in', 'ca.key', '-aes256', '-traditional', '-passout', `pass:${STORE_PASSWORD}`, '-out', path.join(dir, 'legacy-rsa.key'));
    const leaf = only(await analyze(fx.files.p7bPem)).objects[0].certificate!;
    const key = async (name: string, passwords: string[]) => only(await analyze(path.join(dir, name), passwords)).objects[0].privateKey!;
    const opened = await key('leaf-pkcs8.key', [WRONG_PASSWORD, STORE_PASSWORD]);
    assert.equal(opened.encrypted, true);
    assert.equal(opened.description, 'ECDSA P-256');
    assert.match(opened.encryption ?? '', /^PBES2, PBKDF2, AES-256-CBC/);
    assert.equal(opened.publicKey?.id, leaf.publicKey.id, 'the opened key belongs to the leaf certificate');
    const locked = await key('leaf-pkcs8.key', [WRONG_PASSWORD]);
    assert.equal(locked.publicKey, undefined, 'a wrong passphrase leaves it encrypted, without an exception');
    assert.equal((await key('leaf-pkcs8.key', [])).publicKey, undefined);
    const legacy = await key('legacy-rsa.key', [STORE_PASSWORD]);
    assert.equal(legacy.encrypted, true);
    assert.equal(legacy.format, 'PKCS#1 (encrypted, legacy PEM)');
  });

  it('a Secret that keeps the store password beside its keystore (keystore-password) opens it without any supplied password', async () => {
    const p12 = fs.readFileSync(fx.files.modernP12).toString('base64');
    const yaml = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: with-password', 'data:', `  keystore.p12: ${p12}`,
      `  keystore-password: ${Buffer.from(STORE_PASSWORD).toString('base64')}`, '---', 'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: other',
      'data:', `  keystore.p12: ${p12}`, ''].join('\n');
    const analysis = await analyzeText(yaml, { fileName: 'secrets.yaml' });
    const [own, other] = analysis.entries.filter(e => e.carrier?.key === 'keystore.p12');
    assert.equal(own.keystore?.integrity, 'verified');
    assert.deepEqual(fingerprints(own).sort(), [fx.leafFingerprint, fx.caFingerprint].sort());
    assert.ok(other.keystore?.locked, 'the password of one Secret does not open another\'s store');
    assert.ok(!JSON.stringify(analysis).includes(STORE_PASSWORD), 'the analysis keeps no password');
  });
});
