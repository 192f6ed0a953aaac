import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { activate, hoverText, manifest, open, positionOf } from './helpers';

describe('hovers in a real VS Code', () => {
  const carriers = manifest('carriers');
  const keys = manifest('keys');

  before(activate);

  const kubeconfigFile = () => {
    const entry = Object.entries(carriers.files).find(([name, f]) => f.kind === 'kubeconfig' && f.format === 'YAML' && f.carriers?.some(c => c.path.endsWith('client-certificate-data') && c.certificates?.length));
    assert.ok(entry, 'the carriers fixture has a YAML kubeconfig with embedded client certificates');
    return entry;
  };

  it('hover on certificate-authority-data shows the CA subject', async () => {
    const [rel, facts] = kubeconfigFile();
    const ca = facts.carriers!.find(c => c.path.endsWith('certificate-authority-data') && c.certificates?.length)!;
    const doc = await open(carriers.root, rel);
    const text = await hoverText(doc, positionOf(doc, 'certificate-authority-data', 3));
    assert.ok(text.includes(ca.certificates![0].subject.replace(/\\/g, '\\\\')) || text.includes(ca.certificates![0].subject), `hover shows subject ${ca.certificates![0].subject}:\n${text}`);
    assert.match(text, /Valid/);
  });

  it('hover on client-certificate-data shows SANs and TLS Web Client Authentication', async () => {
    const [rel, facts] = kubeconfigFile();
    const client = facts.carriers!.find(c => c.path.endsWith('client-certificate-data') && c.certificates?.[0]?.san.length)!;
    assert.ok(client, 'the fixture has a client certificate with SANs');
    const doc = await open(carriers.root, rel);
    const valueStart = doc.getText().indexOf(client.value);
    assert.ok(valueStart > 0, 'the client certificate value is in the file');
    const text = await hoverText(doc, doc.positionAt(valueStart + 10));
    assert.ok(text.includes('TLS Web Client Authentication'), `EKU in hover:\n${text}`);
    const cert = client.certificates![0];
    for (const san of cert.san) {
      // openssl prints "IP Address:10.0.0.1"; the hover uses the shorter "IP:10.0.0.1".
      const ours = san.replace(/^IP Address:/, 'IP:');
      assert.ok(text.includes(ours), `SAN ${ours} in hover:\n${text}`);
    }
  });

  it('hover on a key says whether it matches the client certificate, and never shows key material', async () => {
    const [rel, facts] = kubeconfigFile();
    const key = facts.carriers!.find(c => c.path.endsWith('client-key-data') && c.key)!;
    const doc = await open(carriers.root, rel);
    const text = await hoverText(doc, doc.positionAt(doc.getText().indexOf(key.value) + 5));
    assert.match(text, /Private key/);
    assert.match(text, /matches/);
    assert.ok(!text.includes(key.value.slice(0, 40)), 'no key material in the hover');
  });

  it('hover on a broken value gives the reason', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: 'apiVersion: v1\nkind: Config\nusers:\n- name: broken\n  user:\n    client-certificate-data: LS0tLS1CRUdJTi!!\n    client-key-data: aGVsbG8gd29ybGQ=\n',
    });
    const bad = await hoverText(doc, positionOf(doc, 'LS0tLS1'));
    assert.match(bad, /not valid base64 \(unexpected character "!" at offset \d+\)/);
    const noPem = await hoverText(doc, positionOf(doc, 'aGVsbG8'));
    assert.match(noPem, /tls: failed to find any PEM data in key input/);
    for (const [rel, facts] of Object.entries(keys.files).filter(([, f]) => f.kind === 'broken')) {
      const file = await open(keys.root, rel);
      const text = await hoverText(file, positionOf(file, '-----BEGIN', 12));
      assert.match(text, /Cannot decode|no END line|PEM body|ends with|unsupported PEM label/, `${rel}: ${facts.note ?? ''}\n${text}`);
    }
  });

  it('hover works on a large kubeconfig, analysed off the extension host thread', async () => {
    const [, facts] = kubeconfigFile();
    const ca = facts.carriers!.find(c => c.path.endsWith('certificate-authority-data') && c.certificates?.length === 1)!;
    const clusters = Array.from({ length: 400 }, (_, i) => `- name: c${i}\n  cluster:\n    server: https://10.0.${i >> 8}.${i & 255}:6443\n    certificate-authority-data: ${ca.value}\n`).join('');
    const content = `apiVersion: v1\nkind: Config\nclusters:\n${clusters}`;
    assert.ok(content.length > 300 * 1024, `large enough for the worker (${content.length} chars)`);
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content });
    const last = content.lastIndexOf('certificate-authority-data');
    const text = await hoverText(doc, doc.positionAt(last + 3));
    assert.ok(text.includes(ca.certificates![0].subject), `hover on the 400th cluster shows its CA:\n${text.slice(0, 300)}`);
  });

  it('hover on a PEM bundle file shows one section per certificate', async () => {
    const entry = Object.entries(keys.files).find(([, f]) => f.format === 'PEM' && (f.blocks?.filter(b => b.certificate).length ?? 0) >= 2);
    assert.ok(entry, 'the keys fixture has a PEM bundle');
    const [rel, facts] = entry;
    const doc = await open(keys.root, rel);
    const certs = facts.blocks!.filter(b => b.certificate);
    let from = 0;
    for (let i = 0; i < facts.blocks!.length; i++) {
      const at = doc.getText().indexOf('-----BEGIN', from);
      from = at + 1;
      const block = facts.blocks![i];
      if (!block.certificate) {
        continue;
      }
      const text = await hoverText(doc, doc.positionAt(at + 30));
      assert.ok(text.includes(block.certificate.sha256), `block ${i} hover shows its fingerprint:\n${text}`);
    }
    assert.ok(certs.length >= 2);
  });
});
