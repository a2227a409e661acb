/**
 * The standards dashboards by area, team or agency, their drill-down, and compliance month by month.
 *
 * Now: from the stored results (standard_results), scoped as scopeOf says (a team manager's team;
 * a QA lead's or partnership admin's partnership). Month by month: each child in scope has its facts
 * loaded once and is evaluated by the pure engine as at each of the last 12 month-ends (nothing is
 * stored or cached). How a child is placed in an area, team or agency: see breakdown-repo.ts.
 */
import { limitOffset, type PageRequest } from '../../lib/pagination.js';
import { NotFoundError } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import { addDays, addMonths } from '../../lib/working-days.js';
import { CATEGORIES, type Category } from '../../db/schema.js';
import * as brepo from './breakdown-repo.js';
import type { Breakdown, GroupFilter } from './breakdown-repo.js';
import { type CaseFacts, evaluate, ruleAt, type Status } from './engine.js';
import * as repo from './repository.js';
import { type Counts, type Definition, scopeOf, type StandardsService, withTotals, zero } from './service.js';

export const BREAKDOWN_LABELS: Record<Breakdown, string> = { area: 'Area', team: 'Team', agency: 'Agency' };
const NONE_LABELS: Record<Breakdown, string> = { area: 'No area', team: 'No team', agency: 'No lead practitioner' };

/** The last `n` month-ends strictly before `today` (YYYY-MM-DD), oldest first. */
export function monthEnds(today: string, n = 12): string[] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const out: string[] = [];
  // The last day of the month before today's month, then back month by month
  for (let i = n; i >= 1; i--) {
    const first = new Date(Date.UTC(y, m - 1 - (i - 1), 1));
    out.push(addDays(first.toISOString().slice(0, 10), -1));
  }
  return out;
}

/**
 * The facts as they stood at the end of a date, as far as the facts carry dates: what started after
 * it (referrals, strategy discussions, enquiries, plans and their meetings and actions, case entries)
 * had not happened; a plan ended after it was still running. The engine already treats meetings,
 * conferences, answers and completions dated after `asOf` as not yet held.
 */
export function factsAsAt(facts: CaseFacts, asOf: string): CaseFacts {
  const plans = facts.plans.filter((p) => p.startedOn <= asOf).map((p) => (p.endedOn && p.endedOn > asOf ? { ...p, endedOn: null, endedByConferenceId: null } : p));
  const planIds = new Set(plans.map((p) => p.id));
  return {
    ...facts,
    referrals: facts.referrals.filter((r) => r.receivedOn <= asOf),
    strategyDiscussions: facts.strategyDiscussions.filter((s) => s.heldOn <= asOf),
    s47s: facts.s47s.filter((s) => s.startedOn <= asOf).map((s) => (s.concludedOn && s.concludedOn > asOf ? { ...s, concludedOn: null, outcome: null } : s)),
    plans,
    meetings: facts.meetings.filter((m) => planIds.has(m.planId) && m.heldOn <= asOf),
    actions: facts.actions.filter((a) => planIds.has(a.planId)).map((a) => (a.doneOn && a.doneOn > asOf ? { ...a, status: 'open', doneOn: null } : a)),
    entries: facts.entries.filter((e) => e.occurredOn <= asOf),
  };
}

export interface Group {
  id: string;
  name: string;
}

/** Plans started in the period, how many were repeat plans and how many followed a re-referral, with both as a share of the plans. */
export interface RepeatFigures {
  plans: number;
  repeats: number;
  rereferrals: number;
  repeatRate: number | null;
  reReferralRate: number | null;
}

const rate = (n: number, of: number) => (of ? Math.round((1000 * n) / of) / 10 : null);
function repeatFigures(rows: { plans: number; repeats: number; rereferrals: number }[]): RepeatFigures {
  const plans = rows.reduce((a, r) => a + Number(r.plans), 0);
  const repeats = rows.reduce((a, r) => a + Number(r.repeats), 0);
  const rereferrals = rows.reduce((a, r) => a + Number(r.rereferrals), 0);
  return { plans, repeats, rereferrals, repeatRate: rate(repeats, plans), reReferralRate: rate(rereferrals, plans) };
}

