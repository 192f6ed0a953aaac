// End to end with a real Prometheus server (Debian's `prometheus` binary, started here on a free
// 127.0.0.1 port with a throw-away config and data directory, never a system service): it scrapes
// a real `pki-lens serve` process every second over the seeded demo workspace, and its HTTP API
// says what an operator's alerts would see — the expired certificate's x509_cert_expired is 1,
// every seeded finding is there, and after a certificate is re-signed on disk by openssl the next
// scrape carries the new NotAfter that `openssl x509 -enddate` reads from the file.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Manifest, generateDemo } from '../fixtures/generate';
import { certFacts, openssl } from '../fixtures/openssl';
import { waitFor } from '../waitFor';
import { promtool } from './promtool';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-fleet-prometheus-'));
const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function start(cmd: string, args: string[], log: string): { child: ChildProcess; output: () => string } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout!.on('data', d => (text += d));
  child.stderr!.on('data', d => (text += d));
  child.on('exit', () => fs.writeFileSync(path.join(tmp, log), text));
  return { child, output: () => text };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise(resolve => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Sample { metric: Record<string, string>; value: [number, string] }

describe('pki-lens serve scraped by a real Prometheus', () => {
  let demo: Manifest;
  let prometheusUrl: string;
  let prometheus: ReturnType<typeof start>;
  let exporter: ReturnType<typeof start>;

  const query = async (promql: string): Promise<Sample[]> => {
    const r = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = await r.json() as { status: string; data: { result: Sample[] } };
    assert.equal(body.status, 'success', JSON.stringify(body));
    return body.data.result;
  };

  before(async () => {
    demo = generateDemo(path.join(tmp, 'demo'));
    exporter = start(process.execPath, [path.join(__dirname, '..', '..', 'src', 'cli', 'main.js'), 'serve', '--listen', '127.0.0.1:0', '--interval', '1s', demo.root], 'serve.log');
    const target = await waitFor('pki-lens serve listening', () => /listening on http:\/\/(\S+)\/metrics/.exec(exporter.output())?.[1], 60_000);
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const config = path.join(tmp, 'prometheus.yml');
    fs.writeFileSync(config, [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: pki-lens',
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'));
    prometheus = start('prometheus', [
      `--config.file=${config}`, `--storage.tsdb.path=${path.join(tmp, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--web.enable-lifecycle', '--log.level=warn',
    ], 'prometheus.log');
    await waitFor('Prometheus ready', async () => (await fetch(`${prometheusUrl}/-/ready`)).ok || prometheus.child.exitCode !== null, 60_000);
    assert.equal(prometheus.child.exitCode, null, prometheus.output());
  });

  after(async () => {
    await Promise.all(children.map(stop));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('scrapes the exporter successfully', async () => {
    await waitFor('a successful scrape', async () => (await query('up{job="pki-lens"}'))[0]?.value[1] === '1', 60_000);
    const targets = await (await fetch(`${prometheusUrl}/api/v1/targets`)).json() as { data: { activeTargets: { health: string; lastError: string }[] } };
    assert.deepEqual(targets.data.activeTargets.map(t => [t.health, t.lastError]), [['up', '']]);
  });

  it('the expired certificate has x509_cert_expired 1, the others 0', async () => {
    const expiredFile = path.join(demo.root, 'pki', 'apiserver-kubelet-client.crt');
    const series = await waitFor('x509_cert_expired in Prometheus', async () => {
      const r = await query('x509_cert_expired');
      return r.length ? r : undefined;
    }, 30_000);
    const expired = series.filter(s => s.value[1] === '1').map(s => path.relative(demo.root, s.metric.filepath)).sort();
    assert.ok(expired.includes(path.relative(demo.root, expiredFile)), expired.join(', '));
    // Every certificate file's verdict is openssl's: expired exactly when -enddate is past.
    let judged = 0;
    for (const s of series.filter(x => !x.metric.embedded_kind) /* Prometheus drops empty labels */) {
      const facts = certFacts(fs.readFileSync(s.metric.filepath, 'utf8'));
      if (BigInt(`0x${facts.serial}`).toString(10) === s.metric.serial_number) {
        assert.equal(s.value[1], Date.parse(facts.notAfter) < Date.now() ? '1' : '0', s.metric.filepath);
        judged++;
      }
    }
    assert.ok(judged >= 10, `${judged} certificate files judged`);
  });

  it('every seeded finding is present', async () => {
    const findings = await waitFor('pki_lens_finding in Prometheus', async () => {
      const r = await query('pki_lens_finding');
      return r.length ? r : undefined;
    }, 30_000);
    const seen = findings.flatMap(s => Array.from({ length: Number(s.value[1]) }, () => `${s.metric.code} ${path.relative(demo.root, s.metric.filepath)}`)).sort();
    assert.deepEqual(seen, demo.seeded.map(p => `${p.code} ${p.file}`).sort());
  });

  it('the Grafana dashboard is valid JSON whose every query promtool accepts and Prometheus answers', async () => {
    const file = path.join(__dirname, '..', '..', '..', 'deploy', 'grafana', 'pki-lens-dashboard.json');
    const dashboard = JSON.parse(fs.readFileSync(file, 'utf8')) as { uid: string; panels: { id: number; title: string; targets: { expr: string }[] }[] };
    assert.equal(dashboard.uid, 'pki-lens');
    // The dashboard's instance variable selects every instance here.
    const queries = dashboard.panels.flatMap(p => p.targets.map(t => ({ title: p.title, id: p.id, expr: t.expr.replace(/\$instance/g, '.*') })));
    assert.ok(queries.length >= 6);
    const rules = path.join(tmp, 'dashboard.rules.yml');
    fs.writeFileSync(rules, JSON.stringify({ groups: [{ name: 'dashboard', rules: queries.map(q => ({ record: `pki_lens:dashboard_panel_${q.id}`, expr: q.expr })) }] }));
    const check = promtool(['check', 'rules', rules]);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    for (const q of queries) {
      const result = await query(q.expr);
      assert.ok(result.length > 0, `${q.title}: ${q.expr} returns data`);
    }
  });

  it('a certificate renewed on disk shows its new NotAfter on the next scrape', async () => {
    const file = path.join(demo.root, 'pki', 'apiserver.crt');
    const selector = `x509_cert_not_after{filepath="${file}"}`;
    const before = Number((await query(selector))[0].value[1]);
    assert.equal(new Date(before * 1000).toISOString(), certFacts(fs.readFileSync(file, 'utf8')).notAfter);
    // Re-sign with the cluster CA for a year, written the way a careful tool writes: temp file, then rename.
    const request = openssl(['req', '-new', '-key', path.join(demo.root, 'pki', 'apiserver.key'), '-subj', '/CN=kube-apiserver']);
    const renewed = openssl(['x509', '-req', '-CA', path.join(demo.root, 'pki', 'ca.crt'), '-CAkey', path.join(demo.root, 'pki', 'ca.key'), '-days', '365', '-set_serial', '4242'], { input: request });
    fs.writeFileSync(`${file}.tmp`, renewed);
    fs.renameSync(`${file}.tmp`, file);
    const expected = new Date(certFacts(renewed).notAfter).getTime() / 1000;
    assert.notEqual(expected, before);
    await waitFor('the new NotAfter in Prometheus', async () => Number((await query(selector))[0]?.value[1]) === expected, 60_000);
    assert.equal((await query(`x509_cert_not_after{filepath="${file}",serial_number="4242"}`)).length, 1);
    assert.equal((await query(`pki_lens_finding{code="cert-expiring",filepath="${file}"}`)).length, 0, 'the expiring finding goes with the renewal');
  });
});
