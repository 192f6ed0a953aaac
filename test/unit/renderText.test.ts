// The decoded view's text, graded against `openssl x509|req|crl -text` on material openssl made:
// every extension openssl lists (unknown ones as OID and hex), SANs and EKUs as openssl spells them,
// fingerprints, CSR requested extensions, CRL entries; private keys described, never dumped.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeBinary, analyzeText } from '../../src/core/analyze';
import { DEFAULT_THRESHOLDS } from '../../src/core/x509/expiry';
import { entryPemText } from '../../src/core/render/pemText';
import { TextContext, decodedDocumentText } from '../../src/core/render/text';
import { openssl, opensslBuffer } from '../fixtures/openssl';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-render-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const file = (name: string) => path.join(tmp, name);
const ctx = (): TextContext => ({ now: new Date(), thresholds: DEFAULT_THRESHOLDS });

/** RFC 5280 and friends: the oracle for the OIDs behind openssl's extension names. */
const OID_OF: Record<string, string> = {
  'X509v3 Subject Key Identifier': '2.5.29.14',
  'X509v3 Key Usage': '2.5.29.15',
  'X509v3 Subject Alternative Name': '2.5.29.17',
  'X509v3 Basic Constraints': '2.5.29.19',
  'X509v3 CRL Distribution Points': '2.5.29.31',
  'X509v3 Certificate Policies': '2.5.29.32',
  'X509v3 Authority Key Identifier': '2.5.29.35',
  'X509v3 Extended Key Usage': '2.5.29.37',
  'X509v3 Name Constraints': '2.5.29.30',
  'Authority Information Access': '1.3.6.1.5.5.7.1.1',
  'Netscape Comment': '2.16.840.1.113730.1.13',
  'X509v3 CRL Number': '2.5.29.20',
};

/** Extension headings of `openssl … -text`: `name` and whether it says critical. */
function opensslExtensions(text: string, section = 'X509v3 extensions:'): { name: string; critical: boolean; values: string[] }[] {
  const lines = text.split('\n');
  const start = lines.findIndex(l => l.trim() === section);
  assert.ok(start >= 0, `openssl output has ${section}`);
  const indent = lines[start + 1].search(/\S/);
  const out: { name: string; critical: boolean; values: string[] }[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const depth = lines[i].search(/\S/);
    if (depth < indent) {
      break;
    }
    if (depth === indent) {
      const m = /^\s*(.*?):\s*(critical)?\s*$/.exec(lines[i])!;
      out.push({ name: m[1], critical: !!m[2], values: [] });
    } else {
      out[out.length - 1].values.push(lines[i].trim());
    }
  }
  return out;
}

const UNKNOWN_OID = '1.3.6.1.4.1.55555.1.2';
let certPem: string;
let opensslText: string;

before(() => {
  const cnf = file('ext.cnf');
  fs.writeFileSync(cnf, [
    '[req]', 'distinguished_name = dn', '[dn]', '[ext]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth, clientAuth, 1.3.6.1.4.1.55555.9',
    'subjectAltName = DNS:api.example.test, IP:10.96.0.1, IP:2001:db8::1, email:ops@example.test, URI:spiffe://example.test/api',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    'authorityInfoAccess = OCSP;URI:http://ocsp.example.test, caIssuers;URI:http://ca.example.test/ca.crt',
    'crlDistributionPoints = URI:http://crl.example.test/ca.crl',
    'certificatePolicies = 2.23.140.1.2.1',
    'nsComment = "made by the PKI Lens tests"',
    `${UNKNOWN_OID} = critical, DER:04:03:01:02:03`,
  ].join('\n') + '\n');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('leaf.key'),
    '-subj', '/O=Example/CN=api.example.test', '-days', '30', '-config', cnf, '-extensions', 'ext', '-out', file('leaf.crt')]);
  certPem = fs.readFileSync(file('leaf.crt'), 'utf8');
  opensslText = openssl(['x509', '-noout', '-text', '-in', file('leaf.crt')]);
});

