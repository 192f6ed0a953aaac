// Where Go's crypto/x509 (Go 1.24/1.25, what kubectl, the kubelet and etcd ship) and OpenSSL part
// ways, verifyChain follows Go. Each case is built by openssl at test time — odd extensions with
// openssl's generic `OID = DER:…` syntax — and `openssl verify` is asked too, so a divergence from
// OpenSSL is visible as such rather than hidden.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CertificateInfo } from '../../src/core/x509/certificate';
import { decodePemBlocks } from '../../src/core/x509/material';
import { findPemBlocks } from '../../src/core/x509/pem';
import { VerificationResult, VerifyOptions, verifyChain } from '../../src/core/verify';
import { MAX_CONSTRAINT_COMPARISONS } from '../../src/core/verify/nameConstraints';
import { ChainLab, DAY, LabCert, caExt, constrainedChain, leafExt, opensslVerify } from '../fixtures/chains';

let lab: ChainLab;
const base = new Date(Math.floor(Date.now() / 1000) * 1000);
const rel = (ms: number) => new Date(base.getTime() + ms);

async function info(cert: LabCert): Promise<CertificateInfo> {
  const [obj] = await decodePemBlocks(findPemBlocks(cert.pem));
  assert.ok(obj.certificate, obj.error);
  return obj.certificate;
}

async function verify(leaf: LabCert, roots: LabCert[], intermediates: LabCert[] = [], options: VerifyOptions = {}): Promise<VerificationResult> {
  return verifyChain({ leaf: await info(leaf), roots: await Promise.all(roots.map(info)), intermediates: await Promise.all(intermediates.map(info)) }, { at: base, ...options });
}

let root: LabCert;
const ca = (subject: string, ext: string[], issuer: LabCert | undefined = root, key?: LabCert['key']) =>
  lab.issue({ subject, issuer, key, notBefore: rel(-30 * DAY), notAfter: rel(365 * DAY), ext });
const leafOf = (issuer: LabCert, ext: string[], subject = '/CN=leaf') =>
  lab.issue({ subject, issuer, notBefore: rel(-DAY), notAfter: rel(30 * DAY), ext });

before(() => {
  lab = new ChainLab();
  root = lab.issue({ subject: '/CN=Go Edges Root', notBefore: rel(-365 * DAY), notAfter: rel(3650 * DAY), ext: caExt() });
});

after(() => lab.dispose());

describe('Go accepts where a reader of the RFCs might not', () => {
  it('an extendedKeyUsage extension that is present but empty restricts nothing (Go: no EKU listed)', async () => {
    const leaf = leafOf(root, leafExt({ san: ['DNS:empty-eku.test'], extra: ['2.5.29.37 = DER:30:00'] }));
    const decoded = await info(leaf);
    assert.ok(decoded.extensions.some(e => e.oid === '2.5.29.37'), 'the empty EKU extension is there');
    for (const purpose of ['serverAuth', 'clientAuth'] as const) {
      const r = await verify(leaf, [root], [], { purpose, host: 'empty-eku.test' });
      assert.equal(r.ok, true, `${purpose}: ${r.errors.join('\n')}`);
      assert.match(r.checks.find(c => c.name === 'extended-key-usage')!.message, /no extended key usage restricts/);
    }
  });

  it('a wildcard directly on a top-level domain (*.com) matches one label, as Go\'s matchHostnames does; OpenSSL refuses', async () => {
    const leaf = leafOf(root, leafExt({ san: ['DNS:*.com'], eku: ['serverAuth'] }));
    const r = await verify(leaf, [root], [], { host: 'example.com' });
    assert.equal(r.ok, true, r.errors.join('\n'));
    assert.equal(r.checks.find(c => c.name === 'hostname')!.message, 'example.com matches DNS SAN *.com');
    const deeper = await verify(leaf, [root], [], { host: 'a.example.com' });
    assert.equal(deeper.goError, 'x509: certificate is valid for *.com, not a.example.com');
    assert.equal(opensslVerify(lab, { roots: [root], leaf, at: base, hostname: 'example.com' }).ok, false, 'OpenSSL needs two labels after the wildcard');
  });

  it('a leaf with a 512-bit RSA key verifies: Go only refuses small RSA keys it has to verify a signature with', async () => {
    const leaf = lab.issue({ subject: '/CN=small-key leaf', issuer: root, key: lab.key('rsa512'), notBefore: rel(-DAY), notAfter: rel(30 * DAY), ext: leafExt({ san: ['DNS:small.test'] }) });
    const r = await verify(leaf, [root], [], { host: 'small.test' });
    assert.equal(r.ok, true, r.errors.join('\n'));
  });

  it('a non-critical name-constraints extension that only forbids otherName is ignored', async () => {
    const nc = ca('/CN=otherName NC', caExt({ nameConstraints: 'excluded;otherName:1.3.6.1.5.5.7.8.9;UTF8:someone@example.com' }));
    const leaf = leafOf(nc, leafExt({ san: ['DNS:svc.test'] }));
    const r = await verify(leaf, [root], [nc]);
    assert.equal(r.ok, true, r.errors.join('\n'));
  });
});

