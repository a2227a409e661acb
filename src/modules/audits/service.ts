/**
 * Case audits: the tools a partnership can use, audits imported from before Assure, and the
 * report of any audit. Reports are pseudonymised (case references, no names). QA leads and
 * partnership admins see every audit of their partnership; anyone in the partnership may read the
 * report of a completed audit, which is what the partnership publishes.
 */
import type { Db } from '../../db/database.js';
import type { AuditStatus } from '../../db/schema.js';
import { limitOffset, type PageRequest } from '../../lib/pagination.js';
import { type Actor, hasRole, systemActor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { AccessLogService } from '../access-log/service.js';
import { parseAuditCsv } from './csv-import.js';
import * as repo from './repository.js';
import { type AuditReport, buildReport, type Comparison, compareReports, finalAnswer, type ReportCase, type ReportTheme } from './report.js';
import { isUniqueViolation } from '../partnership/repository.js';
import { BUILT_IN_TOOLS, questionsOf, type StoredTool, type ToolDefinition, validateTool } from './tools.js';

export type AuditRow = NonNullable<Awaited<ReturnType<typeof repo.auditById>>>;

export interface AuditData {
  audit: AuditRow;
  tool: StoredTool;
  cases: Awaited<ReturnType<typeof repo.casesOf>>;
  answers: Awaited<ReturnType<typeof repo.answersOf>>;
}

export const canManageAudits = (actor: Actor): boolean => hasRole(actor, 'qa-lead', 'partnership-admin');

export class AuditsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly accessLog: AccessLogService,
  ) {}

  /** Built-in tools are stored once per process (a new version when the code's definition changed). */
  private builtIns: Promise<void> | null = null;

  async tools(actor: Actor): Promise<StoredTool[]> {
    this.builtIns ??= repo.ensureBuiltInTools(this.db).catch((err: unknown) => {
      this.builtIns = null; // try again on the next read
      throw err;
    });
    await this.builtIns;
    return repo.latestTools(this.db, actor.partnershipId);
  }

  async toolByKey(actor: Actor, key: string): Promise<StoredTool> {
    const tool = (await this.tools(actor)).find((t) => t.key === key);
    if (!tool) throw new ValidationError({ tool: `There is no audit tool with the key ${key}` });
    return tool;
  }

  /**
   * Every version of a tool the partnership can use, newest first, with the number of its audits
   * that used each; `own` says whether it is the partnership's (which can have new versions).
   */
  async toolHistory(actor: Actor, key: string) {
    await this.tools(actor);
    const versions = await repo.toolVersions(this.db, actor.partnershipId, key);
    const latest = versions[0];
    if (!latest) throw new NotFoundError('There is no audit tool with that key');
    return {
      tool: { ...(latest.definition as unknown as ToolDefinition), id: latest.id, version: latest.version } as StoredTool,
      own: latest.partnership_id !== null,
      versions: versions.map((v) => ({ id: v.id, version: v.version, name: v.name, createdAt: v.created_at, audits: Number(v.audits ?? 0), tool: { ...(v.definition as unknown as ToolDefinition), id: v.id, version: v.version } as StoredTool })),
    };
  }

  /**
   * The partnership's own tool, as its version 1: checked whole (keys, questions, options, scale),
   * its key not a built-in tool's nor one of the partnership's.
   */
  async createTool(actor: Actor, definition: ToolDefinition): Promise<StoredTool> {
    if (!canManageAudits(actor)) throw new ForbiddenError('Only a quality-assurance lead or partnership admin can make an audit tool');
    validateTool(definition);
    if (BUILT_IN_TOOLS.some((t) => t.key === definition.key)) throw new ValidationError({ key: `${definition.key} is a built-in tool’s key: choose another` });
    const existing = await repo.toolVersions(this.db, actor.partnershipId, definition.key);
    if (existing.length) throw new ValidationError({ key: `The partnership already has a tool with the key ${definition.key}: publish a new version of it instead` });
    return this.storeVersion(actor, definition, 1);
  }

  /**
   * A new version of one of the partnership's own tools (a built-in tool is copied into a new tool
   * instead). Audits already planned keep the version they were planned with; new audits use this one.
   */
  async publishVersion(actor: Actor, key: string, definition: Omit<ToolDefinition, 'key'> & { key?: string }): Promise<StoredTool> {
    if (!canManageAudits(actor)) throw new ForbiddenError('Only a quality-assurance lead or partnership admin can publish an audit tool');
    const history = await this.toolHistory(actor, key);
    if (!history.own) throw new ValidationError({ key: `${key} is built in: copy it into a tool of the partnership’s own to change it` });
    const tool: ToolDefinition = { ...definition, key };
    validateTool(tool);
    return this.storeVersion(actor, tool, history.tool.version + 1);
  }

  private async storeVersion(actor: Actor, tool: ToolDefinition, version: number): Promise<StoredTool> {
    const definition: ToolDefinition = {
      key: tool.key,
      name: tool.name.trim(),
      description: (tool.description ?? '').trim(),
      scale: tool.scale,
      ...(tool.scale === 'custom' ? { scaleOptions: tool.scaleOptions!.map((o) => o.trim()) } : {}),
      domains: tool.domains.map((d) => ({
        key: d.key,
        name: d.name.trim(),
        questions: d.questions.map((q) => ({
          key: q.key,
          text: q.text.trim(),
          type: q.type,
          ...(q.options?.length ? { options: q.options.map((o) => o.trim()) } : {}),
          ...(q.guidance?.trim() ? { guidance: q.guidance.trim() } : {}),
          ...(q.prefill ? { prefill: q.prefill } : {}),
          ...(q.headline ? { headline: true } : {}),
        })),
      })),
    };
    try {
      const id = await this.db.transaction().execute(async (trx) => {
        const id = await repo.insertToolVersion(trx, actor.partnershipId, definition, version, actor.kind === 'user' ? actor.userId : null, this.clock.now());
        await this.accessLog.record(trx, actor, { action: 'create', recordType: 'audit-tool', recordId: id, details: { key: definition.key, version } });
        return id;
      });
      return { ...definition, id, version };
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`Someone else published version ${version} of ${definition.key} at the same time: look at it before publishing yours`, null, null);
      throw err;
    }
  }

  /** The partnership's areas, for choosing a cohort. */
  async areas(actor: Actor): Promise<{ id: string; name: string }[]> {
    return this.db.selectFrom('areas').select(['id', 'name']).where('partnership_id', '=', actor.partnershipId).orderBy('name').execute();
  }

  /** The partnership's teams, for choosing a cohort. */
  async teams(actor: Actor): Promise<{ id: string; name: string }[]> {
    return this.db.selectFrom('teams').select(['id', 'name']).where('partnership_id', '=', actor.partnershipId).orderBy('name').execute();
  }

  async list(actor: Actor) {
    return repo.listAudits(this.db, actor.partnershipId, { statuses: canManageAudits(actor) ? undefined : ['completed'] });
  }

  /** One page of the audits the person may see (completed ones; all for QA leads and admins), filtered, and how many match. */
  async page(actor: Actor, f: { status?: AuditStatus | undefined; toolKey?: string | undefined; source?: 'assure' | 'import' | undefined }, page: PageRequest) {
    const visible: readonly AuditStatus[] | undefined = canManageAudits(actor) ? undefined : ['completed'];
    const statuses = f.status ? (visible && !visible.includes(f.status) ? [] : [f.status]) : visible;
    const filter = { statuses, toolKey: f.toolKey, source: f.source };
    const { limit, offset } = limitOffset(page);
    const [rows, total] = await Promise.all([repo.listAudits(this.db, actor.partnershipId, filter, limit, offset), repo.countAudits(this.db, actor.partnershipId, filter)]);
    return { rows, total };
  }

  /**
   * A completed audit from a CSV of an audit done before Assure (see csv-import.ts): checked whole,
   * then written in one transaction, or not at all.
   */
  async importAudit(actor: Actor, input: { toolKey: string; title: string; purpose?: string | null; csv: string }): Promise<{ id: string; cases: number }> {
    if (!canManageAudits(actor)) throw new ForbiddenError('Only a quality-assurance lead or partnership admin can import an audit');
    const title = input.title.trim();
    if (!title || title.length > 200) throw new ValidationError({ title: title ? 'A title is at most 200 characters' : 'Enter the audit’s title' });
    const tool = await this.toolByKey(actor, input.toolKey);
    const cases = parseAuditCsv(tool, input.csv);
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const id = await repo.insertAudit(trx, {
        partnershipId: actor.partnershipId,
        toolId: tool.id,
        title,
        purpose: input.purpose?.trim() || null,
        status: 'completed',
        source: 'import',
        cohort: { imported: true },
        sample: { kind: 'all' },
        auditorsPerCase: 1,
        createdBy: actor.kind === 'user' ? actor.userId : null,
        now,
      });
      const caseIds = await repo.insertCases(
        trx,
        id,
        cases.map((c) => ({ childId: null, caseRef: c.caseRef, area: c.area, team: c.team, agencies: [] })),
      );
      await repo.insertAnswers(
        trx,
        cases.flatMap((c, i) =>
          Object.entries(c.answers)
            .filter(([, v]) => v !== null)
            .map(([key, answer]) => ({ caseId: caseIds[i]!, kind: 'agreed' as const, authorUserId: null, questionKey: key, answer, reason: 'Imported' })),
        ),
        now,
      );
      await this.accessLog.record(trx, actor, { action: 'create', recordType: 'audit', recordId: id, details: { source: 'import', tool: tool.key, version: tool.version, cases: cases.length } });
      return { id, cases: cases.length };
    });
  }

  /** The audit with its tool, cases and answers, for those who may see it. */
  async load(actor: Actor, id: string): Promise<AuditData> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('There is no audit with that id');
    const audit = await repo.auditById(this.db, actor.partnershipId, id);
    if (!audit) throw new NotFoundError('There is no audit with that id');
    if (!canManageAudits(actor) && audit.status !== 'completed') throw new NotFoundError('There is no audit with that id');
    const [tool, cases, answers] = await Promise.all([repo.toolById(this.db, actor.partnershipId, audit.tool_id), repo.casesOf(this.db, id), repo.answersOf(this.db, id)]);
    if (!tool) throw new NotFoundError('The audit’s tool is missing');
    return { audit, tool, cases, answers };
  }

  async report(actor: Actor, id: string): Promise<{ data: AuditData; report: AuditReport; comparison: Comparison | null }> {
    const data = await this.load(actor, id);
    const report = await this.reportOf(data);
    let comparison: Comparison | null = null;
    const previous = await repo.previousAudit(this.db, actor.partnershipId, data.tool.key, { id, completedAt: data.audit.completed_at, createdAt: data.audit.created_at });
    if (previous) {
      const before = await this.load(actor, previous.id);
      comparison = compareReports(report, await this.reportOf(before), { id: previous.id, title: previous.title, cases: before.cases.length });
    }
    await this.db.transaction().execute((trx) => this.accessLog.record(trx, actor, { action: 'view', recordType: 'audit-report', recordId: id }));
    return { data, report, comparison };
  }

  /**
   * The report of the partnership's latest completed audit with a tool (any version), for the figures
   * of a measure: aggregate counts by case reference, so no record is opened and nothing is logged.
   */
  async latestReport(partnershipId: string, toolKey: string): Promise<{ id: string; title: string; report: AuditReport } | null> {
    const latest = await repo.latestCompletedAudit(this.db, partnershipId, toolKey);
    if (!latest) return null;
    const data = await this.load(systemActor(partnershipId, 'measures'), latest.id);
    return { id: latest.id, title: latest.title, report: await this.reportOf(data) };
  }

  private async reportOf(data: AuditData): Promise<AuditReport> {
    const { themes, tags } = await repo.themesOf(this.db, data.audit.id);
    return buildReport(data.tool, reportCases(data), reportThemes(data, themes, tags));
  }

  /** Every response, one row per case, auditor and question, for CSV and XLSX. */
  async responses(actor: Actor, id: string): Promise<{ data: AuditData; rows: (string | number | null)[][] }> {
    const data = await this.load(actor, id);
    const refs = new Map(data.cases.map((c) => [c.id, c]));
    const names = await auditorNames(this.db, actor.partnershipId, data.answers.map((a) => a.author_user_id));
    const text = new Map(questionsOf(data.tool).map((q) => [q.key, q]));
    const rows: (string | number | null)[][] = [['case_ref', 'area', 'team', 'domain', 'question_key', 'question', 'answered_by', 'answer', 'comment', 'prefilled_from_record', 'reason']];
    const sorted = [...data.answers].sort(
      (a, b) => refs.get(a.audit_case_id)!.case_ref.localeCompare(refs.get(b.audit_case_id)!.case_ref) || a.question_key.localeCompare(b.question_key) || a.kind.localeCompare(b.kind),
    );
    for (const a of sorted) {
      const c = refs.get(a.audit_case_id)!;
      const q = text.get(a.question_key);
      const by = a.kind === 'agreed' ? 'Agreed (moderated)' : (names.get(a.author_user_id ?? '') ?? 'Auditor');
      rows.push([c.case_ref, c.area, c.team, q?.domainName ?? null, a.question_key, q?.text ?? null, by, a.answer, a.comment, a.prefilled, a.reason]);
    }
    await this.db.transaction().execute((trx) => this.accessLog.record(trx, actor, { action: 'export', recordType: 'audit', recordId: id, details: { rows: rows.length - 1 } }));
    return { data, rows };
  }
}