async function decoded(text: string, fileName = 'x.pem'): Promise<string> {
  const analysis = await analyzeText(text, { fileName });
  return decodedDocumentText(fileName, analysis.entries.map(entry => ({ entry })), ctx());
}

describe('decoded certificate text', () => {
  it('lists every extension openssl lists, with its OID and critical flag', async () => {
    const ours = await decoded(certPem);
    const theirs = opensslExtensions(opensslText);
    assert.ok(theirs.length >= 10, `openssl listed ${theirs.length} extensions`);
    for (const ext of theirs) {
      const oid = OID_OF[ext.name] ?? ext.name;
      const heading = OID_OF[ext.name] ? `${ext.name} (${oid}):` : `${oid} (unknown extension):`;
      const line = ours.split('\n').find(l => l.trim().startsWith(heading));
      assert.ok(line, `extension ${heading} in:\n${ours}`);
      assert.equal(line!.includes('critical'), ext.critical, `critical flag of ${ext.name}`);
    }
  });

  it('shows an unknown extension as its DER value in hex', async () => {
    const ours = await decoded(certPem);
    const lines = ours.split('\n');
    const at = lines.findIndex(l => l.includes(`${UNKNOWN_OID} (unknown extension): critical`));
    assert.equal(lines[at + 1].trim(), '04:03:01:02:03');
  });

  it('spells SANs and EKUs as openssl does, with the EKU OIDs', async () => {
    const ours = await decoded(certPem);
    const ext = opensslExtensions(opensslText);
    const sans = ext.find(e => e.name === 'X509v3 Subject Alternative Name')!.values.join(' ').split(', ');
    for (const san of sans) {
      assert.ok(ours.includes(san.trim()), `SAN ${san} in:\n${ours}`);
    }
    const ekus = ext.find(e => e.name === 'X509v3 Extended Key Usage')!.values.join(' ').split(', ');
    for (const eku of ekus) {
      assert.ok(ours.includes(eku.trim()), `EKU ${eku}`);
    }
    assert.ok(ours.includes('1.3.6.1.5.5.7.3.1') && ours.includes('1.3.6.1.5.5.7.3.2') && ours.includes('1.3.6.1.4.1.55555.9'));
    assert.ok(ours.includes('OCSP - URI:http://ocsp.example.test'));
    assert.ok(ours.includes('URI:http://crl.example.test/ca.crl'));
    assert.ok(ours.includes('Policy: 2.23.140.1.2.1'));
  });

  it('shows serial, signature algorithm, validity, key and fingerprints as openssl reads them', async () => {
    const ours = await decoded(certPem);
    const fp = openssl(['x509', '-noout', '-fingerprint', '-sha256', '-in', file('leaf.crt')]).trim().split('=')[1];
    const sha1 = openssl(['x509', '-noout', '-fingerprint', '-sha1', '-in', file('leaf.crt')]).trim().split('=')[1];
    const serial = openssl(['x509', '-noout', '-serial', '-in', file('leaf.crt')]).trim().split('=')[1].replace(/^(00)+/, '');
    assert.ok(ours.includes(`SHA-256: ${fp}`));
    assert.ok(ours.includes(`SHA-1:   ${sha1}`));
    assert.ok(ours.includes(`Serial Number: ${serial.match(/../g)!.join(':')}`), `serial ${serial}`);
    assert.ok(ours.includes('Signature Algorithm: ecdsa-with-SHA256 (1.2.840.10045.4.3.2)'));
    assert.ok(ours.includes('Curve: P-256 (prime256v1)'));
    assert.ok(ours.includes('Subject: CN=api.example.test,O=Example'));
  });
});

