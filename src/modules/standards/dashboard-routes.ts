/**
 * Pages of the standards dashboards: the dashboard by area, team or agency (`?by=`), with a chart of
 * compliance by standard; the drill-down behind every number (`/standards/:key?area=&team=&agency=&status=`);
 * one standard month by month (`/standards/:key/trend`); and the dashboard's figures as CSV and XLSX.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { pageOut, pageQuery } from '../../lib/pagination.js';
import { parse } from '../../lib/validation.js';
import { apiRoute, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { BREAKDOWN_LABELS, StandardsBreakdown } from './breakdown.js';
import { BREAKDOWNS, type Breakdown, type GroupFilter } from './breakdown-repo.js';
import { barChartSvg, lineChartSvg } from '../../lib/charts.js';
import { STANDARD_KEYS } from './definitions.js';
import { STATUS_LABELS, STATUS_TAGS } from './labels.js';
import { STATUSES, type Status } from './engine.js';
import { type Cell, toCsv, toWorkbook } from '../../lib/tabular.js';
import type { Counts, StandardsService } from './service.js';
import { CATEGORY_LABELS } from '../cases/schemas.js';

/** The dashboard's columns, most pressing first. */
export const DASHBOARD_STATUSES: Status[] = ['overdue', 'missed', 'due', 'met-late', 'met', 'excepted'];
const labels = { status: STATUS_LABELS, tag: STATUS_TAGS, source: { statutory: 'Statutory', local: 'Local' }, breakdown: BREAKDOWN_LABELS, category: CATEGORY_LABELS };
const ROLES = ['team-manager', 'qa-lead', 'partnership-admin'] as const;

const blank = (v: unknown) => (v === '' ? undefined : v);
const groupId = (what: string) => z.preprocess(blank, z.union([z.literal('none'), z.uuid({ error: `${what} must be an id or none` })]).optional());
const groupQuery = { area: groupId('area'), team: groupId('team'), agency: groupId('agency') };
const byQuery = z.object({ by: z.preprocess(blank, z.enum(BREAKDOWNS, { error: 'by must be area, team or agency' }).default('area')) });
const drillQuery = z.object({ ...groupQuery, status: z.preprocess(blank, z.enum(STATUSES, { error: 'status must be a status of a standard' }).optional()) });
const trendQuery = z.object(groupQuery);
/** Any key: an unknown standard is a 404 from the service, not a 400. */
const keyParams = z.strictObject({ key: z.string().max(100) });

/** The link behind a number: the drill-down with the same filter. */
export function drillHref(key: string, g: GroupFilter, status: Status | null): string {
  const q = new URLSearchParams();
  for (const by of BREAKDOWNS) if (g[by]) q.set(by, g[by]);
  if (status) q.set('status', status);
  const s = q.toString();
  return `/standards/${encodeURIComponent(key)}${s ? `?${s}` : ''}`;
}

const pct = (n: number | null) => (n === null ? '—' : `${n}%`);
/** Children a standard applies to (for a flag, those flagged). */
const applies = (c: Counts, flag: boolean) => (flag ? c.due : c.total - c['not-applicable']);

type Dashboard = Awaited<ReturnType<StandardsBreakdown['dashboard']>>;

/** The dashboard's figures as rows (the CSV and the XLSX): the total of the scope, then each group. */
export function exportRows(d: Dashboard): Cell[][] {
  const header: Cell[] = ['Standard', BREAKDOWN_LABELS[d.by], 'Children it applies to', ...STATUSES.map((s) => STATUS_LABELS[s]), 'Compliance (%)'];
  const rows: Cell[][] = [header];
  const all = d.scope === 'team' ? 'All (your team)' : 'All (the partnership)';
  for (const s of d.standards) {
    const flag = s.definition.kind === 'flag';
    const line = (name: string, c: Counts): Cell[] => [s.definition.name, name, applies(c, flag), ...STATUSES.map((st) => c[st]), c.compliance];
    rows.push(line(all, s.total));
    for (const g of d.groups) rows.push(line(g.name, s.byGroup[g.id]!));
  }
  return rows;
}

type Repeats = Awaited<ReturnType<StandardsBreakdown['repeats']>>;

