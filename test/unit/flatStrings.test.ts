// What V8 keeps per file or per certificate, in V8's own words: a child Node with its intrinsics on
// prints each value (%DebugPrint).
// - Strings must be flat (src/core/flatString.ts): V8 keeps a `+` or a template literal of 13
//   characters or more as a tree of its parts, and a heap snapshot of the extension host after a
//   10,000-certificate scan held 294,000 such nodes.
// - Lists must hold no room to grow (core/collections.ts `trimmed`): a list grown by push keeps 16
//   spare slots, 11 MB in seven lists a certificate in the same snapshot.
// - Strings an analysis keeps must be no view into the text they were cut from (core/flatString.ts
//   `ownCopy`): a kubeconfig's current-context, names and carrier values kept its whole text alive,
//   client-key-data included, after the index had let go of it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { generateKubeadm } from '../fixtures/generate';
import { openssl } from '../fixtures/openssl';
import { analyzeText } from '../../src/core/analyze';
import { secretValues, serializeEntry } from '../../src/workspace/cacheEntries';

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

describe('strings an analysis keeps are its own, not views into the text it was read from', () => {
  it('a kubeconfig, a Secret, an Ingress, a Gateway, a cert-manager Certificate and a CertificateSigningRequest: analysed, and read back from the persistent cache', () => {
    const dir = path.join(root, 'texts');
    generateKubeadm(dir, { seeded: false });
    const pki = path.join(dir, 'pki');
    const b64 = (file: string) => fs.readFileSync(path.join(pki, file)).toString('base64');
    const csr = openssl(['req', '-new', '-key', path.join(pki, 'apiserver.key'), '-subj', '/CN=system:node:worker-node-one/O=system:nodes']);
    // Names of 13 characters or more: shorter cuts V8 copies anyway.
    const manifests = [
      ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: apiserver-serving-tls', '  namespace: kube-system-extra', 'type: kubernetes.io/tls', 'data:', `  tls.crt: ${b64('apiserver.crt')}`, `  tls.key: ${b64('apiserver.key')}`],
      ['apiVersion: networking.k8s.io/v1', 'kind: Ingress', 'metadata:', '  name: frontend-ingress-main', 'spec:', '  tls:', '  - hosts:', '    - shop.frontend.example.com', '    secretName: apiserver-serving-tls'],
      ['apiVersion: gateway.networking.k8s.io/v1', 'kind: Gateway', 'metadata:', '  name: frontend-gateway-main', 'spec:', '  gatewayClassName: example', '  listeners:', '  - name: https', '    hostname: api.frontend.example.com', '    tls:', '      certificateRefs:', '      - kind: Secret', '        name: apiserver-serving-tls'],
      ['apiVersion: cert-manager.io/v1', 'kind: Certificate', 'metadata:', '  name: frontend-certificate', 'spec:', '  secretName: apiserver-serving-tls', '  dnsNames:', '  - www.frontend.example.com', '  usages:', '  - digital signature', '  issuerRef:', '    name: cluster-ca-issuer', '    kind: ClusterIssuer'],
      ['apiVersion: certificates.k8s.io/v1', 'kind: CertificateSigningRequest', 'metadata:', '  name: node-csr-worker-node-one', 'spec:', '  signerName: kubernetes.io/kubelet-serving', `  request: ${Buffer.from(csr).toString('base64')}`, '  usages:', '  - digital signature', '  - key encipherment'],
    ].map(lines => lines.join('\n')).join('\n---\n') + '\n';
    fs.writeFileSync(path.join(dir, 'manifests.yaml'), manifests);
    const types = stringTypes(`
      const fs = require('node:fs');
      const v8 = require('node:v8');
      const { analyzeText } = require(src + '/core/analyze.js');
      const { restore, secretValues, stored } = require(src + '/workspace/cacheEntries.js');
      // Every string of 13 characters or more reachable from the analysis, by where it stands.
      const strings = (root, name) => {
        const out = [];
        const seen = new Set();
        const stack = [[root, name]];
        while (stack.length) {
          const [value, at] = stack.pop();
          if (typeof value === 'string') {
            if (value.length >= 13) out.push([at, value]);
          } else if (value && typeof value === 'object' && !seen.has(value) && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
            seen.add(value);
            for (const key of Object.keys(value)) stack.push([value[key], at + '.' + key]);
          }
        }
        return out;
      };
      for (const file of ['admin.conf', 'manifests.yaml']) {
        // Read as the index reads a file: a text of its own, not a literal of this script.
        const text = fs.readFileSync(${JSON.stringify(dir)} + '/' + file, 'utf8');
        const analysis = await analyzeText(text, { fileName: file });
        const back = restore(v8.deserialize(v8.serialize(stored({ analysis, secret: secretValues(analysis, text).indices }))), text);
        for (const [at, value] of [...strings(analysis, file), ...strings(back, file + ' read back')]) {
          show(at, value);
        }
      }
    `);
    const seen = [...types.keys()];
    for (const expected of ['admin.conf.kubeconfigs.0.currentContext', 'admin.conf.kubeconfigs.0.clusters.0.server', 'admin.conf read back.entries.2.carrier.value',
      'manifests.yaml.tlsRoutes.0.hosts.0.name', 'manifests.yaml.tlsRoutes.1.name', 'manifests.yaml.certificateSpecs.0.dnsNames.0.value', 'manifests.yaml.certificateRequests.0.signerName']) {
      assert.ok(seen.includes(expected), `${expected} was looked at (${seen.filter(k => !k.includes('.objects.')).join(', ')})`);
    }
    for (const [at, type] of types) {
      assert.doesNotMatch(type, /SLICED|CONS/, `${at} is ${type}: it keeps (a part of) the text it was cut from alive`);
    }
  });
});

