// The integration-test entry that @vscode/test-electron loads in a real VS Code (extensionTestsPath).
// Which suites run is chosen by PKI_LENS_SUITES (comma-separated file stems), since each suite
// needs its own generated workspace open.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const wanted = (process.env.PKI_LENS_SUITES ?? '').split(',').map(s => s.trim()).filter(Boolean);
  const files = fs.readdirSync(__dirname)
    .filter(f => f.endsWith('.test.js'))
    .filter(f => !wanted.length || wanted.includes(f.replace(/\.test\.js$/, '')))
    // In the order PKI_LENS_SUITES lists them: parity runs first, on the tree as generated.
    .sort((a, b) => wanted.indexOf(a.replace(/\.test\.js$/, '')) - wanted.indexOf(b.replace(/\.test\.js$/, '')));
  if (!files.length) {
    return Promise.reject(new Error(`no integration suite matches PKI_LENS_SUITES=${wanted.join(',')}`));
  }
  for (const f of files) {
    mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    mocha.run(failures => (failures ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
