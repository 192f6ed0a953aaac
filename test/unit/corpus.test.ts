// Corpus agreement: every certificate of the vendored real-world corpus (test/corpus: zlint and
// certificate-transparency test data) and of Debian's python3-cryptography-vectors goes through
// `pki-lens inspect --format json` (its core functions, in process) and through
//   openssl x509 -noout -subject -issuer -serial -dates -ext subjectAltName,extendedKeyUsage -nameopt RFC2253
// (one process per certificate, two at a time). Per field, at least AGREEMENT of the certificates
// openssl parses must agree; every disagreement must be listed in corpusAllowList.ts with its reason.
// Only presentation is normalised: openssl's date print to ISO 8601, its EKU long names to the
// short names the JSON carries.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { inspectFile } from '../../src/cli/inspect';
import { inspectJson } from '../../src/cli/formats/inspectJson';
import { CertificateRecord, InspectRecord, inspectRecords, positionsOf } from '../../src/cli/formats/inspectModel';
import { EXTENDED_KEY_USAGES } from '../../src/core/x509/oids';
import { findPemBlocks } from '../../src/core/x509/pem';
import { OPENSSL, OPENSSL_ENV } from '../fixtures/openssl';
import { cryptographyVectors, listFiles } from '../fuzz/vectors';
import { ALLOWED, CorpusField } from './corpusAllowList';

/** Per-field agreement over the certificates openssl parses. */
const AGREEMENT = 0.995;

const FIELDS: CorpusField[] = ['decode', 'subject', 'issuer', 'serialNumber', 'notBefore', 'notAfter', 'subjectAltNames', 'extendedKeyUsage'];
type Compared = Exclude<CorpusField, 'decode'>;

/** out/test/unit → the repository's test/corpus. */
const CORPUS = path.resolve(__dirname, '../../../test/corpus');
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

interface Candidate {
  /** The allow-list key: `<corpus>/<path>`. */
  file: string;
  /** `file#n` when a file holds several certificates. */
  where: string;
  bytes: Buffer;
  inform: 'PEM' | 'DER';
  /** Our record, as a script reads it back from the JSON. */
  ours: CertificateRecord | { error: string };
}

/** The certificates of one file, each with the bytes openssl gets and the inspect record for it. */
async function candidatesOf(file: string, key: string): Promise<Candidate[]> {
  const read = await inspectFile(file);
  if ('error' in read) {
    return [];
  }
  const records = JSON.parse(inspectJson(inspectRecords(key, read.analysis, read.text))) as InspectRecord[];
  const out: Candidate[] = [];
  const asOurs = (r: InspectRecord | undefined) => (r?.type === 'certificate' ? r : { error: r?.type === 'error' ? r.message : 'no record' });
  if (read.text === undefined) {
    const certs = records.filter(r => r.type === 'certificate' || (r.type === 'error' && r.label === 'DER'));
    // A DER file is one certificate, or a cross-certificate pair whose halves openssl reads one by one:
    // openssl gets the certificate's own bytes (the record's PEM is exactly them), or the file when we refused it.
    certs.forEach((r, i) => out.push(r.type === 'certificate'
      ? { file: key, where: certs.length > 1 ? `${key}#${i}` : key, bytes: Buffer.from(r.pem), inform: 'PEM', ours: r }
      : { file: key, where: key, bytes: fs.readFileSync(file), inform: 'DER', ours: asOurs(r) }));
    return out;
  }
  const at = positionsOf(read.text);
  const blocks = findPemBlocks(read.text).filter(b => CERT_LABELS.has(b.label));
  blocks.forEach((block, i) => {
    const start = at(block.range.start);
    const record = records.find(r => r.range?.start.line === start.line && r.range.start.character === start.character);
    const pem = read.text!.slice(block.range.start, block.range.end) + '\n';
    out.push({ file: key, where: blocks.length > 1 ? `${key}#${i}` : key, bytes: Buffer.from(pem), inform: 'PEM', ours: asOurs(record) });
  });
  return out;
}

type OpensslView = Record<Compared, string>;

const OPENSSL_ARGS = ['x509', '-noout', '-subject', '-issuer', '-serial', '-dates', '-ext', 'subjectAltName,extendedKeyUsage', '-nameopt', 'RFC2253'];

/**
 * openssl's view of every candidate. openssl 3 has no batch mode for `x509` (it reads one
 * certificate; the interactive shell is gone), and spawning from Node costs twice what a shell
 * loop does, so each of two shells runs openssl once per certificate and marks where each ends.
 */
