// Where Debian's python3-cryptography-vectors live, and reading files the way the workspace scan
// does. Shared by the vectors and the openssl cross-check suites.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocumentAnalysis, analyzeBinary, analyzeText, decodeFileText } from '../../src/core/analyze';

/** The package's data folder (holding x509/ and asymmetric/), or a clear reason it is missing. */
export function cryptographyVectors(): string {
  const candidates: string[] = [];
  if (process.env.PKI_LENS_VECTORS) {
    candidates.push(process.env.PKI_LENS_VECTORS);
  }
  try {
    const listed = execFileSync('dpkg', ['-L', 'python3-cryptography-vectors'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const x509 = listed.split('\n').find(l => /\/cryptography_vectors\/x509$/.test(l));
    if (x509) {
      candidates.push(path.dirname(x509));
    }
  } catch {
    // not a Debian machine, or the package is not installed: the message below says what to do
  }
  candidates.push('/usr/lib/python3/dist-packages/cryptography_vectors');
  const found = candidates.find(c => fs.existsSync(path.join(c, 'x509')) && fs.existsSync(path.join(c, 'asymmetric')));
  if (!found) {
    throw new Error('python3-cryptography-vectors is not installed (`apt-get install python3-cryptography-vectors`, as .ci/run does), '
      + 'or set PKI_LENS_VECTORS to a folder holding its x509/ and asymmetric/ directories');
  }
  return found;
}

export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(abs);
      } else if (entry.isFile()) {
        out.push(abs);
      }
    }
  };
  walk(root);
  return out.sort();
}

/** A file as the workspace scan reads it: text, or DER when it is binary. */
export async function analyzeFile(file: string): Promise<{ analysis: DocumentAnalysis; length: number; binary: boolean }> {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const text = decodeFileText(bytes);
  return text === undefined
    ? { analysis: await analyzeBinary(bytes), length: bytes.length, binary: true }
    : { analysis: await analyzeText(text, { fileName: file }), length: text.length, binary: false };
}

