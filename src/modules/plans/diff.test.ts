import { describe, expect, it } from 'vitest';
import { type ActionSnapshot, diffPlans, type PlanChange, type PlanSnapshot } from '../cases/plan-versions.js';
import { quote } from './service.js';

const action = (id: string, over: Partial<ActionSnapshot> = {}): ActionSnapshot => ({
  id,
  what: `Action ${id}`,
  owner: 'Nurse Noor',
  ownerAgency: 'Health',
  dueOn: '2026-12-01',
  doneMeasure: 'Visits recorded',
  workedMeasure: 'Home conditions improve',
  ...over,
});

const plan = (outcomes: PlanSnapshot['outcomes'], latestCategory = 'NEG'): PlanSnapshot => ({ latestCategory, outcomes });

const base = plan([
  { id: 'o1', title: 'Safe at home', actions: [action('a1'), action('a2')] },
  { id: 'o2', title: 'At school every day', actions: [] },
]);

const cases: { name: string; after: PlanSnapshot; expected: PlanChange[] }[] = [
  { name: 'no change', after: base, expected: [] },
  {
    name: 'category changed',
    after: { ...base, latestCategory: 'MUL' },
    expected: [{ kind: 'category-changed', outcome: '', before: 'NEG', after: 'MUL' }],
  },
  {
    name: 'outcome added with an action',
    after: plan([...base.outcomes, { id: 'o3', title: 'Health needs met', actions: [action('a3')] }]),
    expected: [
      { kind: 'outcome-added', outcome: 'Health needs met' },
      { kind: 'action-added', outcome: 'Health needs met', action: 'Action a3' },
    ],
  },
  {
    name: 'outcome renamed',
    after: plan([{ ...base.outcomes[0]!, title: 'Safe from harm at home' }, base.outcomes[1]!]),
    expected: [{ kind: 'outcome-changed', outcome: 'Safe from harm at home', field: 'Outcome', before: 'Safe at home', after: 'Safe from harm at home' }],
  },
  {
    name: 'outcome removed',
    after: plan([base.outcomes[0]!]),
    expected: [{ kind: 'outcome-removed', outcome: 'At school every day' }],
  },
  {
    name: 'action added to an existing outcome',
    after: plan([{ ...base.outcomes[0]!, actions: [action('a1'), action('a2'), action('a4', { what: 'Weekly visits' })] }, base.outcomes[1]!]),
    expected: [{ kind: 'action-added', outcome: 'Safe at home', action: 'Weekly visits' }],
  },
  {
    name: 'action removed',
    after: plan([{ ...base.outcomes[0]!, actions: [action('a1')] }, base.outcomes[1]!]),
    expected: [{ kind: 'action-removed', outcome: 'Safe at home', action: 'Action a2' }],
  },
  {
    name: 'two fields of an action changed, in column order',
    after: plan([{ ...base.outcomes[0]!, actions: [action('a1', { dueOn: '2027-01-15', owner: 'Dr Gill', ownerAgency: 'GP' }), action('a2')] }, base.outcomes[1]!]),
    expected: [
      { kind: 'action-changed', outcome: 'Safe at home', action: 'Action a1', field: 'Who will do it', before: 'Nurse Noor', after: 'Dr Gill' },
      { kind: 'action-changed', outcome: 'Safe at home', action: 'Action a1', field: 'Agency', before: 'Health', after: 'GP' },
      { kind: 'action-changed', outcome: 'Safe at home', action: 'Action a1', field: 'By when', before: '2026-12-01', after: '2027-01-15' },
    ],
  },
  {
    name: 'the measures of an action changed',
    after: plan([{ ...base.outcomes[0]!, actions: [action('a1'), action('a2', { doneMeasure: 'Diary kept', workedMeasure: 'Child says she feels safe' })] }, base.outcomes[1]!]),
    expected: [
      { kind: 'action-changed', outcome: 'Safe at home', action: 'Action a2', field: 'How we will know it has been done', before: 'Visits recorded', after: 'Diary kept' },
      { kind: 'action-changed', outcome: 'Safe at home', action: 'Action a2', field: 'How we will know it has worked', before: 'Home conditions improve', after: 'Child says she feels safe' },
    ],
  },
  {
    name: 'an action moved to another outcome shows as removed from one and added to the other',
    after: plan([
      { ...base.outcomes[0]!, actions: [action('a1')] },
      { ...base.outcomes[1]!, actions: [action('a2')] },
    ]),
    expected: [
      { kind: 'action-removed', outcome: 'Safe at home', action: 'Action a2' },
      { kind: 'action-added', outcome: 'At school every day', action: 'Action a2' },
    ],
  },
];

describe('diffPlans', () => {
  it.each(cases)('$name', ({ after, expected }) => {
    expect(diffPlans(base, after)).toEqual(expected);
  });

  it('is the reverse when the versions are swapped: added becomes removed', () => {
    const after = plan([...base.outcomes, { id: 'o3', title: 'Health needs met', actions: [] }]);
    expect(diffPlans(after, base)).toEqual([{ kind: 'outcome-removed', outcome: 'Health needs met' }]);
  });

  it('from an empty plan, everything is added', () => {
    expect(diffPlans(plan([]), base).map((c) => c.kind)).toEqual(['outcome-added', 'action-added', 'action-added', 'outcome-added']);
  });
});

describe('quote (version summaries)', () => {
  it.each([
    ['Weekly home visits', '“Weekly home visits”'],
    ['  spaced\n out  ', '“spaced out”'],
    ['x'.repeat(130), `“${'x'.repeat(119)}…”`],
  ])('%j → %j', (input, expected) => {
    expect(quote(input)).toBe(expected);
  });
});
