// Bench task `keystore`: a PKCS#12 of about 2 MB (thousands of certificate bags, as a big
// truststore.p12 holds), made by openssl, decoded by PKI Lens (MAC checked, encrypted safe opened,
// every certificate decoded) against `openssl pkcs12 -nokeys` on the same file in the same run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeBinary } from '../../src/core/analyze';
import { provideNodeCrypto } from '../../src/util/nodeCrypto';

const PASSWORD = 'bench-store';

function openssl(args: string[], cwd: string, input?: string): string {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8', input });
  if (r.status !== 0) {
    throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  }
  return r.stdout;
}

export async function keystoreBench(dir: string, targetBytes = 2 * 1048576): Promise<Record<string, number>> {
  provideNodeCrypto();
  fs.mkdirSync(dir, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=bench keystore CA', '-days', '30'], dir);
  const distinct: string[] = [];
  for (let i = 0; i < 20; i++) {
    const csr = openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-subj', `/CN=bench-${i}`], dir);
    distinct.push(openssl(['x509', '-req', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(1000 + i), '-days', '30'], dir, csr));
  }
  const perCert = Buffer.byteLength(distinct.join('')) * 3 / 4 / distinct.length;
  const copies = Math.ceil(targetBytes / perCert / distinct.length);
  fs.writeFileSync(path.join(dir, 'many.pem'), Array.from({ length: copies }, () => distinct.join('')).join(''));
  openssl(['pkcs12', '-export', '-nokeys', '-in', 'many.pem', '-passout', `pass:${PASSWORD}`, '-out', 'big.p12'], dir);
  const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'big.p12')));

  let oursMs = Infinity;
  let certificates = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const analysis = await analyzeBinary(bytes, { passwords: [PASSWORD] });
    oursMs = Math.min(oursMs, performance.now() - t0);
    certificates = analysis.entries[0]?.objects.filter(o => o.certificate).length ?? 0;
  }
  let opensslMs = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    openssl(['pkcs12', '-in', 'big.p12', '-nokeys', '-passin', `pass:${PASSWORD}`, '-out', '/dev/null'], dir);
    opensslMs = Math.min(opensslMs, performance.now() - t0);
  }
  return { bytes: bytes.length, certificates, expected: copies * distinct.length, oursMs, opensslMs };
}