/** The repeat-plan and re-referral figures as rows (the CSV and the XLSX's second sheet): the total, each group, then each category. */
export function repeatRows(r: Repeats, by: Breakdown, scope: 'team' | 'partnership'): Cell[][] {
  const header: Cell[] = ['Breakdown', 'Group', `Plans started ${r.from} to ${r.to}`, 'Second or later plans', 'Second or later plans (%)', `After a re-referral within ${r.months} months of a plan ending`, 'After a re-referral (%)'];
  const line = (kind: string, name: string, x: Repeats['total']): Cell[] => [kind, name, x.plans, x.repeats, x.repeatRate, x.rereferrals, x.reReferralRate];
  return [
    header,
    line('All', scope === 'team' ? 'All (your team)' : 'All (the partnership)', r.total),
    ...r.byGroup.map((g) => line(BREAKDOWN_LABELS[by], g.group.name, g)),
    ...r.byCategory.map((c) => line('Category of abuse', CATEGORY_LABELS[c.category], c)),
  ];
}

type Drill = Awaited<ReturnType<StandardsBreakdown['drill']>>;

/** The drill-down's children as rows (the CSV and the XLSX): one row per child, as the page lists them. */
export function drillRows(d: Pick<Drill, 'definition' | 'children'>): Cell[][] {
  const header: Cell[] = ['Standard', 'LA child ID', 'First name', 'Last name', 'Status', 'Due', 'Reason', 'Area', 'Team', 'Lead practitioner', 'Lead practitioner’s agency'];
  return [
    header,
    ...d.children.map((c): Cell[] => [
      d.definition.name,
      c.la_child_id,
      c.first_name,
      c.last_name,
      STATUS_LABELS[c.status as Status],
      c.due_on,
      c.reason,
      c.area_name ?? 'No area',
      c.team_name,
      c.lead_name,
      c.agency_name,
    ]),
  ];
}

/** What the figure is (the workbook's second sheet): the standard, the filter, the count and how many are not listed. */
function drillAbout(d: Drill): Cell[][] {
  return [
    ['About this download', ''],
    ['Standard', d.definition.name],
    ['What it checks', d.definition.checks],
    ...d.groups.map((g): Cell[] => [BREAKDOWN_LABELS[g.by], g.name]),
    ...(d.filter.status ? [['Status', STATUS_LABELS[d.filter.status]] as Cell[]] : []),
    ['Children behind the figure', d.count],
    ['Of them, not listed (records you may not open)', d.hidden],
  ];
}

function drillQueryString(key: string, q: Record<string, string | undefined>): string {
  const href = drillHref(key, { area: q.area, team: q.team, agency: q.agency }, (q.status as Status | undefined) ?? null);
  const i = href.indexOf('?');
  return i < 0 ? '' : href.slice(i);
}