async function opensslViews(candidates: Candidate[]): Promise<{ ok: boolean; stdout: string }[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-corpus-'));
  try {
    // The same bytes (a CA repeated across test files) are read by openssl once.
    const first = new Map<string, number>();
    const unique: number[] = [];
    candidates.forEach((c, i) => {
      const key = `${c.inform}:${c.bytes.toString('base64')}`;
      if (!first.has(key)) {
        first.set(key, i);
        unique.push(i);
        fs.writeFileSync(path.join(dir, `${i}.${c.inform.toLowerCase()}`), c.bytes);
      }
    });
    const results: { ok: boolean; stdout: string }[] = new Array(candidates.length);
    const shards = [0, 1].map(shard => unique.filter((_, n) => n % 2 === shard));
    await Promise.all(shards.map((indices, shard) => new Promise<void>((resolve, reject) => {
      const script = path.join(dir, `shard${shard}.sh`);
      fs.writeFileSync(script, indices.map(i => `printf '\\n@@@start ${i}\\n'; "$OPENSSL" ${OPENSSL_ARGS.join(' ')} -inform ${candidates[i].inform} -in ${i}.${candidates[i].inform.toLowerCase()} 2>/dev/null; printf '\\n@@@end %s\\n' $?`).join('\n') + '\n');
      // The script is a file, not standard input: nothing openssl does can swallow the rest of it.
      const child = execFile('sh', [script], { cwd: dir, env: { ...OPENSSL_ENV, OPENSSL }, encoding: 'latin1', maxBuffer: 256 << 20 }, (err, stdout) => {
        if (err) {
          reject(err);
          return;
        }
        for (const chunk of stdout.split('\n@@@start ').slice(1)) {
          const m = /^(\d+)\n([\s\S]*)\n@@@end (\d+)\n*$/.exec(chunk);
          if (!m) {
            continue;
          }
          const text = escapeInvalidUtf8(Buffer.from(m[2], 'latin1'));
          results[+m[1]] = { ok: m[3] === '0' && text.includes('subject='), stdout: text };
        }
        resolve();
      });
      child.stdin?.end();
    })));
    return candidates.map(c => results[first.get(`${c.inform}:${c.bytes.toString('base64')}`)!]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * openssl writes the raw bytes of an IA5String SAN; bytes that are not UTF-8 become `\xHH`, the
 * spelling PKI Lens shows them in, rather than U+FFFD, which would erase what they were.
 */
function escapeInvalidUtf8(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const n = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
    let char: string | undefined;
    try {
      char = n ? strictUtf8.decode(bytes.subarray(i, i + n)) : undefined;
    } catch {
      char = undefined;
    }
    if (char === undefined || i + n > bytes.length) {
      out += `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
      i++;
    } else {
      out += char;
      i += n;
    }
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `Jan  2 03:04:05 2020 GMT` (also `…:05.5 …` and the years 1–9999 openssl prints unpadded)
 * → `2020-01-02T03:04:05Z`, with the fraction when there is one; other text stays.
 */
function isoDate(s: string): string {
  const m = /^([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})(\.\d+)?\s+(\d{1,4})\s+GMT$/.exec(s.trim());
  if (!m || MONTHS.indexOf(m[1]) < 0) {
    return s;
  }
  const d = new Date(Date.UTC(2000, MONTHS.indexOf(m[1]), +m[2], +m[3], +m[4], +m[5], m[6] ? Math.floor(Number(`0${m[6]}`) * 1000) : 0));
  d.setUTCFullYear(+m[7]);
  return d.toISOString().replace(/\.000Z$/, 'Z');
}

const SHORT_BY_LONG = new Map(Object.values(EXTENDED_KEY_USAGES).map(e => [e.long, e.short]));

function parseOpenssl(out: string): OpensslView {
  const lines = out.replace(/\n$/, '').split('\n');
  const value = (prefix: string) => lines.find(l => l.startsWith(prefix))?.slice(prefix.length) ?? '';
  // An extension's body runs to the next unindented line; a raw newline inside a SAN value (which
  // openssl prints as is) continues it. Only the 4-space indent is presentation; trailing spaces are data.
  const extension = (title: string) => {
    const i = lines.findIndex(l => l.startsWith(`${title}:`));
    const body: string[] = [];
    for (let j = i + 1; i >= 0 && j < lines.length && (lines[j] === '' || lines[j].startsWith(' ')); j++) {
      body.push(lines[j].replace(/^ {4}/, ''));
    }
    const text = body.join('\n');
    if (/^<EMPTY>\n*$/.test(text)) {
      return ''; // openssl's word for a SAN sequence without names
    }
    // The body is one line: a newline or other control byte in it is a raw byte of a name, which PKI Lens writes as \xHH.
    return text.replace(/[\x00-\x1f\x7f]/g, c => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  };
  return {
    subject: value('subject='),
    issuer: value('issuer='),
    serialNumber: value('serial='),
    notBefore: isoDate(value('notBefore=')),
    notAfter: isoDate(value('notAfter=')),
    subjectAltNames: extension('X509v3 Subject Alternative Name'),
    extendedKeyUsage: extension('X509v3 Extended Key Usage').split(', ').filter(Boolean).map(e => SHORT_BY_LONG.get(e) ?? e).join(', '),
  };
}

function ourView(r: CertificateRecord): OpensslView {
  return {
    subject: r.subject,
    issuer: r.issuer,
    serialNumber: r.serialNumber,
    notBefore: r.notBefore ?? '(none)',
    notAfter: r.notAfter ?? '(none)',
    subjectAltNames: r.subjectAltNames.join(', '),
    extendedKeyUsage: r.extendedKeyUsage.join(', '),
  };
}

describe('corpus agreement: inspect --format json against openssl x509', () => {
  const candidates: Candidate[] = [];
  const sources = new Map<string, number>();

  before(async () => {
    const vectors = cryptographyVectors();
    const trees: [string, string, string[]][] = [
      ...fs.readdirSync(CORPUS, { withFileTypes: true }).filter(d => d.isDirectory()).map(d => [d.name, path.join(CORPUS, d.name), listFiles(path.join(CORPUS, d.name))] as [string, string, string[]]),
      ['vectors', vectors, [...listFiles(path.join(vectors, 'x509')), ...listFiles(path.join(vectors, 'asymmetric'))]],
    ];
    for (const [name, root, files] of trees) {
      const before = candidates.length;
      for (const file of files.filter(f => !/(^|\/)(LICENSE|README\.md|\.gitattributes)$/.test(f))) {
        candidates.push(...await candidatesOf(file, `${name}/${path.relative(root, file)}`));
      }
      sources.set(name, candidates.length - before);
    }
  });

  it(`agrees with openssl on at least ${AGREEMENT * 100}% per field; every disagreement is documented`, async () => {
    const started = Date.now();
    const agree = Object.fromEntries(FIELDS.map(f => [f, 0])) as Record<CorpusField, number>;
    let parsed = 0;
    let refused = 0;
    const lenient: string[] = [];
    const disagreements: { file: string; where: string; fields: CorpusField[]; detail: string; openssl?: Partial<OpensslView>; inspect?: Partial<OpensslView> }[] = [];
    const views = await opensslViews(candidates);
    candidates.forEach((c, i) => {
      const theirs = views[i];
      assert.ok(theirs, `openssl's output for ${c.where} was found`);
      const oursOk = !('error' in c.ours);
      if (!theirs.ok) {
        refused++;
        if (oursOk) {
          lenient.push(c.where);
        }
        return;
      }
      parsed++;
      if (!oursOk) {
        disagreements.push({ file: c.file, where: c.where, fields: [...FIELDS], detail: `openssl parses it, inspect says: ${(c.ours as { error: string }).error}` });
        return;
      }
      agree.decode++;
      const a = parseOpenssl(theirs.stdout);
      const b = ourView(c.ours as CertificateRecord);
      const differ = (Object.keys(a) as Compared[]).filter(k => a[k] !== b[k]);
      for (const f of Object.keys(a) as Compared[]) {
        agree[f] += differ.includes(f) ? 0 : 1;
      }
      if (differ.length) {
        const pick = (v: OpensslView) => Object.fromEntries(differ.map(f => [f, v[f]]));
        disagreements.push({ file: c.file, where: c.where, fields: differ, detail: differ.map(f => `${f}: openssl ${JSON.stringify(a[f])} / inspect ${JSON.stringify(b[f])}`).join('; '), openssl: pick(a), inspect: pick(b) });
      }
    });
    const undocumented = disagreements.filter(d => d.fields.some(f => !ALLOWED[d.file]?.fields.includes(f)));
    const stale = Object.keys(ALLOWED).filter(file => !disagreements.some(d => d.file === file));
    console.log(`  ${candidates.length} certificates (${[...sources].map(([s, n]) => `${s} ${n}`).join(', ')}); openssl parses ${parsed}, refuses ${refused} `
      + `(${lenient.length} of those decoded by inspect); ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`  agreement per field: ${FIELDS.map(f => `${f} ${(100 * agree[f] / parsed).toFixed(2)}%`).join(', ')}`);
    for (const d of disagreements.sort((x, y) => x.where.localeCompare(y.where))) {
      console.log(`  disagree ${d.where} [${d.fields.join(', ')}]: ${ALLOWED[d.file]?.reason ?? 'NOT IN THE ALLOW-LIST'}\n      ${d.detail}`);
    }
    if (process.env.PKI_LENS_CORPUS_REPORT) {
      // Machine-readable, for whoever updates corpusAllowList.ts or works on a disagreement class.
      fs.writeFileSync(process.env.PKI_LENS_CORPUS_REPORT, JSON.stringify({ parsed, agree, disagreements }, null, 2));
    }
    if (lenient.length) {
      console.log(`  decoded by inspect, refused by openssl (${lenient.length}), e.g. ${lenient.sort().slice(0, 10).join(', ')}`);
    }
    if (stale.length) {
      console.log(`  allow-listed but agreeing now (remove from corpusAllowList.ts): ${stale.join(', ')}`);
    }
    assert.ok(parsed > 2000, `the corpus reaches openssl (${parsed} certificates parsed)`);
    assert.deepEqual(undocumented.map(d => `${d.where} [${d.fields.join(', ')}] ${d.detail}`), [], 'every disagreement is in corpusAllowList.ts');
    for (const f of FIELDS) {
      assert.ok(agree[f] / parsed >= AGREEMENT, `${f}: ${agree[f]} of ${parsed} agree, at least ${AGREEMENT * 100}%`);
    }
  });
});
