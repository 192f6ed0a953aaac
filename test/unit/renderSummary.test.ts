// One-line summaries (CodeLens titles, outline names) over certificates and keys openssl made.
// Validity states are reached by moving `now`, not by minting a certificate per state.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyzeText } from '../../src/core/analyze';
import { DEFAULT_THRESHOLDS } from '../../src/core/x509/expiry';
import { DecodedObject } from '../../src/core/x509/material';
import { pairKeysInDocument } from '../../src/core/inventory/pairing';
import {
  SummaryContext, blockSymbolName, bundleSummary, carrierSymbolName, certificateSummary, entrySummary, objectSummary,
  privateKeySummary, stripIcons,
} from '../../src/core/render/summary';
import { Issued, Workbench, days, minutes } from '../fixtures/ca';
import { b64, kubeconfigYaml } from '../fixtures/kubeconfig';

const DAY = 86_400_000;
let bench: Workbench;
let ca: Issued;
let leaf: Issued;
let other: Issued;
// Half a second past a whole second: openssl's dates keep whole seconds, so NotAfter is exactly
// `days(365) - 500 ms` after t0 and reads "364 days". At Date.now() itself it read "365 days" in the
// one run in a thousand that started on a whole second (a fresh clone's CI met it).
const t0 = Math.floor(Date.now() / 1000) * 1000 + 500;

before(() => {
  bench = new Workbench();
  const validity = { notBefore: new Date(t0 - minutes(5)), notAfter: new Date(t0 + days(365)) };
  ca = bench.issue({ subject: '/CN=kubernetes', key: bench.newKey('p256'), ext: { ca: true, keyUsage: ['keyCertSign'], ski: true }, ...validity });
  leaf = bench.issue({ subject: '/O=kubeadm:cluster-admins/CN=kubernetes-admin', key: bench.newKey('p256'), issuer: ca, ext: { eku: ['clientAuth'], aki: true }, ...validity });
  other = bench.issue({ subject: '/CN=kube-apiserver', key: bench.newKey('rsa2048'), issuer: ca, ext: { eku: ['serverAuth'], san: ['DNS:kubernetes'] }, notBefore: validity.notBefore, notAfter: new Date(t0 + days(20)) });
});
after(() => bench.dispose());

const ctxAt = (now: number, pairings?: SummaryContext['pairings']): SummaryContext => ({ now: new Date(now), thresholds: DEFAULT_THRESHOLDS, pairings });

async function objectsOf(pem: string): Promise<DecodedObject[]> {
  return (await analyzeText(pem, { fileName: 'x.pem' })).entries.flatMap(e => e.objects);
}

describe('certificate summaries', () => {
  it('reads "CN=… · issuer CN=… · expires in N days" for a valid leaf, with no marker', async () => {
    const [cert] = await objectsOf(leaf.pem);
    const text = certificateSummary(cert.certificate!, ctxAt(t0 + DAY));
    assert.equal(text, 'CN=kubernetes-admin · issuer CN=kubernetes · expires in 363 days');
  });

  it('marks a CA and a self-issued certificate', async () => {
    const [cert] = await objectsOf(ca.pem);
    assert.equal(certificateSummary(cert.certificate!, ctxAt(t0)), 'CN=kubernetes · CA · self-issued · expires in 364 days');
  });

  it('puts $(warning) before an expiring, $(error) before an expired and $(clock) before a not-yet-valid certificate', async () => {
    const [cert] = await objectsOf(leaf.pem);
    const c = cert.certificate!;
    assert.match(certificateSummary(c, ctxAt(c.notAfter.getTime() - 10 * DAY)), /^\$\(warning\) CN=kubernetes-admin · .* · expires in (9|10) days$/);
    assert.match(certificateSummary(c, ctxAt(c.notAfter.getTime() + 3 * DAY)), /^\$\(error\) .* · expired 3 days ago$/);
    assert.match(certificateSummary(c, ctxAt(c.notBefore.getTime() - 2 * DAY)), /^\$\(clock\) .* · not valid for another 2 days$/);
  });

  it('summarises a bundle by count and nearest expiry, marked by its worst member', async () => {
    const objects = await objectsOf(ca.pem + leaf.pem + other.pem);
    assert.equal(bundleSummary(objects, ctxAt(t0)), '$(warning) 3 certificates · first expires in 19 days');
    assert.equal(bundleSummary(objects.slice(0, 2), ctxAt(t0)), '2 certificates · first expires in 364 days');
  });
});