describe('Go refuses where OpenSSL accepts', () => {
  it('a critical name-constraints extension that only forbids otherName is an unhandled critical extension', async () => {
    const nc = ca('/CN=otherName NC critical', caExt({ nameConstraints: 'critical, excluded;otherName:1.3.6.1.5.5.7.8.9;UTF8:someone@example.com' }));
    const leaf = leafOf(nc, leafExt({ san: ['DNS:svc.test'] }));
    const r = await verify(leaf, [root], [nc]);
    assert.equal(r.ok, false);
    // isValid's error on the only candidate survives buildChains as the error Verify returns.
    assert.equal(r.goError, 'x509: unhandled critical extension');
    const critical = r.checks.find(c => c.name === 'critical-extensions' && !c.ok)!;
    assert.match(critical.detail!, /2\.5\.29\.30/);
  });

  it('a permitted directoryName that matches does not help: Go does not support directoryName constraints', async () => {
    const nc = ca('/O=Edge/CN=dirName NC', caExt({ nameConstraints: 'critical, permitted;dirName:dir_sect', extra: ['[ dir_sect ]', 'O = Edge'] }));
    const leaf = leafOf(nc, leafExt({ san: ['DNS:svc.test'] }), '/O=Edge/CN=inside');
    assert.equal(opensslVerify(lab, { roots: [root], untrusted: [nc], leaf, at: base }).ok, true, 'OpenSSL matches the directoryName');
    const r = await verify(leaf, [root], [nc]);
    assert.equal(r.ok, false);
    assert.equal(r.goError, 'x509: unhandled critical extension');
  });

  it('name constraints apply to a self-issued intermediate\'s own SANs too (RFC 5280 skips self-issued certificates; Go does not)', async () => {
    const constrained = lab.issue({ subject: '/CN=Constrained Root', notBefore: rel(-365 * DAY), notAfter: rel(3650 * DAY), ext: caExt({ nameConstraints: 'critical, permitted;DNS:inside.test' }) });
    const rollover = ca('/CN=Constrained Root', [...caExt({ aki: true }), 'subjectAltName = DNS:outside.test'], constrained, lab.key());
    const leaf = leafOf(rollover, leafExt({ san: ['DNS:app.inside.test'] }));
    assert.equal(opensslVerify(lab, { roots: [constrained], untrusted: [rollover], leaf, at: base }).ok, true, 'OpenSSL skips the self-issued certificate');
    const r = await verify(leaf, [constrained], [rollover]);
    assert.equal(r.ok, false);
    assert.match(r.errors.join('\n'), /x509: a root or intermediate certificate is not authorized to sign for this name: DNS name "outside\.test" is not permitted by any constraint/);
  });

  it('path length counts a self-issued intermediate (RFC 5280 does not; Go does)', async () => {
    const tight = lab.issue({ subject: '/CN=Pathlen Root', notBefore: rel(-365 * DAY), notAfter: rel(3650 * DAY), ext: caExt({ pathlen: 0 }) });
    const rollover = ca('/CN=Pathlen Root', caExt({ aki: true }), tight, lab.key());
    const leaf = leafOf(rollover, leafExt({ san: ['DNS:svc.test'] }));
    assert.equal(opensslVerify(lab, { roots: [tight], untrusted: [rollover], leaf, at: base }).ok, true, 'OpenSSL does not count self-issued certificates');
    const r = await verify(leaf, [tight], [rollover]);
    assert.equal(r.ok, false);
    assert.ok(r.errors.includes('x509: too many intermediates for path length constraint'), r.errors.join('\n'));
  });

  it('a CA with an RSA key under 1024 bits cannot vouch for anything (Go ≥ 1.24 crypto/rsa)', async () => {
    const weak = lab.issue({ subject: '/CN=Weak Root', key: lab.key('rsa512'), notBefore: rel(-365 * DAY), notAfter: rel(3650 * DAY), ext: caExt() });
    const leaf = leafOf(weak, leafExt({ san: ['DNS:svc.test'] }));
    assert.equal(opensslVerify(lab, { roots: [weak], leaf, at: base }).ok, true, 'OpenSSL at its default level accepts');
    const r = await verify(leaf, [weak]);
    assert.equal(r.ok, false);
    assert.equal(r.goError, 'x509: certificate signed by unknown authority (possibly because of "crypto/rsa: 512-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)" while trying to verify candidate authority certificate "Weak Root")');
  });

  it('a malformed authorityInfoAccess extension makes the certificate unparseable', async () => {
    const leaf = leafOf(root, leafExt({ san: ['DNS:svc.test'], extra: ['1.3.6.1.5.5.7.1.1 = DER:30:03:02:01:05'] }));
    const r = await verify(leaf, [root]);
    assert.equal(r.ok, false);
    assert.equal(r.goError, 'x509: invalid authority info access');
    assert.equal(r.checks.find(c => c.name === 'parse')!.ok, false);
    const wellFormed = leafOf(root, leafExt({ san: ['DNS:svc.test'], extra: ['authorityInfoAccess = OCSP;URI:http://ocsp.test/,caIssuers;URI:http://ca.test/ca.crt'] }));
    assert.equal((await verify(wellFormed, [root])).ok, true);
  });

  it('name constraints with neither subtree, or with an empty subtree, make the CA unparseable', async () => {
    for (const [der, error] of [['30:00', 'x509: empty name constraints extension'], ['30:02:a0:00', 'x509: empty name constraints subtree sequence']]) {
      const nc = ca(`/CN=Empty NC ${der}`, [...caExt(), `2.5.29.30 = critical, DER:${der}`]);
      const leaf = leafOf(nc, leafExt({ san: ['DNS:svc.test'] }));
      const r = await verify(leaf, [root], [nc]);
      assert.equal(r.ok, false);
      assert.equal(r.goError, error);
    }
  });
});

