/**
 * Output and the password prompt. Results go to stdout, everything else to stderr.
 */
import { CliError, UsageError } from './errors.js';

export function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** Notes for the person at the terminal that must not mix with a command's result. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Resolves once everything written so far has been handed to the OS. */
export async function flushOutput(): Promise<void> {
  await Promise.all([
    new Promise<void>((resolve) => process.stdout.write('', () => resolve())),
    new Promise<void>((resolve) => process.stderr.write('', () => resolve())),
  ]);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a line without echoing it, from a terminal in raw mode. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(chars.join(''));
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new CliError('Cancelled.', 130));
          return;
        }
        if (ch === '\u007f' || ch === '\b') chars = chars.slice(0, -1);
        else if (ch === '\u0015') chars = []; // Ctrl-U clears the line
        else if (ch >= ' ') chars.push(ch);
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The new password for `user add`: all of stdin with one trailing newline removed, or, when
 * stdin is a terminal, typed twice at a prompt that does not echo.
 */
export async function readNewPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await promptHidden('Password: ');
    const again = await promptHidden('Repeat password: ');
    if (first !== again) throw new CliError('The two passwords do not match: nothing was changed.');
    return first;
  }
  const password = (await readAll(process.stdin)).replace(/\r?\n$/, '');
  if (password === '') {
    throw new UsageError(
      'No password on stdin. Pipe it in, e.g. `printf %s "$PASSWORD" | assure user add …`, or run the command in a terminal to be asked for it.',
    );
  }
  return password;
}
