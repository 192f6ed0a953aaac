// `pki-lens check`'s scan names a real file as the workspace index does (by device and inode): a
// certificate reached through a symlink and a hard link is one file, and a kubeconfig's path
// reference through a folder the walk never entered still finds the file it scanned.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { DiskScanner } from '../../src/cli/diskScanner';
import { provideNodeCrypto } from '../../src/util/nodeCrypto';

provideNodeCrypto();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-identity-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the CLI scan: one file per real file', () => {
  const root = path.join(tmp, 'ws');
  fs.mkdirSync(path.join(root, 'pki'), { recursive: true });
  fs.mkdirSync(path.join(root, 'kube'), { recursive: true });
  const ca = path.join(root, 'pki', 'ca.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(tmp, 'ca.key'),
    '-out', ca, '-days', '30', '-subj', '/CN=identity-ca'], { stdio: 'pipe' });
  fs.linkSync(ca, path.join(root, 'pki', 'ca-hard.crt'));
  fs.symlinkSync(ca, path.join(root, 'kube', 'ca-link.crt'));
  // A folder outside the scanned tree that leads back into it: the walk never lists a path through it.
  fs.symlinkSync(path.join(root, 'pki'), path.join(tmp, 'outside'));
  fs.writeFileSync(path.join(root, 'kube', 'admin.conf'), [
    'apiVersion: v1', 'kind: Config',
    'clusters:', '- name: c', '  cluster:', '    server: https://127.0.0.1:6443', '    certificate-authority: ../../outside/ca.crt',
    'users: []', 'contexts: []', '',
  ].join('\n'));

  it('reports a certificate its symlink and its hard link reach once, under the symlink\'s name', async () => {
    const result = await new DiskScanner().scan([root]);
    const holding = result.files.filter(f => f.analysis.entries.some(e => e.objects.some(o => o.certificate)));
    assert.deepEqual(holding.map(f => f.relativePath), ['kube/ca-link.crt']);
    assert.equal(result.inventory.records.size, 1, 'one distinct certificate');
    assert.equal(result.inventory.certificates.length, 1, 'one occurrence: the three names are one file');
  });

  it('follows a path reference through a folder it did not walk to the file it scanned', async () => {
    const result = await new DiskScanner().scan([root]);
    const [kubeconfig] = result.inventory.kubeconfigs;
    assert.ok(kubeconfig, 'the kubeconfig is linked');
    const [cluster] = kubeconfig.clusters;
    assert.equal(cluster.caCertificates.length, 1, 'the CA behind ../../outside/ca.crt is the scanned certificate');
    assert.equal(cluster.caCertificates[0].file.relativePath, 'kube/ca-link.crt');
  });
});
