// Trustworthy at the edges (issue 12): dates, names, SANs and file encodings that real
// certificates and real files carry, each judged against what openssl prints for the same bytes.
// Certificates are built and signed at test time (test/fixtures/der.ts); openssl is the oracle.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeBinary, analyzeText, decodeFileText } from '../../src/core/analyze';
import { runChecks } from '../../src/core/checks';
import { buildInventory } from '../../src/core/inventory/inventory';
import { sanPrefix } from '../../src/core/render/extensionText';
import { CertificateInfo, decodeCertificate, decodeCertificateAsn1 } from '../../src/core/x509/certificate';
import { validityState } from '../../src/core/x509/expiry';
import { decodeCertificateFast } from '../../src/core/x509/fastCertificate';
import { formatName } from '../../src/core/x509/name';
import { SIGNATURES, SIGNATURE_ALGORITHMS, WEAK_SIGNATURE_ALGORITHMS, goSignatureAlgorithm, signatureAlgorithmName } from '../../src/core/x509/oids';
import { DAY, goRefusesTime, parseAsn1Time } from '../../src/core/x509/time';
import { name, oid, pemOf, seq, signedCertificate, str, subjectAltName, tlv } from '../fixtures/der';
import { opensslBuffer } from '../fixtures/openssl';

/** openssl's view of a DER certificate: the lines of `-subject -dates -ext subjectAltName`, raw bytes kept. */
function opensslView(der: Buffer): { subject: string; notBefore: string; notAfter: string; san: Buffer } {
  const out = opensslBuffer(['x509', '-inform', 'DER', '-noout', '-subject', '-dates', '-dateopt', 'iso_8601', '-ext', 'subjectAltName', '-nameopt', 'RFC2253'], { input: der });
  const lines = out.toString('latin1').split('\n');
  const field = (prefix: string) => lines.find(l => l.startsWith(prefix))?.slice(prefix.length) ?? '';
  const sanAt = lines.findIndex(l => l.startsWith('X509v3 Subject Alternative Name'));
  return {
    subject: Buffer.from(field('subject='), 'latin1').toString('utf8'),
    notBefore: field('notBefore='),
    notAfter: field('notAfter='),
    san: sanAt < 0 ? Buffer.alloc(0) : Buffer.from(lines[sanAt + 1].trim(), 'latin1'),
  };
}

/** openssl's `-dateopt iso_8601` (`2030-01-01 00:00:00.5Z`, `   5-01-01 00:00:00Z`) as an instant. */
function opensslInstant(text: string): number {
  const m = /^\s*(\d+)-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?Z$/.exec(text);
  assert.ok(m, `openssl date ${JSON.stringify(text)}`);
  const d = new Date(0);
  d.setUTCFullYear(+m[1], +m[2] - 1, +m[3]);
  d.setUTCHours(+m[4], +m[5], +m[6], m[7] ? Math.floor(Number(m[7]) * 1000) : 0);
  return d.getTime();
}

/** Both decoder tiers: the fast walk must take the ordinary certificate and agree with the reference. */
async function bothTiers(der: Buffer, fastExpected = true): Promise<CertificateInfo> {
  const bytes = new Uint8Array(der);
  const reference = await decodeCertificateAsn1(bytes);
  const fast = decodeCertificateFast(bytes);
  assert.equal(fast !== undefined, fastExpected, 'fast tier takes it');
  if (fast) {
    const { fingerprints: _, ...withoutFingerprints } = reference;
    assert.deepStrictEqual(fast, withoutFingerprints);
  }
  const chosen = await decodeCertificate(bytes);
  assert.deepEqual(chosen.subjectAltNames, reference.subjectAltNames);
  return reference;
}

const cn = (value: string) => name([['2.5.4.3', str(0x0c, value)]]);

