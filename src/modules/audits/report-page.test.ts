/**
 * The report page of an audit imported from CSV with its teams: the headline questions broken down
 * by area and by team, as tables beside the charts, for anyone in the partnership once completed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../lib/actor.js';
import { AccessLogService } from '../access-log/service.js';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { type Fixture, makePartnership, PASSWORD } from '../../../test/support/factories.js';
import { AuditsService } from './service.js';

describe('the audit report page', () => {
  let t: TestApp;
  let f: Fixture;
  let id: string;

  beforeAll(async () => {
    t = await buildTestApp();
    f = await makePartnership(t.database.db, '936');
    const audits = new AuditsService(t.database.db, t.clock, new AccessLogService(t.database.db, t.clock));
    const rows = ['case_ref,area,team,overall,distance_travelled'];
    for (let i = 0; i < 12; i++) rows.push(`T${i},${i % 2 ? 'East' : 'West'},${i < 8 ? 'Team A' : 'Team B'},${i < 3 ? 'Good' : i < 8 ? 'Adequate' : 'Inadequate'},No progress`);
    id = (await audits.importAudit(systemActor(f.partnershipId, 'test'), { toolKey: 'cp-multi-agency', title: 'Teams audit', csv: rows.join('\n') })).id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('shows the headline questions by area and by team, leaving out questions nobody answered', async () => {
    const worker = t.agent();
    await worker.signIn(f.users.worker!.email, PASSWORD);
    const page = await worker.get(`/audits/${id}/report`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h2 class="govuk-heading-m">By area</h2>');
    expect(page.body).toContain('<h2 class="govuk-heading-m">By team</h2>');
    const byTeam = page.body.slice(page.body.indexOf('By team</h2>'));
    const overall = byTeam.slice(byTeam.indexOf('Overall grade for the case'));
    const cells = (row: string) => [...overall.slice(overall.indexOf(`>${row}</th>`)).matchAll(/govuk-table__cell--numeric">(\d+)</g)].slice(0, 4).map((m) => Number(m[1]));
    expect(cells('Team A')).toEqual([0, 3, 5, 0]);
    expect(cells('Team B')).toEqual([0, 0, 0, 4]);
    expect(byTeam).not.toContain('How well were thresholds for intervention applied?</caption>'); // not answered in this audit
    expect(page.body).not.toContain('By agency</h2>'); // imported cases name no agencies
  }, 30_000);
});
