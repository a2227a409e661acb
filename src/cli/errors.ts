/**
 * How the CLI fails. A usage error (bad or missing option) exits 2, every other failure 1;
 * the message goes to stderr, never stdout, so scripts reading stdout see only results.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command was called wrongly: exit 2, like commander's own errors. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
