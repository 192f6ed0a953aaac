import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBase64, encodeBase64 } from '../../src/core/x509/bytes';
import { findCarriers } from '../../src/core/kube/carriers';
import { findPemBlocks } from '../../src/core/x509/pem';

const BODY = encodeBase64(new Uint8Array(Array.from({ length: 100 }, (_, i) => i)));

describe('findPemBlocks', () => {
  it('finds blocks with exact offsets between text, with CRLF and indentation', () => {
    const block = (eol: string, indent = '') => `${indent}-----BEGIN CERTIFICATE-----${eol}${indent}${BODY.slice(0, 64)}${eol}${indent}${BODY.slice(64)}${eol}${indent}-----END CERTIFICATE-----`;
    const text = `intro text\r\n${block('\r\n')}\r\nbetween\n${block('\n', '    ')}\ntrailer`;
    const blocks = findPemBlocks(text);
    assert.equal(blocks.length, 2);
    for (const b of blocks) {
      assert.equal(text.slice(b.range.start, b.range.start + 10), '-----BEGIN');
      assert.ok(text.slice(0, b.range.end).endsWith('-----END CERTIFICATE-----'));
      assert.deepEqual(Array.from(b.der!), Array.from({ length: 100 }, (_, i) => i));
    }
  });

  it('reads RFC 1421 headers of legacy encrypted keys', () => {
    const text = `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\n${BODY}\n-----END RSA PRIVATE KEY-----\n`;
    const [b] = findPemBlocks(text);
    assert.equal(b.headers['Proc-Type'], '4,ENCRYPTED');
    assert.match(b.headers['DEK-Info'], /^AES-256-CBC,/);
    assert.equal(b.der!.length, 100);
  });

  it('reports a missing END line, mismatched labels and bad base64 with their place', () => {
    const [truncated] = findPemBlocks(`-----BEGIN CERTIFICATE-----\n${BODY}\n`);
    assert.match(truncated.error!, /no END line/);
    const [mismatch] = findPemBlocks(`-----BEGIN CERTIFICATE-----\n${BODY}\n-----END PRIVATE KEY-----\n`);
    assert.match(mismatch.error!, /ends with "PRIVATE KEY"/);
    const text = `-----BEGIN CERTIFICATE-----\nAAAA$AAA\n-----END CERTIFICATE-----\n`;
    const [bad] = findPemBlocks(text);
    assert.equal(bad.errorOffset, text.indexOf('$'));
  });

  it('stays linear on 100,000 tiny blocks', () => {
    const text = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'.repeat(100_000);
    assert.equal(findPemBlocks(text).length, 100_000);
  });
});

describe('decodeBase64', () => {
  it('round-trips and rejects what is not base64, saying where', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253]);
    const ok = decodeBase64(encodeBase64(bytes));
    assert.ok(ok.ok && ok.bytes.length === 7);
    const bad = decodeBase64('QUJD!EFG', 100);
    assert.ok(!bad.ok && bad.offset === 104);
    const short = decodeBase64('QUJDR');
    assert.ok(!short.ok && /truncated/.test(short.error));
  });
});

describe('findCarriers', () => {
  it('gives exact value ranges in multi-document YAML and JSON', () => {
    const yaml = `# comment\napiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster:\n    certificate-authority-data: QUFBQQ==\n    server: https://10.0.0.1:6443\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  tls.crt: "QkJCQg=="\n`;
    const scan = findCarriers(yaml);
    assert.deepEqual(scan.carriers.map(c => [c.path, yaml.slice(c.valueRange.start, c.valueRange.end)]), [
      ['clusters[0].cluster.certificate-authority-data', 'QUFBQQ=='],
      ['data.tls.crt', '"QkJCQg=="'],
    ]);
    assert.equal(scan.kubeconfigs[0].clusters[0].server, 'https://10.0.0.1:6443');
    const json = JSON.stringify({ users: [{ name: 'u', user: { 'client-certificate-data': 'Q0NDQw==' } }] }, null, 2);
    const [c] = findCarriers(json).carriers;
    assert.equal(json.slice(c.valueRange.start, c.valueRange.end), '"Q0NDQw=="');
    assert.equal(c.owner.kind, 'kubeconfig-user');
  });

  it('survives hostile YAML: alias bombs and deep nesting', () => {
    const bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: &d [*c,*c]\ne: [*d,*d]\n';
    assert.doesNotThrow(() => findCarriers(bomb));
    const deep = 'a: '.repeat(1) + '['.repeat(5000) + ']'.repeat(5000);
    assert.doesNotThrow(() => findCarriers(deep));
  });
});
