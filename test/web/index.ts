// Entry of the web test bundle (extensionTestsPath for @vscode/test-web): VS Code's browser
// extension host, a web worker, calls run(). Mocha's browser build runs the suites; the spec
// reporter's lines reach the terminal through test-web's console forwarding.
// Bundled by scripts/test-web.mjs with esbuild (platform browser); it has no Node modules.
import 'mocha/mocha';

export function run(): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      mocha.setup({ ui: 'bdd', reporter: 'spec', timeout: 30_000, color: false });
      // Loaded after setup: the suites call describe() when they are evaluated.
      require('./web.test');
      mocha.run(failures => (failures ? reject(new Error(`${failures} web test(s) failed`)) : resolve()));
    } catch (e) {
      reject(e);
    }
  });
}
