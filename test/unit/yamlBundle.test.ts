// Every bundle takes the yaml library's browser build (scripts/build/yamlBrowserBuild.mjs): its Node
// build reads process.env for every token it parses. Proved on bundles built with and without the
// plugin, as esbuild.mjs builds: parsing a kubeconfig in the plugin's bundle reads no environment
// variable (the plain bundle reads them, so the count can fail), and its documents, values and
// ranges are those of the library as the unit tests load it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import * as YAML from 'yaml';

const ROOT = path.join(__dirname, '..', '..', '..');

type Yaml = typeof YAML;

function bundle(out: string, withPlugin: boolean): Yaml {
  const script = `
    import * as esbuild from 'esbuild';
    import { yamlBrowserBuild } from './scripts/build/yamlBrowserBuild.mjs';
    await esbuild.build({ absWorkingDir: process.cwd(), bundle: true, platform: 'node', target: 'node18', format: 'cjs', mainFields: ['module', 'main'],
      logLevel: 'silent', stdin: { contents: "export * from 'yaml';", resolveDir: 'src', loader: 'ts' }, outfile: process.env.YAML_OUT,
      plugins: process.env.YAML_PLAIN ? [] : [yamlBrowserBuild] });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, YAML_OUT: out, ...(withPlugin ? {} : { YAML_PLAIN: '1' }) },
  });
  assert.equal(r.status, 0, r.stderr);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(out) as Yaml;
}

/** Parses `text` with `yaml`, counting the reads of process.env meanwhile. */
function parseCounting(yaml: Yaml, text: string): { documents: YAML.Document.Parsed[]; envReads: number } {
  const env = process.env;
  let envReads = 0;
  process.env = new Proxy(env, { get: (target, key) => (envReads++, Reflect.get(target, key)) });
  try {
    return { documents: yaml.parseAllDocuments(text) as YAML.Document.Parsed[], envReads };
  } finally {
    process.env = env;
  }
}

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${'TUlJQ2VEQ0NBYUFBd0lCQWdJQkFUQU5CZ2txaGtpRzl3MEJBUXNGQURBVk1STXdFUVlEVlFRRA=='.repeat(20)}
    server: https://10.0.0.1:6443
  name: kubernetes
users:
- name: admin
  user:
    client-certificate: ../pki/admin.crt
---
kind: Secret
data: { tls.crt: "Zm9v", tls.key: Ymfy }
`;

describe('the yaml library in the bundles', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-yaml-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parses with no read of the environment, and as the library the unit tests load', () => {
    const browser = parseCounting(bundle(path.join(dir, 'browser.cjs'), true), KUBECONFIG);
    const plain = parseCounting(bundle(path.join(dir, 'plain.cjs'), false), KUBECONFIG);
    assert.equal(browser.envReads, 0, 'the bundled parser reads no environment variable');
    assert.ok(plain.envReads > 20, `the Node build reads one per token (${plain.envReads} reads)`);
    const reference = YAML.parseAllDocuments(KUBECONFIG) as YAML.Document.Parsed[];
    assert.equal(browser.documents.length, 2);
    browser.documents.forEach((doc, i) => {
      assert.deepEqual(doc.toJS(), reference[i].toJS());
      assert.deepEqual(doc.errors.map(e => e.message), reference[i].errors.map(e => e.message));
      assert.deepEqual(doc.range, reference[i].range);
    });
    const data = (doc: YAML.Document.Parsed) => doc.getIn(['clusters', 0, 'cluster', 'certificate-authority-data'], true) as YAML.Scalar;
    assert.deepEqual(data(browser.documents[0]).range, data(reference[0]).range, 'a carrier\'s range is the same');
  });
});
