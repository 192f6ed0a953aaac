// Issue 12: `pki-lens check` never says "No findings" for what it did not read. A file named on the
// command line is read whatever its size (a bundle over the 2 MB scan cap whose last certificate is
// expired fails the check); the same file met while walking a folder is counted as skipped, and the
// table says it was not read.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main';
import { DEFAULT_MAX_FILE_SIZE_KB } from '../../src/core/pipeline/scanDefaults';
import { Workbench, days } from '../fixtures/ca';
import { certFacts } from '../fixtures/openssl';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-cli-named-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function check(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(['check', ...args], { out: t => (out += t), err: t => (out += t) });
  return { code, out };
}

describe('pki-lens check: files over the scan cap', () => {
  const folder = path.join(tmp, 'folder');
  const big = path.join(folder, 'bundle.pem');
  let expiredLine: number;
  before(() => {
    const bench = new Workbench();
    try {
      const now = Date.now();
      const ca = bench.issue({ subject: '/CN=in-date-ca', key: bench.newKey('p256'), notBefore: new Date(now - days(1)), notAfter: new Date(now + days(3650)), ext: { ca: true, ski: true } });
      const expired = bench.issue({ subject: '/CN=expired-leaf', key: bench.newKey('p256'), issuer: ca, notBefore: new Date(now - days(400)), notAfter: new Date(now - days(3)), ext: { ski: true, aki: true } });
      assert.ok(Date.parse(certFacts(expired.pem).notAfter) < now, 'openssl says the last certificate is expired');
      // Just over the cap: the in-date CA repeated, the expired certificate last.
      const copies = Math.ceil((DEFAULT_MAX_FILE_SIZE_KB * 1024 + 64 * 1024) / ca.pem.length);
      const head = ca.pem.repeat(copies);
      expiredLine = head.split('\n').length;
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(big, head + expired.pem);
    } finally {
      bench.dispose();
    }
    assert.ok(fs.statSync(big).size > DEFAULT_MAX_FILE_SIZE_KB * 1024);
  });

  it('reads a named file whatever its size and reports the expired certificate at its end', async () => {
    const { code, out } = await check('--format', 'json', big);
    assert.equal(code, 1, out);
    const json = JSON.parse(out) as { scanned: { tooLarge: number }; findings: { code: string; line: number; message: string }[] };
    assert.equal(json.scanned.tooLarge, 0);
    const expired = json.findings.filter(f => f.code === 'cert-expired');
    assert.equal(expired.length, 1, out.slice(0, 2000));
    assert.equal(expired[0].line, expiredLine);
    assert.match(expired[0].message, /CN=expired-leaf/);
  });

  it('a folder walk skips it, counts it and never says a bare "No findings"', async () => {
    const { code, out } = await check(folder);
    assert.equal(code, 0, out);
    assert.doesNotMatch(out, /^No findings\.$/m);
    assert.match(out, /No findings in the files read; 1 file\(s\) over the cap were not read/);
    assert.match(out, new RegExp(`1 over the ${DEFAULT_MAX_FILE_SIZE_KB} KB cap skipped`));
    const json = JSON.parse((await check('--format', 'json', folder)).out) as { scanned: { tooLarge: number } };
    assert.equal(json.scanned.tooLarge, 1);
  });
});

// A path named on the command line may be a pipe (`pki-lens check <(kubectl get secret … | base64 -d)`):
// no regular file and of size 0, it is still read, as a stream, to its end.
describe('pki-lens check: a named pipe', () => {
  it('reads what a writer sends through it and reports the expired certificate in it', () => {
    const bench = new Workbench();
    const dir = fs.mkdtempSync(path.join(tmp, 'pipe-'));
    const pem = path.join(dir, 'expired.pem');
    const fifo = path.join(dir, 'stdin.pem');
    try {
      const now = Date.now();
      const expired = bench.issue({ subject: '/CN=piped-expired', key: bench.newKey('p256'), notBefore: new Date(now - days(30)), notAfter: new Date(now - days(1)), ext: { ski: true } });
      fs.writeFileSync(pem, expired.pem);
    } finally {
      bench.dispose();
    }
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', pem, fifo], { stdio: 'ignore' });
    const cli = path.resolve(__dirname, '../../src/cli/main.js');
    const run = spawnSync(process.execPath, [cli, 'check', '--format', 'json', fifo], { encoding: 'utf8', timeout: 20_000 });
    writer.kill();
    assert.equal(run.signal, null, `the check did not finish: ${run.stderr}`);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    const json = JSON.parse(run.stdout) as { findings: { code: string; message: string }[] };
    assert.ok(json.findings.some(f => f.code === 'cert-expired' && /CN=piped-expired/.test(f.message)), run.stdout.slice(0, 2000));
  });
});
