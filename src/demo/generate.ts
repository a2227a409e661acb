/**
 * The synthetic demo partnership: every name here is made up. Pure and seeded, so tests,
 * benchmarks and the demo share one generator and the same seed gives the same partnership.
 */
import type { AgencyType, Role } from '../db/schema.js';

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export const DEMO_CODE = '999';
export const DEMO_NAME = 'Northbridge Safeguarding Children Partnership';

export const FIRST_NAMES = ['Amara', 'Ben', 'Chloe', 'Dev', 'Ellie', 'Femi', 'Grace', 'Hamza', 'Isla', 'Jamal', 'Kirsty', 'Liam', 'Maya', 'Nadia', 'Owen', 'Priya', 'Rhys', 'Sana', 'Tom', 'Uma', 'Vik', 'Wren', 'Yusuf', 'Zoe'];
export const LAST_NAMES = ['Ashdown', 'Brackley', 'Carrow', 'Dunmore', 'Elsworth', 'Fairholme', 'Garside', 'Hollins', 'Iveson', 'Jessop', 'Kettering', 'Lowther', 'Marchbank', 'Northcott', 'Oakridge', 'Pennick', 'Quarry', 'Rowntree', 'Stainforth', 'Thwaite'];

export const AREAS = ['North', 'South', 'East', 'West'];

export interface DemoAgency {
  name: string;
  type: AgencyType;
  teams: { name: string; area: string | null }[];
}

export const AGENCIES: DemoAgency[] = [
  {
    name: "Northbridge Children's Social Care",
    type: 'childrens-social-care',
    teams: [
      ...AREAS.map((a) => ({ name: `Family Safeguarding Team ${a}`, area: a })),
      { name: 'Safeguarding Adolescents Team', area: null },
      { name: 'Child Protection Chairs', area: null },
      { name: 'Audit and Practice Standards', area: null },
    ],
  },
  { name: 'Northbridge Police', type: 'police', teams: [{ name: 'Public Protection Unit', area: null }] },
  {
    name: 'Northbridge Community Health',
    type: 'health',
    teams: [
      { name: 'Health Visiting North and East', area: null },
      { name: 'Health Visiting South and West', area: null },
      { name: 'School Nursing', area: null },
    ],
  },
  { name: 'Northbridge Schools', type: 'education', teams: [{ name: 'Designated Safeguarding Leads', area: null }] },
  { name: 'Northbridge GP Practices', type: 'gp', teams: [] },
  { name: 'Northbridge Probation', type: 'probation', teams: [] },
  { name: 'Northbridge Housing', type: 'housing', teams: [] },
  { name: 'Northbridge Family Support (voluntary)', type: 'voluntary', teams: [] },
];

export interface DemoUser {
  email: string;
  name: string;
  role: Role;
  agency: string;
  team: string | null;
}

const CSC = AGENCIES[0]!.name;

/** A named spread of users: every role, every agency that takes part in core groups. */
export function demoUsers(seed = 1): DemoUser[] {
  const rand = prng(seed);
  const used = new Set<string>();
  const person = () => {
    for (;;) {
      const name = `${pick(rand, FIRST_NAMES)} ${pick(rand, LAST_NAMES)}`;
      if (!used.has(name)) {
        used.add(name);
        return name;
      }
    }
  };
  const user = (role: Role, agency: string, team: string | null, handle: string): DemoUser => ({
    name: person(),
    role,
    agency,
    team,
    email: `${handle}@demo.assure.example`,
  });
  return [
    user('partnership-admin', CSC, null, 'admin'),
    user('qa-lead', CSC, 'Audit and Practice Standards', 'qa.lead'),
    user('auditor', 'Northbridge Community Health', null, 'auditor'),
    user('conference-chair', CSC, 'Child Protection Chairs', 'chair'),
    ...AREAS.flatMap((area) => [
      user('team-manager', CSC, `Family Safeguarding Team ${area}`, `manager.${area.toLowerCase()}`),
      user('practitioner', CSC, `Family Safeguarding Team ${area}`, `social.worker.${area.toLowerCase()}`),
    ]),
    user('practitioner', 'Northbridge Community Health', 'Health Visiting North and East', 'health.visitor'),
    user('practitioner', 'Northbridge Schools', 'Designated Safeguarding Leads', 'dsl'),
    user('practitioner', 'Northbridge Police', 'Public Protection Unit', 'police'),
    user('practitioner', 'Northbridge GP Practices', null, 'gp'),
  ];
}