/** Auditors are named in the responses export by agency, not by person (the report is shared). */
async function auditorNames(db: Db, partnershipId: string, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => i !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('agencies as a', 'a.id', 'u.agency_id')
    .select(['u.id', 'a.name as agency'])
    .where('u.partnership_id', '=', partnershipId)
    .where('u.id', 'in', wanted)
    .orderBy('u.id')
    .execute();
  const seq = new Map<string, number>();
  return new Map(
    rows.map((r) => {
      const n = (seq.get(r.agency) ?? 0) + 1;
      seq.set(r.agency, n);
      return [r.id, `${r.agency} auditor ${n}`];
    }),
  );
}

export function reportCases(data: Pick<AuditData, 'tool' | 'cases' | 'answers'>): ReportCase[] {
  const byCase = new Map<string, { auditor: Map<string, (string | null)[]>; agreed: Map<string, string | null> }>();
  for (const c of data.cases) byCase.set(c.id, { auditor: new Map(), agreed: new Map() });
  for (const a of data.answers) {
    const entry = byCase.get(a.audit_case_id);
    if (!entry) continue;
    if (a.kind === 'agreed') entry.agreed.set(a.question_key, a.answer);
    else {
      const list = entry.auditor.get(a.question_key) ?? [];
      list.push(a.answer);
      entry.auditor.set(a.question_key, list);
    }
  }
  const keys = questionsOf(data.tool).map((q) => q.key);
  return data.cases.map((c) => {
    const entry = byCase.get(c.id)!;
    return {
      caseRef: c.case_ref,
      area: c.area,
      team: c.team,
      agencies: c.agencies,
      answers: Object.fromEntries(keys.map((k) => [k, finalAnswer(entry.auditor.get(k) ?? [], entry.agreed.get(k))])),
    };
  });
}

function reportThemes(
  data: AuditData,
  themes: { id: string; kind: 'strength' | 'improvement'; name: string }[],
  tags: { theme_id: string; answer_id: string }[],
): ReportTheme[] {
  const answers = new Map(data.answers.map((a) => [a.id, a]));
  const refs = new Map(data.cases.map((c) => [c.id, c.case_ref]));
  return themes.map((t) => ({
    kind: t.kind,
    name: t.name,
    quotes: tags
      .filter((g) => g.theme_id === t.id)
      .map((g) => answers.get(g.answer_id))
      .filter((a): a is NonNullable<typeof a> => !!a && !!(a.comment ?? a.answer))
      .map((a) => ({ caseRef: refs.get(a.audit_case_id)!, questionKey: a.question_key, text: (a.comment ?? a.answer)! })),
  }));
}
