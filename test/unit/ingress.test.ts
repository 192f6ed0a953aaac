// Ingress, Gateway and cert-manager Certificate rules through `pki-lens check` (the one pipeline the Problems panel shares) on
// manifests generated with openssl certificates: each finding once, on the host or secretName as
// written, in Go's words for hosts; none on the healthy twin.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { IngressFixtures, generateIngress } from '../fixtures/ingress';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-ingress-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fx: IngressFixtures;

interface JsonFinding { code: string; severity: string; file: string; line: number; column: number; message: string }

async function check(folder: string): Promise<JsonFinding[]> {
  let out = '';
  const code = await main(['check', '--format', 'json', '--fail-on', 'none', folder], { out: t => (out += t), err: () => undefined });
  assert.equal(code, 0, out);
  return (JSON.parse(out) as { findings: JsonFinding[] }).findings;
}

/** 1-based line and column of `needle` in the file as written (not through PKI Lens's parser). */
function where(file: string, needle: string): { line: number; column: number } {
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf(needle, text.indexOf('spec:'));
  assert.ok(at >= 0, `${needle} in ${file}`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

describe('Ingress and Gateway rules', () => {
  before(() => {
    fx = generateIngress(path.join(tmp, 'ingress'));
  });

  it('the broken tree has each ingress finding once, on the host or secretName', async () => {
    const found = (await check(fx.broken)).filter(f => (f.code.startsWith('ingress-') || f.code === 'certificate-spec-drift'));
    const actual = found.map(f => `${f.code} ${f.file}:${f.line}:${f.column}`).sort();
    const expected = fx.expected.map(e => {
      const at = where(path.join(fx.broken, e.file), e.on);
      return `${e.code} ${e.file}:${at.line}:${at.column}`;
    }).sort();
    assert.deepEqual(actual, expected);
    const uncovered = found.find(f => f.file === 'ingress-uncovered.yaml')!;
    assert.equal(uncovered.severity, 'error');
    assert.match(uncovered.message, /host api\.example\.com is not covered by the certificate of Secret shop\/app-tls \(CN=app\.example\.com\); clients would say: x509: certificate is valid for app\.example\.com, www\.example\.com, not api\.example\.com$/);
    assert.match(found.find(f => f.code === 'ingress-secret-key-mismatch')!.message, /tls: private key does not match public key$/);
    assert.match(found.find(f => f.code === 'ingress-chain-order')!.message, /starts with CA CN=Ingress Test CA, not with the server certificate CN=app\.example\.com \(certificate 2\)/);
    assert.equal(found.find(f => f.code === 'ingress-secret-missing')!.severity, 'information');
    const drift = found.filter(f => f.code === 'certificate-spec-drift').map(f => f.message).join('\n');
    assert.match(drift, /Certificate shop\/app: the DNS name api\.example\.com it asks for is not a SAN of the certificate in Secret shop\/app-tls \(CN=app\.example\.com\)/);
    assert.match(drift, /the usage "client auth" it asks for is not in the certificate/);
    assert.match(drift, /the duration is 720h \(30 days\), but the certificate lives 90 days/);
  });

  it('the healthy twin has none', async () => {
    const found = (await check(fx.healthy)).filter(f => (f.code.startsWith('ingress-') || f.code === 'certificate-spec-drift'));
    assert.deepEqual(found, []);
  });
});