/** The months the repeat-plan figures look back over (plans started in the 12 months up to today). */
export const REPEAT_PERIOD_MONTHS = 12;

export class StandardsBreakdown {
  constructor(private readonly standards: StandardsService) {}

  /** Groups for a breakdown: every area of the partnership; the teams and agencies children in scope are counted under. */
  private async groupsFor(actor: Actor, by: Breakdown, present: Set<string | null>): Promise<Group[]> {
    const all = await brepo.groups(this.standards.db, actor.partnershipId, by);
    const named = all.filter((g) => by === 'area' || present.has(g.id));
    return [...named, ...(present.has(null) ? [{ id: 'none', name: NONE_LABELS[by] }] : [])];
  }

  /** Per standard: children by status and compliance, in total and for each group of the breakdown. */
  async dashboard(actor: Actor, by: Breakdown) {
    const scope = scopeOf(actor);
    const [definitions, rows] = await Promise.all([this.standards.definitions(actor), this.standards.kept(scope.partnershipId, `counts|${scope.teamId}|${by}`, () => brepo.groupedCounts(this.standards.db, scope, by))]);
    const groups = await this.groupsFor(actor, by, new Set(rows.map((r) => r.group_id)));
    const standards = definitions.map((d) => {
      const total = zero();
      const byGroup = new Map(groups.map((g) => [g.id, zero()]));
      for (const r of rows.filter((x) => x.standard_key === d.key)) {
        const n = Number(r.n);
        total[r.status] += n;
        const g = byGroup.get(r.group_id ?? 'none');
        if (g) g[r.status] += n;
      }
      const flag = d.kind === 'flag';
      return { definition: d, total: withTotals(total, flag), byGroup: Object.fromEntries([...byGroup].map(([k, v]) => [k, withTotals(v, flag)])) as Record<string, Counts> };
    });
    return { scope: scope.teamId ? ('team' as const) : ('partnership' as const), by, groups, standards };
  }

  /**
   * Repeat plans and re-referrals: of the plans started in the last 12 months (up to today) for the
   * children in scope, how many were the child's second or later plan, and how many followed a
   * re-referral within the months of the repeat-plan standard in force today (12 by default) of an
   * earlier plan ending; in total, for each group of the breakdown and for each initial category.
   */
  async repeats(actor: Actor, by: Breakdown) {
    const scope = scopeOf(actor);
    const to = this.standards.today();
    const from = addMonths(to, -REPEAT_PERIOD_MONTHS);
    const ctx = await this.standards.ruleContext(actor.partnershipId);
    const v = ruleAt(ctx.rules, 'repeat-plan', to)?.parameters.reReferralMonths;
    const months = typeof v === 'number' && Number.isFinite(v) ? v : 12;
    const rows = await this.standards.kept(scope.partnershipId, `repeats|${scope.teamId}|${by}|${from}|${to}|${months}`, () => brepo.repeatCounts(this.standards.db, scope, by, from, to, months));
    const groups = await this.groupsFor(actor, by, new Set(rows.map((r) => r.group_id)));
    return {
      from,
      to,
      months,
      total: repeatFigures(rows),
      byGroup: groups.map((g) => ({ group: g, ...repeatFigures(rows.filter((r) => (r.group_id ?? 'none') === g.id)) })),
      byCategory: CATEGORIES.map((c: Category) => ({ category: c, ...repeatFigures(rows.filter((r) => r.category === c)) })),
    };
  }

