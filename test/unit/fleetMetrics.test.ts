// `pki-lens check --format openmetrics` on every generated workspace, judged by the tools of the
// trade: `promtool check metrics` (Prometheus's own linter) accepts the text, and every
// x509_cert_not_after equals what `openssl x509 -enddate` says of the same certificate (matched by
// file and serial number). Also: label values with quotes, backslashes and line feeds survive
// Prometheus's parser, and no private key material is ever written.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { main } from '../../src/cli/main';
import { Manifest, generateCarriers, generateDemo, generateKeys, generateKubeadm } from '../fixtures/generate';
import { generateServerName } from '../fixtures/serverName';
import { certFacts } from '../fixtures/openssl';
import { parseExposition, promtool } from './promtool';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-fleet-metrics-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function metrics(...paths: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(['check', '--format', 'openmetrics', '--fail-on', 'none', ...paths], { out: t => (out += t), err: t => (err += t) });
  assert.equal(code, 0, err);
  return out;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every certificate openssl can read in a file: PEM blocks, a DER file, and PEM or base64 PEM/DER in any YAML/JSON string. */
function opensslCertificates(file: string): Map<string, string> {
  const bytes = fs.readFileSync(file);
  const text = bytes.toString('utf8');
  const found = new Map<string, string>(); // decimal serial → ISO notAfter
  const add = (material: string | Buffer, inform: 'PEM' | 'DER') => {
    try {
      const facts = certFacts(material, inform);
      found.set(BigInt(`0x${facts.serial}`).toString(10), facts.notAfter);
    } catch {
      // openssl cannot read it either: not a certificate
    }
  };
  if (bytes[0] === 0x30) {
    add(bytes, 'DER');
  }
  for (const block of text.match(CERT_BLOCK) ?? []) {
    add(block, 'PEM');
  }
  if (/\.(ya?ml|json|conf|kubeconfig)$/.test(file) || !text.includes('-----BEGIN')) {
    const strings: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === 'string') strings.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    for (const doc of parseAllDocuments(text)) {
      if (!('errors' in doc) || !doc.errors.length) walk(doc.toJS());
    }
    for (const s of strings) {
      for (const block of s.match(CERT_BLOCK) ?? []) add(block, 'PEM');
      if (/^[A-Za-z0-9+/=\s]{40,}$/.test(s)) {
        const decoded = Buffer.from(s.replace(/\s+/g, ''), 'base64');
        const pems = decoded.toString('utf8').match(CERT_BLOCK);
        if (pems) pems.forEach(b => add(b, 'PEM'));
        else if (decoded[0] === 0x30) add(decoded, 'DER');
      }
    }
  }
  return found;
}

type Generated = Pick<Manifest, 'root'> & { generator?: string; seeded?: Manifest['seeded'] };
const made = new Map<string, Generated>();
const workspaces: [string, (dir: string) => Generated][] = [
  ['kubeadm (seeded)', d => generateKubeadm(d, { seeded: true })],
  ['kubeadm-healthy', d => generateKubeadm(d, { seeded: false })],
  ['carriers', generateCarriers],
  ['keys', generateKeys],
  ['demo', generateDemo],
  ['server-name', generateServerName],
];

