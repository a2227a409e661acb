/**
 * Pages and API of case audits: the list (and an auditor's own cases), planning an audit, importing
 * one from CSV, the audit's page for the QA lead, auditing a case beside the record, moderation,
 * themes, and the report with its PDF, XLSX and CSV.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { barChartSvg } from '../../lib/charts.js';
import type { Actor } from '../../lib/actor.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { toCsv } from '../../lib/tabular.js';
import { paged, pageOf, pageOut, pageQuery } from '../../lib/pagination.js';
import { parse, version } from '../../lib/validation.js';
import { apiRoute, type ApiRoute, idParams } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { sendDownload } from '../../web/downloads.js';
import { formValues, handleForm } from '../../web/forms.js';
import { AUDIT_STATUSES, CATEGORIES } from '../../db/schema.js';
import { AuditConduct, planSchema, todayIn } from './conduct.js';
import { timelineOf } from './record-facts.js';
import { BREAKDOWNS, breakdownGroups, reportPdf, reportXlsx, type ReportHeading } from './report-files.js';
import { type AuditData, type AuditsService, canManageAudits } from './service.js';
import { formOf, type ToolForm, toolFromForm } from './tool-definition.js';
import { BUILT_IN_TOOLS, PREFILLS, QUESTION_TYPES, optionsOf, questionsOf, SCALES, type StoredTool, TOOL_KEY, type ToolDefinition, toolSummary } from './tools.js';
import type { Clock } from '../../lib/clock.js';

const caseParams = z.strictObject({ id: z.uuid({ error: 'Audit not found' }), caseId: z.uuid({ error: 'Case not found' }) });
const auditParams = z.strictObject({ id: z.uuid({ error: 'Audit not found' }) });
const MAX_CSV_BYTES = 5 * 1024 * 1024;
const BUILT_IN_KEYS = new Set(BUILT_IN_TOOLS.map((t) => t.key));

export const STATUS_LABELS: Record<string, string> = { planning: 'Planning', running: 'Auditing', moderation: 'Moderation', completed: 'Completed' };
const NEXT_ACTION: Record<string, string> = { planning: 'Start the audit', running: 'Close auditing and start moderation', moderation: 'Complete the audit and publish the report' };

function heading(data: AuditData): ReportHeading {
  return {
    title: data.audit.title,
    toolName: data.tool.name,
    toolVersion: data.tool.version,
    purpose: data.audit.purpose,
    status: STATUS_LABELS[data.audit.status] ?? data.audit.status,
    completedOn: data.audit.completed_at ? data.audit.completed_at.toISOString().slice(0, 10) : null,
    source: data.audit.source,
  };
}

/** "answer_KEY" and "reason_KEY" form fields as maps by question key. */
function answersFrom(values: Record<string, unknown>): { answers: Record<string, string>; reasons: Record<string, string> } {
  const answers: Record<string, string> = {};
  const reasons: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v !== 'string') continue;
    if (k.startsWith('answer_')) answers[k.slice(7)] = v;
    else if (k.startsWith('reason_')) reasons[k.slice(7)] = v;
  }
  return { answers, reasons };
}

const questionView = (data: Pick<AuditData, 'tool'>) =>
  data.tool.domains.map((d) => ({
    key: d.key,
    name: d.name,
    questions: d.questions.map((q) => ({ ...q, options: optionsOf(data.tool, q) })),
  }));

