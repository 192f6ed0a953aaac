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
