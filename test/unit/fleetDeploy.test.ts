// deploy/: the Kubernetes manifests parse as the objects they claim to be (kinds, security
// context, read-only hostPath mounts, limits, selectors that meet), the PrometheusRule passes
// `promtool check rules` and its promtool unit tests (every alert firing and not firing), the
// textfile writer replaces its output atomically with text promtool accepts, and the CLI bundle
// the Containerfile ships runs on its own, outside the repository.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { generateKubeadm } from '../fixtures/generate';
import { parseExposition, promtool } from './promtool';

const ROOT = path.join(__dirname, '..', '..', '..');
const DEPLOY = path.join(ROOT, 'deploy');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-fleet-deploy-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

function objects(): Obj[] {
  const dir = path.join(DEPLOY, 'kubernetes');
  return fs.readdirSync(dir).filter(f => f.endsWith('.yaml')).sort().flatMap(f => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(doc => {
    assert.deepEqual(doc.errors, [], f);
    return doc.toJS();
  }));
}

describe('deploy/kubernetes', () => {
  const all = objects();
  const one = (kind: string) => {
    const found = all.filter(o => o.kind === kind);
    assert.equal(found.length, 1, kind);
    return found[0];
  };

  it('holds the namespace, DaemonSet, Service, ServiceMonitor and PrometheusRule, all in one namespace', () => {
    assert.deepEqual(all.map(o => `${o.apiVersion} ${o.kind}`).sort(), [
      'apps/v1 DaemonSet', 'monitoring.coreos.com/v1 PrometheusRule', 'monitoring.coreos.com/v1 ServiceMonitor', 'v1 Namespace', 'v1 Service',
    ]);
    for (const o of all.filter(x => x.kind !== 'Namespace')) {
      assert.equal(o.metadata.namespace, 'pki-lens', o.kind);
    }
  });

  it('the DaemonSet runs on control-plane nodes, non-root, read-only, limited, with read-only hostPath mounts', () => {
    const ds = one('DaemonSet');
    const pod = ds.spec.template.spec;
    assert.deepEqual(ds.spec.selector.matchLabels, ds.spec.template.metadata.labels);
    assert.ok(pod.tolerations.some((t: Obj) => t.key === 'node-role.kubernetes.io/control-plane' && t.effect === 'NoSchedule' && t.operator === 'Exists'));
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.securityContext.runAsUser > 0);
    assert.equal(pod.automountServiceAccountToken, false, 'it needs no API access');
    assert.equal(pod.hostNetwork, undefined);
    const [c] = pod.containers;
    assert.equal(pod.containers.length, 1);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
    assert.ok(c.resources.limits.cpu && c.resources.limits.memory);
    const hostPaths = Object.fromEntries(pod.volumes.map((v: Obj) => [v.name, v.hostPath?.path]));
    assert.deepEqual(Object.values(hostPaths).sort(), ['/etc/kubernetes', '/var/lib/kubelet/pki']);
    for (const m of c.volumeMounts) {
      assert.equal(m.readOnly, true, m.name);
      assert.equal(m.mountPath, hostPaths[m.name], 'mounted where it is on the host, so filepath labels are host paths');
    }
    assert.equal(c.args[0], 'serve');
    for (const p of ['/etc/kubernetes', '/var/lib/kubelet/pki']) {
      assert.ok(c.args.includes(p), p);
    }
    assert.equal(c.readinessProbe.httpGet.path, '/healthz');
  });

  it('the Service selects the pods and the ServiceMonitor the Service, on the metrics port', () => {
    const ds = one('DaemonSet');
    const svc = one('Service');
    const sm = one('ServiceMonitor');
    const labels = ds.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(svc.spec.selector)) {
      assert.equal(labels[k], v, k);
    }
    const port = ds.spec.template.spec.containers[0].ports.find((p: Obj) => p.name === 'metrics');
    assert.ok(listenAddress(ds).endsWith(`:${port.containerPort}`));
    assert.equal(svc.spec.ports[0].targetPort, 'metrics');
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) {
      assert.equal(svc.metadata.labels[k], v, k);
    }
    assert.equal(sm.spec.endpoints[0].port, svc.spec.ports[0].name);
    assert.equal(sm.spec.endpoints[0].path, '/metrics');
    assert.equal(svc.metadata.name, 'pki-lens', 'the job label the stale alert matches');
  });

  it('the PrometheusRule passes promtool check rules and its unit tests, one per alert firing and not', () => {
    const rule = one('PrometheusRule');
    const dir = path.join(tmp, 'rules');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'pki-lens.rules.yml'), stringify(rule.spec));
    const check = promtool(['check', 'rules', 'pki-lens.rules.yml'], undefined, dir);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const testFile = path.join(DEPLOY, 'prometheus', 'pki-lens.rules.test.yml');
    fs.copyFileSync(testFile, path.join(dir, 'tests.yml'));
    const test = promtool(['test', 'rules', 'tests.yml'], undefined, dir);
    assert.equal(test.status, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /SUCCESS/);
    // Every alert is tested both ways: some case expects it, and some case expects silence.
    const tests = parse(fs.readFileSync(testFile, 'utf8')).tests.flatMap((t: Obj) => t.alert_rule_test) as { alertname: string; exp_alerts: unknown[] }[];
    const alerts = rule.spec.groups.flatMap((g: Obj) => g.rules.map((r: Obj) => r.alert)) as string[];
    assert.ok(alerts.length >= 7);
    for (const a of alerts) {
      assert.ok(tests.some(t => t.alertname === a && t.exp_alerts.length > 0), `${a} fires in a test`);
      assert.ok(tests.some(t => t.alertname === a && t.exp_alerts.length === 0), `${a} stays quiet in a test`);
    }
    for (const days of [28, 14, 7]) {
      assert.ok(alerts.includes(`PkiLensCertificateExpiresWithin${days}Days`));
    }
  });
});

