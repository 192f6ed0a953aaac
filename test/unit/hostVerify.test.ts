// The host's signature check (core/x509/hostVerify.ts: Node's crypto.verify, registered by
// util/nodeCrypto.ts) gives WebCrypto's verdict, signature for signature: on certificates openssl
// signs with every key kind the fast path takes and several digests (openssl verify the oracle of
// the valid ones), on the same with a byte of the signed part or of the signature changed or
// checked against another key, and on every pair of a certificate and a possible issuer among the
// self-issued certificates of python3-cryptography-vectors.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { CertificateInfo, decodeCertificate } from '../../src/core/x509/certificate';
import { children, readTlv } from '../../src/core/x509/der';
import { concat, tlv } from '../../src/core/x509/derWriter';
import { nativeVerify, provideVerify } from '../../src/core/x509/hostVerify';
import { SignatureCheck, verifyCertificateSignature } from '../../src/core/x509/signature';
import { provideNodeCrypto } from '../../src/util/nodeCrypto';
import { KeyAlg, Workbench, days } from '../fixtures/ca';
import { openssl } from '../fixtures/openssl';
import { analyzeFile, cryptographyVectors, listFiles } from '../fuzz/vectors';

interface Case {
  name: string;
  der: Uint8Array;
  oid: string;
  key: CertificateInfo['publicKey'];
}

/** Each case's verdict by WebCrypto, then by the host; how many checks the host made. */
async function bothVerdicts(cases: readonly Case[]): Promise<{ web: SignatureCheck[]; host: SignatureCheck[]; hostChecks: number }> {
  // Node 24 warns when a key WebCrypto will not export is handed to Node's crypto (DEP0204): in the
  // extension host's log and in the CLI's stderr. The warning comes after a turn.
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  process.on('warning', onWarning);
  try {
    const verdicts = await verdictsOf(cases);
    await new Promise(resolve => setImmediate(resolve));
    assert.deepEqual(warnings, [], 'no warning from Node');
    return verdicts;
  } finally {
    process.off('warning', onWarning);
  }
}

async function verdictsOf(cases: readonly Case[]): Promise<{ web: SignatureCheck[]; host: SignatureCheck[]; hostChecks: number }> {
  provideVerify(undefined);
  const web = await Promise.all(cases.map(c => verifyCertificateSignature(c.der, c.oid, c.key)));
  provideNodeCrypto();
  const native = nativeVerify()!;
  let hostChecks = 0;
  provideVerify((...args) => {
    hostChecks++;
    return native(...args);
  });
  try {
    const host = await Promise.all(cases.map(c => verifyCertificateSignature(c.der, c.oid, c.key)));
    return { web, host, hostChecks };
  } finally {
    provideVerify(undefined);
  }
}

/**
 * The certificate with its ECDSA signature's r written with one more leading zero byte than DER
 * allows: the same r and s in another encoding. The host is handed r and s in their minimal DER
 * (signature.ts), so it must say what WebCrypto says of the same numbers.
 */
function paddedEcdsaSignature(der: Uint8Array): Uint8Array {
  const [tbs, algorithm, bits] = children(der, readTlv(der, 0)!)!;
  const [r, s] = children(der, readTlv(der, bits.contentStart + 1)!)!;
  const padded = tlv(0x30, tlv(0x02, new Uint8Array([0]), der.subarray(r.contentStart, r.end)), der.subarray(s.start, s.end));
  return tlv(0x30, der.subarray(tbs.start, tbs.end), der.subarray(algorithm.start, algorithm.end), tlv(0x03, concat([new Uint8Array([0]), padded])));
}

const derOf = (pem: string) => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));

