/**
 * The pure parts of learning: a review's timescale (working days around Easter, local closures, six
 * months), a measure's direction towards its target, a recommendation's status from its rows, the
 * draft a completed audit makes, and the form fields turned into the API's shape.
 */
import { describe, expect, it } from 'vitest';
import { seed003Cases } from '../../../test/support/audit-cohorts.js';
import { buildReport } from '../audits/report.js';
import { CORE_GROUP_THEMATIC } from '../audits/tools.js';
import { draftFromAudit, shortfallAnswers } from './from-audit.js';
import { measureFields, progress } from './measures.js';
import { fromReviewForm, reviewSchema } from './schemas.js';
import { recommendationStatus } from './service.js';
import { reviewTimescale } from './timescales.js';

describe('a review’s timescale', () => {
  const rapid = (notifiedOn: string, publishedOn: string | null = null) => ({ kind: 'rapid-review' as const, notifiedOn, startedOn: notifiedOn, publishedOn });
  it.each([
    // Notified on the Thursday before Easter 2026 (Good Friday 3 April, Easter Monday 6 April): 15 working days skip both
    ['2026-04-02', '2026-04-27'],
    // A plain fortnight and a day: Monday 2 November 2026 → Monday 23 November
    ['2026-11-02', '2026-11-23'],
    // Over Christmas: 25 and 28 December 2026 are bank holidays (Boxing Day falls on a Saturday)
    ['2026-12-18', '2027-01-13'],
  ])('a rapid review notified on %s is due on %s', (notifiedOn, dueOn) => {
    expect(reviewTimescale(rapid(notifiedOn), notifiedOn)?.dueOn).toBe(dueOn);
  });
  it('a local closure day moves the date on', () => {
    expect(reviewTimescale(rapid('2026-11-02'), '2026-11-02', new Set(['2026-11-10']))?.dueOn).toBe('2026-11-24');
  });
  it('is due, then overdue; met on or before the day, met late after it', () => {
    expect(reviewTimescale(rapid('2026-11-02'), '2026-11-23')?.status).toBe('due');
    expect(reviewTimescale(rapid('2026-11-02'), '2026-11-24')?.status).toBe('overdue');
    expect(reviewTimescale(rapid('2026-11-02', '2026-11-23'), '2026-12-01')?.status).toBe('met');
    expect(reviewTimescale(rapid('2026-11-02', '2026-11-24'), '2026-12-01')?.status).toBe('met-late');
  });
  it('a local child safeguarding practice review is due six months after it starts; other kinds have no timescale', () => {
    expect(reviewTimescale({ kind: 'lcspr', notifiedOn: null, startedOn: '2026-08-31', publishedOn: null }, '2026-09-01')).toMatchObject({ dueOn: '2027-02-28', status: 'due' });
    expect(reviewTimescale({ kind: 'thematic-audit', notifiedOn: null, startedOn: '2026-08-31', publishedOn: null }, '2026-09-01')).toBeNull();
  });
});

describe('a measure’s direction', () => {
  it.each([
    [20, 80, 85, 'reached'],
    [20, 80, 80, 'reached'],
    [20, 80, 50, 'towards'],
    [20, 80, 10, 'away'],
    [20, 80, 20, 'unchanged'],
    [null, 80, 20, 'unknown'],
    [20, 80, null, 'unknown'],
    [null, 50, 50, 'reached'],
  ] as const)('baseline %s, target %s, now %s: %s', (baseline, target, now, direction) => {
    expect(progress(baseline, target, now)).toBe(direction);
  });
});

describe('a recommendation’s status', () => {
  it('follows its rows: none, some open, all done, all done and every measure reached', () => {
    expect(recommendationStatus([])).toBe('no-actions');
    expect(recommendationStatus([{ status: 'done', direction: null }, { status: 'in-progress', direction: 'reached' }])).toBe('in-progress');
    expect(recommendationStatus([{ status: 'done', direction: null }])).toBe('actions-done');
    expect(recommendationStatus([{ status: 'done', direction: 'towards' }, { status: 'done', direction: 'reached' }])).toBe('actions-done');
    expect(recommendationStatus([{ status: 'done', direction: 'reached' }, { status: 'done', direction: null }])).toBe('impact-shown');
  });
});

