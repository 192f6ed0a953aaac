// Child process of the hostile-input suite: the 50 MB and single-line 5 MB files, analysed under a
// hard heap limit (`node --max-old-space-size=N bigFiles.js <certificate.pem>`), so "memory stays
// bounded" is enforced by V8 rather than estimated. Prints one JSON line per case.
import 'reflect-metadata';
import * as fs from 'node:fs';
import { analyzeText } from '../../src/core/analyze';
import { assertLocated } from './located';
import { Rng, randomBase64 } from './mutate';

const MB = 1024 * 1024;

function repeatTo(chunk: string, size: number): string {
  return chunk.repeat(Math.ceil(size / chunk.length)).slice(0, size);
}

async function measure(name: string, text: string, fileName: string): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const analysis = await analyzeText(text, { fileName });
  const cpu = process.cpuUsage(cpu0);
  const tally = assertLocated(analysis, text.length, name);
  const mem = process.memoryUsage();
  process.stdout.write(JSON.stringify({
    name, chars: text.length, wallMs: Date.now() - t0, cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    entries: analysis.entries.length, decoded: tally.decoded, errors: tally.errors, notes: analysis.syntaxErrors.map(e => e.message).slice(0, 2),
    heapUsedMB: Math.round(mem.heapUsed / MB), rssMB: Math.round(mem.rss / MB),
  }) + '\n');
}

async function main(): Promise<void> {
  const certificatePem = fs.readFileSync(process.argv[2], 'utf8');
  const rng = new Rng(50);
  // A log-like chunk: base64-looking lines, a real certificate, a truncated one, stray armour.
  const lines = randomBase64(rng, 64 * 1024, 76);
  const broken = certificatePem.slice(0, Math.floor(certificatePem.length / 2));
  const chunk = `${lines}\n${certificatePem}\nlog: something happened\n${broken}\n-----END CERTIFICATE-----\n${lines}\n`;
  const fifty = repeatTo(chunk, 50 * MB);
  await measure('50 MB PEM/log text', fifty, 'huge.pem');
  await measure('50 MB named .yaml (over the YAML limit)', `apiVersion: v1\nkind: ConfigMap\ndata:\n  ca.crt: |\n${fifty}`, 'huge.yaml');

  const line = randomBase64(rng, 5 * MB, 0);
  await measure('5 MB single line of base64 (.pem)', line, 'line.pem');
  await measure('5 MB single-line YAML value', `caBundle: ${line}\n`, 'line.yaml');
  await measure('5 MB single-line JSON', `{"kind":"Secret","data":{"tls.crt":"${line}"}}`, 'line.json');
  const armour = certificatePem.replace(/\n/g, '');
  await measure('5 MB of PEM armour without newlines', repeatTo(armour, 5 * MB), 'armour.pem');
  await measure('5 MB PEM body on one line', `-----BEGIN CERTIFICATE-----\n${line}\n-----END CERTIFICATE-----\n`, 'body.pem');
}

main().catch(e => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