describe('decoded CSR, CRL and keys', () => {
  it('lists the extensions a CSR requests', async () => {
    const csr = openssl(['req', '-new', '-key', file('leaf.key'), '-subj', '/CN=req.example.test', '-addext', 'subjectAltName = DNS:req.example.test', '-addext', 'extendedKeyUsage = clientAuth']);
    const ours = await decoded(csr, 'x.csr');
    assert.ok(ours.includes('Certificate Request: CN=req.example.test'));
    assert.ok(ours.includes('extensionRequest (1.2.840.113549.1.9.14)'));
    assert.ok(ours.includes('X509v3 Subject Alternative Name (2.5.29.17):') && ours.includes('DNS:req.example.test'));
    assert.ok(ours.includes('X509v3 Extended Key Usage (2.5.29.37):'));
  });

  it('lists the revoked serials and extensions of a CRL', async () => {
    const dir = file('ca');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'index.txt'), '');
    fs.writeFileSync(path.join(dir, 'crlnumber'), '1000\n');
    const cnf = path.join(dir, 'ca.cnf');
    fs.writeFileSync(cnf, `[ca]\ndefault_ca = x\n[x]\ndatabase = ${dir}/index.txt\ncrlnumber = ${dir}/crlnumber\ndefault_md = sha256\ndefault_crl_days = 7\n`);
    openssl(['ca', '-config', cnf, '-revoke', file('leaf.crt'), '-keyfile', file('leaf.key'), '-cert', file('leaf.crt'), '-crl_reason', 'keyCompromise']);
    const crl = openssl(['ca', '-config', cnf, '-gencrl', '-keyfile', file('leaf.key'), '-cert', file('leaf.crt')]);
    const ours = await decoded(crl, 'x.crl');
    const serial = openssl(['x509', '-noout', '-serial', '-in', file('leaf.crt')]).trim().split('=')[1].replace(/^(00)+/, '');
    assert.ok(ours.includes('Certificate Revocation List: CN=api.example.test,O=Example'), ours);
    assert.ok(ours.includes('Revoked Certificates: 1'));
    assert.ok(ours.includes(`Serial ${serial.match(/../g)!.join(':')} revoked`), ours);
    assert.ok(ours.includes('X509v3 CRL Number (2.5.29.20):') && ours.includes('4096'), ours);
  });

  it('describes a private key without any of its material', async () => {
    const keyPem = fs.readFileSync(file('leaf.key'), 'utf8');
    const ours = await decoded(keyPem, 'x.key');
    assert.ok(ours.includes('Private Key: EC P-256'));
    assert.ok(ours.includes('Encrypted: no'));
    assert.ok(ours.includes('Key material is never shown.'));
    for (const line of keyPem.split('\n').filter(l => l && !l.startsWith('-----'))) {
      assert.ok(!ours.includes(line), 'no line of the key body in the view');
    }
  });

  it('decodes a DER certificate', async () => {
    const der = opensslBuffer(['x509', '-outform', 'DER', '-in', file('leaf.crt')]);
    const analysis = await analyzeBinary(new Uint8Array(der));
    const ours = decodedDocumentText('leaf.der', analysis.entries.map(entry => ({ entry })), ctx());
    assert.ok(ours.includes('Certificate: CN=api.example.test,O=Example'));
  });
});

describe('PEM text of an entry', () => {
  it('gives the PEM inside a base64 carrier, a block scalar without indentation, and DER as PEM', async () => {
    const b64 = Buffer.from(certPem).toString('base64');
    const yaml = `apiVersion: v1\nkind: Secret\ndata:\n  tls.crt: ${b64}\nstringData:\n  ca.crt: |\n${certPem.trimEnd().split('\n').map(l => `    ${l}`).join('\n')}\n`;
    const analysis = await analyzeText(yaml, { fileName: 's.yaml' });
    assert.equal(entryPemText(analysis.entries[0], { documentText: yaml })?.text, certPem);
    assert.equal(entryPemText(analysis.entries[1], { documentText: yaml })?.text, certPem);
    const der = opensslBuffer(['x509', '-outform', 'DER', '-in', file('leaf.crt')]);
    const binary = await analyzeBinary(new Uint8Array(der));
    assert.equal(entryPemText(binary.entries[0], { binary: new Uint8Array(der) })?.text, certPem);
  });
});