describe('a review drafted from a completed audit', () => {
  const report = buildReport(CORE_GROUP_THEMATIC, seed003Cases(), [
    { kind: 'improvement', name: 'Plan not revised', quotes: [{ caseRef: 'SS-0001', questionKey: 'quality_of_minutes', text: 'Updates only' }] },
    { kind: 'strength', name: 'Good attendance', quotes: [] },
  ]);
  const draft = draftFromAudit({ title: 'Core groups 2026', purpose: 'Are core groups effective?', completedOn: '2026-10-01', toolKey: 'core-group-thematic', toolName: 'Core group thematic audit' }, report);

  it('takes the tagged themes, the weakest findings with their figures and a recommendation per area for improvement', () => {
    expect(draft.kind).toBe('thematic-audit');
    expect(draft.title).toBe('Learning from Core groups 2026');
    expect(draft.background).toContain('132 cases');
    expect(draft.themes).toEqual(['Plan not revised', 'Good attendance']);
    // 13 of 60 West first core groups and a quarter elsewhere were chaired by a manager: 101 of 132 were not
    const chaired = draft.findings.find((x) => x.startsWith(CORE_GROUP_THEMATIC.domains.flatMap((d) => d.questions).find((q) => q.key === 'manager_first_core_group')!.text));
    expect(chaired).toBe('Was the first core group chaired by a manager? No: 101 of 132 cases (77%).');
    expect(draft.findings).toContain('Area for improvement: plan not revised (1 case).');
    expect(draft.recommendations).toEqual(['The partnership should seek assurance from partner agencies that practice improves on plan not revised.']);
  });
  it('counts as falling short only the weaker end of each scale', () => {
    expect(shortfallAnswers({ type: 'meets', counts: { 'Meets the required standard': 1, 'Does not meet the required standard': 1 } })).toEqual(['Does not meet the required standard']);
    expect(shortfallAnswers({ type: 'grade', counts: { Outstanding: 0, Good: 0, 'Requires improvement to be good': 1, Inadequate: 1 } })).toEqual(['Requires improvement to be good', 'Inadequate']);
    expect(shortfallAnswers({ type: 'yes-partly-no', counts: { Yes: 1, Partly: 1, No: 1 } })).toEqual(['Partly', 'No']);
  });
});

describe('the review form', () => {
  it('splits lists by line (dropping bullets) and numbers recommendations with their agencies', () => {
    const agency = '6f1c3f0e-8a7b-4c1d-9e2f-0a1b2c3d4e5f';
    const api = fromReviewForm({ kind: 'rapid-review', themes: '- Strategy meetings\r\n\r\n• Voice of the child', findings: '1. Not held in time', recommendation1: 'Audit strategy meetings', addressedTo1: agency, recommendation2: '', recommendation3: 'Train staff', addressedTo3: [agency] });
    expect(api).toMatchObject({ themes: ['Strategy meetings', 'Voice of the child'], findings: ['Not held in time'], recommendations: [{ text: 'Audit strategy meetings', agencyIds: [agency] }, { text: 'Train staff', agencyIds: [agency] }] });
  });
  it('names every bad field, and asks a rapid review for its notification date', () => {
    const r = reviewSchema.safeParse({ kind: 'rapid-review', title: '', subject: 'Alex', startedOn: '2026-13-01', themes: [], findings: [], recommendations: [] });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['title', 'startedOn']));
    const late = reviewSchema.safeParse({ kind: 'rapid-review', title: 'A review', subject: 'Alex', startedOn: '2026-11-01', recommendations: [] });
    expect(late.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['notifiedOn', expect.stringContaining('15 working days')]]);
  });
  it('a measure needs its standard or question, where, and a target from 0 to 100', () => {
    expect(measureFields.parse({})).toBeNull();
    const bad = measureFields.safeParse({ measureKind: 'standard', measureStandard: '', measureScope: 'nowhere', measureTarget: '120' });
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['measureScope', 'measureStandard', 'measureTarget']);
    const area = '6f1c3f0e-8a7b-4c1d-9e2f-0a1b2c3d4e5f';
    expect(measureFields.parse({ measureKind: 'audit', measureQuestion: 'core-group-thematic|manager_first_core_group|Yes', measureScope: `area:${area}`, measureTarget: '60%' })).toEqual({
      measure: { kind: 'audit', toolKey: 'core-group-thematic', questionKey: 'manager_first_core_group', answer: 'Yes', scope: { by: 'area', id: area } },
      target: 60,
    });
  });
});
