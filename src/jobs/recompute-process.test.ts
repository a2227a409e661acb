import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assure, childEnv, expectOk, type Installation, newInstallation } from '../../test/support/cli.js';
import { startRecomputeProcess } from './recompute-process.js';

describe('the nightly recompute in a process of its own', () => {
  let inst: Installation;
  beforeAll(async () => {
    inst = await newInstallation();
    expectOk(await assure(['migrate'], { env: inst.env }));
    expectOk(await assure(['seed', 'demo', '--children', '4', '--format', 'json'], { env: inst.env }));
  }, 180_000);
  afterAll(() => inst?.remove());

  it('stores the results of every child never evaluated, says how many it evaluated, and the next night none that cannot have moved', async () => {
    let database = await inst.open();
    const children = Number((await database.db.selectFrom('children').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    await database.db.deleteFrom('standard_results').execute();
    await database.db.deleteFrom('standard_evaluations').execute();
    await database.close();
    const out = await startRecomputeProcess(childEnv(inst.env)).done;
    expect(out).toMatch(new RegExp(`^Evaluated the standards of ${children} children whose results may have moved in 1 partnership in \\d+ ms\\.$`));
    expect(await startRecomputeProcess(childEnv(inst.env)).done).toMatch(/^Evaluated the standards of 0 children whose results may have moved in 1 partnership/);
    expect(await startRecomputeProcess(childEnv(inst.env), { everyChild: true }).done).toMatch(new RegExp(`^Evaluated the standards of ${children} children in 1 partnership`));
    database = await inst.open();
    try {
      const stored = await database.db.selectFrom('standard_results').select('child_id').distinct().execute();
      expect(stored.length).toBe(children);
    } finally {
      await database.close();
    }
  }, 120_000);

  it('fails with what the command said when it cannot do its work', async () => {
    await expect(startRecomputeProcess(childEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })).done).rejects.toThrow(/the recompute exited with 1: .+/);
  }, 60_000);

  it('can be stopped', async () => {
    const p = startRecomputeProcess(childEnv(inst.env));
    p.stop();
    await expect(p.done).rejects.toThrow('the recompute was stopped');
  }, 60_000);
});
