// Renewal refusals through the real commands: each a clear message, and not one byte of the
// workspace changed (every file compared before and after, backups included).
import 'reflect-metadata';
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { Workbench } from '../fixtures/ca';
import { openssl } from '../fixtures/openssl';
import { verify } from '../fixtures/renewal';
import { RenewalCommands, requireTrust } from '../../src/features/renew/commands';
import { activate, manifest } from './helpers';
import { pkiApi } from './pkiWorkspace';
import { RenewCommandResult, Tree, differences, indexed, issueCa, issueLeaf, notAfter, renew, renewOk, workspaceCa } from './renewHelpers';

describe('renewal refusals leave every file as it was', function () {
  this.timeout(120_000);
  const m = manifest('kubeadm_healthy');
  const tree = new Tree(m.root);
  let bench: Workbench;
  let encryptedCaKey: vscode.Uri;

  before(async () => {
    await activate();
    await (await pkiApi()).services.index.ready();
    bench = new Workbench();
    encryptedCaKey = vscode.Uri.file(bench.scratch('ca.enc.key', openssl(['pkey', '-aes256', '-passout', 'pass:right horse'], { input: tree.read('pki/ca.key') })));

    // A leaf whose CA is nowhere in the workspace.
    const outsider = issueCa(bench, 'outside-ca', -10, 3650);
    tree.write('external/leaf.crt', issueLeaf(bench, outsider, 'external-leaf', -10, 300).pem);
    // A CA whose key is in the workspace, but encrypted.
    const locked = issueCa(bench, 'locked-ca', -10, 3650);
    tree.write('locked/ca.crt', locked.pem);
    tree.write('locked/ca.key', openssl(['pkey', '-aes256', '-passout', 'pass:locked'], { input: locked.key.pkcs8 }), 0o600);
    tree.write('locked/leaf.crt', issueLeaf(bench, locked, 'locked-leaf', -10, 300).pem);
    // A leaf of the cluster CA with no key anywhere (nothing to rotate into).
    tree.write('lonely/leaf.crt', issueLeaf(bench, workspaceCa(tree, 'pki/ca.crt', 'pki/ca.key', 'rsa2048'), 'lonely', -10, 300).pem);
    for (const rel of ['external/leaf.crt', 'locked/ca.crt', 'locked/ca.key', 'locked/leaf.crt', 'lonely/leaf.crt']) {
      await indexed(tree, rel);
    }
  });

  after(() => bench?.dispose());

  /** Run, expect the refusal, and check that nothing at all changed on disk. */
  async function refused(run: () => Promise<RenewCommandResult>, code: string, message: RegExp): Promise<RenewCommandResult> {
    const before = tree.snapshot();
    const result = await run();
    assert.strictEqual(result.ok, false, `refused: ${JSON.stringify(result.renewed.map(r => r.where))}`);
    assert.strictEqual(result.error?.code, code, `code ${code}, got ${result.error?.code}: ${result.error?.message}`);
    assert.match(result.error!.message, message);
    assert.deepStrictEqual(result.files, []);
    assert.deepStrictEqual(differences(before, tree.snapshot()), [], 'no file changed, none added');
    return result;
  }

  it('refuses a CA key that does not belong to the CA certificate', async () => {
    await refused(() => renew('pkiLens.renewCertificate', tree.uri('pki/apiserver.crt'), {
      caCertificate: tree.uri('pki/ca.crt'), caKey: tree.uri('pki/front-proxy-ca.key'),
    }), 'ca-key-mismatch', /CA key does not belong to the CA certificate CN=kubernetes/);
  });

  it('refuses when the named CA files do not exist', async () => {
    await refused(() => renew('pkiLens.renewCertificate', tree.uri('pki/apiserver.crt'), {
      caCertificate: tree.uri('pki/no-such-ca.crt'), caKey: tree.uri('pki/ca.key'),
    }), 'ca-missing', /cannot read the CA certificate pki\/no-such-ca\.crt: no such file/);
    await refused(() => renew('pkiLens.renewCertificate', tree.uri('pki/apiserver.crt'), {
      caCertificate: tree.uri('pki/ca.crt'), caKey: tree.uri('pki/no-such-ca.key'),
    }), 'ca-key-missing', /cannot read the CA key pki\/no-such-ca\.key: no such file/);
  });

  it('refuses a certificate whose CA is not in the workspace (no prompt without confirm)', async () => {
    await refused(() => renew('pkiLens.renewCertificate', tree.uri('external/leaf.crt')),
      'ca-missing', /the CA that issued CN=external-leaf \(CN=outside-ca\) is not in the workspace .*pass caCertificate and caKey/);
  });

  it('refuses a "CA" that is not a CA', async () => {
    await refused(() => renew('pkiLens.renewCertificate', tree.uri('pki/apiserver-kubelet-client.crt'), {
      caCertificate: tree.uri('pki/apiserver.crt'), caKey: tree.uri('pki/apiserver.key'),
    }), 'not-a-ca', /CN=kube-apiserver is not a CA/);
  });

  it('refuses a CA that did not issue the certificate', async () => {
    await refused(() => renew('pkiLens.renewCertificate', tree.uri('pki/etcd/server.crt'), {
      caCertificate: tree.uri('pki/ca.crt'), caKey: tree.uri('pki/ca.key'),
    }), 'not-issued-by-ca', /was issued by CN=etcd-ca, not by the CA CN=kubernetes/);
  });

  it('refuses an encrypted CA key without its passphrase, and with a wrong one, never echoing it', async () => {
    await refused(() => renew('pkiLens.renewCertificate', tree.uri('pki/apiserver.crt'), {
      caCertificate: tree.uri('pki/ca.crt'), caKey: encryptedCaKey,
    }), 'encrypted-key', /CA key .*ca\.enc\.key is encrypted: pass its passphrase/);
    const wrong = await refused(() => renew('pkiLens.renewCertificate', tree.uri('pki/apiserver.crt'), {
      caCertificate: tree.uri('pki/ca.crt'), caKey: encryptedCaKey, passphrase: 'wrong horse',
    }), 'bad-passphrase', /cannot be decrypted with that passphrase/);
    assert.ok(!JSON.stringify(wrong).includes('wrong horse'), 'the passphrase appears nowhere');
    // Found by the index: the encrypted key sitting beside its CA certificate.
    await refused(() => renew('pkiLens.renewCertificate', tree.uri('locked/leaf.crt')),
      'encrypted-key', /key of the CA CN=locked-ca \(locked\/ca\.key\) is encrypted/);
  });

  it('refuses to rotate a key that has no place in the workspace', async () => {
    await refused(() => renew('pkiLens.renewCertificate', tree.uri('lonely/leaf.crt'), { key: 'rotate' }),
      'key-missing', /needs a place to write the new key/);
  });

  it('refuses in an untrusted workspace (trust check injected into the same commands class)', async () => {
    // VS Code's trust cannot be revoked from a test; the commands take the check as a dependency,
    // and the registered instance uses vscode.workspace.isTrusted.
    assert.throws(() => requireTrust(() => false), /not trusted/);
    assert.doesNotThrow(() => requireTrust(() => true));
    const untrusted = new RenewalCommands((await pkiApi()).services, { isTrusted: () => false });
    try {
      await refused(() => untrusted.renewCertificate(tree.uri('pki/apiserver.crt'), { confirm: false }), 'untrusted', /workspace is not trusted/);
      await refused(() => untrusted.renewCa(tree.uri('pki/ca.crt'), { confirm: false }), 'untrusted', /not trusted/);
      await refused(() => untrusted.renewExpiring({ confirm: false }), 'untrusted', /not trusted/);
    } finally {
      untrusted.dispose();
    }
  });

  it('refuses bad arguments', async () => {
    await refused(() => renew('pkiLens.renewCertificate', tree.uri('admin.conf'), { index: 3 }), 'no-certificate', /admin\.conf has 1 user client certificate; index 3 is out of range/);
    await refused(() => renew('pkiLens.renewCertificate', tree.uri('pki/apiserver.crt'), { key: 'sideways' as 'reuse' }), 'invalid-input', /key must be "reuse" or "rotate"/);
    await refused(() => renew('pkiLens.renewCertificate', tree.uri('pki/sa.pub')), 'no-certificate', /holds no certificate/);
  });

  it('clamps NotAfter to a CA that expires first, and says so (renewed, not refused)', async () => {
    const shortCa = issueCa(bench, 'short-ca', -3000, 20);
    tree.write('short/ca.crt', shortCa.pem);
    tree.write('short/ca.key', shortCa.key.pkcs8, 0o600);
    tree.write('short/leaf.crt', issueLeaf(bench, shortCa, 'short-leaf', -300, 10).pem);
    for (const rel of ['short/ca.crt', 'short/ca.key', 'short/leaf.crt']) {
      await indexed(tree, rel);
    }
    const before = tree.snapshot();
    const result = await renewOk('pkiLens.renewCertificate', tree.uri('short/leaf.crt'), { validityDays: 365 });
    const renewed = result.renewed[0];
    assert.strictEqual(renewed.clamped, true);
    assert.match(renewed.clampMessage ?? '', /cannot outlive its CA/);
    const leaf = tree.read('short/leaf.crt');
    assert.strictEqual(notAfter(leaf).getTime(), notAfter(shortCa.pem).getTime(), 'NotAfter = the CA\'s, per openssl');
    assert.ok(verify(bench, shortCa.pem, leaf).ok);
    const changed = differences(before, tree.snapshot());
    assert.deepStrictEqual(changed.filter(c => !/^added short\/leaf\.crt\.\d{8}T\d{6}Z\.bak$/.test(c)), ['changed short/leaf.crt'], 'only the leaf (and its backup)');
  });
});
