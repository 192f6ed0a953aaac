// The analysis worker (src/workspace/workerAnalyzer.ts) with its real worker thread: a large text
// is analysed there and small ones inline, and either way the analysis is the one the host would
// have made itself (the worker's crosses a structured clone); a worker that cannot run costs nothing.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeText } from '../../src/core/analyze';
import { WorkerAnalyzer } from '../../src/workspace/workerAnalyzer';
import { generateKubeadm } from '../fixtures/generate';
import { Logger } from '../../src/util/logger';
import { removeGenerated } from '../fixtures/manifest';

const WORKER = path.join(__dirname, '..', '..', 'src', 'workspace', 'analysisWorker.js');

function logger(errors: string[]): Logger {
  const ignore = () => undefined;
  return { info: ignore, warn: ignore, error: message => void errors.push(message) };
}

describe('analysis worker', () => {
  let root: string;
  let texts: { name: string; text: string }[];
  /** Every certificate of the tree, again and again in one bundle: over the worker's 256 KB threshold. */
  let bundle: { name: string; text: string };
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-lens-worker-'));
    generateKubeadm(root, { seeded: true });
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    texts = walk(root).filter(f => /\.(crt|key|conf|pub)$/.test(f)).map(f => ({ name: f, text: fs.readFileSync(f, 'utf8') }));
    const certificates = texts.filter(t => t.name.endsWith('.crt')).map(t => t.text).join('');
    bundle = { name: path.join(root, 'bundle.crt'), text: certificates.repeat(Math.ceil((300 * 1024) / certificates.length)) };
  });
  after(() => removeGenerated(root));

  it('analyses a large text in the worker and small ones inline, each as the host would', async () => {
    const errors: string[] = [];
    const analyzer = new WorkerAnalyzer(WORKER, logger(errors));
    try {
      // Two large texts asked at once, before the worker thread's module has loaded: both answered.
      const all = [bundle, { name: `${bundle.name}.copy`, text: bundle.text }, ...texts];
      const results = await Promise.all(all.map(t => analyzer.analyze(t.text, t.name, [])));
      assert.deepEqual(analyzer.stats, { inline: texts.length, worker: 2 });
      assert.deepEqual(errors, []);
      assert.ok(results[0].entries.length > 200, `the bundle's certificates (${results[0].entries.length})`);
      for (const [i, t] of all.entries()) {
        assert.deepEqual(results[i], await analyzeText(t.text, { fileName: t.name, passwords: [] }), t.name);
      }
    } finally {
      analyzer.dispose();
    }
  });

  it('a worker that cannot run costs no result: the text is analysed inline, the failure logged', async () => {
    const errors: string[] = [];
    const analyzer = new WorkerAnalyzer(path.join(root, 'no-such-worker.js'), logger(errors));
    try {
      const result = await analyzer.analyze(bundle.text, bundle.name, []);
      assert.deepEqual(result, await analyzeText(bundle.text, { fileName: bundle.name, passwords: [] }));
      assert.ok(errors.some(e => e.includes('analysis worker failed')), errors.join('\n'));
      assert.equal(analyzer.stats.worker, 1, 'it was asked of the worker first');
    } finally {
      analyzer.dispose();
    }
  });
});
