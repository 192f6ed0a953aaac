import 'reflect-metadata';
import { CliIo, Command, EXIT_OK, EXIT_USAGE, UsageError } from './command';
import { checkCommand } from './check';
import { inspectCommand } from './inspect';
import { probeCommand } from './probe';
import { verifyCommand } from './verify';
import { serveCommand } from './serve/serve';
import { provideNodeCrypto } from '../util/nodeCrypto';
import { renewCommand } from './renew';
import { signCommand } from './sign';

/** Subcommands by name; a new one (e.g. `check`) is one more entry. */
export const COMMANDS: Record<string, Command> = {
  [checkCommand.name]: checkCommand,
  [inspectCommand.name]: inspectCommand,
  [verifyCommand.name]: verifyCommand,
  [serveCommand.name]: serveCommand,
  [renewCommand.name]: renewCommand,
  [signCommand.name]: signCommand,
  [probeCommand.name]: probeCommand,
};

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map(n => n.length));
  return [
    'Usage: pki-lens <command> [options]',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map(c => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `pki-lens <command> --help` for a command\'s options.',
  ].join('\n') + '\n';
}

const processIo: CliIo = {
  out: text => process.stdout.write(text),
  err: text => process.stderr.write(text),
};

/** Runs `pki-lens <command> ...args` and resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  provideNodeCrypto();
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(overview());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`pki-lens: unknown command "${name}"\n\n${overview()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`pki-lens ${name}: ${e.message}\n${command.synopsis}Run \`pki-lens ${name} --help\` for details.\n`);
      return EXIT_USAGE;
    }
    io.err(`pki-lens ${name}: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(code => { process.exitCode = code; });
}
