// pkiLens.scan.extraKubeconfigs: which setting entries name a file, and which one.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { expandExtraPath, expandExtraPaths } from '../../src/workspace/extraPaths';

describe('extra kubeconfig paths', () => {
  it('expands ~ to the home folder', () => {
    assert.equal(expandExtraPath('~/.kube/config', '/home/ops'), '/home/ops/.kube/config');
    assert.equal(expandExtraPath('~/.kube/config', '/home/ops/'), '/home/ops/.kube/config');
    assert.equal(expandExtraPath(' ~ ', '/home/ops'), '/home/ops');
  });
  it('keeps absolute paths, skips what names no file', () => {
    assert.equal(expandExtraPath('/etc/kubernetes/admin.conf', '/home/ops'), '/etc/kubernetes/admin.conf');
    assert.equal(expandExtraPath('C:\\Users\\ops\\.kube\\config', undefined), 'C:\\Users\\ops\\.kube\\config');
    for (const entry of ['', 'relative/config', '~other/.kube/config']) {
      assert.equal(expandExtraPath(entry, '/home/ops'), undefined, entry);
    }
    assert.equal(expandExtraPath('~/.kube/config', undefined), undefined, 'no home (the browser): nothing');
  });
  it('lists each file once, in the setting order, ignoring non-strings', () => {
    assert.deepEqual(expandExtraPaths(['~/.kube/config', '/home/ops/.kube/config', '/tmp/a', 42 as unknown as string], '/home/ops'), ['/home/ops/.kube/config', '/tmp/a']);
  });
});
