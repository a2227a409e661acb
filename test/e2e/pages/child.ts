/**
 * The child's record: adding a child with the referral, the record itself and its journey,
 * strategy discussions, conferences (scheduling and recording them) and the child's voice.
 */
import type { Locator } from 'playwright-core';
import { RecordPage } from './record.js';

export interface NewChild {
  laChildId: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  sex: 'Male' | 'Female' | 'Not known' | 'Not specified';
  ethnicity?: string;
  area?: string;
  school?: string;
  dslName?: string;
  dslContact?: string;
  referralReceivedOn: string;
  referralSource?: string;
  referralSummary: string;
}

/** /children/new */
export class ChildNewPage extends RecordPage {
  async fillIn(c: NewChild): Promise<void> {
    await this.fill('laChildId', c.laChildId);
    await this.fill('firstName', c.firstName);
    await this.fill('lastName', c.lastName);
    await this.fillDate('dateOfBirth', c.dateOfBirth);
    await this.chooseRadio(c.sex, 'Sex');
    if (c.ethnicity) await this.select('ethnicity', c.ethnicity);
    if (c.area) await this.select('areaId', c.area);
    if (c.school) await this.fill('schoolName', c.school);
    if (c.dslName) await this.fill('schoolDslName', c.dslName);
    if (c.dslContact) await this.fill('schoolDslContact', c.dslContact);
    await this.fillDate('referralReceivedOn', c.referralReceivedOn);
    if (c.referralSource) await this.fill('referralSource', c.referralSource);
    await this.fill('referralSummary', c.referralSummary);
  }

  async add(c: NewChild): Promise<void> {
    await this.fillIn(c);
    await this.press('Add the child');
  }
}

/** /children/:id */
export class ChildPage extends RecordPage {
  /** The child's id, from the address. */
  get childId(): string {
    const m = this.path.match(/^\/children\/([0-9a-f-]{36})/);
    if (!m?.[1]) throw new Error(`Not on a child's record: ${this.page.url()}`);
    return m[1];
  }

  /** The red "On a child protection plan" line under the heading, when there is a plan. */
  get planStatus(): Locator {
    return this.main.locator('p', { has: this.page.locator('.govuk-tag') }).first();
  }

  /** The entries of the child protection journey as text, without the forms folded into them (details). */
  async journey(): Promise<string[]> {
    const entries: string[] = [];
    for (const li of await this.main.locator('ol.app-timeline > li').all()) {
      let text = await li.innerText();
      for (const folded of await li.locator('details').all()) text = text.replace(await folded.innerText(), '');
      entries.push(text.replace(/\s+/g, ' ').trim());
    }
    return entries;
  }
}

export interface Participant {
  name: string;
  agency: string;
}

/** /children/:id/strategy-discussions/new */
export class StrategyDiscussionPage extends RecordPage {
  async record(d: { heldOn: string; participants: Participant[]; outcome: string; notes?: string }): Promise<void> {
    await this.fillDate('heldOn', d.heldOn);
    for (const [i, p] of d.participants.entries()) {
      await this.fill(`participant-${i + 1}-name`, p.name);
      await this.select(`participant-${i + 1}-agency`, p.agency);
    }
    await this.chooseRadio(d.outcome, 'Outcome');
    if (d.notes) await this.fill('notes', d.notes);
    await this.press('Save the strategy discussion');
  }
}

/** /children/:id/conferences/new */
export class ConferenceNewPage extends RecordPage {
  async schedule(c: { kind?: string; on: string; chair: string; agencies: string[] }): Promise<void> {
    if (c.kind) await this.chooseRadio(c.kind, 'Kind of conference');
    await this.fillDate('scheduledOn', c.on);
    await this.select('chairUserId', c.chair);
    for (const a of c.agencies) await this.tick(a, 'Agencies invited');
    await this.press('Schedule the conference');
  }
}

export interface ConferenceOutcome {
  heldOn?: string;
  attendance: Record<string, string>;
  decision: string;
  categories?: string[];
  rationale: string;
  dissent?: string;
  outlinePlan?: string[];
  previousPlans?: number;
  endReason?: string;
  cinPlan?: string;
  noCinPlanReason?: string;
}

/** /children/:id/conferences/:conferenceId */
export class ConferencePage extends RecordPage {
  async fillIn(o: ConferenceOutcome): Promise<void> {
    if (o.heldOn) await this.fillDate('heldOn', o.heldOn);
    for (const [invitee, attendance] of Object.entries(o.attendance)) await this.chooseRadio(attendance, invitee);
    await this.chooseRadio(o.decision, 'Decision');
    for (const c of o.categories ?? []) await this.tick(c, 'Categories of abuse');
    await this.fill('rationale', o.rationale);
    if (o.dissent) await this.fill('dissent', o.dissent);
    if (o.outlinePlan) await this.fill('outlineOutcomes', o.outlinePlan.join('\n'));
    if (o.previousPlans !== undefined) await this.fill('previousPlans', String(o.previousPlans));
    if (o.endReason) await this.fill('endReason', o.endReason);
    if (o.cinPlan !== undefined) await this.fill('cinPlan', o.cinPlan);
    if (o.noCinPlanReason !== undefined) await this.fill('noCinPlanReason', o.noCinPlanReason);
  }

  async complete(): Promise<void> {
    await this.press('Complete the conference');
  }

  /** The attendance recorded for each invitee, from the read-only table. */
  async attendance(): Promise<string[][]> {
    return this.tableRows(this.table('Invitees and attendance'));
  }
}

/** /children/:id/voice and /children/:id/voice/new */
export class VoicePage extends RecordPage {
  async record(v: { kind: string; on: string; content: string; how: string; seenAlone: 'Yes' | 'No' | 'Not applicable'; informed?: string }): Promise<void> {
    await this.chooseRadio(v.kind, 'What are you recording?');
    await this.fillDate('recordedOn', v.on);
    await this.fill('content', v.content);
    await this.fill('how', v.how);
    await this.chooseRadio(v.seenAlone, 'Was the child seen alone?');
    if (v.informed) await this.select('informed', v.informed);
    await this.press('Save');
  }

  /** The titles of the entries' cards, newest first. */
  async entryTitles(): Promise<string[]> {
    return (await this.main.locator('.govuk-summary-card__title').allInnerTexts()).map((s) => s.trim());
  }
}
