/**
 * The core group: its members, arranging meetings, and the meeting page with its sections
 * (attendance, parents, previous actions, the plan, minutes, finalising, sharing, agreement),
 * each a form of its own. Also the work queues /my/work and /team.
 */
import type { Locator } from 'playwright-core';
import { RecordPage } from './record.js';

/** /children/:id/core-group */
export class CoreGroupPage extends RecordPage {
  get membersTable(): Locator {
    return this.table('Current members of the core group');
  }
  get meetingsTable(): Locator {
    return this.table('Core group meetings');
  }

  /** Name, agency and role of each current member. */
  async members(): Promise<string[][]> {
    return (await this.tableRows(this.membersTable)).map((r) => r.slice(0, 3));
  }

  async meetings(): Promise<string[][]> {
    return this.tableRows(this.meetingsTable);
  }

  /** The sentence about when the next meeting is due. */
  async scheduleText(): Promise<string> {
    return (await this.main.locator('#meetings + p').innerText()).replace(/\s+/g, ' ').trim();
  }

  async openMeeting(heldOn: string): Promise<void> {
    await this.navigateBy(this.meetingsTable.getByRole('link', { name: heldOn, exact: true }));
  }
}

/** /children/:id/core-group/members/new */
export class MemberNewPage extends RecordPage {
  async addUser(person: string, role: string, joinedOn?: string): Promise<void> {
    await this.chooseRadio('Someone who uses Assure', 'Who is joining?');
    await this.select('userId', person);
    await this.fill('role', role);
    if (joinedOn) await this.fillDate('joinedOn', joinedOn);
    await this.press('Add to the core group');
  }
}

/** /children/:id/meetings/new */
export class MeetingNewPage extends RecordPage {
  get inset(): Locator {
    return this.main.locator('.govuk-inset-text');
  }

  async arrange(chair: string | RegExp, heldOn?: string): Promise<void> {
    if (heldOn) await this.fillDate('heldOn', heldOn);
    await this.chooseRadio(chair, 'Who chairs the meeting?');
    await this.press('Arrange the meeting');
  }
}

export type Attendance = 'Present' | 'Apologies, sent a report' | 'Apologies, no report' | 'Not invited';
export type Review = 'Done' | 'In progress' | 'Not done';

/** /children/:id/meetings/:meetingId */
export class MeetingPage extends RecordPage {
  get meetingId(): string {
    const m = this.path.match(/\/meetings\/([0-9a-f-]{36})$/);
    if (!m?.[1]) throw new Error(`Not on a meeting: ${this.page.url()}`);
    return m[1];
  }

  /** The findings of the minutes quality check, each "Must fix …" or "Advice …". */
  async qualityFindings(): Promise<string[]> {
    return (await this.main.locator('.app-quality-findings > li').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
  }

  /** The status of a section in the task list ("Completed", "2 to review", …). */
  async taskStatus(title: string): Promise<string> {
    const item = this.main.locator('.govuk-task-list__item', { has: this.page.getByRole('link', { name: title, exact: true }) });
    return (await item.locator('.govuk-task-list__status').innerText()).replace(/\s+/g, ' ').trim();
  }

  async recordAttendance(attendance: Record<string, Attendance>, membershipConfirmed: boolean): Promise<void> {
    for (const [member, choice] of Object.entries(attendance)) await this.chooseRadio(choice, new RegExp(`^${member} \\(`));
    if (membershipConfirmed) await this.tick(/reviewed the core group’s membership and confirmed it/, 'Membership');
    await this.press('Save attendance and membership');
  }

  async recordParents(attendance: string, absentParent?: string): Promise<void> {
    await this.fill('parentsAttendance', attendance);
    if (absentParent) await this.fill('absentParentConsideration', absentParent);
    await this.press('Save parents’ attendance');
  }

  /** Writes the minutes: text under each heading (by its title), and the safety scale. */
  async writeMinutes(byHeading: Record<string, string>, safetyScale?: number): Promise<void> {
    for (const [heading, text] of Object.entries(byHeading)) await this.main.getByLabel(heading, { exact: true }).fill(text);
    if (safetyScale !== undefined) await this.fill('safetyScale', String(safetyScale));
    await this.press('Save minutes');
  }

  /** The review block of one action on the plan. */
  actionReview(what: string): Locator {
    return this.main.locator('.app-action-review', { has: this.page.locator('h3', { hasText: what }) });
  }

  async reviewActions(reviews: { what: string; status: Review; comment: string }[]): Promise<void> {
    for (const r of reviews) {
      const block = this.actionReview(r.what);
      await block.getByRole('radio', { name: r.status, exact: true }).check();
      await block.getByRole('textbox').fill(r.comment);
    }
    await this.press('Save action reviews');
  }

  async finalise(): Promise<void> {
    await this.press('Finalise the minutes');
  }

  /** The plan versions made in this meeting, as listed in its "Revise the plan" section. */
  async versionsMade(): Promise<string[]> {
    return (await this.main.locator('#plan + ul > li').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
  }

  async agree(agrees: boolean, comment?: string): Promise<void> {
    await this.chooseRadio(agrees ? 'I agree with the minutes' : 'I dispute the minutes');
    if (comment) await this.fill('comment', comment);
    await this.press('Record your response');
  }

  async agreements(): Promise<string[][]> {
    return this.tableRows(this.table('Members’ agreement with the minutes'));
  }
}

/** /my/work */
export class MyWorkPage extends RecordPage {
  async rows(caption: string): Promise<string[][]> {
    return this.tableRows(this.table(caption));
  }
}

/** /team */
export class TeamPage extends RecordPage {
  async rows(): Promise<string[][]> {
    return this.tableRows(this.table('Children of the team on a plan'));
  }
}