export function auditsRoutes(app: FastifyInstance, audits: AuditsService, conduct: AuditConduct, clock: Clock): void {
  app.get('/audits', async (req, reply) => {
    const actor = requireActor(req);
    const [list, mine] = await Promise.all([audits.list(actor), conduct.myCases(actor)]);
    return reply.page('audits/views/index.njk', {
      title: 'Case audits',
      section: 'audits',
      lead: canManageAudits(actor),
      audits: list.map((a) => ({ ...a, statusLabel: STATUS_LABELS[a.status], cases: Number(a.cases) })),
      mine,
    });
  });

  // Audit tools: the built-in ones and the partnership's own, each with its versions
  const toolKeyOf = (params: unknown): string => {
    const key = (params as { key?: unknown }).key;
    if (typeof key !== 'string' || !TOOL_KEY.test(key)) throw new NotFoundError('There is no audit tool with that key');
    return key;
  };
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const toolForm = (values: Record<string, unknown>): ToolForm => ({
    key: str(values.key),
    name: str(values.name),
    description: str(values.description),
    scale: str(values.scale),
    scaleOptions: str(values.scaleOptions),
    questions: str(values.questions),
  });
  const formContext = (mode: 'new' | 'version', current: StoredTool | null) => ({
    title: mode === 'new' ? 'Make an audit tool' : `New version: ${current!.name}`,
    heading: mode === 'new' ? 'Make an audit tool' : `Publish version ${current!.version + 1} of ${current!.name}`,
    section: 'audits',
    mode,
    current,
    action: mode === 'new' ? '/audits/tools/new' : `/audits/tools/${current!.key}/versions/new`,
    submitText: mode === 'new' ? 'Make the tool' : `Publish version ${current!.version + 1}`,
    scales: SCALES,
    types: QUESTION_TYPES,
    prefills: PREFILLS,
    backLink: mode === 'new' ? { href: '/audits/tools', text: 'Audit tools' } : { href: `/audits/tools/${current!.key}`, text: current!.name },
  });

  app.get('/audits/tools', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const tools = await audits.tools(actor);
    return reply.page('audits/views/tools.njk', {
      title: 'Audit tools',
      section: 'audits',
      tools: tools.map((t) => ({ key: t.key, name: t.name, version: t.version, questions: questionsOf(t).length, own: !BUILT_IN_KEYS.has(t.key) })),
      backLink: { href: '/audits', text: 'Case audits' },
    });
  });

  app.get('/audits/tools/new', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const from = str((req.query as Record<string, unknown>).from);
    let values: Partial<ToolForm> = { scale: 'default', questions: `${['domain_key', 'domain_name', 'key', 'type', 'text', 'options', 'guidance', 'headline', 'prefill'].join(',')}\r\n` };
    if (from) {
      const source = (await audits.tools(actor)).find((t) => t.key === from);
      if (!source) throw new NotFoundError('There is no audit tool with that key');
      values = { ...formOf(source), key: `${source.key}-local`.slice(0, 63), name: `${source.name} (our version)` };
    }
    return reply.page('audits/views/tool-form.njk', { ...formContext('new', null), values });
  });

  app.post('/audits/tools/new', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    return handleForm(req, reply, { template: 'audits/views/tool-form.njk', context: () => formContext('new', null) }, async () => {
      const tool = await audits.createTool(actor, toolFromForm(toolForm(formValues(req))));
      return `/audits/tools/${tool.key}?published=1`;
    });
  });

  app.get('/audits/tools/:key', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const key = toolKeyOf(req.params);
    const history = await audits.toolHistory(actor, key);
    const query = req.query as Record<string, unknown>;
    const wanted = query.version === undefined ? history.tool.version : Number(query.version);
    const shown = history.versions.find((v) => v.version === wanted)?.tool;
    if (!shown) throw new NotFoundError('There is no such version of this tool');
    return reply.page('audits/views/tool.njk', {
      title: `${shown.name}, version ${shown.version}`,
      section: 'audits',
      tool: history.tool,
      own: history.own,
      shown,
      published: query.published === '1' && shown.version === history.tool.version,
      scaleLabel: shown.scale === 'custom' ? 'Its own scale' : shown.scale === 'inspection' ? 'The inspection scale' : 'The default scale',
      scale: optionsOf(shown, { key: '', text: '', type: 'grade' }),
      domains: questionView({ tool: shown }),
      versions: history.versions.map((v) => ({ version: v.version, createdAt: v.createdAt, audits: v.audits, questions: questionsOf(v.tool).length })),
      backLink: { href: '/audits/tools', text: 'Audit tools' },
    });
  });

  const versionContext = async (actor: Actor, key: string) => {
    const history = await audits.toolHistory(actor, key);
    if (!history.own) throw new NotFoundError('A built-in tool has no new versions here: copy it into a new tool');
    return { history, context: formContext('version', history.tool) };
  };

  app.get('/audits/tools/:key/versions/new', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const { history, context } = await versionContext(actor, toolKeyOf(req.params));
    return reply.page('audits/views/tool-form.njk', { ...context, values: formOf(history.tool) });
  });

  app.post('/audits/tools/:key/versions/new', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const key = toolKeyOf(req.params);
    const { context } = await versionContext(actor, key);
    return handleForm(req, reply, { template: 'audits/views/tool-form.njk', context: () => context }, async () => {
      await audits.publishVersion(actor, key, toolFromForm({ ...toolForm(formValues(req)), key }));
      return `/audits/tools/${key}?published=1`;
    });
  });

  const planContext = async (actor: Actor) => ({
    title: 'Plan a case audit',
    section: 'audits',
    tools: (await audits.tools(actor)).map((t) => ({ key: t.key, name: t.name, version: t.version, description: t.description })),
    areas: await audits.areas(actor),
    teams: await audits.teams(actor),
    categories: CATEGORIES,
    backLink: { href: '/audits', text: 'Case audits' },
  });

  app.get('/audits/new', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    return reply.page('audits/views/new.njk', { ...(await planContext(actor)), values: { strategy: 'stratified', auditorsPerCase: '2', onDate: todayIn(clock) } });
  });

  app.post('/audits/new', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    return handleForm(req, reply, { template: 'audits/views/new.njk', context: () => planContext(actor) }, async () => {
      const { id } = await conduct.plan(actor, formValues(req));
      return `/audits/${id}?planned=1`;
    });
  });

  const overviewPage = async (actor: Actor, id: string) => {
    const o = await conduct.overview(actor, id);
    const sample = o.audit.sample as { kind?: string; size?: number; seed?: string; unmet?: { caseRef: string; reason: string }[] };
    const cohort = o.audit.cohort as { onDate?: string; size?: number; minPlanMonths?: number | null; areaId?: string | null; teamId?: string | null; category?: string | null; minAge?: number | null; maxAge?: number | null };
    const [areas, teams] = await Promise.all([audits.areas(actor), audits.teams(actor)]);
    const conditions = [
      cohort.areaId ? `area ${areas.find((a) => a.id === cohort.areaId)?.name ?? 'no longer recorded'}` : null,
      cohort.teamId ? `team ${teams.find((x) => x.id === cohort.teamId)?.name ?? 'no longer recorded'}` : null,
      cohort.category ? `category ${cohort.category}` : null,
      cohort.minAge != null || cohort.maxAge != null ? `aged ${cohort.minAge ?? 0} to ${cohort.maxAge ?? 18}` : null,
    ].filter(Boolean);
    return {
      title: o.audit.title,
      section: 'audits',
      audit: o.audit,
      statusLabel: STATUS_LABELS[o.audit.status],
      nextAction: NEXT_ACTION[o.audit.status],
      tool: o.tool,
      sample,
      cohort,
      cohortConditions: conditions.join(', '),
      cases: o.cases.map((c) => {
        const assigned = o.assignments.filter((s) => s.audit_case_id === c.id);
        return { ...c, auditors: assigned.map((s) => ({ name: s.user_name, agency: s.agency_name, submitted: !!s.submitted_at })), agreed: o.answers.some((a) => a.audit_case_id === c.id && a.kind === 'agreed') };
      }),
      agreement: Object.entries(o.agreement).map(([key, a]) => ({ key, ...a, kappa: a.kappa === null ? null : Math.round(a.kappa * 100) / 100, observed: Math.round(a.observed * 100) })),
      backLink: { href: '/audits', text: 'Case audits' },
    };
  };

  app.get('/audits/:id', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(auditParams, req.params);
    if (!canManageAudits(actor)) {
      await audits.load(actor, id); // a completed audit's report is the partnership's; anything else does not exist for them
      return reply.redirect(`/audits/${id}/report`, 303);
    }
    const query = req.query as Record<string, unknown>;
    return reply.page('audits/views/audit.njk', { ...(await overviewPage(actor, id)), flash: query.reassigned === '1' ? 'The case’s auditors are saved.' : undefined });
  });

  app.post('/audits/:id/advance', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const { id } = parse(auditParams, req.params);
    const body = parse(z.object({ version }), formValues(req));
    try {
      return reply.redirect(`/audits/${id}?advanced=${await conduct.advance(actor, id, body.version)}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.status(400).page('audits/views/audit.njk', { ...(await overviewPage(actor, id)), errors: { advance: Object.values(err.fields)[0] ?? err.message } });
    }
  });

  const auditorsPage = async (actor: Actor, id: string, caseId: string) => {
    const v = await conduct.caseAuditors(actor, id, caseId);
    return {
      title: `Auditors of case ${v.auditCase.case_ref}`,
      section: 'audits',
      audit: v.audit,
      auditCase: v.auditCase,
      candidates: v.candidates,
      canChange: v.canChange,
      backLink: { href: `/audits/${id}`, text: v.audit.title },
    };
  };

  app.get('/audits/:id/cases/:caseId/auditors', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const { id, caseId } = parse(caseParams, req.params);
    const page = await auditorsPage(actor, id, caseId);
    return reply.page('audits/views/auditors.njk', { ...page, values: { userIds: page.candidates.filter((c) => c.assigned).map((c) => c.userId) } });
  });

  app.post('/audits/:id/cases/:caseId/auditors', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const { id, caseId } = parse(caseParams, req.params);
    return handleForm(req, reply, { template: 'audits/views/auditors.njk', context: () => auditorsPage(actor, id, caseId) }, async () => {
      await conduct.reassign(actor, id, caseId, formValues(req));
      return `/audits/${id}?reassigned=1`;
    });
  });

  const casePage = async (actor: Actor, id: string, caseId: string) => {
    const v = await conduct.auditCase(actor, id, caseId);
    const own = Object.fromEntries(v.own.map((a) => [`answer_${a.question_key}`, a.answer ?? '']));
    const reasons = Object.fromEntries(v.own.filter((a) => a.reason).map((a) => [`reason_${a.question_key}`, a.reason!]));
    const prefilled = Object.fromEntries(Object.entries(v.prefills).map(([k, p]) => [`answer_${k}`, p.answer]));
    return {
      page: {
        title: `Case ${v.auditCase.case_ref}: ${v.audit.title}`,
        section: 'audits',
        audit: v.audit,
        auditCase: v.auditCase,
        domains: questionView(v),
        prefills: v.prefills,
        facts: v.facts,
        timeline: v.facts ? timelineOf(v.facts) : [],
        token: v.token,
        canAnswer: v.canAnswer,
        submitted: !!v.mine?.submitted_at,
        backLink: { href: canManageAudits(actor) ? `/audits/${id}` : '/audits', text: canManageAudits(actor) ? v.audit.title : 'Case audits' },
      },
      values: { ...prefilled, ...own, ...reasons },
    };
  };

  app.get('/audits/:id/cases/:caseId', async (req, reply) => {
    const actor = requireActor(req);
    const { id, caseId } = parse(caseParams, req.params);
    const { page, values } = await casePage(actor, id, caseId);
    return reply.page('audits/views/case.njk', { ...page, values, saved: (req.query as Record<string, unknown>).saved });
  });

  app.post('/audits/:id/cases/:caseId', async (req, reply) => {
    const actor = requireActor(req);
    const { id, caseId } = parse(caseParams, req.params);
    return handleForm(req, reply, { template: 'audits/views/case.njk', context: async () => (await casePage(actor, id, caseId)).page }, async () => {
      const values = formValues(req);
      const submit = values.submit === 'yes';
      await conduct.saveAnswers(actor, id, caseId, { ...answersFrom(values), token: typeof values.token === 'string' ? values.token : '', submit });
      return submit ? '/audits?submitted=1' : `/audits/${id}/cases/${caseId}?saved=1`;
    });
  });

  const moderationPage = async (actor: Actor, id: string, caseId: string) => {
    const v = await conduct.moderationCase(actor, id, caseId);
    const auditors = v.assignments.map((s, i) => ({ userId: s.user_id, label: `Auditor ${i + 1} (${s.agency_name})` }));
    const domains = questionView(v).map((d) => ({
      ...d,
      questions: d.questions.map((q) => {
        const given = auditors.map((a) => ({ label: a.label, answer: v.answers.find((x) => x.kind === 'auditor' && x.author_user_id === a.userId && x.question_key === q.key)?.answer ?? null }));
        const distinct = new Set(given.map((g) => g.answer).filter((x) => x !== null));
        return { ...q, given, differ: distinct.size > 1 };
      }),
    }));
    const values = Object.fromEntries(
      v.agreed.flatMap((a) => [
        [`answer_${a.question_key}`, a.answer ?? ''],
        [`reason_${a.question_key}`, a.reason ?? ''],
      ]),
    );
    return { page: { title: `Moderate case ${v.auditCase.case_ref}`, section: 'audits', audit: v.audit, auditCase: v.auditCase, domains, token: v.token, canModerate: v.canModerate, backLink: { href: `/audits/${id}`, text: v.audit.title } }, values };
  };

  app.get('/audits/:id/cases/:caseId/moderate', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const { id, caseId } = parse(caseParams, req.params);
    const { page, values } = await moderationPage(actor, id, caseId);
    return reply.page('audits/views/moderate.njk', { ...page, values, saved: (req.query as Record<string, unknown>).saved });
  });

  app.post('/audits/:id/cases/:caseId/moderate', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const { id, caseId } = parse(caseParams, req.params);
    return handleForm(req, reply, { template: 'audits/views/moderate.njk', context: async () => (await moderationPage(actor, id, caseId)).page }, async () => {
      const values = formValues(req);
      await conduct.saveAgreed(actor, id, caseId, { ...answersFrom(values), token: typeof values.token === 'string' ? values.token : '' });
      return `/audits/${id}/cases/${caseId}/moderate?saved=1`;
    });
  });

  const themesPage = async (actor: Actor, id: string) => {
    const c = await conduct.comments(actor, id);
    return { title: `Themes: ${c.audit.title}`, section: 'audits', audit: c.audit, comments: c.comments, themes: c.themes, backLink: { href: `/audits/${id}`, text: c.audit.title } };
  };

  app.get('/audits/:id/themes', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const { id } = parse(auditParams, req.params);
    return reply.page('audits/views/themes.njk', { ...(await themesPage(actor, id)), values: { kind: 'improvement' }, saved: (req.query as Record<string, unknown>).saved });
  });

  app.post('/audits/:id/themes', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const { id } = parse(auditParams, req.params);
    return handleForm(req, reply, { template: 'audits/views/themes.njk', context: () => themesPage(actor, id) }, async () => {
      await conduct.tagTheme(actor, id, formValues(req));
      return `/audits/${id}/themes?saved=1`;
    });
  });

  app.get('/audits/:id/report', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(auditParams, req.params);
    const { data, report, comparison } = await audits.report(actor, id);
    const headline = report.domains.flatMap((d) => d.questions.filter((q) => q.headline));
    return reply.page('audits/views/report.njk', {
      title: `Report: ${data.audit.title}`,
      section: 'audits',
      audit: data.audit,
      heading: heading(data),
      report,
      comparison,
      lead: canManageAudits(actor),
      headline: headline.map((q) => ({ ...q, chart: q.answered ? barChartSvg(Object.keys(q.counts).map((l) => ({ label: l, value: q.percentages[l] ?? null }))) : null })),
      findings: report.domains.map((d) => ({ ...d, questions: d.questions.filter((q) => !q.headline) })).filter((d) => d.questions.length),
      breakdowns: BREAKDOWNS.map((b) => ({ ...b, groups: breakdownGroups(report, b.key), data: report[b.key] })).filter((b) => b.groups.length > 0),
      backLink: { href: canManageAudits(actor) ? `/audits/${id}` : '/audits', text: canManageAudits(actor) ? data.audit.title : 'Case audits' },
    });
  });

  const download = sendDownload;

  app.get('/audits/:id/report.pdf', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(auditParams, req.params);
    const { data, report, comparison } = await audits.report(actor, id);
    return download(reply, 'application/pdf', `audit-report-${id.slice(0, 8)}.pdf`, await reportPdf(heading(data), report, comparison));
  });

  app.get('/audits/:id/report.xlsx', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(auditParams, req.params);
    const { data, report } = await audits.report(actor, id);
    const { rows } = await audits.responses(actor, id);
    return download(reply, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `audit-report-${id.slice(0, 8)}.xlsx`, await reportXlsx(heading(data), report, rows));
  });

  app.get('/audits/:id/responses.csv', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(auditParams, req.params);
    const { rows } = await audits.responses(actor, id);
    return download(reply, 'text/csv; charset=utf-8', `audit-responses-${id.slice(0, 8)}.csv`, toCsv(rows));
  });

  // Importing an audit done before Assure: a CSV upload (kept in memory: at most 5 MB)
  void app.register(async (scope) => {
    await scope.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: MAX_CSV_BYTES, files: 1, fields: 6, fieldSize: 4096 } });
    const importContext = async (actor: Actor) => ({
      title: 'Import an audit',
      section: 'audits',
      tools: (await audits.tools(actor)).map(toolSummary),
      backLink: { href: '/audits', text: 'Case audits' },
    });
    scope.get('/audits/import', async (req, reply) => {
      const actor = requireActor(req, 'qa-lead', 'partnership-admin');
      return reply.page('audits/views/import.njk', { ...(await importContext(actor)), values: {} });
    });
    scope.post(
      '/audits/import',
      {
        preParsing: async (req: FastifyRequest) => {
          const actor = requireActor(req);
          if (!canManageAudits(actor)) throw new ForbiddenError('Only a quality-assurance lead or partnership admin can import an audit');
        },
      },
      async (req, reply) => {
        const actor = requireActor(req, 'qa-lead', 'partnership-admin');
        return handleForm(req, reply, { template: 'audits/views/import.njk', context: () => importContext(actor) }, async () => {
          const body = (req.body ?? {}) as Record<string, unknown>;
          const file = body.file;
          if (!Buffer.isBuffer(file) || file.length === 0) throw new ValidationError({ file: 'Choose the CSV file of the audit' });
          const { id } = await audits.importAudit(actor, {
            toolKey: typeof body.tool === 'string' ? body.tool : '',
            title: typeof body.title === 'string' ? body.title : '',
            purpose: typeof body.purpose === 'string' ? body.purpose : null,
            csv: file.toString('utf8'),
          });
          return `/audits/${id}/report`;
        });
      },
    );
  });
}

// API

const toolOut = z
  .object({ key: z.string(), name: z.string(), version: z.number().int(), questions: z.array(z.object({ key: z.string(), domain: z.string(), text: z.string(), type: z.string(), options: z.array(z.string()) })) })
  .meta({ id: 'AuditTool' });
const questionIn = z.object({
  key: z.string().max(63),
  text: z.string().max(1000),
  type: z.enum(QUESTION_TYPES),
  options: z.array(z.string().max(80)).max(20).optional(),
  guidance: z.string().max(2000).optional(),
  prefill: z.enum(PREFILLS).optional(),
  headline: z.boolean().optional(),
});
const definitionIn = z
  .object({
    name: z.string().max(200),
    description: z.string().max(2000).default(''),
    scale: z.enum(['default', 'inspection', 'custom']),
    scaleOptions: z.array(z.string().max(80)).max(20).optional(),
    domains: z.array(z.object({ key: z.string().max(63), name: z.string().max(200), questions: z.array(questionIn).max(200) })).max(50),
  })
  .meta({ id: 'AuditToolDefinition' });
const toolKeyParams = z.strictObject({ key: z.string().regex(TOOL_KEY, { error: 'key must be a tool key' }) });
const versionsOut = pageOut(toolOut.extend({ audits: z.number().int(), createdAt: z.string() })).extend({ key: z.string(), own: z.boolean() });
const countsOut = z.record(z.string(), z.record(z.string(), z.number()));
const reportOut = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.string(),
    cases: z.number().int(),
    questions: countsOut,
    percentages: z.record(z.string(), z.record(z.string(), z.number().nullable())),
    byArea: z.record(z.string(), countsOut),
    byTeam: z.record(z.string(), countsOut),
    byAgency: z.record(z.string(), countsOut),
    themes: z.array(z.object({ kind: z.string(), name: z.string(), count: z.number().int(), quotes: z.array(z.object({ caseRef: z.string(), text: z.string() })) })),
    comparison: z.unknown().nullable(),
  })
  .meta({ id: 'AuditReport' });

const auditListQuery = z.object({
  ...pageQuery,
  status: z.enum(AUDIT_STATUSES, { error: `status must be one of ${AUDIT_STATUSES.join(', ')}` }).optional(),
  tool: z.string().trim().max(100, 'tool must be 100 characters or fewer').optional().describe('The tool’s key (GET /api/v1/audits/tools)'),
  source: z.enum(['assure', 'import'], { error: 'source must be assure or import' }).optional(),
});
const auditOut = z.object({
  id: z.uuid(),
  title: z.string(),
  purpose: z.string().nullable(),
  status: z.enum(AUDIT_STATUSES),
  source: z.enum(['assure', 'import']),
  tool: z.object({ key: z.string(), version: z.number().int(), name: z.string() }),
  cohort: z.unknown().describe('How the cohort was chosen (onDate, size, minPlanMonths)'),
  sample: z.unknown().describe('How the sample was drawn (kind, size, seed, unmet)'),
  auditorsPerCase: z.number().int(),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  version: z.number().int(),
  cases: z.array(
    z.object({
      id: z.uuid(),
      caseRef: z.string(),
      childId: z.uuid().nullable(),
      area: z.string().nullable(),
      team: z.string().nullable(),
      auditors: z.array(z.object({ userId: z.uuid(), name: z.string(), agency: z.string(), submitted: z.boolean() })),
      agreed: z.boolean(),
    }),
  ),
});

export function auditsApiRoutes(audits: AuditsService, conduct: AuditConduct): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/audits/tools',
      tag: 'Case audits',
      summary: 'The audit tools (latest version of each) with their questions and answer options; page with page and pageSize',
      query: z.object(pageQuery),
      response: pageOut(toolOut),
      handler: async ({ actor, query }) => paged((await audits.tools(actor)).map(toolSummary), query),
    }),
    apiRoute({
      method: 'POST',
      url: '/audits/tools',
      tag: 'Case audits',
      summary: 'Makes one of the partnership’s own audit tools, as its version 1: domains of questions and a grading scale (default, inspection or its own labels) (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      body: definitionIn.extend({ key: z.string().max(63) }),
      response: toolOut,
      handler: async ({ actor, body }) => toolSummary(await audits.createTool(actor, body as ToolDefinition)),
    }),
    apiRoute({
      method: 'GET',
      url: '/audits/tools/:key/versions',
      tag: 'Case audits',
      summary: 'Every version of a tool, newest first, with the number of the partnership’s audits that used each; page with page and pageSize (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      params: toolKeyParams,
      query: z.object(pageQuery),
      response: versionsOut,
      handler: async ({ actor, params, query }) => {
        const h = await audits.toolHistory(actor, params.key);
        return { key: params.key, own: h.own, ...paged(h.versions.map((v) => ({ ...toolSummary(v.tool), audits: v.audits, createdAt: v.createdAt.toISOString() })), query) };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/audits/tools/:key/versions',
      tag: 'Case audits',
      summary: 'Publishes a new version of one of the partnership’s own tools; audits already planned keep theirs (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      params: toolKeyParams,
      body: definitionIn,
      response: toolOut,
      handler: async ({ actor, params, body }) => toolSummary(await audits.publishVersion(actor, params.key, body as Omit<ToolDefinition, 'key'>)),
    }),
    apiRoute({
      method: 'GET',
      url: '/audits',
      tag: 'Case audits',
      summary: 'The partnership’s audits, newest first (completed ones for everyone; all for QA leads and admins); filter by status, tool (its key) and source; page with page and pageSize',
      query: auditListQuery,
      response: pageOut(z.object({ id: z.string(), title: z.string(), status: z.string(), source: z.string(), tool: z.string(), toolVersion: z.number().int(), cases: z.number().int() })),
      handler: async ({ actor, query }) => {
        const r = await audits.page(actor, { status: query.status, toolKey: query.tool, source: query.source }, query);
        return pageOf(
          r.rows.map((a) => ({ id: a.id, title: a.title, status: a.status, source: a.source, tool: a.tool_key, toolVersion: a.tool_version, cases: Number(a.cases) })),
          r.total,
          query,
        );
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/audits',
      tag: 'Case audits',
      summary: 'Plans an audit: the cohort, a reproducible sample (all, random or stratified by area, with a seed) and auditors assigned (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      body: planSchema,
      response: z.object({ id: z.string(), cases: z.number().int(), unmet: z.number().int() }),
      handler: async ({ actor, body }) => conduct.plan(actor, body),
    }),
    apiRoute({
      method: 'POST',
      url: '/audits/import',
      tag: 'Case audits',
      summary: 'A completed audit from a CSV (header case_ref,area then question keys; values option labels), checked whole (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      body: z.object({ tool: z.string().min(1, { error: 'Enter the tool’s key' }), title: z.string(), purpose: z.string().optional(), csv: z.string().max(MAX_CSV_BYTES, { error: 'The CSV must be at most 5 MB' }) }),
      response: z.object({ id: z.string(), cases: z.number().int() }),
      handler: async ({ actor, body }) => audits.importAudit(actor, { toolKey: body.tool, title: body.title, purpose: body.purpose ?? null, csv: body.csv }),
    }),
    apiRoute({
      method: 'GET',
      url: '/audits/:id',
      tag: 'Case audits',
      summary: 'One audit for QA leads and admins: its tool, cohort and sample, and every case with its auditors and whether each submitted and the answers were agreed (others read a completed audit’s report)',
      roles: ['qa-lead', 'partnership-admin'],
      params: idParams,
      response: auditOut,
      handler: async ({ actor, params }) => {
        const o = await conduct.overview(actor, params.id);
        const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
        return {
          id: o.audit.id,
          title: o.audit.title,
          purpose: o.audit.purpose,
          status: o.audit.status,
          source: o.audit.source,
          tool: { key: o.tool.key, version: o.tool.version, name: o.tool.name },
          cohort: o.audit.cohort,
          sample: o.audit.sample,
          auditorsPerCase: o.audit.auditors_per_case,
          startedAt: iso(o.audit.started_at),
          completedAt: iso(o.audit.completed_at),
          version: o.audit.version,
          cases: o.cases.map((c) => ({
            id: c.id,
            caseRef: c.case_ref,
            childId: c.child_id,
            area: c.area,
            team: c.team,
            auditors: o.assignments.filter((a) => a.audit_case_id === c.id).map((a) => ({ userId: a.user_id, name: a.user_name, agency: a.agency_name, submitted: !!a.submitted_at })),
            agreed: o.answers.some((a) => a.audit_case_id === c.id && a.kind === 'agreed'),
          })),
        };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/audits/:id/advance',
      tag: 'Case audits',
      summary: 'Moves the audit on: planning → running → moderation → completed, against the version read (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      params: idParams,
      body: z.object({ version: z.number().int() }),
      status: 200,
      response: z.object({ status: z.string() }),
      handler: async ({ actor, params, body }) => ({ status: await conduct.advance(actor, params.id, body.version) }),
    }),
    apiRoute({
      method: 'GET',
      url: '/audits/:id/report',
      tag: 'Case audits',
      summary: 'The report: counts and percentages per question and answer, by area, team and agency, themes and the comparison with the last audit on the same tool',
      params: idParams,
      response: reportOut,
      handler: async ({ actor, params }) => {
        const { data, report, comparison } = await audits.report(actor, params.id);
        return { id: params.id, title: data.audit.title, status: data.audit.status, ...report, comparison };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/audits/:id/themes',
      tag: 'Case audits',
      summary: 'The auditors’ comments (the answers to text questions) with the themes each is tagged with, and the audit’s themes with their counts; filter comments by theme (its name) or untagged=yes; page with page and pageSize (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      params: idParams,
      query: z.object({
        ...pageQuery,
        theme: z.string().trim().max(200, 'theme must be 200 characters or fewer').optional(),
        untagged: z.enum(['yes'], { error: 'untagged must be yes' }).optional(),
      }),
      response: pageOut(z.object({ id: z.string(), caseRef: z.string(), question: z.string(), domain: z.string(), text: z.string(), themes: z.array(z.string()) })).extend({
        themes: z.array(z.object({ id: z.uuid(), kind: z.enum(['strength', 'improvement']), name: z.string(), count: z.number().int() })),
      }),
      handler: async ({ actor, params, query }) => {
        const c = await conduct.comments(actor, params.id);
        const comments = c.comments.filter((x) => (!query.theme || x.themes.includes(query.theme)) && (!query.untagged || x.themes.length === 0));
        return { ...paged(comments, query), themes: c.themes.map((t) => ({ id: t.id, kind: t.kind, name: t.name, count: t.count })) };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/audits/:id/agreement',
      tag: 'Case audits',
      summary: 'Agreement between auditors before moderation, per domain: observed and expected agreement, Cohen’s kappa (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      params: idParams,
      response: z.object({ domains: z.record(z.string(), z.object({ name: z.string(), n: z.number().int(), observed: z.number(), expected: z.number(), kappa: z.number().nullable() })) }),
      handler: async ({ actor, params }) => ({ domains: (await conduct.overview(actor, params.id)).agreement }),
    }),
    apiRoute({
      method: 'GET',
      url: '/audits/:id/cases/:caseId/moderation',
      tag: 'Case audits',
      summary: 'A case to moderate: each auditor’s answer (auditors named by agency) beside the agreed one, and the token to save with (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      params: caseParams,
      response: z.object({
        caseRef: z.string(),
        token: z.string(),
        canModerate: z.boolean(),
        questions: z.array(
          z.object({
            key: z.string(),
            text: z.string(),
            options: z.array(z.string()),
            given: z.array(z.object({ auditor: z.string(), answer: z.string().nullable() })),
            differ: z.boolean(),
            agreed: z.object({ answer: z.string().nullable(), reason: z.string().nullable() }).nullable(),
          }),
        ),
      }),
      handler: async ({ actor, params }) => {
        const v = await conduct.moderationCase(actor, params.id, params.caseId);
        const auditors = v.assignments.map((s, i) => ({ userId: s.user_id, label: `Auditor ${i + 1} (${s.agency_name})` }));
        return {
          caseRef: v.auditCase.case_ref,
          token: v.token,
          canModerate: v.canModerate,
          questions: questionsOf(v.tool).map((q) => {
            const given = auditors.map((a) => ({ auditor: a.label, answer: v.answers.find((x) => x.kind === 'auditor' && x.author_user_id === a.userId && x.question_key === q.key)?.answer ?? null }));
            const agreed = v.agreed.find((a) => a.question_key === q.key);
            return { key: q.key, text: q.text, options: optionsOf(v.tool, q), given, differ: new Set(given.map((g) => g.answer).filter((x) => x !== null)).size > 1, agreed: agreed ? { answer: agreed.answer, reason: agreed.reason } : null };
          }),
        };
      },
    }),
    apiRoute({
      method: 'PUT',
      url: '/audits/:id/cases/:caseId/agreed',
      tag: 'Case audits',
      summary: 'The agreed (moderated) answers for a case, whole, by question key, with the reason wherever the auditors differed; token from your last read (QA leads and admins, while the audit is in moderation)',
      roles: ['qa-lead', 'partnership-admin'],
      params: caseParams,
      body: z.object({ answers: z.record(z.string(), z.string()), reasons: z.record(z.string(), z.string()).default({}), token: z.string().default('') }),
      status: 200,
      response: z.object({ saved: z.boolean() }),
      handler: async ({ actor, params, body }) => {
        await conduct.saveAgreed(actor, params.id, params.caseId, body);
        return { saved: true };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/audits/:id/comments',
      tag: 'Case audits',
      summary: 'Auditors’ comments (case references only) with the themes tagged on each, and the themes with their counts (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      params: idParams,
      response: z.object({
        comments: z.array(z.object({ id: z.string(), caseRef: z.string(), domain: z.string(), question: z.string(), text: z.string(), themes: z.array(z.string()) })),
        themes: z.array(z.object({ name: z.string(), kind: z.string(), count: z.number().int() })),
      }),
      handler: async ({ actor, params }) => {
        const c = await conduct.comments(actor, params.id);
        return {
          comments: c.comments.map((x) => ({ id: x.id, caseRef: x.caseRef, domain: x.domain, question: x.question, text: x.text, themes: x.themes })),
          themes: c.themes.map((t) => ({ name: t.name, kind: t.kind, count: t.count })),
        };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/audits/:id/themes',
      tag: 'Case audits',
      summary: 'Tags comments with a theme (a strength or an area for improvement), making the theme if it is new (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      params: idParams,
      body: z.object({ name: z.string(), kind: z.string(), answerIds: z.array(z.string()).max(2000) }),
      response: z.object({ tagged: z.number().int() }),
      handler: async ({ actor, params, body }) => {
        await conduct.tagTheme(actor, params.id, body);
        return { tagged: body.answerIds.length };
      },
    }),
    apiRoute({
      method: 'PUT',
      url: '/audits/:id/cases/:caseId/auditors',
      tag: 'Case audits',
      summary: 'Sets a case’s auditors while the audit is planned or running: 1 to 4, none who works with the child, and nobody removed who has answered it (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      params: caseParams,
      body: z.object({ userIds: z.array(z.string()).max(4, { error: 'Select at most 4 auditors for the case' }) }),
      status: 200,
      response: z.object({ added: z.number().int(), removed: z.number().int() }),
      handler: async ({ actor, params, body }) => conduct.reassign(actor, params.id, params.caseId, body),
    }),
    apiRoute({
      method: 'GET',
      url: '/audits/assigned',
      tag: 'Case audits',
      summary: 'The cases assigned to you in audits that are running; filter by submitted (yes or no); page with page and pageSize',
      query: z.object({ ...pageQuery, submitted: z.enum(['yes', 'no'], { error: 'submitted must be yes or no' }).optional() }),
      response: pageOut(z.object({ auditId: z.string(), title: z.string(), caseId: z.string(), caseRef: z.string(), submitted: z.boolean() })),
      handler: async ({ actor, query }) =>
        paged(
          (await conduct.myCases(actor)).map((c) => ({ auditId: c.audit_id, title: c.title, caseId: c.case_id, caseRef: c.case_ref, submitted: !!c.submitted_at })).filter((c) => !query.submitted || c.submitted === (query.submitted === 'yes')),
          query,
        ),
    }),
    apiRoute({
      method: 'PUT',
      url: '/audits/:id/cases/:caseId/answers',
      tag: 'Case audits',
      summary: 'Your answers for a case assigned to you (whole, by question key), with reasons where you override the record; token from your last read',
      params: caseParams,
      authorize: async ({ actor, params }) => {
        if ((await conduct.access(actor, params.id, params.caseId)) !== 'answer') throw new ForbiddenError('Only an auditor assigned to this case can answer it, while the audit runs');
      },
      body: z.object({ answers: z.record(z.string(), z.string()), reasons: z.record(z.string(), z.string()).default({}), token: z.string().default(''), submit: z.boolean().default(false) }),
      status: 200,
      response: z.object({ saved: z.boolean() }),
      handler: async ({ actor, params, body }) => {
        await conduct.saveAnswers(actor, params.id, params.caseId, body);
        return { saved: true };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/audits/:id/cases/:caseId',
      tag: 'Case audits',
      summary: 'A case to audit: the questions, your answers so far, the record’s pre-filled answers with evidence, the token to save with',
      params: caseParams,
      authorize: async ({ actor, params }) => {
        await conduct.access(actor, params.id, params.caseId);
      },
      response: z.object({
        caseRef: z.string(),
        token: z.string(),
        canAnswer: z.boolean(),
        questions: z.array(z.object({ key: z.string(), text: z.string(), options: z.array(z.string()), prefilled: z.object({ answer: z.string(), evidence: z.string() }).nullable(), answer: z.string().nullable() })),
      }),
      handler: async ({ actor, params }) => {
        const v = await conduct.auditCase(actor, params.id, params.caseId);
        return {
          caseRef: v.auditCase.case_ref,
          token: v.token,
          canAnswer: v.canAnswer,
          questions: questionsOf(v.tool).map((q) => ({ key: q.key, text: q.text, options: optionsOf(v.tool, q), prefilled: v.prefills[q.key] ?? null, answer: v.own.find((a) => a.question_key === q.key)?.answer ?? null })),
        };
      },
    }),
  ];
}
