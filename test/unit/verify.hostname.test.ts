// Go's VerifyHostname and net.IP rules, checked without certificates.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostNames, formatIp, matchHostnames, parseIp, validHostname, verifyHostname } from '../../src/core/verify/hostMatch';

const ip = (s: string) => {
  const v = parseIp(s);
  assert.ok(v, `parses ${s}`);
  return v;
};

function names(partial: Partial<HostNames>): HostNames {
  return { dnsNames: [], ipAddresses: [], hasSanExtension: true, ...partial };
}

describe('parseIp / formatIp (Go net.ParseIP and IP.String)', () => {
  it('parses what Go parses and refuses what Go refuses', () => {
    for (const ok of ['10.0.0.1', '0.0.0.0', '255.255.255.255', '::', '::1', '2001:db8::1', 'FE80::1', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '64:ff9b::192.0.2.33']) {
      assert.ok(parseIp(ok), ok);
    }
    for (const bad of ['010.0.0.1', '10.0.0', '10.0.0.256', '1.2.3.4.5', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1:2:3:4:5:6:7', '1.2.3.4::', '12345::', 'kubernetes', '', '[::1]']) {
      assert.equal(parseIp(bad), undefined, bad);
    }
  });

  it('prints IPv4 (and IPv4-mapped) dotted and IPv6 in RFC 5952 form', () => {
    assert.equal(formatIp(ip('10.0.0.1')), '10.0.0.1');
    assert.equal(formatIp(new Uint8Array([10, 0, 0, 1])), '10.0.0.1');
    assert.equal(formatIp(ip('::ffff:10.0.0.1')), '10.0.0.1');
    assert.equal(formatIp(ip('2001:0DB8:0000:0000:0000:0000:0000:0001')), '2001:db8::1');
    assert.equal(formatIp(ip('2001:db8:0:0:1:0:0:1')), '2001:db8::1:0:0:1', 'the first of two equal zero runs');
    assert.equal(formatIp(ip('2001:db8:0:1:1:1:1:1')), '2001:db8:0:1:1:1:1:1', 'a single zero group is not compressed');
    assert.equal(formatIp(ip('::')), '::');
    assert.equal(formatIp(ip('1::')), '1::');
  });
});

describe('matchHostnames / validHostname', () => {
  it('wildcards are whole left-most labels; label counts must agree', () => {
    assert.equal(matchHostnames('*.example.com', 'a.example.com'), true);
    assert.equal(matchHostnames('*.example.com', 'example.com'), false);
    assert.equal(matchHostnames('*.example.com', 'a.b.example.com'), false);
    assert.equal(matchHostnames('a.*.example.com', 'a.b.example.com'), false, 'only the first label may be a wildcard');
    assert.equal(validHostname('a.*.example.com', true), false);
    assert.equal(validHostname('f*.example.com', true), false);
    assert.equal(validHostname('*.example.com', true), true);
    assert.equal(validHostname('*.example.com', false), false);
    assert.equal(validHostname('under_score.example.com', false), true);
    assert.equal(validHostname('-lead.example.com', false), false);
  });
});

describe('verifyHostname', () => {
  it('falls back to an exact, case-insensitive comparison for names that are not valid host names', () => {
    const n = names({ dnsNames: ['f*.example.com', 'Weird Name'] });
    assert.equal(verifyHostname(n, 'F*.EXAMPLE.COM').ok, true);
    assert.equal(verifyHostname(n, 'weird name').ok, true);
    assert.equal(verifyHostname(n, 'foo.example.com').ok, false);
  });

  it('treats a bracketed IPv6 address as an IP and reports it without brackets', () => {
    const n = names({ ipAddresses: [new Uint8Array([10, 0, 0, 1])] });
    assert.equal(verifyHostname(n, '[::2]').message, 'x509: certificate is valid for 10.0.0.1, not ::2');
  });

  it('words each failure as Go does', () => {
    assert.equal(verifyHostname(names({ dnsNames: ['a', 'b'] }), '10.0.0.5').message, 'x509: cannot validate certificate for 10.0.0.5 because it doesn\'t contain any IP SANs');
    assert.equal(verifyHostname(names({ dnsNames: ['a', 'b'] }), 'c').message, 'x509: certificate is valid for a, b, not c');
    assert.equal(verifyHostname(names({ ipAddresses: [ip('10.0.0.1')] }), 'c').message, 'x509: certificate is not valid for any names, but wanted to match c');
    assert.equal(verifyHostname(names({ hasSanExtension: false, commonName: 'c' }), 'C.').message, 'x509: certificate relies on legacy Common Name field, use SANs instead');
    assert.equal(verifyHostname(names({ hasSanExtension: false, commonName: '10.0.0.5' }), '10.0.0.5').message, 'x509: certificate relies on legacy Common Name field, use SANs instead');
    assert.equal(verifyHostname(names({ hasSanExtension: true, dnsNames: [], commonName: 'c' }), 'c').message, 'x509: certificate is not valid for any names, but wanted to match c');
  });
});
