// Our decoding graded against openssl: every certificate and key the openssl-made fixtures hold must
// decode to exactly the facts openssl prints, and every carrier must be found where the manifest says.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DocumentAnalysis, analyzeBinary, analyzeText } from '../../src/core/analyze';
import { encodeBase64 } from '../../src/core/x509/bytes';
import { CertificateInfo } from '../../src/core/x509/certificate';
import { formatName } from '../../src/core/x509/name';
import { CertFacts, KeyFacts, Manifest, generateCarriers, generateKeys } from '../fixtures/generate';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-decode-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let keys: Manifest;
let carriers: Manifest;

async function analyzeFile(root: string, rel: string, format: string): Promise<DocumentAnalysis> {
  const file = path.join(root, rel);
  return format === 'DER' ? analyzeBinary(new Uint8Array(fs.readFileSync(file))) : analyzeText(fs.readFileSync(file, 'utf8'), { fileName: file });
}

/** openssl spells SANs "IP Address:…"; we keep its IPv6 spelling and use the short "IP:" prefix. */
function sanAsOpenssl(cert: CertificateInfo): string[] {
  return cert.subjectAltNames.map(s => `${s.type === 'IP' ? 'IP Address' : s.type}:${s.value}`);
}

export function assertCertificateMatches(ours: CertificateInfo, theirs: CertFacts, where: string): void {
  assert.equal(formatName(ours.subject.rdns, { escapeNonAscii: true }), theirs.subject, `${where}: subject`);
  assert.equal(formatName(ours.issuer.rdns, { escapeNonAscii: true }), theirs.issuer, `${where}: issuer`);
  assert.equal(ours.serialNumber, theirs.serial, `${where}: serial`);
  assert.equal(ours.notBefore.toISOString(), theirs.notBefore, `${where}: notBefore`);
  assert.equal(ours.notAfter.toISOString(), theirs.notAfter, `${where}: notAfter`);
  assert.equal(ours.fingerprints.sha256, theirs.sha256, `${where}: SHA-256`);
  assert.deepEqual(sanAsOpenssl(ours), theirs.san, `${where}: SANs`);
  assert.deepEqual((ours.extendedKeyUsage ?? []).map(e => e.label.replace(/ \(.*\)$/, '')), theirs.eku, `${where}: EKU`);
  assert.deepEqual(ours.keyUsage ?? [], theirs.keyUsage, `${where}: key usage`);
  assert.equal(ours.isCa, theirs.isCA, `${where}: CA`);
  assert.equal(ours.signatureAlgorithm.name, theirs.signatureAlgorithm, `${where}: signature algorithm`);
  assert.equal(encodeBase64(ours.publicKey.spki), theirs.publicKey, `${where}: public key`);
}

function assertKeyMatches(ours: DocumentAnalysis['entries'][number]['objects'][number], theirs: KeyFacts, where: string): void {
  const info = ours.privateKey ?? ours.publicKey;
  assert.ok(info, `${where}: decoded as a key (${ours.error ?? ours.kind})`);
  if (theirs.encrypted) {
    assert.equal(ours.privateKey?.encrypted, true, `${where}: encrypted`);
    return;
  }
  assert.equal(info.algorithm === 'Ed25519' ? 'ED25519' : info.algorithm, theirs.algorithm, `${where}: algorithm`);
  assert.equal(info.bits, theirs.bits, `${where}: bits`);
  if (theirs.curve) {
    assert.equal(info.curve, theirs.curve, `${where}: curve`);
  }
  const spki = ours.privateKey ? ours.privateKey.publicKey?.spki : ours.publicKey?.spki;
  assert.ok(spki, `${where}: public key derived`);
  assert.equal(encodeBase64(spki), theirs.publicKey, `${where}: public key equals openssl pkey -pubout`);
}