function listenAddress(ds: Obj): string {
  const arg = (ds.spec.template.spec.containers[0].args as string[]).find(a => a.startsWith('--listen='));
  return arg?.slice('--listen='.length) ?? '';
}

describe('deploy/textfile and deploy/Containerfile', () => {
  let root: string;
  const cli = path.join(ROOT, 'dist', 'cli.js');
  before(() => {
    root = generateKubeadm(path.join(tmp, 'tree'), { seeded: true }).root;
  });

  it('the textfile writer replaces its .prom file atomically with text promtool accepts', () => {
    const out = path.join(tmp, 'textfile', 'pki-lens.prom');
    fs.mkdirSync(path.dirname(out));
    fs.writeFileSync(out, '# previous\n');
    const previousInode = fs.statSync(out).ino;
    const script = path.join(DEPLOY, 'textfile', 'pki-lens-textfile.sh');
    const env = { ...process.env, PKI_LENS: `${process.execPath} ${path.join(__dirname, '..', '..', 'src', 'cli', 'main.js')}` };
    const r = spawnSync(script, [out, root], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(path.dirname(out)), ['pki-lens.prom'], 'no temporary file left');
    assert.notEqual(fs.statSync(out).ino, previousInode, 'a new file renamed into place, not rewritten in place');
    assert.equal(fs.statSync(out).mode & 0o777, 0o644);
    const text = fs.readFileSync(out, 'utf8');
    assert.equal(promtool(['check', 'metrics'], text).status, 0);
    assert.ok(parseExposition(text).some(s => s.name === 'x509_cert_expired' && s.value === 1));
    // A failing run keeps the previous file whole.
    const failed = spawnSync(script, [out, path.join(tmp, 'nowhere')], { env, encoding: 'utf8' });
    assert.notEqual(failed.status, 0);
    assert.equal(fs.readFileSync(out, 'utf8'), text);
    assert.deepEqual(fs.readdirSync(path.dirname(out)), ['pki-lens.prom']);
    const unit = fs.readFileSync(path.join(DEPLOY, 'textfile', 'pki-lens-textfile.service'), 'utf8');
    assert.match(unit, /^ExecStart=\S*pki-lens-textfile\.sh \/var\/lib\/prometheus\/node-exporter\/pki-lens\.prom /m);
    assert.match(unit, /^ReadWritePaths=\/var\/lib\/prometheus\/node-exporter$/m);
  });

  it('the Containerfile ships dist/cli.js as a non-root user, and that one file runs on its own', () => {
    const file = fs.readFileSync(path.join(DEPLOY, 'Containerfile'), 'utf8');
    assert.match(file, /^RUN node esbuild\.mjs --production$/m);
    assert.match(file, /^COPY --from=build \/src\/dist\/cli\.js \/opt\/pki-lens\/cli\.js$/m);
    const user = /^USER (\d+):(\d+)$/m.exec(file);
    assert.ok(user && Number(user[1]) > 0, 'a numeric non-root user');
    const pod = objects().find(o => o.kind === 'DaemonSet').spec.template.spec;
    assert.equal(pod.securityContext.runAsUser, Number(user[1]), 'the DaemonSet runs as the image user');
    assert.ok(fs.existsSync(cli), 'dist/cli.js is built (npm run build)');
    const alone = path.join(tmp, 'image', 'cli.js');
    fs.mkdirSync(path.dirname(alone));
    fs.copyFileSync(cli, alone);
    const r = spawnSync(process.execPath, [alone, 'check', '--format', 'openmetrics', '--fail-on', 'none', root], { cwd: path.dirname(alone), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(promtool(['check', 'metrics'], r.stdout).status, 0);
  });
});
