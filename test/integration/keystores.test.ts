// Keystores in a real VS Code, on the tree openssl and keytool made (test/fixtures/keystores.ts):
// locked stores are findings in the Problems panel (never skipped), PKI Lens: Unlock Keystore opens
// them, the certificates inside then reach the tree and the hover of a cert-manager Secret, and the
// password is nowhere in the logs or the run's data afterwards.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KeystoreFixtures, STORE_PASSWORD } from '../fixtures/keystores';
import { hoverText, open, positionOf, waitFor } from './helpers';
import { fmt, pkiApi, pkiDiagnostics, rangeOf, waitForDiagnosticsWhere } from './pkiWorkspace';
import type { TreeNodeSnapshot } from '../../src/features/inventory/tree';

function keystoreManifest(): KeystoreFixtures & { root: string } {
  const file = process.env.PKI_LENS_MANIFEST_KEYSTORES;
  assert.ok(file, 'PKI_LENS_MANIFEST_KEYSTORES is not set');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as KeystoreFixtures & { root: string };
}

const flatten = (nodes: TreeNodeSnapshot[]): TreeNodeSnapshot[] => nodes.flatMap(n => [n, ...flatten(n.children)]);

/** Every file under `dir` (bounded in size) that contains `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, entry.name);
      if (entry.isDirectory()) {
        walk(abs);
      } else if (entry.isFile() && fs.statSync(abs).size < 20 * 1048576 && fs.readFileSync(abs).includes(needle)) {
        hits.push(abs);
      }
    }
  };
  if (fs.existsSync(dir)) {
    walk(dir);
  }
  return hits;
}

describe('keystores in a real VS Code', () => {
  const m = keystoreManifest();
  const file = (abs: string) => path.relative(m.root, abs).split(path.sep).join('/');
  const codesOf = (f: string, code: string) => pkiDiagnostics(m.root).filter(d => d.file === f && d.code === code);

  before(async () => {
    await (await pkiApi()).services.index.ready();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('locked stores are findings, each once: warnings for PKCS#12, information for JKS/JCEKS; legacy stores are weak-keystore', async () => {
    const locked = [m.files.modernP12, m.files.legacyP12, m.files.keyJks, m.files.trustJks, m.files.jceks].map(file);
    await waitForDiagnosticsWhere(m.root, actual => {
      const got = actual.filter(a => a.code === 'keystore-locked').map(a => a.file).sort();
      const want = [...locked, 'app-tls-secret.yaml', 'app-tls-secret.yaml'].sort();
      return { ok: JSON.stringify(got) === JSON.stringify(want), report: `keystore-locked on ${got.join(', ')}; want ${want.join(', ')}` };
    });
    assert.strictEqual(codesOf(file(m.files.modernP12), 'keystore-locked')[0].diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.strictEqual(codesOf(file(m.files.trustJks), 'keystore-locked')[0].diagnostic.severity, vscode.DiagnosticSeverity.Information);
    assert.deepStrictEqual(codesOf(file(m.files.emptyP12), 'keystore-locked'), [], 'a store with the empty password opens by itself');
    const weak = pkiDiagnostics(m.root).filter(d => d.code === 'weak-keystore').map(d => d.file).sort();
    assert.deepStrictEqual(weak, [file(m.files.legacyP12), file(m.files.keyJks), file(m.files.jceks)].sort(), 'the modern PKCS#12 and the trust-only JKS are not weak');
    assert.deepStrictEqual(pkiDiagnostics(m.root).filter(d => d.code === 'key-mismatch' && d.file.startsWith('legacy-pem/')).map(d => d.file), [],
      'a locked legacy PEM key cannot be compared yet');
    const secret = codesOf('app-tls-secret.yaml', 'keystore-locked').map(d => d.diagnostic.message).join('\n');
    assert.match(secret, /PKCS#12 keystore in data\.keystore\.p12 is locked/);
  });

  it('PKI Lens: Unlock Keystore opens them: Problems clear, the tree lists the certificates inside, the Secret hover shows the store', async () => {
    const ran = await vscode.commands.executeCommand<boolean>('pkiLens.unlockKeystore', { password: STORE_PASSWORD, remember: true });
    assert.strictEqual(ran, true);
    await waitForDiagnosticsWhere(m.root, actual => {
      const left = actual.filter(a => a.code === 'keystore-locked');
      return { ok: left.length === 0, report: left.map(a => `${a.file}: ${a.diagnostic.message}`).join('\n') };
    });
    assert.ok(codesOf(file(m.files.legacyP12), 'weak-keystore').length === 1, 'still weak once opened');

    const nodes = flatten(await (await pkiApi()).inventoryTree.roots('file'));
    const inP12 = nodes.filter(n => n.uri?.endsWith('/modern.p12') && n.fingerprint);
    assert.deepStrictEqual(inP12.map(n => n.fingerprint).sort(), [m.leafFingerprint, m.caFingerprint].sort(), 'the tree shows what openssl put in the PKCS#12');
    const inJks = nodes.filter(n => n.uri?.endsWith('/trust.jks') && n.fingerprint);
    assert.deepStrictEqual(inJks.map(n => n.fingerprint), [m.caFingerprint]);

    const doc = await open(m.root, 'app-tls-secret.yaml');
    const hover = await hoverText(doc, positionOf(doc, 'keystore.p12: ', 'keystore.p12: '.length + 5));
    assert.match(hover, /Keystore: PKCS#12 \(opened with the supplied password\)/);
    assert.match(hover, /CN=app\.example\.com/);
    assert.match(hover, /ECDSA P-256/);
    const jksHover = await hoverText(doc, positionOf(doc, 'truststore.jks: ', 'truststore.jks: '.length + 5));
    assert.match(jksHover, /Keystore: JKS/);
    assert.match(jksHover, /trustedCertEntry/);
  });

  it('the unlocked password opens legacy Proc-Type PEM keys too: key-mismatch on the CA key beside the leaf, the hover says which matches', async () => {
    await waitForDiagnosticsWhere(m.root, actual => {
      const got = actual.filter(a => a.code === 'key-mismatch' && a.file.startsWith('legacy-pem/')).map(a => a.file);
      return { ok: JSON.stringify(got) === JSON.stringify([file(m.files.legacyPemMismatched)]), report: `key-mismatch on ${got.join(', ')}` };
    });
    for (const [key, says] of [[m.files.legacyPemMatching, /matches CN=app\.example\.com/], [m.files.legacyPemMismatched, /does not match\*\* CN=app\.example\.com/]] as const) {
      const doc = await vscode.workspace.openTextDocument(key);
      const hover = await hoverText(doc, new vscode.Position(0, 5));
      assert.match(hover, says);
      assert.match(hover, /legacy PEM, EVP\\_BytesToKey MD5/, 'markdown escapes the underscore');
    }
  });

  it('the password is in no log and no file of the run', async () => {
    // The extension host runs with XDG_DATA_HOME inside the run's data dir (scripts/vscode/workbench.mjs): its parent holds the user data, logs included.
    const dataHome = process.env.XDG_DATA_HOME;
    assert.ok(dataHome, 'the run isolates its data');
    const runDir = path.dirname(dataHome);
    // The log channel writes its file in the background: wait for the line the unlock logged, which proves the search looks where the logs are.
    await waitFor(`the PKI Lens log under ${runDir}`, () => filesContaining(runDir, 'keystores rescanned with a supplied password').length > 0, 30_000);
    assert.deepStrictEqual(filesContaining(runDir, STORE_PASSWORD), []);
    assert.deepStrictEqual(filesContaining(m.root, STORE_PASSWORD), []);
  });

  it('Ingress, Gateway and Certificate-drift rules: each finding once in the broken tree, on the host or secretName as written; none in the healthy twin', async () => {
    const want = m.ingress.expected.map(e => {
      const abs = path.join(m.ingress.broken, e.file);
      const text = fs.readFileSync(abs, 'utf8');
      const start = text.indexOf(e.on, text.indexOf('spec:'));
      return `${e.code} ${file(abs)} ${fmt(rangeOf(text, start, start + e.on.length))}`;
    }).sort();
    await waitForDiagnosticsWhere(m.root, actual => {
      const got = actual.filter(a => a.code.startsWith('ingress-') || a.code === 'certificate-spec-drift').map(a => `${a.code} ${a.file} ${fmt(a.diagnostic.range)}`).sort();
      return { ok: JSON.stringify(got) === JSON.stringify(want), report: `got\n${got.join('\n')}\nwant\n${want.join('\n')}` };
    });
    const uncovered = pkiDiagnostics(m.root).find(d => d.code === 'ingress-host-not-covered' && d.file.endsWith('ingress-uncovered.yaml'))!;
    assert.ok(uncovered.diagnostic.message.endsWith('clients would say: x509: certificate is valid for app.example.com, www.example.com, not api.example.com'), uncovered.diagnostic.message);
    assert.strictEqual(uncovered.diagnostic.severity, vscode.DiagnosticSeverity.Error);
    const certificate = await vscode.workspace.openTextDocument(path.join(m.ingress.broken, 'certificate.yaml'));
    const specHover = await hoverText(certificate, positionOf(certificate, '  - api.example.com', 6));
    assert.match(specHover, /cert-manager Certificate shop\/app\*\* — will issue/);
    assert.match(specHover, /Duration \| 2160h \(90 days\)/);
    assert.match(specHover, /The certificate in the Secret differs/);
    assert.match(specHover, /the DNS name api\.example\.com it asks for is not a SAN/);
    const healthySpec = await vscode.workspace.openTextDocument(path.join(m.ingress.healthy, 'certificate.yaml'));
    assert.match(await hoverText(healthySpec, positionOf(healthySpec, 'secretName: ', 'secretName: '.length + 2)), /The certificate in the Secret matches this spec/);
    const healthy = file(m.ingress.healthy);
    assert.deepStrictEqual(pkiDiagnostics(m.root).filter(d => d.file.startsWith(`${healthy}/`)).map(d => d.key), [], 'nothing on the healthy twin');
  });
});
