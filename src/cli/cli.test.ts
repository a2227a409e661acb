/**
 * The real `assure` command, run as a child process (node bin/assure.js …) against a real
 * database: an embedded data directory, or, when this run tests the PostgreSQL backend, a fresh
 * empty database on that server. Each invocation starts tsx and the database (1–3 s), so the
 * bootstrap steps share one installation and run in order.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Installation, type Result, assure, childEnv, collect, expectOk, newInstallation, postgres, root, show } from '../../test/support/cli.js';
import { LOCK_FILE_NAME } from '../db/embedded/index.js';
import { ROLES } from '../db/schema.js';
import { systemClock } from '../lib/clock.js';
import { AccessLogService } from '../modules/access-log/service.js';
import { AuthService } from '../modules/auth/service.js';
import { buildProgram } from './program.js';
import { DEFAULT_TOKEN_NAME } from './token.js';

const authConfig = { sessionIdleMinutes: 30, sessionAbsoluteHours: 12, signInMaxFailures: 5, signInLockoutMinutes: 15 };
const PASSWORD = 'correct horse battery staple';

// Each step is a real `assure` process (Node and tsx starting up): on a busy machine a step takes seconds
describe('bootstrapping a real installation from empty', { timeout: 120_000 }, () => {
  let inst: Installation;
  let env: Record<string, string>;
  let token = '';

  beforeAll(async () => {
    inst = await newInstallation();
    env = inst.env;
  });
  afterAll(async () => {
    await inst?.remove();
  });

  it('migrate builds the schema, then says it is up to date', async () => {
    const first = await assure(['migrate'], { env });
    expectOk(first);
    expect(first.stdout).toMatch(/Applied \d+ migrations? .*:\n {2}001_foundation\n {2}002_child_protection\n/);
    const again = await assure(['migrate'], { env });
    expectOk(again);
    expect(again.stdout).toContain('up to date');
  });

  it('partnership add creates it; the same code again fails with exit 1', async () => {
    const added = await assure(['partnership', 'add', '--code', '916', '--name', 'Testshire Safeguarding Children Partnership'], { env });
    expectOk(added);
    expect(added.stdout).toContain('916');
    const dup = await assure(['partnership', 'add', '--code', '916', '--name', 'Another'], { env });
    expect(dup.status, show(dup)).toBe(1);
    expect(dup.stderr).toContain('A partnership with code 916 already exists');
    expect(dup.stdout).toBe('');
  });

  it('agency add refuses an unknown type, listing the valid ones (exit 2)', async () => {
    const r = await assure(['agency', 'add', '--partnership', '916', '--name', 'Testshire Police', '--type', 'constabulary'], { env });
    expect(r.status, show(r)).toBe(2);
    for (const type of ['childrens-social-care', 'police', 'health', 'education', 'gp', 'probation', 'housing', 'voluntary', 'other']) {
      expect(r.stderr).toContain(type);
    }
  });

  it('agency, area and team add build the structure (names found whatever their case)', async () => {
    expectOk(await assure(['agency', 'add', '--partnership', '916', '--name', "Testshire Children's Social Care", '--type', 'childrens-social-care'], { env }));
    expectOk(await assure(['area', 'add', '--partnership', '916', '--name', 'North'], { env }));
    const team = await assure(
      ['team', 'add', '--partnership', '916', '--agency', "testshire children's social care", '--name', 'Family Safeguarding North', '--area', 'NORTH'],
      { env },
    );
    expectOk(team);
    expect(team.stdout).toContain('Family Safeguarding North');
  });

  it('user add names a missing agency, and the password rule a weak password breaks (exit 1)', async () => {
    const noAgency = await assure(
      ['user', 'add', '--partnership', '916', '--email', 'sam@example.org', '--name', 'Sam Admin', '--role', 'partnership-admin', '--agency', 'Police'],
      { env, input: `${PASSWORD}\n` },
    );
    expect(noAgency.status, show(noAgency)).toBe(1);
    expect(noAgency.stderr).toContain('No agency called "Police" in partnership 916');
    expect(noAgency.stderr).toContain("Testshire Children's Social Care"); // says what there is

    const weak = await assure(
      ['user', 'add', '--partnership', '916', '--email', 'sam@example.org', '--name', 'Sam Admin', '--role', 'partnership-admin', '--agency', "Testshire Children's Social Care"],
      { env, input: 'too short\n' },
    );
    expect(weak.status, show(weak)).toBe(1);
    expect(weak.stderr).toContain('Password must be 12 characters or more');
  });

  it('user add takes the password from stdin, less one trailing newline', async () => {
    const r = await assure(
      [
        'user', 'add', '--partnership', '916', '--email', 'Sam.Admin@Example.org', '--name', 'Sam Admin', '--role', 'partnership-admin',
        '--agency', "TESTSHIRE CHILDREN'S SOCIAL CARE", '--team', 'family safeguarding north',
      ],
      { env, input: `${PASSWORD}\n` },
    );
    expectOk(r);
    expect(r.stdout).toContain('sam.admin@example.org');
  });

  it('token create prints the token and nothing else', async () => {
    const r = await assure(['token', 'create', '--email', 'sam.admin@example.org'], { env });
    expectOk(r);
    expect(r.stdout).toMatch(/^assure_pat_[A-Za-z0-9_-]+\n$/);
    token = r.stdout.trim();
  });

  it('left real rows behind: the user can sign in with that password, the token authenticates them, the access log shows the CLI', async () => {
    expect(token).not.toBe('');
    if (inst.dataDir) expect(fs.existsSync(path.join(inst.dataDir, LOCK_FILE_NAME)), 'the CLI released the data directory').toBe(false);
    const database = await inst.open();
    try {
      const db = database.db;
      const partnership = await db.selectFrom('partnerships').selectAll().where('code', '=', '916').executeTakeFirstOrThrow();
      expect(partnership.is_demo).toBe(false);
      const user = await db
        .selectFrom('users')
        .innerJoin('agencies', 'agencies.id', 'users.agency_id')
        .innerJoin('teams', 'teams.id', 'users.team_id')
        .innerJoin('areas', 'areas.id', 'teams.area_id')
        .select(['users.id', 'users.email', 'users.role', 'users.partnership_id', 'agencies.type', 'teams.name as team', 'areas.name as area'])
        .executeTakeFirstOrThrow();
      expect(user).toMatchObject({
        email: 'sam.admin@example.org',
        role: 'partnership-admin',
        partnership_id: partnership.id,
        type: 'childrens-social-care',
        team: 'Family Safeguarding North',
        area: 'North',
      });

      const auth = new AuthService(db, systemClock, authConfig, new AccessLogService(db, systemClock));
      const signedIn = await auth.authenticateToken(token);
      expect(signedIn?.user.id).toBe(user.id);
      expect(signedIn?.partnership.code).toBe('916');
      const tokens = await auth.listTokens({ id: user.id, partnership_id: partnership.id });
      expect(tokens.map((t) => t.name)).toEqual([DEFAULT_TOKEN_NAME]);
      expect(await auth.authenticateToken(`${token}x`)).toBeNull();

      const signIn = await auth.signIn('sam.admin@example.org', PASSWORD, null); // no trailing newline in the stored password
      expect(signIn.ok).toBe(true);

      const log = await db.selectFrom('access_log').selectAll().where('record_id', '=', user.id).where('action', '=', 'create').execute();
      expect(log.map((l) => l.actor)).toEqual(['system:cli']);
    } finally {
      await database.close();
    }
  });

  it('audit-log verify passes, then finds a row altered behind its back (exit 1, naming the row)', async () => {
    const intact = await assure(['audit-log', 'verify'], { env });
    expectOk(intact);
    expect(intact.stdout).toMatch(/^Access log intact: [1-9]\d* rows? checked\.\n$/);

    const database = await inst.open();
    let alteredId: number;
    try {
      const db = database.db;
      const row = await db.selectFrom('access_log').select('id').where('action', '=', 'create').orderBy('id').executeTakeFirstOrThrow();
      alteredId = Number(row.id);
      await db.transaction().execute(async (trx) => {
        await sql`alter table access_log disable trigger access_log_no_change`.execute(trx);
        await trx.updateTable('access_log').set({ details: JSON.stringify({ role: 'practitioner' }) }).where('id', '=', alteredId).execute();
        await sql`alter table access_log enable trigger access_log_no_change`.execute(trx);
      });
    } finally {
      await database.close();
    }

    const broken = await assure(['audit-log', 'verify'], { env });
    expect(broken.status, show(broken)).toBe(1);
    expect(broken.stderr).toContain(`Access log broken at row ${alteredId} (partnership 916): the row was altered`);
  });
});

describe('assure seed demo', () => {
  let inst: Installation;
  beforeAll(async () => {
    inst = await newInstallation();
  });
  afterAll(async () => {
    await inst?.remove();
  });

  it('--format json prints one object with every role; passwords change with each seeding', { timeout: 90_000 }, async () => {
    const parse = (r: Result) => {
      expectOk(r);
      return JSON.parse(r.stdout) as { partnership: string; users: Record<string, unknown>[] };
    };
    const first = parse(await assure(['seed', 'demo', '--format', 'json', '--children', '3'], { env: inst.env }));
    expect(Object.keys(first)).toEqual(['partnership', 'users']);
    expect(first.partnership).toBe('999');
    expect(new Set(first.users.map((u) => u.role))).toEqual(new Set(ROLES));
    for (const u of first.users) {
      expect(Object.keys(u).sort()).toEqual(['agency', 'email', 'name', 'password', 'role', 'team']);
      expect(u.password).toEqual(expect.any(String));
    }

    const secondRun = await assure(['seed', 'demo', '--format', 'json', '--children', '2'], { env: inst.env });
    const second = parse(secondRun);
    const handle = await inst.open();
    try {
      const children = await handle.db.selectFrom('children').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(children.n).toBe(5); // 3 with the new partnership, 2 more on the second run
    } finally {
      await handle.close();
    }
    expect(second.users.map((u) => u.email)).toEqual(first.users.map((u) => u.email));
    second.users.forEach((u, i) => expect(u.password).not.toBe(first.users[i]!.password));
  });

  it('checks --children and refuses production', async () => {
    const [badChildren, production] = await Promise.all([
      assure(['seed', 'demo', '--children', '5001'], { env: inst.env }),
      assure(['seed', 'demo'], { env: { ...inst.env, NODE_ENV: 'production', SESSION_SECRET: randomBytes(32).toString('base64') } }),
    ]);
    expect(badChildren.status, show(badChildren)).toBe(2);
    expect(badChildren.stderr).toContain('whole number from 0 to 5000');
    expect(production.status, show(production)).toBe(1);
    expect(production.stderr).toContain('NODE_ENV=production');
    expect(production.stdout).toBe('');
  });
});

describe('assure --help', () => {
  /** Every command path in the program, e.g. [], ['user'], ['user', 'add']. */
  function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
    return [prefix, ...cmd.commands.flatMap((c) => commandPaths(c, [...prefix, c.name()]))];
  }

  /** The help a command prints, from the program itself (as `assure … --help` runs it), and whether it ends as help does. */
  function helpOf(p: string[]): { shown: boolean; out: string } {
    const program = buildProgram();
    let out = '';
    const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
    for (const c of all(program)) c.exitOverride().configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (out += s) });
    try {
      program.parse(['node', 'assure', ...p, '--help']);
    } catch (err) {
      return { shown: (err as { code?: string; exitCode?: number }).code === 'commander.helpDisplayed' && (err as { exitCode?: number }).exitCode === 0, out };
    }
    return { shown: false, out };
  }

  it('works for every command', () => {
    const paths = commandPaths(buildProgram());
    expect(paths).toContainEqual(['audit-log', 'verify']);
    for (const p of paths) {
      const { shown, out } = helpOf(p);
      expect(shown, `assure ${p.join(' ')} --help`).toBe(true);
      expect(out).toContain(`Usage: ${['assure', ...p].join(' ')}`);
    }
    expect(helpOf(['seed', 'demo']).out.replace(/\s+/g, ' ')).toContain('how many synthetic children to create');
  });

  it('as a real process exits 0, at the top and for a subcommand', { timeout: 90_000 }, async () => {
    const [top, sub] = await Promise.all([assure(['--help']), assure(['audit', 'report', '--help'])]);
    expectOk(top);
    expect(top.stdout).toContain('Usage: assure');
    expectOk(sub);
    expect(sub.stdout).toContain('Usage: assure audit report');
  });
});

describe.skipIf(postgres)('while the server holds the embedded data directory', () => {
  let inst: Installation;
  let server: ChildProcess | null = null;
  beforeAll(async () => {
    inst = await newInstallation();
  });
  afterAll(async () => {
    server?.kill('SIGKILL');
    await inst?.remove();
  });

  it('a command says the directory is in use and exits non-zero; once the server stops it works', { timeout: 120_000 }, async () => {
    server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: childEnv({ ...inst.env, PORT: '0', ASSURE_DEMO: 'false' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = collect(server);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not start within 90 s')), 90_000);
      server!.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('Assure is running')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((r) => reject(new Error(`the server exited: ${show(r)}`)));
    });

    const r = await assure(['migrate'], { env: inst.env });
    expect(r.status, show(r)).toBe(1);
    expect(r.stderr).toContain(`is in use by another Assure process (pid ${server.pid})`);
    expect(r.stdout).toBe('');

    server.kill('SIGTERM');
    expect((await exited).status).toBe(0);
    server = null;
    const after = await assure(['migrate'], { env: inst.env });
    expectOk(after);
    expect(after.stdout).toContain('up to date');
  });
});
