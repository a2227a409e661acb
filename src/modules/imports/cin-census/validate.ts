/**
 * The DfE CIN census validation rules that concern child protection, checked per child. Pure: the
 * caller passes the census year end and the partnership's closure days. Each issue carries the
 * DfE rule code (a "Q" suffix is a query: worth checking, not necessarily wrong) and a message in
 * plain English naming the dates involved.
 */
import { addDays, addWorkingDays, parseIsoDate } from '../../../lib/working-days.js';
import type { CensusChild, CensusPlan, CensusS47, CinEpisode } from './parse.js';

export interface CensusIssue {
  code: string;
  /** The child's LAchildID (or "(no LAchildID)"). */
  child: string;
  message: string;
}

export interface ValidationContext {
  /** The census year end (Header ReferenceDate); rules about the collection year are skipped without it. */
  referenceDate: string | null;
  closures?: ReadonlySet<string>;
}

export const CATEGORY_CODES = ['NEG', 'PHY', 'EMO', 'SAB', 'MUL'] as const;

/** Every rule code this checks, with what must hold: the table the report and the tests use. */
export const RULES: Record<string, string> = {
  '1104': 'The initial conference date is not before the referral date',
  '1105': 'A CP plan does not start before the referral date',
  '2883': 'No more CP plans start than initial conferences take place',
  '2884': 'An initial conference is recorded at the S47 level or the CINdetails level, not both',
  '2885': 'A CP plan starts on the day of an initial conference',
  '2889': 'A S47 enquiry does not start before the referral date',
  '4001': 'A CIN plan does not start while a CP plan is open',
  '4016': 'A CIN plan does not end while a CP plan is open',
  '4017': 'A CIN plan is not open for the whole of a CP plan',
  '4003': 'No CP review is held while a CIN plan is open',
  '8615': 'A S47 start date is present and not later than the initial conference',
  '8675Q': 'A S47 started more than 15 working days before the census year end has an initial conference date (or "not required")',
  '8720': 'CP plan start date present and within the collection period',
  '8730': 'Number of previous CP plans present',
  '8832': 'No CP details on a referral with no further action',
  '8839': 'At most one open S47 within one CINdetails',
  '8840': 'A CP plan does not start and end on the same day',
  '8841': 'A review date is after the CP plan start date',
  '8842Q': 'A review record has a date',
  '8870Q': 'The initial conference target date is not a weekend',
  '8875': 'The initial conference is not held on a weekend',
  '8890': 'A S47 does not start while another S47 is ongoing',
  '8905': 'Initial category of abuse present and one of NEG, PHY, EMO, SAB, MUL',
  '8915': 'A CP plan does not start after the child’s date of death',
  '8920': 'A CP plan does not end after the child’s date of death',
  '8925': 'A CP plan does not end before it starts',
  '8930': 'A CP plan end date falls within the census year',
  '8935': 'A child has at most one open CP plan',
  '8940': 'A child’s CP plans do not overlap',
};

const fmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
/** 6 June 2022, for messages. */
export function showDate(iso: string): string {
  return fmt.format(parseIsoDate(iso));
}

function isWeekend(iso: string): boolean {
  const dow = parseIsoDate(iso).getUTCDay();
  return dow === 0 || dow === 6;
}

/** The first day of the census year that ends on `referenceDate` (one year before, plus a day). */
export function censusYearStart(referenceDate: string): string {
  const d = parseIsoDate(referenceDate);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  return addDays(d.toISOString().slice(0, 10), 1);
}

const FAR_FUTURE = '9999-12-31';
const planEnd = (p: CensusPlan) => p.endDate ?? FAR_FUTURE;

/** When a S47 stopped being ongoing: its initial conference, or its start if no conference was needed; null while open. */
function s47End(s: CensusS47): string | null {
  if (s.icpcDate) return s.icpcDate;
  if (s.icpcNotRequired === true) return s.startDate;
  return null;
}

/** The initial conferences of an episode: S47-level dates, then the CINdetails-level date if it is a different day. */
export function episodeConferenceDates(e: CinEpisode): string[] {
  const dates = new Set<string>();
  for (const s of e.s47s) if (s.icpcDate) dates.add(s.icpcDate);
  if (e.icpcDate) dates.add(e.icpcDate);
  return [...dates];
}