describe('dates: every time spelling openssl reads gives its instant', () => {
  const cases: { what: string; notBefore: [number, string]; notAfter: [number, string] }[] = [
    { what: 'UTCTime without seconds', notBefore: [0x17, '2001010000Z'], notAfter: [0x17, '3012312359Z'] },
    { what: 'UTCTime with +hhmm / -hhmm offsets', notBefore: [0x17, '200101000000+0130'], notAfter: [0x17, '3001010000-0845'] },
    { what: 'GeneralizedTime with offsets and no seconds', notBefore: [0x18, '202002290000-0500'], notAfter: [0x18, '20491231235959+1200'] },
    { what: 'GeneralizedTime years 0000-0099', notBefore: [0x18, '00050101000000Z'], notAfter: [0x18, '00991231235959Z'] },
    { what: 'GeneralizedTime with fractional seconds', notBefore: [0x18, '20200101000000.25Z'], notAfter: [0x18, '20300101000000.5Z'] },
    { what: 'UTCTime years 50-99 and 00-49', notBefore: [0x17, '500101000000Z'], notAfter: [0x17, '491231235959Z'] },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const der = signedCertificate({ subject: cn('dates'), notBefore: c.notBefore, notAfter: c.notAfter });
      const theirs = opensslView(der);
      const ours = await bothTiers(der);
      assert.equal(ours.notBefore.getTime(), opensslInstant(theirs.notBefore), `notBefore ${ours.notBefore.toISOString()} vs ${theirs.notBefore}`);
      assert.equal(ours.notAfter.getTime(), opensslInstant(theirs.notAfter), `notAfter ${ours.notAfter.toISOString()} vs ${theirs.notAfter}`);
      assert.ok(ours.notBefore.getUTCFullYear() !== 1899 && ours.notAfter.getUTCFullYear() !== 1899);
    });
  }

  it('keeps GeneralizedTime years below 100 (no 1900s) and counts leap days', () => {
    assert.equal(parseAsn1Time(0x18, '00000101000000Z')?.getUTCFullYear(), 0);
    assert.equal(parseAsn1Time(0x18, '00990615120000Z')?.toISOString(), '0099-06-15T12:00:00.000Z');
    assert.equal(parseAsn1Time(0x18, '20240229000000Z')?.toISOString(), '2024-02-29T00:00:00.000Z');
    assert.equal(parseAsn1Time(0x18, '20230229000000Z'), undefined, 'no 29 February in 2023');
    assert.equal(parseAsn1Time(0x18, '21000229000000Z'), undefined, 'no 29 February in 2100');
  });

  it('refuses what openssl calls a bad time value, with the reason', async () => {
    for (const bad of ['2001010000', '20010100000Z', '200101000060Z', '200101240000Z', '201301000000Z', '200101000000+1300', '2001010000.5Z', '200101000000Z ']) {
      assert.equal(parseAsn1Time(0x17, bad), undefined, bad);
    }
    const der = signedCertificate({ subject: cn('bad'), notAfter: [0x17, '19020701025736Z'] });
    await assert.rejects(decodeCertificateAsn1(new Uint8Array(der)), /NotAfter is not a valid UTCTime \("19020701025736Z"\)/);
    assert.equal(decodeCertificateFast(new Uint8Array(der)), undefined);
  });

  it('fractions compare as Go does: NotAfter rounds down, NotBefore up, for whole-millisecond clocks', () => {
    const notAfter = parseAsn1Time(0x18, '20300101000000.0005Z', 'down')!;
    const notBefore = parseAsn1Time(0x18, '20200101000000.0005Z', 'up')!;
    assert.equal(notAfter.toISOString(), '2030-01-01T00:00:00.000Z');
    assert.equal(notBefore.toISOString(), '2020-01-01T00:00:00.001Z');
    const cert = { notBefore, notAfter };
    // Go: now.Before(NotBefore) at 00:00:00.000 < 00:00:00.0005 → not yet valid; at .001 valid.
    assert.equal(validityState(cert, new Date(Date.UTC(2020, 0, 1))), 'not-yet-valid');
    assert.notEqual(validityState(cert, new Date(Date.UTC(2020, 0, 1, 0, 0, 0, 1))), 'not-yet-valid');
    // Go: now.After(NotAfter) at .000 is false (.000 < .0005), at .001 true.
    assert.notEqual(validityState(cert, new Date(Date.UTC(2030, 0, 1))), 'expired');
    assert.equal(validityState(cert, new Date(Date.UTC(2030, 0, 1, 0, 0, 0, 1))), 'expired');
  });

  it('names the spellings Go refuses and openssl reads', () => {
    assert.match(goRefusesTime(0x18, '202001010000Z') ?? '', /without seconds/);
    assert.match(goRefusesTime(0x18, '20200101000000.50Z') ?? '', /trailing zeros/);
    assert.match(goRefusesTime(0x17, '200101000000+0000') ?? '', /\+0000 instead of Z/);
    assert.equal(goRefusesTime(0x17, '2001010000Z'), undefined, 'Go reads UTCTime without seconds');
    assert.equal(goRefusesTime(0x18, '20200101000000.5-0130'), undefined);
  });

  it('one DAY for everyone', () => {
    assert.equal(DAY, 24 * 3600 * 1000);
  });
});