describe('signature checks by the host', () => {
  const bench = new Workbench();
  after(() => bench.dispose());

  it('give WebCrypto\'s verdict on RSA, ECDSA P-256, P-384, P-521 and Ed25519 signatures, valid and not', async () => {
    const notBefore = new Date(Date.now() - days(1));
    const notAfter = new Date(Date.now() + days(30));
    const cases: Case[] = [];
    const padded: Case[] = [];
    const expected: SignatureCheck[] = [];
    const kinds: [KeyAlg, string][] = [['rsa2048', 'sha256'], ['rsa2048', 'sha1'], ['rsa2048', 'sha512'], ['p256', 'sha256'], ['p256', 'sha384'], ['p384', 'sha384'], ['p521', 'sha512'], ['ed25519', 'default']];
    for (const [alg, md] of kinds) {
      const ca = bench.issue({ subject: `/CN=host-verify-${alg}-${md}`, key: bench.newKey(alg), notBefore, notAfter, md, ext: { ca: true, keyUsage: ['keyCertSign'] } });
      const leaf = bench.issue({ subject: `/CN=leaf.${alg}.${md}.test`, key: bench.newKey('p256'), issuer: ca, notBefore, notAfter, md, ext: { keyUsage: ['digitalSignature'] } });
      assert.match(openssl(['verify', '-CAfile', ca.file, leaf.file]), /: OK/, `openssl verifies the ${alg} ${md} leaf`);
      const caInfo = await decodeCertificate(derOf(ca.pem));
      const info = await decodeCertificate(derOf(leaf.pem));
      const signedPart = Buffer.from(info.der).indexOf(`leaf.${alg}`);
      const changedTbs = info.der.slice();
      changedTbs[signedPart] ^= 0x01;
      const changedSignature = info.der.slice();
      changedSignature[changedSignature.length - 1] ^= 0x01;
      const name = `${alg} ${md}`;
      cases.push(
        { name: `${name}: as signed`, der: info.der, oid: info.signatureAlgorithm.oid, key: caInfo.publicKey },
        { name: `${name}: a byte of the signed part changed`, der: changedTbs, oid: info.signatureAlgorithm.oid, key: caInfo.publicKey },
        { name: `${name}: a byte of the signature changed`, der: changedSignature, oid: info.signatureAlgorithm.oid, key: caInfo.publicKey },
        { name: `${name}: another key`, der: info.der, oid: info.signatureAlgorithm.oid, key: info.publicKey },
      );
      expected.push('valid', 'invalid', 'invalid', 'invalid');
      if (alg.startsWith('p')) {
        padded.push({ name: `${name}: r padded with a zero byte`, der: paddedEcdsaSignature(info.der), oid: info.signatureAlgorithm.oid, key: caInfo.publicKey });
      }
    }
    const { web, host, hostChecks } = await bothVerdicts([...cases, ...padded]);
    const named = (verdicts: SignatureCheck[]) => verdicts.map((v, i) => `${[...cases, ...padded][i].name}: ${v}`);
    assert.deepEqual(named(web).slice(0, cases.length), expected.map((v, i) => `${cases[i].name}: ${v}`), 'WebCrypto');
    assert.deepEqual(named(host), named(web), 'the host');
    assert.equal(padded.length, 4, 'a padded case for each ECDSA kind');
    assert.ok(hostChecks >= cases.length - kinds.length, `the host checked the signatures itself (${hostChecks} of ${cases.length})`);
  });

  it('give WebCrypto\'s verdict on every pair of a certificate and a self-issued one of the cryptography vectors', async () => {
    const root = path.join(cryptographyVectors(), 'x509');
    const certificates: CertificateInfo[] = [];
    for (const file of listFiles(root)) {
      if (fs.statSync(file).size > 200_000) {
        continue;
      }
      const { analysis } = await analyzeFile(file);
      for (const entry of analysis.entries) {
        for (const object of entry.objects) {
          if (object.certificate) {
            certificates.push(object.certificate);
          }
        }
      }
    }
    const issuers = certificates.filter(c => c.selfIssued);
    const cases: Case[] = [];
    for (const certificate of certificates) {
      for (const issuer of issuers.filter(i => i.subject.text === certificate.issuer.text)) {
        cases.push({ name: `${certificate.subject.text} by ${issuer.subject.text}`, der: certificate.der, oid: certificate.signatureAlgorithm.oid, key: issuer.publicKey });
      }
    }
    const { web, host, hostChecks } = await bothVerdicts(cases);
    const differing = cases.flatMap((c, i) => (web[i] !== host[i] ? [`${c.name}: ${web[i]} / ${host[i]}`] : []));
    assert.deepEqual(differing, [], 'WebCrypto / the host');
    assert.ok(web.filter(v => v === 'valid').length >= 20 && web.some(v => v !== 'valid'), `valid and other verdicts among ${cases.length} (${web.filter(v => v === 'valid').length} valid)`);
    assert.ok(hostChecks >= 20, `the host checked signatures itself (${hostChecks})`);
  });
});