  /** The name of each group filter given (404 for an id that is not the partnership's). */
  async groupNames(actor: Actor, g: GroupFilter): Promise<{ by: Breakdown; id: string; name: string }[]> {
    const out: { by: Breakdown; id: string; name: string }[] = [];
    for (const by of brepo.BREAKDOWNS) {
      const id = g[by];
      if (!id) continue;
      if (id === 'none') {
        out.push({ by, id, name: NONE_LABELS[by] });
        continue;
      }
      const found = (await brepo.groups(this.standards.db, actor.partnershipId, by)).find((x) => x.id === id);
      if (!found) throw new NotFoundError(`${BREAKDOWN_LABELS[by]} not found`);
      out.push({ by, id, name: found.name });
    }
    return out;
  }

  private async definition(actor: Actor, key: string): Promise<Definition> {
    const definition = (await this.standards.definitions(actor)).find((d) => d.key === key);
    if (!definition) throw new NotFoundError('Standard not found');
    return definition;
  }

  /** The children behind one number: the count in scope, and those of them the person may see. */
  async drill(actor: Actor, filter: brepo.DrillFilter) {
    const scope = scopeOf(actor);
    const definition = await this.definition(actor, filter.key);
    const groups = await this.groupNames(actor, filter);
    const [count, children] = await Promise.all([brepo.drillCount(this.standards.db, scope, filter), brepo.drillChildren(this.standards.db, actor, scope, filter)]);
    return { definition, filter, groups, count, children, hidden: count - children.length };
  }

  /** One page of the drill-down for the API: the count behind the number, and a page of the children the actor may see. */
  async drillPage(actor: Actor, filter: brepo.DrillFilter, page: PageRequest) {
    const scope = scopeOf(actor);
    const definition = await this.definition(actor, filter.key);
    const groups = await this.groupNames(actor, filter);
    const { limit, offset } = limitOffset(page);
    const [count, visible, children] = await Promise.all([
      brepo.drillCount(this.standards.db, scope, filter),
      brepo.drillVisibleCount(this.standards.db, actor, scope, filter),
      brepo.drillChildren(this.standards.db, actor, scope, filter, limit, offset),
    ]);
    return { definition, filter, groups, count, visible, children };
  }

  /**
   * The drill-down as a file: the same children the page lists (those behind the number that the
   * person may see; the figure counts the rest too), every one access-logged as exported.
   */
  async drillExport(actor: Actor, filter: brepo.DrillFilter) {
    const scope = scopeOf(actor);
    const definition = await this.definition(actor, filter.key);
    const groups = await this.groupNames(actor, filter);
    const count = await brepo.drillCount(this.standards.db, scope, filter);
    const children = await this.standards.exportList(actor, (trx) => brepo.drillChildren(trx, actor, scope, filter, brepo.EXPORT_LIMIT), { export: 'standard', key: filter.key });
    return { definition, filter, groups, count, children, hidden: count - children.length };
  }

  /**
   * One standard's compliance at each of the last 12 month-ends, for the children in scope (and in the
   * group filtered on, placed by where they are now): each child's facts loaded once, evaluated 12 times.
   */
  async trend(actor: Actor, key: string, g: GroupFilter) {
    const scope = scopeOf(actor);
    const definition = await this.definition(actor, key);
    const groups = await this.groupNames(actor, g);
    const dates = monthEnds(this.standards.today());
    const ctx = await this.standards.ruleContext(actor.partnershipId);
    const rules = ctx.rules.filter((r) => r.key === key);
    const ids = await brepo.scopedChildIds(this.standards.db, scope, g);
    const counts = dates.map(() => zero());
    for (const id of ids) {
      const facts = await repo.loadFacts(this.standards.db, scope.partnershipId, id);
      dates.forEach((date, i) => {
        const result = evaluate(factsAsAt(facts, date), rules, date, ctx.closures).find((r) => r.key === key);
        if (result) counts[i]![result.status as Status] += 1;
      });
    }
    const flag = definition.kind === 'flag';
    return { definition, groups, scope: scope.teamId ? ('team' as const) : ('partnership' as const), months: dates.map((date, i) => ({ date, counts: withTotals(counts[i]!, flag) })) };
  }
}
