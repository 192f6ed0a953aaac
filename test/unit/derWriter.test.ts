// The DER writer renewal signs with, graded by openssl's own encoder (`asn1parse -genstr`) and read back by der.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { oidString, readTlv, timeValue } from '../../src/core/x509/der';
import { oidBytes, timeBytes, tlv, unsignedInteger } from '../../src/core/x509/derWriter';
import { opensslBuffer } from '../fixtures/openssl';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-derwriter-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What openssl encodes for an ASN1_generate_nconf string, e.g. `OID:2.5.29.35` (through a file: long values exceed one argument's limit). */
function opensslDer(genstr: string): Uint8Array {
  const conf = path.join(tmp, 'gen.cnf');
  const out = path.join(tmp, 'gen.der');
  fs.writeFileSync(conf, `asn1 = ${genstr}\n`);
  opensslBuffer(['asn1parse', '-genconf', conf, '-out', out, '-noout']);
  return new Uint8Array(fs.readFileSync(out));
}

describe('derWriter', () => {
  it('writes OBJECT IDENTIFIERs as openssl does, and der.ts reads them back', () => {
    // Large arcs (multi-byte groups, one past 32 bits), a first subidentifier past 127 (joint-iso-itu-t), the CT and AKI OIDs renewal writes.
    for (const oid of ['2.5.29.35', '2.5.29.14', '1.2.840.113549.1.1.11', '1.3.6.1.4.1.11129.2.4.2', '1.2.840.10045.4.3.2', '2.999.1', '1.2.4294967297.5', '1.3.101.112', '2.16.840.1.113730.1.13']) {
      const der = oidBytes(oid);
      assert.deepEqual(der, opensslDer(`OID:${oid}`), oid);
      assert.equal(oidString(der, readTlv(der, 0)!), oid);
    }
  });

  it('writes UTCTime through 2049 and GeneralizedTime outside 1950–2049 (RFC 5280 4.1.2.5)', () => {
    const cases: [string, string][] = [
      ['2049-12-31T23:59:59Z', 'UTCTIME:491231235959Z'],
      ['2050-01-01T00:00:00Z', 'GENTIME:20500101000000Z'],
      ['1950-01-01T00:00:00Z', 'UTCTIME:500101000000Z'],
      ['1949-12-31T23:59:59Z', 'GENTIME:19491231235959Z'],
      ['2026-03-04T05:06:07Z', 'UTCTIME:260304050607Z'],
    ];
    for (const [iso, genstr] of cases) {
      const der = timeBytes(new Date(iso));
      assert.deepEqual(der, opensslDer(genstr), iso);
      assert.equal(timeValue(der, readTlv(der, 0)!)?.toISOString(), new Date(iso).toISOString());
    }
  });

  it('writes minimal positive INTEGERs from unsigned bytes', () => {
    const cases: [number[], string][] = [
      [[0x00], 'INTEGER:0'],
      [[0x00, 0x00, 0x7f], 'INTEGER:0x7F'],
      [[0x80], 'INTEGER:0x80'],
      [[0x00, 0xff, 0x01], 'INTEGER:0xFF01'],
      [[0x40, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f], 'INTEGER:0x400102030405060708090A0B0C0D0E0F'],
    ];
    for (const [bytes, genstr] of cases) {
      assert.deepEqual(unsignedInteger(new Uint8Array(bytes)), opensslDer(genstr), genstr);
    }
  });

  it('writes short and long definite lengths as openssl does', () => {
    for (const n of [1, 127, 128, 255, 256, 65535, 65536, 70000]) {
      const content = new Uint8Array(n).map((_, i) => i & 0xff);
      const hex = Buffer.from(content).toString('hex');
      const der = tlv(0x04, content);
      assert.deepEqual(der, opensslDer(`FORMAT:HEX,OCTETSTRING:${hex}`), `${n} bytes`);
      const read = readTlv(der, 0)!;
      assert.equal(read.end - read.contentStart, n);
      assert.equal(read.end, der.length);
    }
  });
});
