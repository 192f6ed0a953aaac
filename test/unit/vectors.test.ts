// Real-world oddities: every file under x509/ and asymmetric/ of Debian's python3-cryptography-vectors
// (installed by .ci/run) goes through the core as the workspace scan would read it. Each yields a
// decoded result or a clear, located message — or, for files that hold no PKI material at all
// (S/MIME mail, NIST response files, OpenSSH keys), nothing, which is counted and limited to
// those kinds of file.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { DocumentAnalysis } from '../../src/core/analyze';
import { CertificateInfo, decodeCertificateAsn1 } from '../../src/core/x509/certificate';
import { runChecks } from '../../src/core/checks';
import { decodeCertificateFast } from '../../src/core/x509/fastCertificate';
import { InventoryInput, buildInventory } from '../../src/core/inventory/inventory';
import { DecodedObject } from '../../src/core/x509/material';
import { Tally, assertLocated } from '../fuzz/located';
import { analyzeFile, cryptographyVectors, listFiles } from '../fuzz/vectors';

/** Files with no PKI material for us by their nature: mail, NIST/Wycheproof-style vector text, OpenSSH keys, LDAP dumps. */
const NOT_MATERIAL = /\.(eml|txt|rsp|fax|sh|ldif|schema|input)$|\/(SSH|OpenSSH)\b|\.pub$/;

let root = '';
let files: string[] = [];
const results = new Map<string, { analysis: DocumentAnalysis; length: number; binary: boolean }>();

function objectsOf(rel: string): DecodedObject[] {
  const r = results.get(path.join(root, rel));
  assert.ok(r, `${rel} is among the vectors`);
  return r.analysis.entries.flatMap(e => e.objects);
}

function certificateOf(rel: string): CertificateInfo {
  const cert = objectsOf(rel).find(o => o.certificate)?.certificate;
  assert.ok(cert, `${rel}: decoded (${objectsOf(rel).map(o => o.error).join('; ')})`);
  return cert;
}