describe('key summaries', () => {
  it('names the key type and the certificate it matches (and never its material)', async () => {
    const yaml = kubeconfigYaml({
      clusters: [{ name: 'k', server: 'https://k:6443', caData: b64(ca.pem) }],
      users: [{ name: 'admin', certData: b64(leaf.pem), keyData: b64(leaf.key.traditional()) }, { name: 'wrong', certData: b64(leaf.pem), keyData: b64(other.key.traditional()) }],
      contexts: [{ name: 'admin@k', cluster: 'k', user: 'admin' }],
      currentContext: 'admin@k',
    });
    const analysis = await analyzeText(yaml, { fileName: 'admin.conf' });
    const ctx = ctxAt(t0, pairKeysInDocument(analysis));
    const byPath = (p: string) => analysis.entries.find(e => e.carrier?.path === p)!;
    assert.equal(entrySummary(byPath('users[0].user.client-key-data'), ctx), 'EC P-256 private key · matches CN=kubernetes-admin');
    const wrong = entrySummary(byPath('users[1].user.client-key-data'), ctx);
    assert.equal(wrong, '$(error) RSA 2048 private key · does not match CN=kubernetes-admin (users[1].user.client-certificate-data)');
    assert.equal(carrierSymbolName(byPath('users[0].user.client-certificate-data')), 'users[0].user.client-certificate-data CN=kubernetes-admin');
    assert.equal(carrierSymbolName(byPath('clusters[0].cluster.certificate-authority-data')), 'clusters[0].cluster.certificate-authority-data CN=kubernetes');
    const keyBody = leaf.key.traditional().split('\n')[1];
    assert.ok(!wrong.includes(keyBody) && !entrySummary(byPath('users[0].user.client-key-data'), ctx).includes(keyBody));
  });

  it('says an encrypted key is encrypted and how', () => {
    assert.equal(privateKeySummary({ format: 'PKCS#8 (encrypted)', encrypted: true, algorithm: 'unknown', description: '', encryption: 'PBES2' }, undefined), 'encrypted private key · PBES2');
  });
});

describe('outline names and errors', () => {
  it('names PEM blocks by label and what they hold', async () => {
    const ec = await objectsOf(leaf.key.traditional());
    const pkcs8 = await objectsOf(other.key.pkcs8);
    const [cert] = await objectsOf(ca.pem);
    assert.equal(blockSymbolName(ec[0]), 'EC PRIVATE KEY P-256');
    assert.equal(blockSymbolName(pkcs8[0]), 'PRIVATE KEY RSA 2048');
    assert.equal(blockSymbolName(cert), 'CERTIFICATE CN=kubernetes');
  });

  it('gives the reason when a block does not decode', async () => {
    const [broken] = await objectsOf('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const text = objectSummary(broken, ctxAt(t0));
    assert.match(text, /^\$\(error\) cannot decode CERTIFICATE: /);
    assert.equal(stripIcons(text).startsWith('cannot decode'), true);
  });

  it('reports a carrier that is not base64 with its reason', async () => {
    const analysis = await analyzeText('apiVersion: v1\nkind: Secret\ndata:\n  tls.crt: "not*base64"\n', { fileName: 's.yaml' });
    assert.match(entrySummary(analysis.entries[0], ctxAt(t0)), /^\$\(error\) cannot decode: not valid base64/);
  });
});
