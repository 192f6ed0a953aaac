// What the test runtimes (scripts/vscode/runtime.mjs, scripts/web/runtime.mjs) share to install
// their tools from the npm registry: logged commands, `npm install` into a folder of its own, and a
// directory lock so two runs starting together do not install into the same folder at once.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The environment without what an outer `npm test` / `npm run` exports (npm_config_*, npm_package_*,
 * …): a nested npm reads those as its own configuration, e.g. npm_config_user_agent still naming the
 * outer Node 20, which code-server's postinstall takes for the Node it runs on and refuses.
 */
export function withoutNpmRunEnv(env = process.env) {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_/i.test(key)));
}

/** Runs a command with its output in logFile; on failure the error carries the log's tail. */
export function run(cmd, args, { cwd, env, logFile }) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out] });
    child.on('error', e => { fs.closeSync(out); reject(e); });
    child.on('exit', code => {
      fs.closeSync(out);
      if (code === 0) { resolve(); return; }
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
      reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}); last lines of ${logFile}:\n${tail}`));
    });
  });
}

/** `npm install spec` into folder (given a private package.json named `name` if it has none). */
export async function npmInstall(folder, spec, env, logFile, name = path.basename(folder)) {
  fs.mkdirSync(folder, { recursive: true });
  const pj = path.join(folder, 'package.json');
  if (!fs.existsSync(pj)) { fs.writeFileSync(pj, JSON.stringify({ name, private: true }) + '\n'); }
  // --foreground-scripts: node-gyp output goes to the log, which is what you need when a build fails.
  await run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', spec], { cwd: folder, env, logFile });
}

/** A directory lock so two test runs starting together don't install into the same folder at once. */
export async function withLock(dir, fn) {
  const lock = path.join(dir, '.install-lock');
  for (;;) {
    try { fs.mkdirSync(lock); fs.writeFileSync(path.join(lock, 'pid'), String(process.pid)); break; } catch (e) {
      if (e.code !== 'EEXIST') { throw e; }
      let owner = NaN;
      try { owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8')); } catch { /* being created */ }
      let alive = true;
      if (owner) { try { process.kill(owner, 0); } catch { alive = false; } }
      if (!alive) { fs.rmSync(lock, { recursive: true, force: true }); continue; }
      await new Promise(r => setTimeout(r, 1000));
    }
  }
  try { return await fn(); } finally { fs.rmSync(lock, { recursive: true, force: true }); }
}
