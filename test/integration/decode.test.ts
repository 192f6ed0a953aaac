// Decoding everywhere, through the real VS Code APIs: a CodeLens per certificate and key on every
// carrier kind, the outline, the decoded view (graded against `openssl x509 -text`), DER files in
// their viewer, and the clipboard/file commands. Facts come from the openssl-made manifests.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CarrierFacts, CertFacts, FileFacts, KeyFacts, Manifest } from '../fixtures/manifest';
import { openssl, rfc2253Values } from '../fixtures/openssl';
import { activate, hoverText, manifest, open, waitFor } from './helpers';

const SHOW = 'pkiLens.showDecoded';

/** RFC 5280 OIDs of the extension names openssl prints: the oracle for "every extension OID". */
const OID_OF: Record<string, string> = {
  'X509v3 Subject Key Identifier': '2.5.29.14',
  'X509v3 Key Usage': '2.5.29.15',
  'X509v3 Subject Alternative Name': '2.5.29.17',
  'X509v3 Basic Constraints': '2.5.29.19',
  'X509v3 Authority Key Identifier': '2.5.29.35',
  'X509v3 Extended Key Usage': '2.5.29.37',
};

async function lensesOf(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
  const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10_000);
  return (all ?? []).filter(l => l.command?.command === SHOW).sort((a, b) => a.range.start.compareTo(b.range.start));
}

function flatSymbols(symbols: (vscode.DocumentSymbol | vscode.SymbolInformation)[]): vscode.DocumentSymbol[] {
  return symbols.flatMap(s => ('children' in s ? [s, ...flatSymbols(s.children)] : []));
}

async function symbolNames(doc: vscode.TextDocument): Promise<string[]> {
  const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>('vscode.executeDocumentSymbolProvider', doc.uri);
  return flatSymbols(symbols ?? []).map(s => s.name);
}

async function decodedText(...args: unknown[]): Promise<string> {
  const uri = await vscode.commands.executeCommand<vscode.Uri>(SHOW, ...args);
  assert.ok(uri, `${SHOW} returned the view's URI`);
  const doc = await vscode.workspace.openTextDocument(uri);
  return doc.getText();
}

/** The document without an editor: lenses and symbols need no visible editor, and showing ~60 files costs seconds. */
function load(root: string, rel: string): Thenable<vscode.TextDocument> {
  return vscode.workspace.openTextDocument(vscode.Uri.file(path.join(root, ...rel.split('/'))));
}

function cn(name: string): string {
  return rfc2253Values(name, 'CN')[0] ?? '';
}

function keyType(key: KeyFacts): string {
  return key.algorithm === 'EC' ? `EC ${key.curve}` : key.algorithm === 'RSA' ? `RSA ${key.bits}` : 'Ed25519';
}

function certificateParts(cert: CertFacts): string[] {
  const issuer = cert.issuer === cert.subject ? 'self-issued' : `issuer CN=${cn(cert.issuer)}`;
  return [`CN=${cn(cert.subject)}`, issuer, 'expires in'];
}

/** The substrings a correct lens title has for a carrier, from openssl's facts alone. */
function expectedCarrierTitle(c: CarrierFacts, file: FileFacts): string[] {
  if (c.missing) {
    return ['file not found'];
  }
  if (c.kind === 'bundle') {
    return [`${c.certificates!.length} certificates`, 'first expires in'];
  }
  if (c.kind === 'certificate') {
    return certificateParts(c.certificates![0]);
  }
  const key = c.key!;
  const partner = (file.carriers ?? []).flatMap(o => o.certificates ?? []).find(cert => cert.publicKey === key.publicKey);
  return [`${keyType(key)} private key`, ...(partner ? [`matches CN=${cn(partner.subject)}`] : [])];
}

/** The line of each carrier's key, found in document order (carriers are listed in document order). */
function carrierLines(doc: vscode.TextDocument, facts: FileFacts, json: boolean): number[] {
  const text = doc.getText();
  let from = 0;
  return (facts.carriers ?? []).map(c => {
    const key = [...c.segments].reverse().find(s => typeof s === 'string') as string;
    const at = text.indexOf(json ? `"${key}"` : `${key}:`, from);
    assert.ok(at >= 0, `${c.path} found in ${doc.fileName}`);
    from = at + 1;
    return doc.positionAt(at).line;
  });
}