export function standardsDashboardRoutes(app: FastifyInstance, standards: StandardsService): void {
  const breakdown = new StandardsBreakdown(standards);

  app.get('/standards', async (req, reply) => {
    const actor = requireActor(req, ...ROLES);
    const { by } = parse(byQuery, req.query);
    const [d, repeats] = await Promise.all([breakdown.dashboard(actor, by), breakdown.repeats(actor, by)]);
    const cell = (key: string, g: GroupFilter, status: Status | null, n: number) => ({ n, href: n ? drillHref(key, g, status) : null });
    const timescales = d.standards.filter((s) => s.definition.kind === 'timescale');
    const qs = `?by=${by}`;
    return reply.page('standards/views/breakdown.njk', {
      title: 'Practice standards',
      section: 'standards',
      ...d,
      byOptions: BREAKDOWNS.map((b) => ({ value: b, text: `By ${BREAKDOWN_LABELS[b].toLowerCase()}`, checked: b === by })),
      statuses: DASHBOARD_STATUSES,
      chart: barChartSvg(timescales.map((s) => ({ label: s.definition.name, value: s.total.compliance }))),
      chartRows: timescales.map((s) => ({ definition: s.definition, compliance: pct(s.total.compliance), decided: s.total.met + s.total['met-late'] + s.total.missed + s.total.overdue })),
      rows: d.standards.map((s) => {
        const flag = s.definition.kind === 'flag';
        return {
          definition: s.definition,
          total: s.total,
          compliance: pct(s.total.compliance),
          statusCells: DASHBOARD_STATUSES.map((st) => cell(s.definition.key, {}, st, s.total[st])),
          groupCells: d.groups.map((g) => {
            const c = s.byGroup[g.id]!;
            return { group: g, compliance: pct(c.compliance), ...cell(s.definition.key, { [by]: g.id }, flag ? 'due' : null, applies(c, flag)) };
          }),
        };
      }),
      repeats: {
        ...repeats,
        groupRows: [
          { name: d.scope === 'team' ? 'All (your team)' : 'All (the partnership)', ...repeats.total },
          ...repeats.byGroup.map((g) => ({ name: g.group.name, ...g })),
        ].map((r) => ({ ...r, repeatRate: pct(r.repeatRate), reReferralRate: pct(r.reReferralRate) })),
        categoryRows: repeats.byCategory.map((c) => ({ name: CATEGORY_LABELS[c.category], ...c, repeatRate: pct(c.repeatRate), reReferralRate: pct(c.reReferralRate) })),
      },
      exports: { csv: `/standards.csv${qs}`, xlsx: `/standards.xlsx${qs}`, repeatsCsv: `/standards/repeat-plans.csv${qs}` },
      labels,
    });
  });

  const exportOf = async (req: FastifyRequest) => {
    const actor = requireActor(req, ...ROLES);
    const { by } = parse(byQuery, req.query);
    const [d, repeats] = await Promise.all([breakdown.dashboard(actor, by), breakdown.repeats(actor, by)]);
    return { by, rows: exportRows(d), repeats: repeatRows(repeats, by, d.scope) };
  };

  app.get('/standards.csv', async (req, reply) => {
    const { by, rows } = await exportOf(req);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="practice-standards-by-${by}.csv"`)
      .header('cache-control', 'no-store')
      .send(toCsv(rows));
  });

  app.get('/standards.xlsx', async (req, reply) => {
    const { by, rows, repeats } = await exportOf(req);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="practice-standards-by-${by}.xlsx"`)
      .header('cache-control', 'no-store')
      .send(
        await toWorkbook([
          { name: `Standards by ${by}`, rows },
          { name: 'Repeat plans', rows: repeats, widths: [20, 30, 22, 18, 18, 26, 18] },
        ]),
      );
  });

  app.get('/standards/repeat-plans.csv', async (req, reply) => {
    const { by, repeats } = await exportOf(req);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="repeat-plans-by-${by}.csv"`)
      .header('cache-control', 'no-store')
      .send(toCsv(repeats));
  });

  app.get('/standards/:key', async (req, reply) => {
    const actor = requireActor(req, ...ROLES);
    const { key } = parse(keyParams, req.params);
    const q = parse(drillQuery, req.query);
    const d = await breakdown.drill(actor, { key, area: q.area, team: q.team, agency: q.agency, status: q.status });
    const by: Breakdown = d.groups[0]?.by ?? 'area';
    return reply.page('standards/views/drill-by.njk', {
      title: d.definition.name,
      section: 'standards',
      ...d,
      trendHref: `/standards/${encodeURIComponent(key)}/trend${(() => {
        const s = new URLSearchParams(d.groups.map((g): [string, string] => [g.by, g.id])).toString();
        return s ? `?${s}` : '';
      })()}`,
      exports: {
        csv: `/standards/${encodeURIComponent(key)}/children.csv${drillQueryString(key, q)}`,
        xlsx: `/standards/${encodeURIComponent(key)}/children.xlsx${drillQueryString(key, q)}`,
      },
      labels,
      backLink: { href: `/standards?by=${by}`, text: 'Practice standards' },
    });
  });

  const drillExportOf = async (req: FastifyRequest) => {
    const actor = requireActor(req, ...ROLES);
    const { key } = parse(keyParams, req.params);
    const q = parse(drillQuery, req.query);
    const d = await breakdown.drillExport(actor, { key, area: q.area, team: q.team, agency: q.agency, status: q.status });
    const name = `${key}${q.status ? `-${q.status}` : ''}`.replace(/[^a-z0-9-]/gi, '');
    return { d, name };
  };

  app.get('/standards/:key/children.csv', async (req, reply) => {
    const { d, name } = await drillExportOf(req);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="practice-standard-${name}.csv"`)
      .header('cache-control', 'no-store')
      .send(toCsv(drillRows(d)));
  });

  app.get('/standards/:key/children.xlsx', async (req, reply) => {
    const { d, name } = await drillExportOf(req);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="practice-standard-${name}.xlsx"`)
      .header('cache-control', 'no-store')
      .send(
        await toWorkbook([
          { name: 'Children', rows: drillRows(d), widths: [40, 14, 16, 16, 14, 12, 30, 16, 24, 24, 24] },
          { name: 'About', rows: drillAbout(d), widths: [44, 60] },
        ]),
      );
  });

  app.get('/standards/:key/trend', async (req, reply) => {
    const actor = requireActor(req, ...ROLES);
    const { key } = parse(keyParams, req.params);
    const g = parse(trendQuery, req.query);
    const d = await breakdown.trend(actor, key, g);
    const flag = d.definition.kind === 'flag';
    const months = d.months.map((m) => ({ ...m, compliance: pct(m.counts.compliance), applies: applies(m.counts, flag) }));
    return reply.page('standards/views/trend.njk', {
      title: `${d.definition.name}: month by month`,
      section: 'standards',
      ...d,
      flag,
      months,
      chart: flag
        ? null
        : lineChartSvg(
            d.months.map((m) => ({ label: m.date.slice(0, 7), value: m.counts.compliance })),
          ),
      labels,
      backLink: { href: drillHref(key, g, null), text: d.definition.name },
    });
  });
}

// API: the same figures as the pages

const countsOut = z.object({
  ...Object.fromEntries(STATUSES.map((s) => [s, z.number().int()])),
  total: z.number().int(),
  compliance: z.number().nullable().describe('Percentage met on time of those that have come due (met, met late, missed, overdue); null for flags or when none has'),
});
const groupOut = z.object({ by: z.enum(BREAKDOWNS), id: z.string(), name: z.string() });
const drillChildOut = z.object({
  childId: z.uuid(),
  child: z.string(),
  laChildId: z.string(),
  area: z.string().nullable(),
  team: z.string().nullable(),
  lead: z.string().nullable(),
  agency: z.string().nullable().describe('The lead practitioner’s agency'),
  status: z.enum(STATUSES),
  dueOn: z.string().nullable(),
  reason: z.string().nullable(),
});

export function standardsDashboardApiRoutes(standards: StandardsService): ApiRoute[] {
  const breakdown = new StandardsBreakdown(standards);
  return [
    apiRoute({
      method: 'GET',
      url: '/standards/breakdown',
      tag: 'Practice standards',
      summary:
        'Dashboard figures by area, team or agency (an agency: the lead practitioner’s): per standard, children by status and compliance, in total and for each group (“none”: without one). Scoped as GET /standards.',
      roles: [...ROLES],
      query: byQuery,
      response: z.object({
        scope: z.enum(['team', 'partnership']),
        by: z.enum(BREAKDOWNS),
        groups: z.array(z.object({ id: z.string(), name: z.string() })),
        standards: z.array(z.object({ key: z.enum(STANDARD_KEYS), name: z.string(), kind: z.enum(['timescale', 'flag']), total: countsOut, byGroup: z.record(z.string(), countsOut) })),
      }),
      handler: async ({ actor, query }) => {
        const d = await breakdown.dashboard(actor, query.by);
        return { scope: d.scope, by: d.by, groups: d.groups, standards: d.standards.map((s) => ({ key: s.definition.key, name: s.definition.name, kind: s.definition.kind, total: s.total, byGroup: s.byGroup })) };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/standards/:key/children',
      tag: 'Practice standards',
      summary:
        'The drill-down behind a number: the children in scope for one standard, most pressing due date first; filter by status, area, team and agency; page with page and pageSize. count is every child behind the number; items and total are those whose records you may see. Scoped as GET /standards.',
      roles: [...ROLES],
      params: keyParams,
      query: drillQuery.extend(pageQuery),
      response: pageOut(drillChildOut).extend({ key: z.string(), name: z.string(), count: z.number().int().describe('Every child behind the number, whether or not you may open their record') }),
      example: {
        items: [{ childId: '3f8e2a51-6c4b-4d7e-9a10-2b5c7d8e9f01', child: 'Ada Example', laChildId: 'LA-004217', area: 'North', team: 'North Assessment Team', lead: 'Sam Jones', agency: 'Example Children’s Social Care', status: 'overdue', dueOn: '2026-10-30', reason: null }],
        page: 1,
        pageSize: 50,
        total: 1,
        key: 'first-core-group',
        name: 'First core group within 10 working days',
        count: 3,
      },
      handler: async ({ actor, params, query }) => {
        const d = await breakdown.drillPage(actor, { key: params.key, area: query.area, team: query.team, agency: query.agency, status: query.status }, query);
        return {
          items: d.children.map((c) => ({
            childId: c.id,
            child: `${c.first_name} ${c.last_name}`,
            laChildId: c.la_child_id,
            area: c.area_name,
            team: c.team_name,
            lead: c.lead_name,
            agency: c.agency_name,
            status: c.status,
            dueOn: c.due_on,
            reason: c.reason,
          })),
          page: query.page,
          pageSize: query.pageSize,
          total: d.visible,
          key: d.definition.key,
          name: d.definition.name,
          count: d.count,
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/standards/:key/trend',
      tag: 'Practice standards',
      summary: 'One standard month by month: the children in scope (optionally of one area, team or agency) evaluated as at each of the last 12 month-ends',
      roles: [...ROLES],
      params: keyParams,
      query: trendQuery,
      response: z.object({ key: z.string(), scope: z.enum(['team', 'partnership']), groups: z.array(groupOut), months: z.array(z.object({ date: z.string(), counts: countsOut })) }),
      handler: async ({ actor, params, query }) => {
        const d = await breakdown.trend(actor, params.key, query);
        return { key: d.definition.key, scope: d.scope, groups: d.groups, months: d.months };
      },
    }),
  ];
}
