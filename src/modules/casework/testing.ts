/**
 * Test helpers shared by the voice, escalations and casework tests: a child with a record (and a
 * plan) made through CasesService, core group membership, API calls with a personal access token.
 * Used by tests only; every person is made up.
 */
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../../test/support/app.js';
import type { Fixture } from '../../../test/support/factories.js';
import type { Actor } from '../../lib/actor.js';
import { parse } from '../../lib/validation.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService, userActor } from '../auth/service.js';
import { ChildRecords } from '../cases/record.js';
import { conferenceOutcomeSchema, newChildSchema } from '../cases/schemas.js';
import { CasesService } from '../cases/service.js';

export async function actorOf(t: TestApp, userId: string): Promise<Actor> {
  const u = await t.database.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  return userActor(u);
}

export function casesService(t: TestApp): CasesService {
  return new CasesService(new ChildRecords(t.database.db, t.clock, new AccessLogService(t.database.db, t.clock)));
}

/**
 * A child whose record the fixture's social worker leads, with an initial conference chaired by
 * the fixture's chair that started a plan. The team manager and the chair see the child too.
 */
export async function childOnPlan(
  t: TestApp,
  f: Fixture,
  opts: { laChildId: string; firstName: string; dateOfBirth?: string; expectedDateOfBirth?: string; conferenceOn?: string },
): Promise<{ childId: string; conferenceId: string; planId: string }> {
  const cases = casesService(t);
  const worker = await actorOf(t, f.users.worker!.id);
  const chair = await actorOf(t, f.users.chair!.id);
  const childId = await cases.create(
    worker,
    parse(newChildSchema, {
      laChildId: opts.laChildId,
      firstName: opts.firstName,
      lastName: 'Testchild',
      sex: 'not-known',
      dateOfBirth: opts.dateOfBirth ?? '',
      expectedDateOfBirth: opts.expectedDateOfBirth ?? '',
      referralReceivedOn: '2026-10-01',
      referralSummary: 'Synthetic referral for tests.',
    }),
  );
  const conferenceOn = opts.conferenceOn ?? '2026-10-20';
  const conferenceId = await cases.scheduleConference(worker, childId, { kind: opts.dateOfBirth ? 'initial' : 'pre-birth', scheduledOn: conferenceOn, chairUserId: f.users.chair!.id, invitedAgencyIds: [] });
  const { planId } = await cases.recordConferenceOutcome(
    chair,
    childId,
    conferenceId,
    parse(conferenceOutcomeSchema, { heldOn: conferenceOn, decision: 'plan', categories: ['NEG'], rationale: 'Synthetic rationale.', outlineOutcomes: 'Safe and well cared for', previousPlans: '0', version: 1 }),
  );
  return { childId, conferenceId, planId: planId! };
}

/** Makes a user a current member of the child's core group. */
export async function addMember(t: TestApp, f: Fixture, childId: string, userKey: string, agencyKey: string, role = 'Practitioner'): Promise<void> {
  const u = f.users[userKey]!;
  await t.database.db
    .insertInto('core_group_members')
    .values({ partnership_id: f.partnershipId, child_id: childId, user_id: u.id, name: `${userKey} person`, agency_id: f.agencies[agencyKey]!, role, joined_on: '2026-10-20', left_on: null })
    .execute();
}

/** A draft core group meeting of the child (the meetings pages belong to the core-groups module). */
export async function addMeeting(t: TestApp, f: Fixture, childId: string, planId: string, heldOn: string): Promise<string> {
  const r = await t.database.db.insertInto('core_group_meetings').values({ partnership_id: f.partnershipId, child_id: childId, plan_id: planId, held_on: heldOn, minutes: '{}' }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function tokenFor(t: TestApp, f: Fixture, userKey: string): Promise<string> {
  const auth = new AuthService(t.database.db, t.clock, t.config, new AccessLogService(t.database.db, t.clock));
  return (await auth.createToken({ id: f.users[userKey]!.id, partnership_id: f.partnershipId }, 'test', 30)).token;
}

export function apiCall(t: TestApp) {
  return (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: unknown): Promise<LightMyRequestResponse> =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
    });
}

const decode = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCharCode(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const attr = (tag: string, name: string) => {
  const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`));
  return m ? decode(m[1]!) : undefined;
};

/**
 * What a browser without JavaScript would post from the form whose action is `action`: text
 * inputs, hidden inputs, checked radios and checkboxes, textareas and selected options.
 */
export function scrapeForm(html: string, action: string): Record<string, string | string[]> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`No form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const out: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  };
  for (const m of form.matchAll(/<input\b[^>]*>/g)) {
    const tag = m[0];
    const name = attr(tag, 'name');
    if (!name) continue;
    const type = attr(tag, 'type') ?? 'text';
    if ((type === 'radio' || type === 'checkbox') && !/\schecked\b/.test(tag)) continue;
    add(name, attr(tag, 'value') ?? '');
  }
  for (const m of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attr(m[1]!, 'name');
    if (name) add(name, decode(m[2]!.replace(/^\n/, '')));
  }
  for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attr(m[1]!, 'name');
    if (!name) continue;
    const selected = m[2]!.match(/<option\b[^>]*\sselected\b[^>]*>/) ?? m[2]!.match(/<option\b[^>]*>/);
    add(name, selected ? (attr(selected[0], 'value') ?? '') : '');
  }
  delete out._csrf;
  return out;
}
