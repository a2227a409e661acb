/**
 * The `assure` command (bin/assure.js → here): runs the program, turns every failure into a
 * message on stderr and an exit status (2 for wrong usage, 1 for anything else), and exits as
 * soon as the command is done.
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { DataDirLockedError } from '../db/embedded/index.js';
import { DomainError, ValidationError } from '../lib/errors.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './errors.js';
import { flushOutput } from './io.js';
import { buildProgram } from './program.js';

/** Runs one command line; resolves to the exit status. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT_OK;
  } catch (err) {
    return report(err);
  }
}

function report(err: unknown): number {
  const fail = (message: string, code = EXIT_FAILURE) => {
    if (message) process.stderr.write(`${message}\n`);
    return code;
  };
  // Commander has already printed its message (or the help / version).
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (err instanceof CliError) return fail(err.message, err.exitCode);
  if (err instanceof ConfigError || err instanceof DataDirLockedError) return fail(err.message);
  if (err instanceof ValidationError) return fail(Object.values(err.fields).join('\n') || err.message);
  if (err instanceof DomainError) return fail(err.message);
  return fail(`Assure failed unexpectedly: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}

const status = await runCli(process.argv);
await flushOutput();
process.exit(status);
