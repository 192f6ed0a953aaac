// The one road from files to findings (src/core/pipeline): the line index every host shares, the
// de-duplication every host gets, and a failing rule that costs only its own findings.
import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Check, Finding, runChecks } from '../../src/core/checks';
import { Inventory } from '../../src/core/inventory/inventory';
import { AnalysisCache } from '../../src/core/pipeline/analysisCache';
import { LineIndex } from '../../src/core/pipeline/lineIndex';
import { PipelineHost, runPipeline } from '../../src/core/pipeline/pipeline';
import { DocumentAnalysis } from '../../src/core/analyze';
import { CertificateInfo } from '../../src/core/x509/certificate';
import { Issued, Workbench, days } from '../fixtures/ca';

interface File {
  uri: string;
  analysis: DocumentAnalysis;
}

function host(failures: string[] = []): PipelineHost<File> {
  return {
    describe: f => ({ uri: f.uri, relativePath: f.uri }),
    resolvePath: () => undefined,
    onCheckFailure: rule => failures.push(rule),
  };
}

async function analyse(uri: string, text: string): Promise<File> {
  const { analysis } = await new AnalysisCache().analyzeFile(new TextEncoder().encode(text), uri);
  return { uri, analysis };
}

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

describe('core pipeline', () => {
  let bench: Workbench;
  let expired: Issued;
  let weak: Issued;
  before(() => {
    bench = new Workbench();
    const now = Date.now();
    expired = bench.issue({ subject: '/CN=expired-ca', key: bench.newKey('p256'), notBefore: new Date(now - days(400)), notAfter: new Date(now - days(30)), ext: { ca: true, keyUsage: ['keyCertSign', 'cRLSign'], ski: true } });
    weak = bench.issue({ subject: '/CN=weak-ca', key: bench.newKey('rsa1024'), notBefore: new Date(now - days(1)), notAfter: new Date(now + days(900)), ext: { ca: true, keyUsage: ['keyCertSign', 'cRLSign'], ski: true } });
  });
  after(() => bench.dispose());

  it('places offsets on lines as VS Code does: \\r belongs to its line, offsets past the end clamp', () => {
    const lines = LineIndex.of('ab\r\ncd\n\nef');
    assert.deepEqual(lines.position(0), { line: 0, character: 0 });
    assert.deepEqual(lines.position(2), { line: 0, character: 2 }, 'the \\r is on line 0');
    assert.deepEqual(lines.position(4), { line: 1, character: 0 });
    assert.deepEqual(lines.position(7), { line: 2, character: 0 });
    assert.deepEqual(lines.range({ start: 8, end: 99 }), { start: { line: 3, character: 0 }, end: { line: 3, character: 2 } });
    assert.equal(lines.lineCount, 4);
    assert.deepEqual(LineIndex.of(undefined).position(500), { line: 0, character: 0 }, 'DER files: everything at the start');
  });

  it('says the same certificate twice in one carrier once, and in two files twice', async () => {
    // A caBundle holding the expired CA twice: both objects share the carrier's range.
    const secret = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bundle\ndata:\n  ca.crt: ${b64(expired.pem + expired.pem)}\n`;
    const files = [await analyse('file:///w/bundle.yaml', secret), await analyse('file:///w/copy.crt', expired.pem)];
    const { findings } = await runPipeline(files, host());
    const expiredAt = findings.filter(f => f.code === 'cert-expired').map(f => f.uri).sort();
    assert.deepEqual(expiredAt, ['file:///w/bundle.yaml', 'file:///w/copy.crt']);
  });

  it('identical findings (code, file, range, message) are listed once, whichever rules said them', () => {
    const finding = (message: string): Finding => ({ code: 'weak-key', severity: 'warning', message, uri: 'file:///w/a.pem', range: { start: 3, end: 9 }, related: [] });
    const twice: Check = () => [finding('one'), finding('one'), finding('two')];
    const again: Check = () => [finding('two')];
    const failing: Check = () => {
      throw new Error('broken rule');
    };
    const failures: string[] = [];
    const inventory = {} as Inventory;
    const findings = runChecks(inventory, {}, rule => failures.push(rule), [twice, failing, again]);
    assert.deepEqual(findings.map(f => f.message), ['one', 'two']);
    assert.deepEqual(failures, ['failing']);
    assert.deepEqual(runChecks(inventory, { disabled: ['weak-key'] }, undefined, [twice]), [], 'disabled codes are dropped');
  });

  it('a rule that throws costs its own findings only, and the host hears which rule it was', async () => {
    const file = await analyse('file:///w/weak.crt', weak.pem);
    const object = file.analysis.entries[0].objects[0];
    // A certificate whose dates cannot be read: the validity rule throws on it, nothing else does.
    object.certificate = new Proxy(object.certificate!, {
      get(target, p, receiver) {
        if (p === 'notAfter') {
          throw new Error('unreadable NotAfter');
        }
        return Reflect.get(target, p, receiver);
      },
    }) as CertificateInfo;
    const failures: string[] = [];
    const { inventory, findings } = await runPipeline([file], host(failures));
    assert.deepEqual(failures, ['checkValidity']);
    assert.deepEqual(findings.map(f => f.code), ['weak-key'], 'the other rules still report');
    assert.throws(() => runChecks(inventory), /unreadable NotAfter/, 'without a failure callback the error propagates');
  });
});
