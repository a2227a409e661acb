/**
 * The child protection plan: its outcomes and actions, its versions, revising it (in a core
 * group meeting or not), progress on an action, and "My actions".
 */
import type { Locator } from 'playwright-core';
import { RecordPage } from './record.js';

/** /children/:id/plan, /children/:id/plans/:planId */
export class PlanPage extends RecordPage {
  /** The outcomes' titles, in order. */
  async outcomes(): Promise<string[]> {
    const titles: string[] = [];
    for (const h of await this.main.locator('h2[id^="outcome-"]').all()) {
      const caption = await h.locator('.govuk-caption-m').innerText();
      titles.push((await h.innerText()).replace(caption, '').trim());
    }
    return titles;
  }

  /** The row of an action, found by what needs to happen. */
  actionRow(what: string): Locator {
    return this.main.locator('tr[id^="action-"]', { hasText: what });
  }

  /** The action's status tag (the last column). */
  async actionStatus(what: string): Promise<string> {
    return (await this.actionRow(what).locator('td:last-child .govuk-tag').innerText()).trim();
  }

  /** Whether the action's due date is marked overdue. */
  async isOverdue(what: string): Promise<boolean> {
    return (await this.actionRow(what).locator('td:nth-child(3) .govuk-tag', { hasText: 'Overdue' }).count()) === 1;
  }

  /** Version, when, who, what changed, made at: newest first. */
  async versions(): Promise<string[][]> {
    return this.tableRows(this.table('Versions of the plan'));
  }

  /** The banner saying the plan is being revised in a core group meeting. */
  get meetingBanner(): Locator {
    return this.main.locator('.govuk-notification-banner:not(.govuk-notification-banner--success)');
  }
}

export interface NewAction {
  outcome: string;
  what: string;
  owner: string;
  dueOn: string;
  doneMeasure: string;
  workedMeasure: string;
}

/** /children/:id/plan/actions/new (with ?meetingId= when revising in a meeting) */
export class ActionFormPage extends RecordPage {
  async add(a: NewAction): Promise<void> {
    await this.select('outcomeId', a.outcome);
    await this.fill('what', a.what);
    await this.select('ownerUserId', a.owner);
    await this.fillDate('dueOn', a.dueOn);
    await this.fill('doneMeasure', a.doneMeasure);
    await this.fill('workedMeasure', a.workedMeasure);
    await this.press('Add the action');
  }
}

/** /children/:id/plan/actions/:actionId/progress */
export class ProgressPage extends RecordPage {
  async record(status: string, note: string): Promise<void> {
    await this.chooseRadio(status, 'Status');
    await this.fill('note', note);
    await this.press('Save progress');
  }

  /** When, who, status, note: newest first. */
  async notes(): Promise<string[][]> {
    return this.tableRows(this.table('Progress notes, newest first'));
  }
}

/** /my/actions */
export class MyActionsPage extends RecordPage {
  get actionsTable(): Locator {
    return this.table(/open actions?$/);
  }

  async rows(): Promise<string[][]> {
    return this.tableRows(this.actionsTable);
  }

  async openAction(what: string): Promise<void> {
    await this.navigateBy(this.actionsTable.getByRole('link', { name: what, exact: true }));
  }
}
