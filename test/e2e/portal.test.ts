/**
 * Secure links (issue 8) in a real browser at a phone's size with JavaScript OFF: the social
 * worker creates a link for a younger child (with a code) and one for a parent, tied to the next
 * core group meeting; the child enters the code and fills in the three houses, the parent fills
 * in their form; both land in the child's voice, linked to the meeting. Every page is axe-checked.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addMeeting, childOnPlan } from '../../src/modules/casework/testing.js';
import { describeInBrowser, PHONE, useE2E } from './support/suite.js';

const PHONE_NOJS = { javaScript: false, viewport: PHONE };

describeInBrowser('secure links for the child and family, on a phone, without JavaScript', () => {
  const e2e = useE2E('907');

  async function createLink(page: Page, childId: string, opts: { kind: string; target: string; familyMemberId?: string; code?: string }): Promise<string> {
    await page.goto(`/children/${childId}/invitations`);
    await e2e.check(page, 'portal-invitations');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.check(`input[name="kind"][value="${opts.kind}"]`);
    if (opts.familyMemberId) await page.selectOption('#familyMemberId', opts.familyMemberId);
    await page.selectOption('#target', opts.target);
    if (opts.code) await page.fill('#code', opts.code);
    await page.getByRole('button', { name: 'Create the link' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Link created' }).isVisible()).toBe(true);
    await e2e.check(page, 'portal-link-created');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const link = (await page.locator('#portal-link').inputValue()).trim();
    expect(link).toMatch(/^\/v\/[A-Za-z0-9_-]{43}$/);
    return link;
  }

  it('a child completes the three houses and a parent their form; both reach the core group meeting', { timeout: 120_000 }, async () => {
    const { t, fixture: f } = e2e.server;
    const child = await childOnPlan(t, f, { laChildId: 'E2E-PT-1', firstName: 'Marigold', dateOfBirth: '2018-05-01' });
    const meetingId = await addMeeting(t, f, child.childId, child.planId, '2026-11-16');
    const mother = await t.database.db
      .insertInto('family_members')
      .values({ partnership_id: f.partnershipId, child_id: child.childId, name: 'Robin Testparent', relationship: 'Mother', lives_with_child: true, parental_responsibility: true, contact: null, notes: null, created_by: null, updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();

    const worker = await e2e.signedIn('worker', PHONE_NOJS);
    await worker.goto(`/children/${child.childId}/voice`);
    await worker.getByRole('link', { name: 'Send Marigold or their family a secure link to give their views' }).click();
    const childLink = await createLink(worker, child.childId, { kind: 'younger-child', target: `meeting:${meetingId}`, code: '314159' });
    const parentLink = await createLink(worker, child.childId, { kind: 'parent', target: `meeting:${meetingId}`, familyMemberId: mother.id });

    // The child: the code first (nothing about them shown), then the three houses
    const kid = await e2e.open(PHONE_NOJS);
    const first = await kid.goto(childLink);
    expect(first?.headers()['cache-control']).toBe('no-store');
    expect(first?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await kid.content()).not.toContain('Marigold');
    await e2e.check(kid, 'portal-code');
    await kid.getByLabel('Enter your code').fill('314159');
    await kid.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => kid.getByRole('heading', { name: 'Tell us what you think, Marigold' }).isVisible()).toBe(true);
    await e2e.check(kid, 'portal-child-form');
    expect(await kid.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await kid.check('input[name="feeling"][value="happy"]');
    await kid.getByLabel('My house of worries').fill('When it is loud at home at night');
    await kid.getByRole('button', { name: 'Save and come back later' }).click();
    await expect.poll(() => kid.getByText('Saved. You can come back').isVisible()).toBe(true);
    await kid.getByLabel('My house of good things').fill('Playing football with Nan');
    await kid.getByLabel('My house of dreams').fill('To have my own room');
    await kid.getByRole('button', { name: 'Send my answers' }).click();
    await expect.poll(() => kid.getByRole('heading', { name: 'Thank you' }).isVisible()).toBe(true);
    await e2e.check(kid, 'portal-thanks');
    await kid.goto(childLink);
    await expect.poll(() => kid.getByRole('heading', { name: 'This link cannot be used' }).isVisible()).toBe(true);
    await e2e.check(kid, 'portal-unavailable');

    // The parent
    const parent = await e2e.open(PHONE_NOJS);
    await parent.goto(parentLink);
    await e2e.check(parent, 'portal-parent-form');
    await parent.getByLabel('What is going well?').fill('Mornings are calmer');
    await parent.getByLabel('What do you want to happen?').fill('Help with the housing move');
    await parent.getByLabel('Who do you want at the meeting?').fill('My sister');
    await parent.getByRole('button', { name: 'Send my views' }).click();
    await expect.poll(() => parent.getByRole('heading', { name: 'Thank you' }).isVisible()).toBe(true);

    // The social worker sees both with the meeting, flagged as new, and records how they were considered
    await worker.goto(`/children/${child.childId}/meetings/${meetingId}`);
    expect(await worker.locator('#own-views').isVisible()).toBe(true);
    expect(await worker.getByText('New: 2 sent for this meeting').isVisible()).toBe(true);
    expect(await worker.content()).toContain('The child or family sent their own views 2 times for this meeting');
    await worker.getByLabel('How the core group considered these views').fill('The core group read both out; the plan now includes a bedroom for Robin in the housing move.');
    await worker.getByRole('button', { name: 'Save how the views were considered' }).click();
    await expect.poll(() => worker.getByText('Saved how the child’s and family’s own views were considered').first().isVisible()).toBe(true);
    const considered = await worker.content();
    expect(considered).toContain('the plan now includes a bedroom for Robin');
    expect(considered).not.toContain('for this meeting, and the minutes do not say how they were considered');
    await e2e.check(worker, 'portal-views-considered');
    await worker.getByRole('link', { name: 'views linked to this meeting, including those sent through a secure link' }).click();
    const body = await worker.content();
    expect(body).toContain('To have my own room');
    expect(body).toContain('Submitted through a link by the child');
    expect(body).toContain('Help with the housing move');
    expect(body).toContain('Submitted through a link by a parent (Robin Testparent, Mother)');
    await e2e.check(worker, 'portal-voice-for-meeting');
  });

  it('a parent reads the shared family copy and the plan and says whether they agree', { timeout: 120_000 }, async () => {
    const { t, fixture: f } = e2e.server;
    const child = await childOnPlan(t, f, { laChildId: 'E2E-PT-2', firstName: 'Juniper', dateOfBirth: '2015-02-01' });
    const meetingId = await addMeeting(t, f, child.childId, child.planId, '2026-10-28');
    await t.database.db.updateTable('core_group_meetings').set({ status: 'finalised', finalised_at: new Date('2026-10-29T10:00:00Z'), family_copy: 'We talked about school and home.', shared_family_on: '2026-10-29' }).where('id', '=', meetingId).execute();
    const father = await t.database.db
      .insertInto('family_members')
      .values({ partnership_id: f.partnershipId, child_id: child.childId, name: 'Sam Testparent', relationship: 'Father', lives_with_child: false, parental_responsibility: true, contact: null, notes: null, created_by: null, updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const worker = await e2e.signedIn('worker', PHONE_NOJS);
    const link = await createLink(worker, child.childId, { kind: 'family-copy', target: `meeting:${meetingId}`, familyMemberId: father.id });
    const dad = await e2e.open(PHONE_NOJS);
    await dad.goto(link);
    await expect.poll(() => dad.getByRole('heading', { name: 'The notes of the meeting and the plan' }).isVisible()).toBe(true);
    await e2e.check(dad, 'portal-family-copy');
    expect(await dad.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await dad.getByLabel('Yes, I agree').check();
    await dad.getByRole('button', { name: 'Send my answer' }).click();
    await expect.poll(() => dad.getByRole('heading', { name: 'Thank you' }).isVisible()).toBe(true);
    await worker.goto(`/children/${child.childId}/meetings/${meetingId}`);
    await worker.getByRole('link', { name: 'the family’s response to the minutes and plan' }).click();
    expect(await worker.content()).toContain('Yes, agrees with the minutes and the plan');
    await e2e.check(worker, 'portal-family-response');
  });
});
