// The pure pieces of the workspace scan and the expiry report: scan globs as VS Code reads them,
// and the kubeadm-style table.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubeadmDate, renderExpiryReport, residualTime, shortHumanDuration } from '../../src/core/render/report';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PathFilter, expandBraces, globToRegExp } from '../../src/core/pipeline/glob';
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, namesMaterial } from '../../src/core/pipeline/scanDefaults';

describe('the order a scan reads its candidates in', () => {
  it('names certificates, keys, keystores and kubeconfigs first; the YAML and JSON the default globs also take after', () => {
    const first = ['/w/pki/ca.crt', '/w/pki/etcd/server.KEY', '/w/admin.conf', '/w/certs/a.pem', '/w/c.der', '/w/r.csr', '/w/sa.pub', '/w/ks.p12', '/w/ks.jks',
      '/w/b.p7b', '/w/list.crl', '/w/x.kubeconfig', '/w/kubeconfig', '/home/u/.kube/config'];
    const after = ['/w/deploy/secret.yaml', '/w/values.yml', '/w/package.json', '/w/keys.jwks', '/w/config', '/w/.kube/cache', '/w/pem', '/w/crt.d/notes'];
    const filter = new PathFilter(DEFAULT_INCLUDE, DEFAULT_EXCLUDE);
    for (const path of first) {
      assert.equal(namesMaterial(path), true, path);
    }
    for (const path of after) {
      assert.equal(namesMaterial(path), false, path);
    }
    // Every extension read first is one the default globs take: the order never adds a file.
    for (const path of first) {
      assert.equal(filter.matches(path.toLowerCase().replace(/^\/(w|home\/u)\//, '')), true, path);
    }
  });
});

describe('scan globs', () => {
  it('match the way VS Code globs do', () => {
    const cases: [string, string, boolean][] = [
      ['**/*.pem', 'ca.pem', true],
      ['**/*.pem', 'a/b/ca.pem', true],
      ['**/*.pem', 'a/b/ca.pem.bak', false],
      ['*.pem', 'a/ca.pem', false],
      ['**/*.{crt,key}', 'pki/etcd/ca.key', true],
      ['**/node_modules/**', 'x/node_modules/y/z.pem', true],
      ['**/.kube/config', '.kube/config', true],
      ['**/.kube/config', 'home/u/.kube/config', true],
      ['**/kubelet-client-?.pem', 'kubelet-client-1.pem', true],
      ['**/[ab].crt', 'pki/a.crt', true],
      ['**/[!ab].crt', 'pki/a.crt', false],
    ];
    for (const [glob, path, want] of cases) {
      assert.equal(globToRegExp(glob).test(path), want, `${glob} ~ ${path}`);
    }
  });

  it('the default settings take certificates and kubeconfigs, and skip build output and backups', () => {
    // The defaults users get: package.json's contributed configuration.
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties;
    const filter = new PathFilter(props['pkiLens.scan.include'].default, props['pkiLens.scan.exclude'].default);
    for (const yes of ['pki/ca.crt', 'admin.conf', 'kubelet/pki/kubelet-client-current.pem', 'home/.kube/config', 'chart/templates/secret.yaml', 'x.der']) {
      assert.ok(filter.matches(yes), yes);
    }
    for (const no of ['node_modules/x/ca.pem', 'dist/ca.pem', '.git/config', 'pki/ca.crt.bak', 'pki.bak/ca.crt', 'README.md', 'ca.crt~']) {
      assert.ok(!filter.matches(no), no);
    }
    assert.ok(filter.excludesFolder('node_modules'));
    assert.ok(filter.excludesFolder('a/b/.git'));
    assert.ok(!filter.excludesFolder('pki'));
  });

  it('tells what the exclude patterns alone take (files.watcherExclude for the own watch): VS Code\'s defaults and a folder by name', () => {
    // VS Code's own files.watcherExclude defaults, and a person's folder.
    const excluded = new PathFilter([], ['**/.git/objects/**', '**/.git/subtree-cache/**', '**/node_modules/*/**', '**/.hg/store/**', 'generated/certs']);
    assert.ok(excluded.excludesFolder('.git/objects'));
    assert.ok(excluded.excludesFolder('web/node_modules/pkg'));
    assert.ok(excluded.excludes('generated/certs'), 'a folder named by its path');
    assert.ok(!excluded.excludes('pki') && !excluded.excludesFolder('pki'));
    assert.ok(!excluded.excludes('generated') && !excluded.excludesFolder('generated'));
    assert.ok(!excluded.matches('pki/ca.crt'), 'no include pattern: matches takes nothing');
  });

  it('a filter\'s faster tests (last segment, folder segments) take exactly what the whole-path RegExp takes', () => {
    const globs = ['**/*.pem', '**/*.{crt,key}', '**/*~', '**/*.bak', '**/*', '**/', '**/node_modules/**', '**/*.bak/**', '**/[ab]?/**',
      '**/.kube/config', '**/kubeconfig', '*.pem', 'pki/**', 'a/**/b.crt', '**/{x,y/z}.pem', '**/**/*.pem'];
    const paths = ['', 'ca.pem', 'a/b/ca.pem', 'a/b/ca.pem.bak', 'node_modules', 'node_modules/', 'node_modules/x.pem', 'x/node_modules/y/z.pem',
      'x/node_modules', 'pki.bak/ca.crt', 'pki/ca.crt.bak', 'x.bak/', '.kube/config', 'home/u/.kube/config', 'a/b.crt', 'a/c/d/b.crt',
      'ca.crt~', 'a~/ca.crt', 'az/x.key', 'b/x.key', 'y/z.pem', 'q/y/z.pem', 'kubeconfig', 'kube/kubeconfig', '/', 'a//b.pem', 'pki/'];
    for (const glob of globs) {
      const filter = new PathFilter([glob], []);
      const excluding = new PathFilter(['**'], [glob]);
      const re = globToRegExp(glob);
      for (const p of paths) {
        assert.equal(filter.matches(p), re.test(p), `include ${glob} ~ ${JSON.stringify(p)}`);
        assert.equal(excluding.matches(p), !re.test(p), `exclude ${glob} ~ ${JSON.stringify(p)}`);
        assert.equal(excluding.excludesFolder(p), re.test(`${p}/`), `folder ${glob} ~ ${JSON.stringify(p)}/`);
      }
    }
    // Several in one list, as settings give them: the globs of a shape are tried as one RegExp. In
    // groups without a glob that takes everything (`**\/*`), which would hide what the others take.
    const groups = [globs, ['**/*.pem', '**/*.{crt,key}', '**/*~', '**/*.bak'], ['**/node_modules/**', '**/*.bak/**', '**/[ab]?/**', '**/b/**'],
      ['**/kubeconfig', '**/.kube/config', 'pki/**', '**/*.pem', '**/x/**', '**/{x,y/z}.pem']];
    for (const group of groups) {
      const all = new PathFilter(group, []);
      const allExcluding = new PathFilter(['**'], group);
      const res = group.map(globToRegExp);
      for (const p of [...paths, 'pki/etcd/node_modules.bak/x', 'ab/x.bak/y~', 'deep/a/b/c/d/e.pem', 'a/b/c.crt', 'x/ca.pem.bak', 'q/x/y', 'y/x', 'a//b/c']) {
        const taken = res.some(re => re.test(p));
        assert.equal(all.matches(p), taken, `include ${group} ~ ${JSON.stringify(p)}`);
        assert.equal(allExcluding.matches(p), !taken, `exclude ${group} ~ ${JSON.stringify(p)}`);
        assert.equal(allExcluding.excludesFolder(p), res.some(re => re.test(`${p}/`)), `folder ${group} ~ ${JSON.stringify(p)}/`);
      }
    }
    // And the default settings over every path of the bench's shape (folders of a scan's walk).
    const defaults = new PathFilter(DEFAULT_INCLUDE, DEFAULT_EXCLUDE);
    const [inc, exc] = [DEFAULT_INCLUDE.map(globToRegExp), DEFAULT_EXCLUDE.map(globToRegExp)];
    for (const p of [...paths, 'certs/007/leaf-3.crt', 'src/pkg/node_modules/x/ca.pem', 'build.bak/kubeconfig', 'a/.kube/config', 'x/y/values.yaml', 'notes/x.md']) {
      assert.equal(defaults.matches(p), inc.some(re => re.test(p)) && !exc.some(re => re.test(p)), `defaults ~ ${JSON.stringify(p)}`);
    }
  });

  it('expand braces, nested ones too, so several globs join into one search', () => {
    assert.deepEqual(expandBraces('**/*.{pem,crt}'), ['**/*.pem', '**/*.crt']);
    assert.deepEqual(expandBraces('a{b,c{d,e}}f'), ['abf', 'acdf', 'acef']);
    assert.deepEqual(expandBraces('plain'), ['plain']);
  });
});

describe('expiry report', () => {
  const now = new Date('2026-11-22T20:00:00Z');
  const day = 86_400_000;

  it('writes dates and residual times as kubeadm does', () => {
    assert.equal(kubeadmDate(new Date('2026-01-05T07:09:00Z')), 'Jan 05, 2026 07:09 UTC');
    assert.equal(shortHumanDuration(45_000), '45s');
    assert.equal(shortHumanDuration(364 * day + 3_600_000), '364d');
    assert.equal(shortHumanDuration(3650 * day), '10y');
    assert.equal(residualTime(new Date(now.getTime() - day), new Date(now.getTime() - 3 * day), now), 'expired 3d ago');
    assert.equal(residualTime(new Date(now.getTime() + 2 * day), new Date(now.getTime() + 9 * day), now), 'not valid for 2d');
  });

  it('prints the certificate table, then the CA table, aligned like tabwriter', () => {
    const text = renderExpiryReport({
      now,
      certificates: [
        { name: 'pki/apiserver.crt', notBefore: new Date(now.getTime() - day), notAfter: new Date(now.getTime() + 10 * day + 60_000), authority: 'pki/ca.crt', externallyManaged: false },
        { name: 'admin.conf', notBefore: new Date(now.getTime() - day), notAfter: new Date(now.getTime() + 364 * day), authority: 'pki/ca.crt', externallyManaged: false },
      ],
      authorities: [{ name: 'pki/ca.crt', notBefore: new Date(now.getTime() - day), notAfter: new Date(now.getTime() + 3649 * day), externallyManaged: true }],
      undecodable: ['scheduler.conf users[0].user.client-certificate-data: not valid base64'],
    });
    const lines = text.split('\n');
    const header = lines.findIndex(l => l.startsWith('CERTIFICATE '));
    assert.equal(lines[header], 'CERTIFICATE         EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED');
    assert.equal(lines[header + 1], 'admin.conf          Nov 21, 2027 20:00 UTC   364d            pki/ca.crt              no');
    assert.equal(lines[header + 2], 'pki/apiserver.crt   Dec 02, 2026 20:01 UTC   10d             pki/ca.crt              no');
    assert.match(text, /\nCERTIFICATE AUTHORITY   EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED\npki\/ca\.crt              Nov 18, 2036 20:00 UTC   9y              yes\n/);
    assert.match(text, /COULD NOT BE DECODED\n  scheduler\.conf/);
  });
});
