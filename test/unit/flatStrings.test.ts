// Strings kept per file or per certificate must be flat (src/core/flatString.ts): V8 keeps a `+` or a
// template literal of 13 characters or more as a tree of its parts, and a heap snapshot of the
// extension host after a 10,000-certificate scan held 294,000 such nodes. V8's own word decides: a
// child Node with its intrinsics on prints the string type of each value (%DebugPrint).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { generateKubeadm } from '../fixtures/generate';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-flat-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** In a child with V8's intrinsics: each value the script `show`s, with the string type V8 gives it. */
function stringTypes(script: string): Map<string, string> {
  const src = path.join(__dirname, '..', '..', 'src');
  const child = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', `
    const src = ${JSON.stringify(src)};
    const show = new Function('name', 'value', 'console.log("@@" + name); %DebugPrint(value);');
    (async () => { ${script} })().catch(e => { console.error(e); process.exit(2); });
  `], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const types = new Map<string, string>();
  for (const part of child.stdout.split('@@').slice(1)) {
    const name = part.slice(0, part.indexOf('\n'));
    types.set(name, /type: (\w+)/.exec(part)?.[1] ?? '?');
  }
  return types;
}

describe('strings kept per file or per certificate are flat', () => {
  it('a file\'s stamp and identity, a DN, a certificate\'s place in a bundle', () => {
    const dir = path.join(root, 'kubeadm');
    generateKubeadm(dir, { seeded: false });
    const bundle = path.join(dir, 'bundle.pem');
    fs.writeFileSync(bundle, fs.readFileSync(path.join(dir, 'pki', 'apiserver.crt'), 'utf8') + fs.readFileSync(path.join(dir, 'pki', 'ca.crt'), 'utf8'));
    const types = stringTypes(`
      const { stampOf, stampText } = require(src + '/workspace/knownFiles.js');
      const { analyzeText } = require(src + '/core/analyze.js');
      const { collectFile, emptyCollection, groupBundles } = require(src + '/core/inventory/collect.js');
      const stamp = stampOf({ dev: 65024, ino: 5399366, size: 741, mtimeMs: 1796316851797.168, ctimeMs: 1796316851797.168 }, 'file:///w/a.crt');
      show('identity', stamp.identity);
      show('stamp', stampText(stamp));
      const analysis = await analyzeText(require('node:fs').readFileSync(${JSON.stringify(bundle)}, 'utf8'), { fileName: 'bundle.pem' });
      const certificate = analysis.entries[0].objects[0].certificate;
      show('subject', certificate.subject.text);
      show('issuer', certificate.issuer.text);
      const collected = emptyCollection();
      collectFile(collected, { uri: 'file:///w/pki/bundle.pem', relativePath: 'pki/bundle.pem', analysis });
      groupBundles(collected.files);
      show('where', collected.certificates[1].where);
    `);
    assert.deepEqual([...types.keys()], ['identity', 'stamp', 'subject', 'issuer', 'where'], 'V8 described every value');
    for (const [name, type] of types) {
      assert.doesNotMatch(type, /CONS/, `${name} is a tree of its parts (${type})`);
      assert.match(type, /STRING/, `${name}: ${type}`);
    }
  });
});
