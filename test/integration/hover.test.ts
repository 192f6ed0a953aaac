import * as assert from 'node:assert';
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
    const client = facts.carriers!.find(c => c.path.endsWith('client-certificate-data') && c.certificates?.length)!;
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
    const broken = Object.entries(carriers.files).flatMap(([rel, f]) => (f.carriers ?? []).filter(c => c.broken).map(c => [rel, c] as const))[0];
    assert.ok(broken, 'the carriers fixture has a broken carrier');
    const [rel, carrier] = broken;
    const doc = await open(carriers.root, rel);
    const text = await hoverText(doc, doc.positionAt(doc.getText().indexOf(carrier.value) + 2));
    assert.match(text, /Cannot decode|not valid base64|no PEM block|PEM body/);
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