describe('words certificates copied across a serialization boundary name are one string each', () => {
  it('two leaves read back from the persistent cache in a new process: their extensions\' names and OIDs, key algorithm and description, kind and label', async () => {
    const dir = path.join(root, 'words');
    generateKubeadm(dir, { seeded: false });
    // Written here, read back in the child, as a reload does: nothing of the child's decoder is shared with them.
    const written = path.join(dir, 'entries.json');
    const entries: string[] = [];
    for (const name of ['apiserver-kubelet-client.crt', 'apiserver-etcd-client.crt']) { // two ECDSA keys
      const text = fs.readFileSync(path.join(dir, 'pki', name), 'utf8');
      const analysis = await analyzeText(text, { fileName: name });
      entries.push(serializeEntry({ analysis, secret: secretValues(analysis, text)!.indices }).toString('base64'));
    }
    fs.writeFileSync(written, JSON.stringify(entries));
    const prints = debugPrints(`
      const { deserializeEntry, restore } = require(src + '/workspace/cacheEntries.js');
      const leaves = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(written)}, 'utf8'))
        .map(entry => restore(deserializeEntry(Buffer.from(entry, 'base64')), '').entries[0].objects[0]);
      const ski = object => object.certificate.extensions.find(e => e.oid === '2.5.29.14');
      const pairs = [];
      for (const word of [o => ski(o).name, o => ski(o).oid, o => o.certificate.publicKey.algorithm, o => o.certificate.publicKey.description, o => o.kind, o => o.label]) {
        pairs.push(word(leaves[0]), word(leaves[1]));
      }
      show('pairs', pairs);
    `);
    const text = prints.get('pairs') ?? '';
    // V8 prints the array's elements one a line, a run of one value as one (`8-9: 0x… <String[11]: "certificate">`).
    const elements = [...text.matchAll(/^\s+(\d+)(?:-(\d+))?: (0x[0-9a-f]+) <String\[\d+\]: [#>]?"?([^"<>]*)"?>/gm)]
      .flatMap(m => Array.from({ length: Number(m[2] ?? m[1]) - Number(m[1]) + 1 }, () => ({ address: m[3], value: m[4] })));
    assert.equal(elements.length, 12, `V8 described every word (${text.slice(0, 1200)})`);
    for (let i = 0; i < elements.length; i += 2) {
      assert.ok(elements[i].value.length > 1 && elements[i].value === elements[i + 1].value, `the same word: ${elements[i].value}, ${elements[i + 1].value}`);
      assert.equal(elements[i].address, elements[i + 1].address, `"${elements[i].value}" is one string, not a copy a certificate`);
    }
  });
});
