import type { Command } from 'commander';
import { BackupError, backupDatabase, formatSize, restoreDatabase } from '../db/backup.js';
import type { Config } from '../config.js';
import { readConfig } from './context.js';
import { CliError } from './errors.js';
import { print } from './io.js';

/** A backup that cannot go ahead is a plain failure (exit 1) with its message, never a stack trace. */
async function asCli<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BackupError) throw new CliError(err.message);
    throw err;
  }
}

function where(config: Config): string {
  return config.database.kind === 'embedded' ? `the embedded database in ${config.database.dataDir}` : 'the PostgreSQL database in DATABASE_URL';
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .summary('write a backup of the whole database to a file')
    .description(
      'Writes a backup of the whole database to a file. Embedded database: a copy of its data directory (a tar.gz); ' +
        'stop the server first, as for other commands. PostgreSQL server (DATABASE_URL): pg_dump --format=custom, which needs ' +
        'pg_dump on the PATH and can run while the server is serving. The file is written under a temporary name and renamed ' +
        'when complete, so it is never half a backup. Prints one line: the file and its size.',
    )
    .requiredOption('--out <file>', 'the file to write (replaced if it exists)')
    .action(async (opts: { out: string }) => {
      const config = readConfig();
      const result = await asCli(() => backupDatabase(config.database, opts.out));
      print(`Backed up ${where(config)} to ${result.file} (${formatSize(result.bytes)}).`);
    });

  program
    .command('restore')
    .summary('replace the database with a backup')
    .description(
      'Restores a backup made by `assure backup` into the configured database. The file must be of the same kind as the ' +
        'database (embedded, or PostgreSQL server); anything else is refused before a change is made. A database that already ' +
        'holds data is replaced only with --force. Embedded: the server must be stopped; the backup is unpacked and checked ' +
        'beside the data directory and swapped in only when complete. PostgreSQL server: pg_restore --clean --if-exists ' +
        '--no-owner in one transaction (needs pg_restore on the PATH); a failure rolls it all back. Stop the server for a restore ' +
        'either way. A backup from a newer version of Assure is refused. Run `assure migrate` ' +
        '(or start the server) afterwards to bring an older backup up to date.',
    )
    .argument('<file>', 'the backup file')
    .option('--force', 'replace a database that already holds data')
    .action(async (file: string, opts: { force?: boolean }) => {
      const config = readConfig();
      const result = await asCli(() => restoreDatabase(config.database, file, { force: opts.force === true }));
      print(
        `Restored ${result.file} (${formatSize(result.bytes)}) into ${where(config)}` +
          `${result.replaced ? ', replacing the database that was there' : ''}: ${result.migrations} migration${result.migrations === 1 ? '' : 's'} recorded.`,
      );
    });
}
