import { describe, expect, it } from 'vitest';
import { coreGroupSchedule } from './schedule.js';

describe('when the core group must meet', () => {
  const cases: [string, Parameters<typeof coreGroupSchedule>[0], Partial<ReturnType<typeof coreGroupSchedule>>][] = [
    ['first core group: 10 working days after the plan starts', { planStartedOn: '2026-11-20', meetings: [], today: '2026-11-20' }, { firstDueOn: '2026-12-04', nextDueOn: '2026-12-04', dueSoon: false, overdue: false }],
    ['a partnership closure day moves it a day', { planStartedOn: '2026-11-20', meetings: [], today: '2026-11-20', closures: new Set(['2026-11-23']) }, { firstDueOn: '2026-12-07' }],
    ['over Christmas the bank holidays do not count', { planStartedOn: '2026-12-18', meetings: [], today: '2026-12-18' }, { firstDueOn: '2027-01-06' }],
    ['due within 10 days', { planStartedOn: '2026-11-20', meetings: [], today: '2026-11-24' }, { dueSoon: true, daysUntilDue: 10, overdue: false }],
    ['overdue', { planStartedOn: '2026-11-20', meetings: [], today: '2026-12-07' }, { dueSoon: true, overdue: true, daysUntilDue: -3 }],
    ['then every 6 weeks after the last meeting', { planStartedOn: '2026-11-20', meetings: [{ heldOn: '2026-12-03' }], today: '2026-12-10' }, { lastHeldOn: '2026-12-03', nextDueOn: '2027-01-14', dueSoon: false }],
    ['a meeting arranged in time is not due', { planStartedOn: '2026-11-20', meetings: [{ heldOn: '2026-12-03' }], today: '2026-11-30' }, { arrangedOn: '2026-12-03', dueSoon: false }],
    ['a meeting arranged after the date it is due still shows as due', { planStartedOn: '2026-11-20', meetings: [{ heldOn: '2026-12-10' }], today: '2026-11-30' }, { arrangedOn: '2026-12-10', dueSoon: true }],
  ];
  it.each(cases)('%s', (_label, facts, expected) => {
    expect(coreGroupSchedule(facts)).toMatchObject(expected);
  });
});