describe('the name-constraint work budget', () => {
  it(`stops after ${MAX_CONSTRAINT_COMPARISONS.toLocaleString('en-US')} comparisons as Go does: 4,096 names × 100 constraints is refused, 64 names pass`, async () => {
    const few = constrainedChain(lab, root, 64, 100, base);
    const many = constrainedChain(lab, root, 4096, 100, base);
    const ok = await verify(few.leaf, [root], [few.ca]);
    assert.equal(ok.ok, true, ok.errors.join('\n'));
    const r = await verify(many.leaf, [root], [many.ca]);
    assert.equal(r.ok, false);
    assert.equal(r.goError, 'x509: unknown error', 'Go\'s CertificateInvalidError has no words for TooManyConstraints');
    const check = r.checks.find(c => c.name === 'name-constraints' && !c.ok)!;
    assert.match(check.detail!, /more than 250,000 comparisons/);
  });

  it('time grows linearly when names and constraints grow together (CPU time of 4n over n well under 16)', async () => {
    // n names × n constraints is quadratic work without a budget: four times both is sixteen times
    // the comparisons. With Go's budget the larger case stops at 250,000. Best of three runs of each.
    const n = 256;
    const small = constrainedChain(lab, root, n, n, base);
    const large = constrainedChain(lab, root, 4 * n, 4 * n, base);
    const input = async (c: { ca: LabCert; leaf: LabCert }) => ({ leaf: await info(c.leaf), roots: [await info(root)], intermediates: [await info(c.ca)] });
    const [smallInput, largeInput] = [await input(small), await input(large)];
    const best = async (i: typeof smallInput) => {
      let min = Infinity;
      for (let k = 0; k < 3; k++) {
        const start = process.cpuUsage();
        await verifyChain(i, { at: base });
        const used = process.cpuUsage(start);
        min = Math.min(min, (used.user + used.system) / 1000);
      }
      return min;
    };
    await best(smallInput); // warm up the JIT
    const t1 = await best(smallInput);
    const t2 = await best(largeInput);
    const ratio = t2 / Math.max(t1, 1);
    console.log(`  ${n}×${n}: ${t1.toFixed(0)} ms, ${4 * n}×${4 * n}: ${t2.toFixed(0)} ms CPU, ×${ratio.toFixed(2)}`);
    assert.ok(t2 < 40 || ratio < 8, `four times the names and constraints multiplied the time by ${ratio.toFixed(2)} (${t1.toFixed(0)} → ${t2.toFixed(0)} ms CPU; linear ≈ 4, quadratic ≈ 16)`);
  });
});