describe('decoding agrees with openssl', () => {
  before(() => {
    keys = generateKeys(path.join(tmp, 'keys'));
    carriers = generateCarriers(path.join(tmp, 'carriers'));
  });

  it('every certificate and key block of the keys fixture', async () => {
    let certs = 0;
    let keyCount = 0;
    for (const [rel, facts] of Object.entries(keys.files)) {
      const analysis = await analyzeFile(keys.root, rel, facts.format);
      const objects = analysis.entries.flatMap(e => e.objects);
      const blocks = (facts.blocks ?? []).filter(b => b.label !== 'EC PARAMETERS');
      if (facts.kind === 'broken') {
        assert.ok(objects.length > 0 && objects.every(o => o.error), `${rel}: broken input yields located errors, got ${JSON.stringify(objects.map(o => o.error))}`);
        continue;
      }
      assert.equal(objects.length, blocks.length, `${rel}: one decoded object per block`);
      blocks.forEach((block, i) => {
        const where = `${rel}#${i}`;
        if (block.certificate) {
          assert.ok(objects[i].certificate, `${where}: ${objects[i].error}`);
          assertCertificateMatches(objects[i].certificate!, block.certificate, where);
          certs++;
        } else if (block.key) {
          assertKeyMatches(objects[i], block.key, where);
          keyCount++;
        } else if (block.requestSubject) {
          assert.equal(formatName(objects[i].csr!.subject.rdns, { escapeNonAscii: true }), block.requestSubject, `${where}: CSR subject`);
        }
      });
    }
    assert.ok(certs >= 10 && keyCount >= 15, `covered ${certs} certificates and ${keyCount} keys`);
  });

  it('every carrier of the carriers fixture, and nothing in ordinary base64', async () => {
    for (const [rel, facts] of Object.entries(carriers.files)) {
      if (facts.format !== 'YAML' && facts.format !== 'JSON') {
        continue;
      }
      const analysis = await analyzeFile(carriers.root, rel, facts.format);
      for (const c of facts.carriers ?? []) {
        const where = `${rel}:${c.document ?? 0}:${c.path}`;
        const entry = analysis.entries.find(e => e.carrier?.path === c.path && (c.document === undefined || ('document' in e.carrier.owner ? e.carrier.owner.document === c.document : true)) && (c.document === undefined || e.carrier.value === c.value));
        assert.ok(entry, `${where}: carrier found (have ${analysis.entries.map(e => e.carrier?.path).join(', ')})`);
        if (c.encoding === 'path') {
          assert.equal(entry.carrier!.encoding, 'path', `${where}: path carrier`);
          continue;
        }
        if (c.broken) {
          assert.ok(entry.error || entry.objects.some(o => o.error), `${where}: broken value reported`);
          continue;
        }
        const certsFound = entry.objects.filter(o => o.certificate).map(o => o.certificate!);
        assert.equal(certsFound.length, c.certificates?.length ?? 0, `${where}: certificate count`);
        certsFound.forEach((cert, i) => assertCertificateMatches(cert, c.certificates![i], `${where}[${i}]`));
        if (c.key) {
          const key = entry.objects.find(o => o.privateKey);
          assert.ok(key, `${where}: key decoded`);
          assertKeyMatches(key, c.key, where);
        }
      }
      for (const ignored of facts.ignore ?? []) {
        assert.ok(!analysis.entries.some(e => e.carrier?.path === ignored), `${rel}: ${ignored} is ordinary base64 and must produce nothing`);
      }
    }
  });

  it('bad input gets located messages in the words kubectl uses', async () => {
    const text = 'users:\n- name: a\n  user:\n    client-certificate-data: LS0tLS1CRUdJTi!!\n    client-key-data: aGVsbG8gd29ybGQ=\n';
    const analysis = await analyzeText(text, { fileName: 'config.yaml' });
    const [cert, key] = analysis.entries;
    assert.match(cert.error!, /not valid base64 \(unexpected character "!" at offset \d+\)/);
    assert.equal(cert.errorOffset, text.indexOf('!'));
    assert.match(key.error!, /tls: failed to find any PEM data in key input/);
    const garbage = await analyzeText('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', { fileName: 'x.pem' });
    assert.match(garbage.entries[0].objects[0].error!, /PEM body is not a valid certificate/);
    const truncated = await analyzeText('-----BEGIN CERTIFICATE-----\nMIIB\n', { fileName: 'x.pem' });
    assert.match(truncated.entries[0].objects[0].error!, /no END line/);
  });
});
