/**
 * The `assure` command tree. Each command group lives in its own file; this puts them together.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAgency } from './agency.js';
import { registerArea } from './area.js';
import { registerAudit } from './audit.js';
import { registerAuditLog } from './audit-log.js';
import { registerBackup } from './backup.js';
import { registerImport } from './import.js';
import { registerMigrate } from './migrate.js';
import { registerPartnership } from './partnership.js';
import { registerReminders } from './reminders.js';
import { registerRetention } from './retention.js';
import { registerSeed } from './seed.js';
import { registerSso } from './sso.js';
import { registerStandards } from './standards.js';
import { registerTeam } from './team.js';
import { registerToken } from './token.js';
import { registerUser } from './user.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const BOOTSTRAP = `
Setting up a new installation (production starts empty):
  assure migrate
  assure partnership add --code 916 --name "Northbridge Safeguarding Children Partnership"
  assure agency add --partnership 916 --name "Children's Social Care" --type childrens-social-care
  printf %s "$PASSWORD" | assure user add --partnership 916 --email admin@example.org \\
    --name "Sam Admin" --role partnership-admin --agency "Children's Social Care"

Configuration comes from the environment, as for the server: ASSURE_DATA_DIR (embedded database,
default ./data) or DATABASE_URL (PostgreSQL server), NODE_ENV. While the server runs on the embedded
database it holds the data directory: stop it before running commands that open the database.

Exit status: 0 done, 1 failed, 2 wrong usage.`;

/**
 * Builds the program. Commander errors are thrown (exitOverride) rather than exiting, so the
 * caller decides the exit status; `output` lets tests capture what commander writes.
 */
export function buildProgram(output?: { writeOut(s: string): void; writeErr(s: string): void }): Command {
  const program = new Command('assure');
  program
    .description('Assure: the multi-agency child protection workspace and quality-assurance cycle. Administration commands.')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpCommand(false)
    .addHelpText('after', BOOTSTRAP);
  if (output) program.configureOutput(output);

  registerMigrate(program);
  registerPartnership(program);
  registerArea(program);
  registerAgency(program);
  registerTeam(program);
  registerUser(program);
  registerToken(program);
  registerSeed(program);
  registerAuditLog(program);
  registerAudit(program);
  registerStandards(program);
  registerImport(program);
  registerReminders(program);
  registerBackup(program);
  registerRetention(program);
  registerSso(program);
  return program;
}
