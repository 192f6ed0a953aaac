// The file of the last findings (src/workspace/lastFindingsFile.ts): written as a stream, a finding
// at a time with the host's turns between, it holds exactly the bytes of the whole contents' JSON and
// their checksum, is read back as written, and a damaged or half-written file is refused.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { Contents, RestoredFinding, decodeLastFindings, writeLastFindings } from '../../src/workspace/lastFindingsFile';
import { removeAbandonedWrites, temporaryName } from '../../src/workspace/hashedFile';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-last-findings-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** `n` findings whose messages carry what JSON must escape (quotes, backslashes, newlines, U+2028) and more than one byte per character. */
function findings(n: number): RestoredFinding[] {
  return Array.from({ length: n }, (_, i) => ({
    code: i % 2 ? 'cert-expired' : 'chain-untrusted',
    severity: i % 3 ? 'warning' : 'error',
    message: `certificate "${i}" \\ expired\nsince\u2028 ${'é'.repeat(i % 7)} ✓`,
    uri: `file:///work/pki/cert-${i}.crt`,
    range: [i, 0, i + 20, 5],
    related: i % 4 ? [] : [{ uri: 'file:///work/pki/ca.crt', range: [0, 0, 18, 25], message: 'the issuer' }],
  }) as RestoredFinding);
}

function contentsOf(list: RestoredFinding[]): Contents {
  const files = [...new Set(list.flatMap(f => [f.uri, ...f.related.map(r => r.uri)]))].map((uri, i): [string, string] => [uri, `1|${i}|2048|1700000000000|1700000000000`]);
  return { format: 1, version: '0.2.0', written: 1_800_000_000_000, settings: JSON.stringify([{ expiry: { warnDays: 30 } }]), files, findings: list };
}

async function write(file: string, contents: Contents) {
  let pauses = 0;
  const pause = () => {
    pauses++;
    return Promise.resolve(); // always a turn: the writer must carry on from every one of them
  };
  const count = await writeLastFindings(file, { version: contents.version, written: contents.written, settings: contents.settings }, contents.files, contents.findings.values(), pause);
  return { count, pauses };
}

describe('the last findings\' file', () => {
  for (const n of [0, 1, 5000]) {
    it(`of ${n} findings: the bytes of JSON.stringify of the whole and its SHA-256, a turn offered after every finding`, async () => {
      const contents = contentsOf(findings(n));
      const file = path.join(tmp, `last-${n}.json`);
      const { count, pauses } = await write(file, contents);
      const json = JSON.stringify(contents);
      assert.equal(fs.readFileSync(file, 'utf8'), `${json}\n${createHash('sha256').update(json).digest('hex')}\n`);
      assert.equal(count, n);
      assert.ok(pauses >= n + contents.files.length, `${pauses} turns offered for ${n} findings and ${contents.files.length} files`);
      assert.deepEqual(decodeLastFindings(fs.readFileSync(file, 'utf8')), contents);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'only the user reads it');
      assert.deepEqual(fs.readdirSync(tmp).filter(f => f.endsWith('.tmp')), [], 'no temporary file is left');
    });
  }

  it('a damaged, torn or foreign file is refused with the reason', async () => {
    const file = path.join(tmp, 'damaged.json');
    await write(file, contentsOf(findings(20)));
    const text = fs.readFileSync(file, 'utf8');
    assert.throws(() => decodeLastFindings(text.replace('cert-1.crt', 'cert-9.crt')), /checksum mismatch/);
    assert.throws(() => decodeLastFindings(text.slice(0, text.length / 2)), /checksum mismatch/);
    assert.throws(() => decodeLastFindings(''), /checksum mismatch/);
    const other = JSON.stringify({ ...contentsOf([]), format: 2 });
    assert.throws(() => decodeLastFindings(`${other}\n${createHash('sha256').update(other).digest('hex')}\n`), /format 2, expected 1/);
  });

  it('a write that cannot be made rejects, and leaves neither the file nor a temporary one', async () => {
    const blocker = path.join(tmp, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    await assert.rejects(write(path.join(blocker, 'last.json'), contentsOf(findings(3))));
    // The rename fails (a folder stands where the file goes), after the temporary file was written.
    const folder = path.join(tmp, 'renamed-onto');
    const target = path.join(folder, 'last.json');
    fs.mkdirSync(path.join(target, 'occupied'), { recursive: true });
    await assert.rejects(write(target, contentsOf(findings(3))));
    assert.deepEqual(fs.readdirSync(folder), ['last.json']);
  });

  it('a temporary file a killed window left is removed at the next start, one being written now is not', async () => {
    const folder = path.join(tmp, 'abandoned');
    fs.mkdirSync(folder);
    const file = path.join(folder, 'last-findings.json');
    const [old, fresh] = [temporaryName(file), temporaryName(file)];
    assert.notEqual(old, fresh);
    fs.writeFileSync(old, '{"half');
    fs.writeFileSync(fresh, '{"half');
    fs.writeFileSync(`${path.join(folder, 'analysis-cache.bin')}.1.x.tmp`, ''); // another file's: not this one's to judge
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    fs.utimesSync(old, twoMinutesAgo, twoMinutesAgo);
    fs.utimesSync(`${path.join(folder, 'analysis-cache.bin')}.1.x.tmp`, twoMinutesAgo, twoMinutesAgo);
    await removeAbandonedWrites(file);
    assert.deepEqual(fs.readdirSync(folder).sort(), ['analysis-cache.bin.1.x.tmp', path.basename(fresh)].sort());
  });
});
