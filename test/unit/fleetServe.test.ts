// `pki-lens serve`: durations and addresses as operators write them, /metrics and /healthz over
// real HTTP on 127.0.0.1, a rescan on a file change (with an interval far too long to be the
// cause), a bad file and a vanished folder that never stop it, and a clean exit on SIGTERM of the
// real process.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '../../src/cli/command';
import { main } from '../../src/cli/main';
import { parseDuration } from '../../src/cli/serve/duration';
import { RunningServer, parseListen, startServer } from '../../src/cli/serve/serve';
import { generateKubeadm } from '../fixtures/generate';
import { waitFor } from '../waitFor';
import { parseExposition, promtool } from './promtool';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-fleet-serve-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('pki-lens serve: options', () => {
  it('reads durations as Prometheus writes them', () => {
    assert.equal(parseDuration('1s'), 1000);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('250ms'), 250);
    for (const bad of ['', '5', 'm', '1.5m', '5 m', '-1s', '0s', '1y', '5mm']) {
      assert.equal(parseDuration(bad), undefined, bad);
    }
  });

  it('listens on 127.0.0.1 unless told otherwise', () => {
    assert.deepEqual(parseListen('9793'), { host: '127.0.0.1', port: 9793 });
    assert.deepEqual(parseListen('0.0.0.0:9100'), { host: '0.0.0.0', port: 9100 });
    assert.deepEqual(parseListen('[::1]:9793'), { host: '::1', port: 9793 });
    assert.throws(() => parseListen('localhost:99999'), UsageError);
    assert.throws(() => parseListen('a:b'), UsageError);
  });

  it('refuses a bad interval or a missing folder with a usage error, exit 2', async () => {
    let err = '';
    const io = { out: () => undefined, err: (t: string) => (err += t) };
    assert.equal(await main(['serve', '--interval', 'soon', tmp], io), 2);
    assert.match(err, /--interval: expected a duration/);
    assert.equal(await main(['serve', path.join(tmp, 'nowhere')], io), 2);
    assert.match(err, /no such file or directory/);
  });
});

describe('pki-lens serve: the exporter', () => {
  let root: string;
  let server: RunningServer;
  const logged: string[] = [];
  const get = (p: string, accept?: string) => fetch(`${server.url}${p}`, { headers: accept ? { accept } : {} });
  const metric = async (name: string, match: (labels: Record<string, string>) => boolean) =>
    parseExposition(await (await get('/metrics')).text()).find(s => s.name === name && match(s.labels));

  before(async () => {
    root = generateKubeadm(path.join(tmp, 'tree'), { seeded: false }).root;
    server = await startServer({ paths: [root], host: '127.0.0.1', port: 0, intervalMs: 3_600_000 }, line => logged.push(line));
  });
  after(() => server.close());

  it('serves /healthz and /metrics on 127.0.0.1, OpenMetrics when asked', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await get('/healthz');
    assert.equal(health.status, 200);
    const plain = await get('/metrics');
    assert.equal(plain.status, 200);
    assert.match(plain.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await plain.text();
    assert.equal(promtool(['check', 'metrics'], text).status, 0);
    const om = await get('/metrics', 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5');
    assert.match(om.headers.get('content-type') ?? '', /^application\/openmetrics-text; version=1\.0\.0/);
    assert.match(await om.text(), /\n# EOF\n$/);
    assert.equal((await get('/nothing')).status, 404);
    assert.equal((await fetch(`${server.url}/metrics`, { method: 'POST' })).status, 405);
  });

  it('rescans when a file changes, not only on the interval', async () => {
    const scans = server.exporter.scanCount;
    const copy = path.join(root, 'pki', 'extra-copy.crt');
    fs.copyFileSync(path.join(root, 'pki', 'ca.crt'), copy);
    await waitFor('the watcher-driven rescan sees the new file', async () => (await metric('x509_cert_not_after', l => l.filepath === copy)) !== undefined);
    assert.ok(server.exporter.scanCount > scans);
  });

  it('a bad file is a finding, and a vanished folder keeps the last metrics, both without stopping it', async () => {
    const bad = path.join(root, 'pki', 'broken.crt');
    fs.writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    await waitFor('the broken file is reported', async () => (await metric('pki_lens_finding', l => l.filepath === bad && l.code === 'decode-error'))?.value === 1);
    const moved = `${root}-moved`;
    fs.renameSync(root, moved);
    await server.exporter.rescan();
    assert.equal((await metric('pki_lens_scan_errors', l => l.reason === 'scan_failed'))?.value, 1);
    assert.ok(await metric('x509_cert_not_after', l => l.role === 'ca'), 'the last good scan is still served');
    assert.ok(logged.some(l => /scan failed/.test(l)), logged.join('\n'));
    fs.renameSync(moved, root);
    await server.exporter.rescan();
    assert.equal((await metric('pki_lens_scan_errors', l => l.reason === 'scan_failed'))?.value, 0);
    assert.equal((await get('/healthz')).status, 200);
  });
});

describe('pki-lens serve: the process', () => {
  it('exits 0 on SIGTERM', async () => {
    const root = path.join(tmp, 'process');
    fs.mkdirSync(root);
    fs.copyFileSync(path.join(tmp, 'tree', 'pki', 'ca.crt'), path.join(root, 'ca.crt'));
    const cli = path.join(__dirname, '..', '..', 'src', 'cli', 'main.js');
    const child = spawn(process.execPath, [cli, 'serve', '--listen', '127.0.0.1:0', '--interval', '1s', root], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', d => (stderr += d));
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    const url = await waitFor('the listening line', () => /listening on (http:\S+)\/metrics/.exec(stderr)?.[1], 60_000);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /SIGTERM: closing/);
  });
});
