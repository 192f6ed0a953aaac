import { ParseArgsConfig, parseArgs } from 'node:util';

/** What every `pki-lens` subcommand provides; `main.ts` dispatches on the first argument. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  name: string;
  /** One line for `pki-lens --help`. */
  summary: string;
  /** The synopsis, shown after a usage error. */
  synopsis: string;
  /** The full help, for `--help`. */
  usage: string;
  /** Resolves to the exit code. Throws UsageError for bad arguments. */
  run(args: string[], io: CliIo): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Bad command line or unusable input: exit code 2 and the usage text. */
export class UsageError extends Error {}

/** `parseArgs` with positionals and `-h`/`--help` added; its errors become UsageErrors. */
export function parseCommandLine<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  const config = { args, allowPositionals: true as const, options: { ...options, help: { type: 'boolean' as const, short: 'h' } } };
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The value of a `--name` option that takes one of a few words (`fallback` when absent). */
export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  const chosen = (value ?? fallback) as T;
  if (!allowed.includes(chosen)) {
    throw new UsageError(`--${name}: expected one of ${allowed.join(', ')}, got ${value}`);
  }
  return chosen;
}
