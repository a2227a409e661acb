/**
 * Cohorts shaped like the seed audits, built from their published figures (not read from a file of
 * expected outputs): the tests check the report gives those figures back.
 */
import type { ReportCase } from '../../src/modules/audits/report.js';
import { DISTANCE_TRAVELLED, MEETS, questionsOf, type ToolDefinition } from '../../src/modules/audits/tools.js';

/** n copies of a value, for building a cohort's answers. */
const times = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

/**
 * 29 cases shaped like seed 001: overall 3 good, 17 adequate, 9 inadequate; distance travelled
 * 2 significant improvement, 17 some, 7 no progress, 3 risks higher. The two lists are put
 * together in a different order, as real cases would be.
 */
export function seed001Cases(): ReportCase[] {
  const overall = [...times(3, 'Good'), ...times(17, 'Adequate'), ...times(9, 'Inadequate')];
  const distance = [...times(2, DISTANCE_TRAVELLED[0]!), ...times(17, DISTANCE_TRAVELLED[1]!), ...times(7, DISTANCE_TRAVELLED[2]!), ...times(3, DISTANCE_TRAVELLED[3]!)];
  return overall.map((grade, i) => ({
    caseRef: `GL-${String(i + 1).padStart(3, '0')}`,
    area: i % 2 ? 'Cheltenham' : 'Gloucester',
    team: null,
    agencies: ['Children’s social care', ...(i % 3 ? ['Police'] : [])],
    answers: {
      overall: grade,
      distance_travelled: distance[(i * 7) % 29]!, // a permutation of 0..28 (7 and 29 are coprime)
      quality_of_practice: grade === 'Inadequate' ? 'Inadequate' : 'Adequate',
      planning_outline_developed: i < 10 ? 'No' : 'Yes',
    },
  }));
}

/**
 * 132 children shaped like seed 003, across four quadrants: the quality of minutes did not meet the
 * standard for 69 (52%), the core group was effective for 59 (45%); in the West 60 first core groups,
 * 13 chaired by a manager.
 */
export function seed003Cases(): ReportCase[] {
  const quadrants = [...times(60, 'West'), ...times(40, 'East'), ...times(16, 'North'), ...times(16, 'South')];
  return quadrants.map((quadrant, i) => {
    const westIndex = i; // West cases come first
    return {
      caseRef: `SS-${String(i + 1).padStart(4, '0')}`,
      area: quadrant,
      team: null,
      agencies: [],
      answers: {
        quality_of_minutes: (i * 5) % 132 < 69 ? MEETS[1] : MEETS[0],
        effectiveness: (i * 7) % 132 < 59 ? MEETS[0] : MEETS[1],
        overall_safety: i % 11 === 0 ? MEETS[1] : MEETS[0],
        manager_first_core_group: quadrant === 'West' ? (westIndex % 60 < 13 ? 'Yes' : 'No') : i % 4 === 0 ? 'Yes' : 'No',
      },
    };
  });
}

/** The cases as the CSV `assure audit import` reads: case_ref,area then the tool's question keys. */
export function toAuditCsv(tool: ToolDefinition, cases: readonly ReportCase[]): string {
  const keys = questionsOf(tool).map((q) => q.key);
  const cell = (v: string | null | undefined) => (v == null ? '' : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [['case_ref', 'area', ...keys].join(','), ...cases.map((c) => [c.caseRef, c.area ?? '', ...keys.map((k) => c.answers[k])].map(cell).join(','))].join('\n') + '\n';
}