describe('names: openssl -nameopt RFC2253', () => {
  it('an empty RDN prints no stray comma', async () => {
    const der = signedCertificate({ subject: name([], [['2.5.4.3', str(0x0c, 'gov.us')]], [], [['2.5.4.6', str(0x13, 'US')]], []) });
    const ours = await bothTiers(der);
    assert.equal(formatName(ours.subject.rdns, { escapeNonAscii: true }), opensslView(der).subject);
    assert.equal(ours.subject.text, 'C=US,CN=gov.us');
  });

  it('EV and other attributes openssl knows print by its names; unknown ones as OID=#hex', async () => {
    const types = ['1.3.6.1.4.1.311.60.2.1.3', '1.3.6.1.4.1.311.60.2.1.2', '1.3.6.1.4.1.311.60.2.1.1', '2.5.4.15', '2.5.4.20', '2.5.4.18',
      '2.5.4.17', '2.5.4.9', '2.5.4.5', '2.5.4.12', '2.5.4.13', '2.5.4.97', '2.5.4.41', '1.2.840.113549.1.9.2', '2.5.4.16', '1.3.6.1.5.5.7.9.1',
      '0.9.2342.19200300.100.1.25', '0.9.2342.19200300.100.1.1', '2.5.4.3', '1.2.3.4.5'];
    const der = signedCertificate({ subject: name(...types.map((t, i): [string, Buffer][] => [[t, str(0x0c, `v${i}`)]])) });
    const ours = await bothTiers(der);
    const theirs = opensslView(der).subject;
    assert.equal(formatName(ours.subject.rdns, { escapeNonAscii: true }), theirs);
    assert.match(theirs, /jurisdictionC=v0/);
    assert.match(theirs, /^1\.2\.3\.4\.5=#0C03763139,/);
  });

  it('escapes as openssl does: specials, leading #/space, trailing space, controls, non-ASCII, multi-valued RDNs', async () => {
    const der = signedCertificate({
      subject: name(
        [['2.5.4.3', str(0x0c, ' #a,b+c"d\\e<f>g;h\x01\x7f é 😀 ')]],
        [['2.5.4.3', str(0x0c, 'a')], ['2.5.4.10', str(0x0c, 'b')]],
        [['2.5.4.10', str(0x0c, ' ')]],
        [['2.5.4.5', str(0x12, '0123')]],
      ),
    });
    const ours = await bothTiers(der);
    assert.equal(formatName(ours.subject.rdns, { escapeNonAscii: true }), opensslView(der).subject);
  });

  it('T61String, BMPString and UniversalString values and non-string values as openssl prints them', async () => {
    const der = signedCertificate({
      subject: name(
        [['2.5.4.10', str(0x14, Buffer.from([0x41, 0xe9]))]],
        [['2.5.4.11', str(0x1e, Buffer.from([0, 0x41, 0x20, 0xac]))]],
        [['2.5.4.13', str(0x1c, Buffer.from([0, 0, 0, 0x41]))]],
        [['2.5.4.3', seq(str(0x0c, 'x'))]],
      ),
    });
    const ours = await bothTiers(der, false);
    assert.equal(formatName(ours.subject.rdns, { escapeNonAscii: true }), opensslView(der).subject);
  });
});

describe('SANs: openssl -ext subjectAltName', () => {
  const sanLine = (cert: CertificateInfo) => cert.subjectAltNames.map(s => `${sanPrefix(s.type)}:${s.value}`).join(', ');

  it('an ediPartyName or x400Address entry keeps every other name', async () => {
    const der = signedCertificate({
      subject: cn('edi'),
      extensions: [subjectAltName(
        str(0x82, 'a.example'),
        tlv(0xa5, tlv(0xa1, str(0x0c, 'party'))),
        tlv(0xa3, seq()),
        str(0x82, 'b.example'),
      )],
    });
    const ours = await bothTiers(der);
    assert.equal(sanLine(ours), opensslView(der).san.toString('utf8'));
    assert.deepEqual(ours.subjectAltNames.filter(s => s.type === 'DNS').map(s => s.value), ['a.example', 'b.example']);
  });

  it('a NUL in a DNS name (the null-prefix attack) is shown, not hidden', async () => {
    const der = signedCertificate({ subject: cn('nul'), extensions: [subjectAltName(str(0x82, Buffer.from('bank.example\0.evil.example')))] });
    const ours = await bothTiers(der);
    assert.deepEqual(ours.subjectAltNames, [{ type: 'DNS', value: 'bank.example\\x00.evil.example' }]);
  });

  it('otherName entries print as openssl 3 prints them', async () => {
    const other = (type: string, value: Buffer) => tlv(0xa0, oid(type), tlv(0xa0, value));
    const der = signedCertificate({
      subject: cn('other'),
      extensions: [subjectAltName(
        other('1.3.6.1.4.1.311.20.2.3', str(0x0c, 'user@example.test')),
        other('1.2.3.4', str(0x0c, 'text')),
        other('1.2.3.5', tlv(0x02, [5])),
        other('1.3.6.1.5.5.7.8.1', str(0x0c, 'personal')),
      )],
    });
    const ours = await bothTiers(der);
    assert.equal(sanLine(ours), opensslView(der).san.toString('utf8'));
  });

  it('an IP of 8, 32 or 3 bytes shows as openssl prints it, not as a CIDR', async () => {
    const der = signedCertificate({
      subject: cn('ip'),
      extensions: [subjectAltName(
        str(0x87, Buffer.from([10, 0, 0, 0, 255, 255, 255, 0])),
        str(0x87, Buffer.alloc(32, 1)),
        str(0x87, Buffer.from([1, 2, 3])),
        str(0x87, Buffer.from([10, 0, 0, 1])),
        str(0x87, Buffer.from('20010db8000000000000000000000010', 'hex')),
      )],
    });
    const ours = await bothTiers(der);
    assert.equal(sanLine(ours), opensslView(der).san.toString('utf8'));
    assert.ok(!ours.subjectAltNames.some(s => s.value.includes('/')));
  });

  it('non-UTF-8 bytes in IA5String names are escaped; UTF-8 reads as openssl\'s bytes do', async () => {
    const der = signedCertificate({
      subject: cn('ia5'),
      extensions: [subjectAltName(
        str(0x82, Buffer.from([0x61, 0xff, 0xfe, 0x62])),
        str(0x82, Buffer.from('bücher.example', 'utf8')),
        str(0x81, Buffer.from([0x61, 0x40, 0xe9])),
        str(0x86, Buffer.from('http://x/\ty')),
      )],
    });
    const ours = await bothTiers(der);
    assert.deepEqual(ours.subjectAltNames.map(s => s.value), ['a\\xFF\\xFEb', 'bücher.example', 'a@\\xE9', 'http://x/\\x09y']);
    // openssl prints the raw bytes: ours are those bytes with each non-UTF-8 byte spelled \xNN.
    const raw = opensslView(der).san.toString('latin1');
    const unescaped = Buffer.from(sanLine(ours), 'utf8').toString('latin1').replace(/\\x([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    assert.equal(unescaped, raw);
  });
});

describe('EKU: openssl -ext extendedKeyUsage', () => {
  it('names every purpose of openssl\'s id-kp arc and CT\'s precertificate signer', async () => {
    const purposes = ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.10', '1.3.6.1.5.5.7.3.27', '1.3.6.1.5.5.7.3.30', '1.3.6.1.5.5.7.3.31', '1.3.6.1.4.1.11129.2.4.4', '1.2.3.4'];
    const der = signedCertificate({ subject: cn('eku'), extensions: [seq(oid('2.5.29.37'), tlv(0x04, seq(...purposes.map(oid))))] });
    const ours = await bothTiers(der);
    const out = opensslBuffer(['x509', '-inform', 'DER', '-noout', '-ext', 'extendedKeyUsage'], { input: der }).toString('utf8');
    const theirs = out.split('\n')[1].trim();
    assert.equal((ours.extendedKeyUsage ?? []).map(e => (e.label === e.oid ? e.oid : e.label.replace(/ \([^)]*\)$/, ''))).join(', '), theirs);
  });
});

describe('files: UTF-16 and NUL bytes are read or named, never silently skipped', () => {
  const der = signedCertificate({ subject: cn('utf16') });
  const pem = pemOf('CERTIFICATE', der);
  const swap = (b: Buffer) => {
    const out = Buffer.from(b);
    out.swap16();
    return out;
  };
  const encodings: [string, Buffer][] = [
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pem, 'utf16le')])],
    ['UTF-16LE without BOM', Buffer.from(pem, 'utf16le')],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), swap(Buffer.from(pem, 'utf16le'))])],
    ['UTF-16BE without BOM', swap(Buffer.from(pem, 'utf16le'))],
  ];
  for (const [what, bytes] of encodings) {
    it(`${what} decodes to the certificate`, async () => {
      const text = decodeFileText(new Uint8Array(bytes));
      assert.equal(text, pem);
      const analysis = await analyzeText(text!, { fileName: 'cert.pem' });
      assert.equal(analysis.entries.length, 1);
      assert.equal(analysis.entries[0].objects[0].certificate?.subject.commonName, 'utf16');
    });
  }

  it('a PEM file padded with NUL bytes is read as text', async () => {
    const bytes = Buffer.concat([Buffer.alloc(512), Buffer.from(`\n${pem}`), Buffer.alloc(512)]);
    const text = decodeFileText(new Uint8Array(bytes));
    assert.ok(text !== undefined);
    const analysis = await analyzeText(text, { fileName: 'padded.pem' });
    assert.equal(analysis.entries[0].objects[0].certificate?.subject.commonName, 'utf16');
  });

  it('a NUL inside a PEM block is that block\'s located decode error', async () => {
    const mid = pem.indexOf('\n', 40) + 10;
    const bytes = Buffer.from(pem.slice(0, mid) + '\0' + pem.slice(mid));
    const text = decodeFileText(new Uint8Array(bytes))!;
    const analysis = await analyzeText(text, { fileName: 'nul.pem' });
    const obj = analysis.entries[0].objects[0];
    assert.ok(obj.error, 'the block does not decode');
    assert.ok(obj.range.start <= mid && mid < obj.range.end);
  });

  it('binary data that is neither DER nor PEM gives a decode-error finding that says what it is', async () => {
    const cases: [string, Buffer, RegExp][] = [
      ['blob.key', Buffer.concat([Buffer.from('not a key\nstill not\n'), Buffer.alloc(16), Buffer.from([1, 2, 3])]), /binary data \(NUL bytes, no PEM block, not DER\), first NUL byte on line 3/],
      ['store.jks', Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1]), /Java KeyStore/],
    ];
    for (const [file, bytes, expected] of cases) {
      assert.equal(decodeFileText(new Uint8Array(bytes)), undefined, file);
      const analysis = await analyzeBinary(new Uint8Array(bytes));
      const inventory = await buildInventory([{ uri: `mem:/${file}`, relativePath: file, analysis }]);
      const findings = runChecks(inventory).filter(f => f.code === 'decode-error');
      assert.equal(findings.length, 1, file);
      assert.match(findings[0].message, expected);
      assert.deepEqual(findings[0].range, { start: 0, end: 0 });
    }
  });
});