export function validateChild(child: CensusChild, ctx: ValidationContext): CensusIssue[] {
  const id = child.laChildId ?? '(no LAchildID)';
  const issues: CensusIssue[] = [];
  const add = (code: string, message: string) => issues.push({ code, child: id, message });
  const closures = ctx.closures ?? new Set<string>();
  const yearStart = ctx.referenceDate ? censusYearStart(ctx.referenceDate) : null;

  const allPlans: CensusPlan[] = [];
  const allS47s: CensusS47[] = [];
  const allCinPlans: { startDate: string | null; endDate: string | null }[] = [];

  child.episodes.forEach((e, i) => {
    const where = child.episodes.length > 1 ? ` (CINdetails ${i + 1}, referral ${e.referralDate ? showDate(e.referralDate) : 'with no date'})` : '';
    allPlans.push(...e.plans);
    allS47s.push(...e.s47s);
    allCinPlans.push(...e.cinPlans);
    const conferenceDates = episodeConferenceDates(e);

    // 1104: initial conference not before the referral
    if (e.referralDate) {
      for (const d of conferenceDates) {
        if (d < e.referralDate) add('1104', `The initial conference on ${showDate(d)} is before the referral on ${showDate(e.referralDate)}${where}.`);
      }
    }
    // 2883: no more plans than initial conferences
    const plansStarting = e.plans.filter((p) => p.startDate).length;
    if (plansStarting > conferenceDates.length) {
      add('2883', `${plansStarting} CP plan${plansStarting === 1 ? '' : 's'} start but ${conferenceDates.length === 0 ? 'no initial conference is' : `only ${conferenceDates.length} initial conference${conferenceDates.length === 1 ? ' is' : 's are'}`} recorded${where}.`);
    }
    // 2884: the same initial conference at both levels
    if (e.icpcDate && e.s47s.some((s) => s.icpcDate === e.icpcDate)) {
      add('2884', `The initial conference on ${showDate(e.icpcDate)} is recorded both in the S47 enquiry and in CINdetails; record it in one only${where}.`);
    }
    // 8832: CP details on a referral with no further action
    if (e.referralNfa === true) {
      const parts: string[] = [];
      if (e.icpcDate) parts.push(`an initial conference on ${showDate(e.icpcDate)}`);
      if (e.s47s.length) parts.push(`${e.s47s.length} S47 enquir${e.s47s.length === 1 ? 'y' : 'ies'}`);
      if (e.plans.length) parts.push(`${e.plans.length} CP plan${e.plans.length === 1 ? '' : 's'}`);
      if (parts.length) add('8832', `The referral${e.referralDate ? ` on ${showDate(e.referralDate)}` : ''} is marked no further action but has ${parts.join(' and ')}.`);
    }
    // 8839: at most one open S47 in one CINdetails
    const open = e.s47s.filter((s) => s47End(s) === null).length;
    if (open > 1) add('8839', `${open} S47 enquiries are open at once in one referral${where}; at most one may be.`);

    for (const s of e.s47s) {
      // 2889, 8615
      if (!s.startDate) add('8615', `A S47 enquiry has no start date${where}.`);
      else {
        if (e.referralDate && s.startDate < e.referralDate) add('2889', `The S47 enquiry started on ${showDate(s.startDate)}, before the referral on ${showDate(e.referralDate)}${where}.`);
        if (s.icpcDate && s.startDate > s.icpcDate) add('8615', `The S47 enquiry started on ${showDate(s.startDate)}, after its initial conference on ${showDate(s.icpcDate)}.`);
        // 8675Q: more than 15 working days before the year end, still no conference
        if (ctx.referenceDate && !s.icpcDate && s.icpcNotRequired !== true && addWorkingDays(s.startDate, 15, closures) < ctx.referenceDate) {
          add('8675Q', `The S47 enquiry started on ${showDate(s.startDate)}, more than 15 working days before the census year end, but has no initial conference date and is not marked "not required".`);
        }
      }
      // 8870Q: target on a weekend
      if (s.icpcTarget && isWeekend(s.icpcTarget)) add('8870Q', `The initial conference target date, ${showDate(s.icpcTarget)}, is a weekend.`);
    }
    // 8875: conference on a weekend (bank holidays and closure days are not weekends, but say so)
    for (const d of conferenceDates) {
      if (isWeekend(d)) add('8875', `The initial conference on ${showDate(d)} is recorded on a weekend.`);
    }

    for (const p of e.plans) {
      const start = p.startDate;
      // 1105, 2885
      if (start && e.referralDate && start < e.referralDate) add('1105', `The CP plan starting ${showDate(start)} starts before the referral on ${showDate(e.referralDate)}${where}.`);
      if (start && !conferenceDates.includes(start)) add('2885', `The CP plan starting ${showDate(start)} does not start on the day of an initial conference${where}.`);
    }
  });

  // Plan rules, over all the child's plans
  for (const p of allPlans) {
    const start = p.startDate;
    const label = start ? `The CP plan starting ${showDate(start)}` : 'A CP plan';
    // 8720
    if (!start) add('8720', 'A CP plan has no start date.');
    else if (ctx.referenceDate && start > ctx.referenceDate) add('8720', `${label} starts after the census year end (${showDate(ctx.referenceDate)}).`);
    // 8730
    if (p.previousPlans === null) add('8730', `${label} has no number of previous CP plans.`);
    // 8905
    if (!p.initialCategory) add('8905', `${label} has no initial category of abuse.`);
    else if (!(CATEGORY_CODES as readonly string[]).includes(p.initialCategory)) add('8905', `${label} has initial category of abuse "${p.initialCategory}", which is not one of NEG, PHY, EMO, SAB, MUL.`);
    if (start && p.endDate) {
      if (p.endDate === start) add('8840', `${label} ends on the day it starts.`);
      if (p.endDate < start) add('8925', `${label} ends on ${showDate(p.endDate)}, before it starts.`);
    }
    // 8915 / 8920
    if (child.deathDate) {
      if (start && start > child.deathDate) add('8915', `${label} starts after the child’s date of death (${showDate(child.deathDate)}).`);
      if (p.endDate && p.endDate > child.deathDate) add('8920', `${label} ends on ${showDate(p.endDate)}, after the child’s date of death (${showDate(child.deathDate)}).`);
    }
    // 8930
    if (p.endDate && ctx.referenceDate && yearStart && (p.endDate < yearStart || p.endDate > ctx.referenceDate)) {
      add('8930', `${label} ends on ${showDate(p.endDate)}, outside the census year (${showDate(yearStart)} to ${showDate(ctx.referenceDate)}).`);
    }
    // 8841, 8842Q
    for (const r of p.reviews) {
      if (r === null) add('8842Q', `${label} has a review record with no date.`);
      else if (start && r <= start) add('8841', `${label} has a review on ${showDate(r)}, which is not after the plan started.`);
    }
  }

  // 8935: at most one open plan
  const openPlans = allPlans.filter((p) => p.startDate && !p.endDate);
  if (openPlans.length > 1) add('8935', `${openPlans.length} CP plans are open (no end date); a child has at most one.`);

  // 8940: plans overlap
  const dated = allPlans.filter((p): p is CensusPlan & { startDate: string } => p.startDate !== null);
  for (let i = 0; i < dated.length; i++) {
    for (let j = i + 1; j < dated.length; j++) {
      const a = dated[i]!;
      const b = dated[j]!;
      if (a.startDate < planEnd(b) && b.startDate < planEnd(a)) {
        const [first, second] = a.startDate <= b.startDate ? [a, b] : [b, a];
        add('8940', `The CP plan starting ${showDate(second.startDate)} overlaps the CP plan starting ${showDate(first.startDate)}${first.endDate ? ` (ended ${showDate(first.endDate)})` : ' (still open)'}.`);
      }
    }
  }

  // 8890: a S47 starts while another is ongoing
  const s47s = allS47s.filter((s): s is CensusS47 & { startDate: string } => s.startDate !== null).sort((a, b) => a.startDate.localeCompare(b.startDate));
  for (let i = 0; i < s47s.length; i++) {
    for (let j = i + 1; j < s47s.length; j++) {
      const a = s47s[i]!;
      const b = s47s[j]!;
      const end = s47End(a);
      if (end === null || b.startDate < end || (b.startDate === a.startDate && end === a.startDate)) {
        add('8890', `A S47 enquiry starts on ${showDate(b.startDate)} while the one started ${showDate(a.startDate)} is still ongoing.`);
        break;
      }
    }
  }

  // 4001 / 4016 / 4017 (CIN plan and CP plan at once), 4003 (review during a CIN plan)
  for (const c of allCinPlans) {
    if (!c.startDate) continue;
    const cinEnd = c.endDate ?? FAR_FUTURE;
    const cinLabel = `The CIN plan ${showDate(c.startDate)} to ${c.endDate ? showDate(c.endDate) : 'now'}`;
    for (const p of dated) {
      const cpEnd = planEnd(p);
      const cpLabel = `the CP plan starting ${showDate(p.startDate)}`;
      if (c.startDate > p.startDate && c.startDate < cpEnd) add('4001', `${cinLabel} starts while ${cpLabel} is open.`);
      else if (c.endDate && c.endDate > p.startDate && c.endDate < cpEnd) add('4016', `${cinLabel} ends while ${cpLabel} is open.`);
      else if (c.startDate <= p.startDate && cinEnd >= cpEnd && p.startDate < cinEnd) add('4017', `${cinLabel} is open for the whole of ${cpLabel}.`);
      for (const r of p.reviews) {
        if (r && r > c.startDate && r < cinEnd) add('4003', `A CP review on ${showDate(r)} is held while ${cinLabel.charAt(0).toLowerCase()}${cinLabel.slice(1)} is open.`);
      }
    }
  }

  return issues;
}