describe('decoding everywhere in a real VS Code', () => {
  const carriers = manifest('carriers');
  const keys = manifest('keys');
  const textFiles = (m: Manifest, kinds: string[]) => Object.entries(m.files).filter(([, f]) => kinds.includes(f.format) && !f.symlinkTo);

  before(activate);

  describe('CodeLens', () => {
    it('shows one correct summary per certificate and key on every carrier kind', async () => {
      let checked = 0;
      for (const [rel, facts] of textFiles(carriers, ['YAML', 'JSON'])) {
        const doc = await load(carriers.root, rel);
        const lines = carrierLines(doc, facts, facts.format === 'JSON');
        const lenses = await waitFor(`lenses of ${rel}`, async () => {
          const found = await lensesOf(doc);
          return found.length >= lines.length ? found : undefined;
        });
        assert.strictEqual(lenses.length, lines.length, `${rel}: one lens per carrier, got ${lenses.map(l => l.command?.title).join(' | ')}`);
        facts.carriers!.forEach((c, i) => {
          const lens = lenses.find(l => l.range.start.line === lines[i]);
          assert.ok(lens, `${rel} ${c.path}: a lens on line ${lines[i] + 1}`);
          for (const part of expectedCarrierTitle(c, facts)) {
            assert.ok(lens!.command!.title.includes(part), `${rel} ${c.path}: "${lens!.command!.title}" says ${part}`);
          }
          if (!c.missing) {
            assert.ok(!lens!.command!.title.includes('$(error)'), `${rel} ${c.path}: no error in "${lens!.command!.title}"`);
          }
          checked++;
        });
      }
      assert.ok(checked >= 30, `checked ${checked} carriers`);
    });

    it('gives ordinary base64 (a password, a PNG, a config blob) no lens and no hover', async () => {
      const [rel, facts] = Object.entries(carriers.files).find(([, f]) => f.ignore?.length)!;
      const doc = await load(carriers.root, rel);
      const lenses = await lensesOf(doc);
      for (const ignored of facts.ignore!) {
        const key = ignored.split('.').pop()!;
        const at = doc.getText().indexOf(`${key}:`);
        assert.ok(at >= 0, `${ignored} in ${rel}`);
        const line = doc.positionAt(at).line;
        assert.ok(!lenses.some(l => l.range.start.line === line), `no lens on ${ignored}`);
        const hover = await hoverText(doc, doc.positionAt(at + key.length + 4));
        assert.ok(!/certificate|PEM|decode/i.test(hover), `no hover about material on ${ignored}: ${hover}`);
      }
    });

    it('summarises every PEM block of the keys tree: certificates, keys (paired with x.crt beside them), requests, errors', async () => {
      for (const [rel, facts] of textFiles(keys, ['PEM'])) {
        const doc = await load(keys.root, rel);
        const lenses = await lensesOf(doc);
        const titles = lenses.map(l => l.command!.title);
        const blocks = (facts.blocks ?? []).filter(b => b.label !== 'EC PARAMETERS');
        if (facts.kind === 'broken') {
          assert.strictEqual(titles.length, 1, `${rel}: one lens`);
          assert.match(titles[0], /^\$\(error\) cannot decode/, `${rel}: ${titles[0]}`);
          continue;
        }
        assert.strictEqual(titles.length, blocks.length, `${rel}: one lens per block: ${titles.join(' | ')}`);
        blocks.forEach((b, i) => {
          const title = titles[i];
          if (b.certificate) {
            certificateParts(b.certificate).forEach(p => assert.ok(title.includes(p), `${rel}: "${title}" says ${p}`));
          } else if (b.key?.type === 'public') {
            assert.ok(title.includes(`${keyType(b.key)} public key`), `${rel}: ${title}`);
          } else if (b.key?.encrypted) {
            assert.match(title, /encrypted/, `${rel}: ${title}`);
          } else if (b.key) {
            assert.ok(title.includes(`${keyType(b.key)} private key`), `${rel}: ${title}`);
            const sibling = keys.files[rel.replace(/\.key$/, '.crt')]?.blocks?.[0]?.certificate;
            if (sibling && sibling.publicKey === b.key.publicKey) {
              assert.ok(title.includes(`matches CN=${cn(sibling.subject)}`), `${rel} is paired with its .crt: ${title}`);
            }
          } else if (b.requestSubject) {
            assert.ok(title.includes(`certificate request CN=${cn(b.requestSubject)}`), `${rel}: ${title}`);
          }
        });
      }
    });

    it('opens the decoded view of its entry when clicked', async () => {
      const doc = await load(carriers.root, 'kubeconfig.yaml');
      const lens = (await lensesOf(doc)).find(l => l.command!.title.includes('CN=bob'))!;
      const text = await decodedText(...(lens.command!.arguments ?? []));
      assert.match(text, /Certificate: CN=bob/);
      assert.ok(!text.includes('CN=alice'), 'only the clicked entry');
    });

    it('can be switched off for one language', async () => {
      const config = vscode.workspace.getConfiguration('pkiLens', { languageId: 'yaml' });
      await config.update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace, true);
      try {
        const yaml = await load(carriers.root, 'kubeconfig.yaml');
        const json = await load(carriers.root, 'kubeconfig.json');
        await waitFor('no lenses in YAML', async () => ((await lensesOf(yaml)).length === 0 ? true : undefined));
        assert.ok((await lensesOf(json)).length > 0, 'JSON keeps its lenses');
      } finally {
        await config.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace, true);
      }
    });
  });

  describe('outline', () => {
    it('lists every carrier with what it holds', async () => {
      for (const [rel, facts] of textFiles(carriers, ['YAML', 'JSON'])) {
        const doc = await load(carriers.root, rel);
        const names = await symbolNames(doc);
        for (const c of facts.carriers ?? []) {
          const name = names.find(n => n.startsWith(`${c.path} `));
          assert.ok(name, `${rel}: a symbol for ${c.path} in ${names.join(' | ')}`);
          if (c.kind === 'certificate' && !c.missing) {
            assert.ok(name!.includes(`CN=${cn(c.certificates![0].subject)}`), name);
          }
          if (c.kind === 'private-key' && c.key) {
            assert.ok(name!.includes(`${keyType(c.key)} private key`), name);
          }
        }
      }
      const names = await symbolNames(await load(carriers.root, 'kubeconfig.yaml'));
      assert.ok(names.includes('users[0].user.client-certificate-data CN=alice'), names.join(' | '));
      assert.ok(names.includes('clusters[0].cluster.certificate-authority-data 2 certificates'));
      assert.ok(names.includes('CERTIFICATE CN=carriers-alt-ca'), 'bundle members are children');
    });

    it('names PEM blocks by label and content', async () => {
      assert.deepStrictEqual(await symbolNames(await load(keys.root, 'bundle.pem')), ['CERTIFICATE CN=leaf.keys.test', 'CERTIFICATE CN=keys-test-ca']);
      assert.deepStrictEqual(await symbolNames(await load(keys.root, 'ec-p256-sec1.key')), ['EC PRIVATE KEY P-256']);
      assert.deepStrictEqual(await symbolNames(await load(keys.root, 'rsa-pkcs8.key')), ['PRIVATE KEY RSA 2048']);
    });
  });

  describe('decoded view', () => {
    it('shows the SANs, EKUs and every extension OID openssl lists', async () => {
      const facts = keys.files['leaf.crt'].blocks![0].certificate!;
      const text = await decodedText(vscode.Uri.file(path.join(keys.root, 'leaf.crt')));
      for (const san of facts.san) {
        assert.ok(text.includes(san), `SAN ${san} in:\n${text}`);
      }
      for (const eku of facts.eku) {
        assert.ok(text.includes(eku), `EKU ${eku}`);
      }
      const dump = openssl(['x509', '-noout', '-text', '-in', path.join(keys.root, 'leaf.crt')]);
      const names = [...dump.matchAll(/^ {12}(X509v3 [A-Za-z ]+|[A-Za-z][A-Za-z ]+|\d+(?:\.\d+)+): ?(critical)?$/gm)].map(m => m[1]);
      assert.ok(names.length >= 5, `openssl listed ${names.join(', ')}`);
      for (const name of names) {
        const oid = OID_OF[name] ?? name;
        assert.ok(text.includes(`(${oid})`) || text.includes(`${oid} (unknown extension)`), `extension ${name} (${oid}) in:\n${text}`);
      }
      assert.ok(text.includes(facts.sha256), 'SHA-256 fingerprint');
      assert.ok(text.includes(facts.signatureAlgorithm), 'signature algorithm');
    });

    it('follows the cursor: the carrier under it, or the whole file', async () => {
      const doc = await open(carriers.root, 'kubeconfig.yaml');
      const bob = carriers.files['kubeconfig.yaml'].carriers!.find(c => c.path === 'users[1].user.client-certificate-data')!;
      const at = doc.positionAt(doc.getText().indexOf(bob.value) + 20);
      vscode.window.activeTextEditor!.selection = new vscode.Selection(at, at);
      const text = await decodedText();
      assert.match(text, /users\[1\]\.user\.client-certificate-data/);
      assert.match(text, /Certificate: CN=bob/);
      const whole = await decodedText(doc.uri, new vscode.Position(0, 0)); // line 1 holds no material: the whole file
      assert.match(whole, /CN=alice/);
      assert.match(whole, /CN=bob/);
    });

    it('describes a key and its certificate, never its material', async () => {
      const kc = carriers.files['kubeconfig.yaml'];
      const keyCarrier = kc.carriers!.find(c => c.path === 'users[0].user.client-key-data')!;
      const text = await decodedText(vscode.Uri.file(path.join(carriers.root, 'kubeconfig.yaml')), { carrier: keyCarrier.path });
      assert.match(text, /Private Key: EC P-256/);
      assert.match(text, /matches CN=alice/);
      const pem = Buffer.from(keyCarrier.value, 'base64').toString('utf8');
      for (const line of pem.split('\n').filter(l => l && !l.startsWith('-----'))) {
        assert.ok(!text.includes(line), 'no key material in the view');
      }
    });

    it('decodes requests, multi-document carriers and path carriers', async () => {
      const csr = await decodedText(vscode.Uri.file(path.join(keys.root, 'leaf.csr')));
      assert.ok(csr.includes(`Certificate Request: ${keys.files['leaf.csr'].blocks![0].requestSubject}`), csr);
      const multi = vscode.Uri.file(path.join(carriers.root, 'multi-doc.yaml'));
      const doc = await vscode.workspace.openTextDocument(multi);
      const lenses = await lensesOf(doc);
      const second = lenses.filter(l => doc.lineAt(l.range.start.line).text.includes('ca.crt:'))[1];
      const text = await decodedText(...(second.command!.arguments ?? []));
      assert.match(text, /Encoding: PEM text/, 'the second data.ca.crt is the ConfigMap\'s PEM, not the Secret\'s base64');
      const paths = vscode.Uri.file(path.join(carriers.root, 'paths', 'kubeconfig.yaml'));
      const client = await decodedText(paths, { carrier: 'users[0].user.client-certificate' });
      assert.match(client, /Certificate: CN=paths-client/);
      assert.match(client, /path pki\/client\.crt → /);
      const missing = await decodedText(paths, { carrier: 'users[1].user.client-certificate' });
      assert.match(missing, /file not found/);
    });
  });

  describe('kubeconfig path fields', () => {
    it('hover shows what the referenced file holds, or that it is missing', async () => {
      const rel = 'paths/kubeconfig.yaml';
      const doc = await load(carriers.root, rel);
      const facts = carriers.files[rel].carriers!;
      const at = (value: string) => doc.positionAt(doc.getText().indexOf(value) + 2);
      const ca = facts.find(c => c.path.endsWith('certificate-authority'))!;
      assert.match(await hoverText(doc, at(ca.value)), new RegExp(`CN=${cn(ca.certificates![0].subject)}`));
      const key = facts.find(c => c.path.endsWith('client-key'))!;
      const keyHover = await hoverText(doc, at(key.value));
      assert.match(keyHover, /Private key/);
      assert.match(keyHover, /matches/);
      const missing = facts.find(c => c.missing)!;
      assert.match(await hoverText(doc, at(missing.value)), /file not found: .*missing\.crt/);
    });
  });

  describe('DER files', () => {
    const viewerTab = (uri: vscode.Uri, viewType: string) => vscode.window.tabGroups.all.flatMap(g => g.tabs)
      .find(t => t.input instanceof vscode.TabInputCustom && t.input.viewType === viewType && t.input.uri.toString() === uri.toString());

    it('open .der files decoded', async () => {
      const uri = vscode.Uri.file(path.join(keys.root, 'cert.der'));
      await vscode.commands.executeCommand('vscode.open', uri);
      await waitFor('the DER viewer', () => viewerTab(uri, 'pkiLens.derViewer'));
      const facts = keys.files['cert.der'].blocks![0].certificate!;
      const text = await decodedText(uri);
      assert.ok(text.includes(facts.sha256), text);
      facts.san.forEach(san => assert.ok(text.includes(san), san));
    });

    it('swap a binary .crt from the text editor to the viewer', async () => {
      const uri = vscode.Uri.file(path.join(keys.root, 'binary.crt'));
      await vscode.commands.executeCommand('vscode.open', uri);
      await waitFor('the certificate viewer', () => viewerTab(uri, 'pkiLens.certificateViewer'));
      await waitFor('no text tab left', () => !vscode.window.tabGroups.all.flatMap(g => g.tabs)
        .some(t => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString()) || undefined);
    });
  });

  describe('commands', () => {
    const written: string[] = [];
    after(() => written.forEach(f => fs.rmSync(f, { force: true })));
    const kubeconfig = () => vscode.Uri.file(path.join(carriers.root, 'kubeconfig.yaml'));

    it('copyAsPem puts a carrier\'s PEM on the clipboard', async () => {
      const c = carriers.files['kubeconfig.yaml'].carriers!.find(x => x.path === 'users[0].user.client-certificate-data')!;
      const result = await vscode.commands.executeCommand<{ text: string; labels: string[] }>('pkiLens.copyAsPem', kubeconfig(), { carrier: c.path });
      assert.strictEqual(result?.text, Buffer.from(c.value, 'base64').toString('utf8'));
      assert.deepStrictEqual(result?.labels, ['CERTIFICATE']);
      assert.strictEqual(await vscode.env.clipboard.readText(), result?.text);
    });

    it('copyFingerprint copies the SHA-256 fingerprint of the certificate under the cursor', async () => {
      const doc = await open(carriers.root, 'kubeconfig.yaml');
      const alice = carriers.files['kubeconfig.yaml'].carriers!.find(c => c.path === 'users[0].user.client-certificate-data')!;
      const at = doc.positionAt(doc.getText().indexOf(alice.value) + 10);
      vscode.window.activeTextEditor!.selection = new vscode.Selection(at, at);
      await vscode.commands.executeCommand('pkiLens.copyFingerprint');
      assert.strictEqual(await vscode.env.clipboard.readText(), alice.certificates![0].sha256);
    });

    it('encodeForKubeconfig replaces a PEM block scalar with the base64 line', async () => {
      const pem = Buffer.from(carriers.files['kubeconfig.yaml'].carriers![2].value, 'base64').toString('utf8');
      const indented = pem.trimEnd().split('\n').map(l => `      ${l}`).join('\n');
      const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: `users:\n- name: x\n  user:\n    client-certificate-data: |\n${indented}\n    client-key-data: x\n` });
      const editor = await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(4, 0, 4 + pem.trimEnd().split('\n').length, 0);
      const result = await vscode.commands.executeCommand<{ base64: string; replaced: boolean }>('pkiLens.encodeForKubeconfig');
      assert.ok(result?.replaced);
      assert.strictEqual(Buffer.from(result!.base64, 'base64').toString('utf8'), pem);
      assert.strictEqual(doc.getText(), `users:\n- name: x\n  user:\n    client-certificate-data: ${result!.base64}\n    client-key-data: x\n`);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('decodeToFile writes keys 0600 next to the kubeconfig and never overwrites unasked', async () => {
      const c = carriers.files['kubeconfig.yaml'].carriers!.find(x => x.path === 'users[0].user.client-key-data')!;
      const first = await vscode.commands.executeCommand<{ uri: vscode.Uri; mode?: number }>('pkiLens.decodeToFile', kubeconfig(), { carrier: c.path, ifExists: 'skip' });
      assert.ok(first, 'a file was written');
      written.push(first!.uri.fsPath);
      assert.strictEqual(path.basename(first!.uri.fsPath), 'alice.key');
      assert.strictEqual(fs.statSync(first!.uri.fsPath).mode & 0o777, 0o600);
      assert.strictEqual(fs.readFileSync(first!.uri.fsPath, 'utf8'), Buffer.from(c.value, 'base64').toString('utf8'));
      const skipped = await vscode.commands.executeCommand('pkiLens.decodeToFile', kubeconfig(), { carrier: c.path, ifExists: 'skip' });
      assert.strictEqual(skipped, undefined, 'an existing file is left alone');
      const second = await vscode.commands.executeCommand<{ uri: vscode.Uri }>('pkiLens.decodeToFile', kubeconfig(), { carrier: c.path, ifExists: 'rename' });
      written.push(second!.uri.fsPath);
      assert.strictEqual(path.basename(second!.uri.fsPath), 'alice-1.key');
      const cert = await vscode.commands.executeCommand<{ uri: vscode.Uri; mode?: number }>('pkiLens.decodeToFile', kubeconfig(), { carrier: 'clusters[0].cluster.certificate-authority-data', ifExists: 'skip' });
      written.push(cert!.uri.fsPath);
      assert.strictEqual(path.basename(cert!.uri.fsPath), 'prod-ca.crt');
      assert.strictEqual((fs.readFileSync(cert!.uri.fsPath, 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
    });
  });
});