describe('python3-cryptography-vectors: x509/ and asymmetric/', () => {
  before(async () => {
    root = cryptographyVectors();
    files = [...listFiles(path.join(root, 'x509')), ...listFiles(path.join(root, 'asymmetric'))];
    for (const file of files) {
      results.set(file, await analyzeFile(file));
    }
  });

  it('every file yields decoded material or located errors; only non-PKI files yield nothing', async () => {
    const tally: Tally = { decoded: 0, errors: 0 };
    const counts = { decoded: 0, errors: 0, mixed: 0, nothing: 0 };
    const nothing: string[] = [];
    const messages = new Map<string, number>();
    for (const file of files) {
      const rel = path.relative(root, file);
      const { analysis, length } = results.get(file)!;
      const before = { ...tally };
      assertLocated(analysis, length, rel, tally);
      const decoded = tally.decoded - before.decoded;
      const errors = tally.errors - before.errors;
      if (decoded && errors) {
        counts.mixed++;
      } else if (decoded) {
        counts.decoded++;
      } else if (errors) {
        counts.errors++;
      } else {
        counts.nothing++;
        nothing.push(rel);
      }
      for (const e of analysis.entries) {
        for (const m of [e.error, ...e.objects.map(o => o.error)]) {
          if (m) {
            const key = m.replace(/\d+/g, 'N').slice(0, 100);
            messages.set(key, (messages.get(key) ?? 0) + 1);
          }
        }
      }
    }
    console.log(`  ${files.length} files: ${counts.decoded} decoded, ${counts.mixed} decoded with some located errors, ${counts.errors} only located errors, ${counts.nothing} without PKI material`);
    console.log(`  ${tally.decoded} objects decoded, ${tally.errors} located errors; most common messages:`);
    for (const [m, n] of [...messages].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      console.log(`    ${String(n).padStart(4)}  ${m}`);
    }
    const unexplained = nothing.filter(rel => !NOT_MATERIAL.test(rel));
    assert.deepEqual(unexplained, [], 'files that should hold PKI material but gave neither a result nor a located error');
    assert.ok(counts.decoded + counts.mixed >= 1100 && tally.decoded >= 1100, `most vectors decode (${counts.decoded + counts.mixed} files, ${tally.decoded} objects)`);
  });

  it('the named oddities decode to what they are, or fail with a clear message', () => {
    assert.equal(certificateOf('x509/custom/negative_serial.pem').serialNumber, '-04316693ED', 'negative serial as openssl prints it');
    const v1 = certificateOf('x509/v1_cert.pem');
    assert.equal(v1.version, 1);
    assert.equal(v1.extensions.length, 0);
    const critical = certificateOf('x509/custom/unsupported_extension_critical.pem').extensions.find(e => e.oid === '1.2.3.4');
    assert.ok(critical?.critical, 'an unknown critical extension is kept, marked critical');
    const pss = certificateOf('x509/custom/rsa_pss_cert.pem');
    assert.equal(pss.signatureAlgorithm.name, 'rsassaPss');
    assert.equal(certificateOf('x509/custom/rsa_pss.pem').publicKey.algorithm, 'RSA-PSS');
    assert.equal(certificateOf('x509/ed25519/root-ed25519.pem').publicKey.algorithm, 'Ed25519');
    assert.equal(certificateOf('x509/ed448/root-ed448.pem').publicKey.algorithm, 'Ed448');
    assert.equal(certificateOf('x509/ed448/root-ed448.pem').signatureAlgorithm.name, 'ED448');
    assert.match(certificateOf('x509/wosign-bc-invalid.pem').subject.text, /广州海然数码科技有限公司/);
    // Trailing garbage around the certificate: the certificate decodes, the garbage blocks are located errors.
    const garbage = objectsOf('x509/cryptography.io.with_garbage.pem');
    assert.ok(garbage.some(o => o.certificate) && garbage.some(o => o.error), 'garbage beside a certificate');
    // An invalid date is a located error naming the field, not an invented date.
    assert.match(objectsOf('x509/badasn1time.pem')[0]?.error ?? '', /NotAfter is not a valid UTCTime \("19020701025736Z"\)/);
    // DER that is not a certificate says what it is.
    for (const [rel, what] of [['x509/custom/crl_empty.pem', 'crl'], ['x509/requests/rsa_sha256.der', 'csr']] as const) {
      assert.ok(objectsOf(rel).some(o => o[what]), `${rel} decodes as ${what}`);
    }
    // PKCS#12 files are read as keystores (test/unit/keystore.test.ts judges their content against openssl).
    for (const p12 of files.filter(f => f.endsWith('.p12'))) {
      const entry = results.get(p12)!.analysis.entries[0];
      assert.equal(entry?.keystore?.format, 'PKCS#12', path.relative(root, p12));
      assert.equal(entry.error, undefined, path.relative(root, p12));
    }
    const pair = objectsOf('x509/PKITS_data/certpairs/' + fs.readdirSync(path.join(root, 'x509/PKITS_data/certpairs'))[0]);
    assert.ok(pair.length >= 1 && pair.every(o => o.certificate), 'cross-certificate pairs decode to their certificates');
  });

  it('both decoder tiers agree on every vector certificate the fast tier takes', async () => {
    let fast = 0;
    let total = 0;
    for (const { analysis } of results.values()) {
      for (const o of analysis.entries.flatMap(e => e.objects)) {
        if (!o.certificate) {
          continue;
        }
        total++;
        const ours = decodeCertificateFast(o.certificate.der);
        if (!ours) {
          continue;
        }
        fast++;
        const { fingerprints: _, ...reference } = await decodeCertificateAsn1(o.certificate.der);
        assert.deepStrictEqual(ours, reference, `${o.certificate.subject.text}`);
      }
    }
    console.log(`  ${fast} of ${total} vector certificates take the fast tier; identical to the reference decoder`);
    assert.ok(fast > total / 2);
  });

  it('links and checks the whole corpus without an exception', async () => {
    const inputs: InventoryInput[] = files.map(f => ({ uri: `file://${f}`, relativePath: path.relative(root, f), analysis: results.get(f)!.analysis }));
    const inventory = await buildInventory(inputs);
    const findings = runChecks(inventory);
    const byCode = new Map<string, number>();
    for (const f of findings) {
      byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
    }
    console.log(`  ${inventory.records.size} distinct certificates, ${findings.length} findings: ${[...byCode].map(([c, n]) => `${c} ${n}`).join(', ')}`);
    assert.ok(findings.length > 0);
  });
});