describe('one signature-algorithm table', () => {
  it('keeps the display names and the weak set, and gives Go\'s names', () => {
    assert.equal(SIGNATURE_ALGORITHMS['1.2.840.113549.1.1.11'], 'sha256WithRSAEncryption');
    assert.equal(signatureAlgorithmName('1.2.840.10045.4.3.2'), 'ecdsa-with-SHA256');
    assert.equal(signatureAlgorithmName('1.2.3'), '1.2.3');
    assert.deepEqual([...WEAK_SIGNATURE_ALGORITHMS].sort(), ['1.2.840.10040.4.3', '1.2.840.10045.4.1', '1.2.840.113549.1.1.2', '1.2.840.113549.1.1.4', '1.2.840.113549.1.1.5', '1.3.14.3.2.29']);
    assert.deepEqual(goSignatureAlgorithm('1.2.840.113549.1.1.11'), { name: 'SHA256-RSA', hash: 'SHA-256', key: 'RSA' });
    assert.equal(goSignatureAlgorithm('1.2.840.113549.1.1.14'), undefined, 'Go has no SHA224-RSA');
    for (const [oidText, info] of Object.entries(SIGNATURES)) {
      assert.equal(SIGNATURE_ALGORITHMS[oidText], info.name);
    }
  });
});
