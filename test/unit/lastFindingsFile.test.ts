// The file of the last findings (src/workspace/lastFindingsFile.ts): written as a stream, a finding
// at a time with the host's turns between, in lines of JSON that are each parsed in a turn of their
// own when read back; read back as written; a damaged, half-written or other layout's file is refused.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { Contents, OtherFormat, RestoredFinding, decodeLastFindings, writeLastFindings } from '../../src/workspace/lastFindingsFile';
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
  return { format: 2, version: '0.2.0', written: 1_800_000_000_000, settings: JSON.stringify([{ expiry: { warnDays: 30 } }]), files, findings: list };
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

/** Reads `file` back with a pause that always hands out a turn, counting them. */
async function read(file: string) {
  let turns = 0;
  const contents = await decodeLastFindings(fs.readFileSync(file), () => {
    turns++;
    return Promise.resolve();
  });
  return { contents, turns };
}

describe('the last findings\' file', () => {
  for (const n of [0, 1, 5000]) {
    it(`of ${n} findings: read back as written, in lines each parsed in a turn of its own, a turn offered after every finding written`, async () => {
      const contents = contentsOf(findings(n));
      const file = path.join(tmp, `last-${n}.json`);
      const { count, pauses } = await write(file, contents);
      assert.equal(count, n);
      assert.ok(pauses >= n + contents.files.length, `${pauses} turns offered for ${n} findings and ${contents.files.length} files`);
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split('\n');
      assert.equal(lines.pop(), '', 'the file ends with a newline');
      const digest = lines.pop()!;
      assert.equal(digest, createHash('sha256').update(lines.map(l => `${l}\n`).join('')).digest('hex'), 'the last line is the SHA-256 of every byte before it');
      const parsed = lines.map(l => JSON.parse(l) as Record<string, unknown[]>);
      assert.deepEqual(parsed[0], { format: 2, version: contents.version, written: contents.written, settings: contents.settings });
      const listed = (name: string) => parsed.slice(1).filter(l => name in l).flatMap(l => l[name]);
      assert.deepEqual(listed('files'), contents.files);
      assert.deepEqual(listed('findings'), contents.findings);
      assert.ok(parsed.slice(1).every(l => l.files ? l.files.length <= 2000 : l.findings.length <= 500), 'no line longer than its share');
      const { contents: back, turns } = await read(file);
      assert.deepEqual(back, contents);
      assert.ok(turns >= lines.length - 1, `${turns} turns for ${lines.length - 1} lines after the head`);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'only the user reads it');
      assert.deepEqual(fs.readdirSync(tmp).filter(f => f.endsWith('.tmp')), [], 'no temporary file is left');
    });
  }

  it('a damaged, torn or foreign file is refused with the reason; an earlier layout is told apart', async () => {
    const file = path.join(tmp, 'damaged.json');
    await write(file, contentsOf(findings(1200)));
    const bytes = fs.readFileSync(file);
    const text = bytes.toString('utf8');
    const refused = (b: Buffer) => decodeLastFindings(b, () => undefined);
    await assert.rejects(refused(Buffer.from(text.replace('cert-1.crt', 'cert-9.crt'))), /checksum mismatch/);
    await assert.rejects(refused(bytes.subarray(0, bytes.length / 2)), /checksum mismatch/);
    await assert.rejects(refused(bytes.subarray(0, text.lastIndexOf('\n', text.length - 2) + 1)), /checksum mismatch/, 'torn before its digest');
    await assert.rejects(refused(Buffer.alloc(0)), /not a file of last findings/);
    await assert.rejects(refused(Buffer.from('garbage\n')), /not a file of last findings/);
    // Format 1 was one JSON and its digest: recognised as another layout, not as damage.
    const one = JSON.stringify({ ...contentsOf([]), format: 1 });
    await assert.rejects(refused(Buffer.from(`${one}\n${createHash('sha256').update(one).digest('hex')}\n`)), (e: unknown) => e instanceof OtherFormat && /format 1, expected 2/.test((e as Error).message));
    // A line that is no list (hashed correctly): refused.
    const head = text.slice(0, text.indexOf('\n') + 1);
    const body = `${head}{"keys":[1]}\n`;
    await assert.rejects(refused(Buffer.from(`${body}${createHash('sha256').update(body).digest('hex')}\n`)), /no list of files or findings/);
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