describe('pki-lens check --format openmetrics', () => {
  for (const [name, generate] of workspaces) {
    it(`${name}: promtool accepts it and every x509_cert_not_after is openssl's -enddate`, async () => {
      const manifest = generate(path.join(tmp, name.replace(/\W+/g, '-')));
      made.set(name, manifest);
      const text = await metrics(manifest.root);
      const lint = promtool(['check', 'metrics'], text);
      assert.equal(lint.status, 0, `promtool check metrics:\n${lint.stdout}${lint.stderr}`);
      assert.ok(text.endsWith('# EOF\n'));

      const series = parseExposition(text);
      const notAfter = series.filter(s => s.name === 'x509_cert_not_after');
      assert.ok(notAfter.length > 0, 'certificates are exported');
      const byFile = new Map<string, Map<string, string>>();
      for (const s of notAfter) {
        const file = s.labels.filepath;
        assert.ok(path.isAbsolute(file) && fs.existsSync(file), file);
        let known = byFile.get(file);
        if (!known) {
          known = opensslCertificates(file);
          byFile.set(file, known);
        }
        const expected = known.get(s.labels.serial_number);
        assert.ok(expected, `openssl finds serial ${s.labels.serial_number} (${s.labels.subject_CN}) in ${file} ${s.labels.embedded_key}`);
        assert.equal(new Date(s.value * 1000).toISOString(), expected, `${file} ${s.labels.embedded_key} ${s.labels.subject_CN}`);
        assert.equal(path.basename(file), s.labels.filename);
      }
      // The other way round: every certificate openssl reads in an exported file is exported.
      for (const [file, known] of byFile) {
        const exported = new Set(notAfter.filter(s => s.labels.filepath === file).map(s => s.labels.serial_number));
        for (const serial of known.keys()) {
          assert.ok(exported.has(serial), `serial ${serial} of ${file} is exported`);
        }
      }
      // x509_cert_expired agrees with -enddate against the scan's clock.
      const scanned = series.find(s => s.name === 'pki_lens_last_scan_timestamp_seconds')!.value;
      for (const s of series.filter(x => x.name === 'x509_cert_expired')) {
        const end = notAfter.find(n => n.key === s.key)!.value;
        assert.equal(s.value, scanned > end ? 1 : 0, s.key);
      }
      // Findings: exactly the seeded list, by code and file.
      const findings = series.filter(s => s.name === 'pki_lens_finding').flatMap(s => Array.from({ length: s.value }, () => `${s.labels.code} ${path.relative(manifest.root, s.labels.filepath)}`));
      if (manifest.generator === 'kubeadm' || manifest.generator === 'kubeadm-healthy' || manifest.generator === 'demo') {
        assert.deepEqual(findings.sort(), (manifest.seeded ?? []).map(p => `${p.code} ${p.file}`).sort());
      }
      assert.doesNotMatch(text, /PRIVATE KEY|MII[A-Za-z0-9+/]{20}/, 'no key material, no base64 bodies');
    });
  }

  it('the seeded kubeadm tree names kubeadm roles and the expired certificate', async () => {
    const manifest = made.get('kubeadm (seeded)') ?? generateKubeadm(path.join(tmp, 'roles'), { seeded: true });
    const series = parseExposition(await metrics(manifest.root));
    const of = (name: string, rel: string) => series.filter(s => s.name === name && s.labels.filepath === path.join(manifest.root, rel));
    assert.equal(of('x509_cert_expired', 'pki/apiserver-kubelet-client.crt')[0].value, 1);
    assert.equal(of('x509_cert_expired', 'pki/apiserver.crt')[0].labels.role, 'apiserver');
    assert.equal(of('x509_cert_expired', 'pki/apiserver.crt')[0].value, 0);
    const admin = of('x509_cert_not_after', 'admin.conf').find(s => s.labels.embedded_kind === 'user');
    assert.equal(admin?.labels.role, 'admin.conf');
    assert.equal(admin?.labels.embedded_key, 'users[0].user.client-certificate-data');
    const expiresIn = of('x509_cert_expires_in_seconds', 'pki/apiserver.crt')[0].value;
    assert.ok(expiresIn > 10 * 86400 && expiresIn < 11 * 86400, `apiserver expires in 10 days and an hour: ${expiresIn}`);
  });

  it('escapes quotes, backslashes and line feeds in label values so Prometheus reads them back', async () => {
    const manifest = made.get('kubeadm-healthy') ?? generateKubeadm(path.join(tmp, 'escape'), { seeded: false });
    const odd = path.join(tmp, 'odd "name" \\ with\nnewline.crt');
    fs.copyFileSync(path.join(manifest.root, 'pki', 'ca.crt'), odd);
    const text = await metrics(odd);
    const lint = promtool(['check', 'metrics'], text);
    assert.equal(lint.status, 0, lint.stderr);
    const s = parseExposition(text).find(x => x.name === 'x509_cert_not_after');
    assert.equal(s?.labels.filepath, odd);
    assert.equal(s?.labels.filename, path.basename(odd));
  });
});

