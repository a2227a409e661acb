/**
 * The audit report at scale: 1,000 cases × 40 questions, two auditors each plus moderation on a
 * tenth of the cases. Times the report computed from answers already loaded, and the whole report
 * as the service makes it (reading the audit, its cases and 84,000 answers from the database).
 */
import { performance } from 'node:perf_hooks';
import type { Db } from '../src/db/database.js';
import { systemClock } from '../src/lib/clock.js';
import { AccessLogService } from '../src/modules/access-log/service.js';
import * as repo from '../src/modules/audits/repository.js';
import { buildReport } from '../src/modules/audits/report.js';
import { AuditsService, reportCases } from '../src/modules/audits/service.js';
import { optionsOf, type ToolDefinition } from '../src/modules/audits/tools.js';
import { systemActor } from '../src/lib/actor.js';

const CASES = 1000;
const QUESTIONS = 40;

export async function auditFigures(db: Db, partnershipId: string, auditorIds: [string, string]) {
  const tool: ToolDefinition = {
    key: 'bench-tool',
    name: 'Benchmark tool',
    description: 'Forty questions in eight domains',
    scale: 'default',
    domains: Array.from({ length: 8 }, (_, d) => ({
      key: `d${d}`,
      name: `Domain ${d + 1}`,
      questions: Array.from({ length: QUESTIONS / 8 }, (_, q) => ({ key: `q${d}_${q}`, text: `Question ${d}.${q}`, type: q === 0 ? ('grade' as const) : ('yes-partly-no' as const), headline: q === 0 })),
    })),
  };
  const toolRow = await db.insertInto('audit_tools').values({ partnership_id: partnershipId, key: tool.key, version: 1, name: tool.name, definition: JSON.stringify(tool) }).returning('id').executeTakeFirstOrThrow();
  const now = new Date();
  const auditId = await repo.insertAudit(db, { partnershipId, toolId: toolRow.id, title: 'Benchmark audit', purpose: null, status: 'completed', source: 'assure', cohort: {}, sample: {}, auditorsPerCase: 2, createdBy: null, now });
  const caseIds = await repo.insertCases(
    db,
    auditId,
    Array.from({ length: CASES }, (_, i) => ({ childId: null, caseRef: `B-${i}`, area: `Area ${i % 4}`, team: `Team ${i % 12}`, agencies: ['Police', 'Health'].slice(0, 1 + (i % 2)) })),
  );
  const questions = tool.domains.flatMap((d) => d.questions);
  const answers: repo.NewAnswer[] = [];
  caseIds.forEach((caseId, i) => {
    questions.forEach((q, j) => {
      const options = optionsOf(tool, q);
      for (const [a, userId] of auditorIds.entries()) answers.push({ caseId, kind: 'auditor', authorUserId: userId, questionKey: q.key, answer: options[(i + j + (a && i % 7 === 0 ? 1 : 0)) % options.length]!, comment: null });
      if (i % 10 === 0) answers.push({ caseId, kind: 'agreed', authorUserId: null, questionKey: q.key, answer: options[(i + j) % options.length]! });
    });
  });
  await repo.insertAnswers(db, answers, now);

  const service = new AuditsService(db, systemClock, new AccessLogService(db, systemClock));
  const actor = systemActor(partnershipId, 'bench');
  const data = await service.load(actor, auditId);
  const pure: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    buildReport(data.tool, reportCases(data));
    pure.push(performance.now() - t0);
  }
  const whole: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await service.report(actor, auditId);
    whole.push(performance.now() - t0);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return [
    { name: `audit report ${CASES} cases × ${QUESTIONS} questions, computed`, value: median(pure), unit: 'ms', limit: 200 },
    { name: `audit report ${CASES} × ${QUESTIONS}, read from the database`, value: median(whole), unit: 'ms', limit: 1000 },
  ];
}
