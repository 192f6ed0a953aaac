// What V8 keeps per file or per certificate, in V8's own words: a child Node with its intrinsics on
// prints each value (%DebugPrint).
// - Strings must be flat (src/core/flatString.ts): V8 keeps a `+` or a template literal of 13
//   characters or more as a tree of its parts, and a heap snapshot of the extension host after a
//   10,000-certificate scan held 294,000 such nodes.
// - Lists must hold no room to grow (core/collections.ts `trimmed`): a list grown by push keeps 16
//   spare slots, 11 MB in seven lists a certificate in the same snapshot.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { generateKubeadm } from '../fixtures/generate';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-flat-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/**
 * In a child with V8's intrinsics: each value the script `show`s, with what V8 prints of it. V8
 * prints through its own buffered stdout, Node's console.log does not: into a pipe the two interleave
 * by buffer size. So V8 prints both each value and, before it, its number; the names go to stderr.
 */
function debugPrints(script: string): Map<string, string> {
  const src = path.join(__dirname, '..', '..', 'src');
  const child = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', `
    const src = ${JSON.stringify(src)};
    const names = [];
    const show = new Function('names', 'name', 'value', 'names.push(name); %DebugPrint(names.length - 1); %DebugPrint(value);').bind(null, names);
    (async () => { ${script} })().then(() => console.error('names:' + JSON.stringify(names)), e => { console.error(e); process.exit(2); });
  `], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const names = JSON.parse(/^names:(.*)$/m.exec(child.stderr)?.[1] ?? '[]') as string[];
  const prints = new Map<string, string>();
  const parts = child.stdout.split(/^DebugPrint: Smi: 0x[0-9a-f]+ \((\d+)\)$/m);
  for (let i = 1; i < parts.length; i += 2) {
    prints.set(names[Number(parts[i])], parts[i + 1]);
  }
  return prints;
}

/** The string type V8 gives each value the script `show`s. */
function stringTypes(script: string): Map<string, string> {
  return new Map([...debugPrints(script)].map(([name, text]) => [name, /type: (\w+)/.exec(text)?.[1] ?? '?']));
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
      const { runStraight } = require(src + '/core/slices.js');
      const stamp = stampOf({ dev: 65024, ino: 5399366, size: 741, mtimeMs: 1796316851797.168, ctimeMs: 1796316851797.168 }, 'file:///w/a.crt');
      show('identity', stamp.identity);
      show('stamp', stampText(stamp));
      const analysis = await analyzeText(require('node:fs').readFileSync(${JSON.stringify(bundle)}, 'utf8'), { fileName: 'bundle.pem' });
      const certificate = analysis.entries[0].objects[0].certificate;
      show('subject', certificate.subject.text);
      show('issuer', certificate.issuer.text);
      const collected = emptyCollection();
      collectFile(collected, { uri: 'file:///w/pki/bundle.pem', relativePath: 'pki/bundle.pem', analysis });
      runStraight(groupBundles(collected.files));
      show('where', collected.certificates[1].where);
    `);
    assert.deepEqual([...types.keys()], ['identity', 'stamp', 'subject', 'issuer', 'where'], 'V8 described every value');
    for (const [name, type] of types) {
      assert.doesNotMatch(type, /CONS/, `${name} is a tree of its parts (${type})`);
      assert.match(type, /STRING/, `${name}: ${type}`);
    }
  });
});

describe('lists kept per file or per certificate hold no room to grow', () => {
  it('a certificate\'s extensions, names and key usages, a file\'s entries and certificates, a record\'s occurrences and issuers', () => {
    const dir = path.join(root, 'lists');
    generateKubeadm(dir, { seeded: false });
    const prints = debugPrints(`
      const fs = require('node:fs');
      const { analyzeText } = require(src + '/core/analyze.js');
      const { buildInventory } = require(src + '/core/inventory/build.js');
      const inputs = [];
      for (const name of ['apiserver.crt', 'ca.crt']) {
        const file = ${JSON.stringify(path.join(dir, 'pki'))} + '/' + name;
        inputs.push({ uri: 'file://' + file, relativePath: 'pki/' + name, analysis: await analyzeText(fs.readFileSync(file, 'utf8'), { fileName: name }) });
      }
      const certificate = inputs[0].analysis.entries[0].objects[0].certificate;
      show('extensions', certificate.extensions);
      show('subjectAltNames', certificate.subjectAltNames);
      show('keyUsage', certificate.keyUsage);
      show('entries', inputs[0].analysis.entries);
      const inventory = await buildInventory(inputs);
      const record = inventory.records.get(certificate.fingerprints.sha256);
      show('occurrences', record.occurrences);
      show('issuers', record.issuers);
      show('file certificates', inventory.files[0].certificates);
    `);
    assert.deepEqual([...prints.keys()], ['extensions', 'subjectAltNames', 'keyUsage', 'entries', 'occurrences', 'issuers', 'file certificates'], 'V8 described every list');
    for (const [name, text] of prints) {
      const length = Number(/- length: (\d+)/.exec(text)?.[1]);
      const capacity = Number(/- elements: [^\n]*?\[(\d+)\]>/.exec(text)?.[1]);
      assert.ok(length > 0, `${name}: a list with items (${text.slice(0, 400)})`);
      assert.equal(capacity, length, `${name}: room for ${capacity} items, ${length} held`);
    }
  });
});
