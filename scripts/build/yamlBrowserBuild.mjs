// Every bundle of PKI Lens takes the yaml library's browser build, Node bundles too. Its Node build
// (dist/index.js) is the same code but reads `process.env.LOG_TOKENS` for every token its parser
// meets and `process.env.LOG_STREAM` for every one its composer meets: debug switches, each a call
// into the process's environment block. Parsing the bench workspace's 1,000 kubeconfigs took 135 ms
// in Node 20 with them and 104 ms without (the same files, process.env swapped for a plain object),
// and in the extension host, whose environment is larger, the parser's `next` was among the cold
// start's busiest functions. The browser build has neither read; its warnings go to console.warn
// where the Node build's went to process.emitWarning. Unit tests, which run the compiled sources
// without a bundle, keep the Node build: both builds are the same parser and composer.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
/** The package's own browser entry; its exports map names only the Node and default entries, so it is found beside package.json. */
const BROWSER_ENTRY = path.join(path.dirname(require.resolve('yaml/package.json')), 'browser', 'index.js');

export const yamlBrowserBuild = {
  name: 'yaml-browser-build',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: BROWSER_ENTRY }));
  },
};
