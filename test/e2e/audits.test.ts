/**
 * A case audit in a real browser, with and without JavaScript: the QA lead plans it (the form),
 * starts it; the auditor finds the case among their own, answers it beside the record (a pre-filled
 * answer already chosen) and submits; the QA lead closes auditing, completes the audit and reads
 * the report with its charts. Every page is checked with axe and must log no CSP or script error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeChildOnPlan } from '../support/child-on-plan.js';
import { describeInBrowser, MODES, useE2E } from './support/suite.js';

describeInBrowser('case audits', () => {
  const e2e = useE2E('934');

  beforeAll(async () => {
    const { t, fixture: f } = e2e.server;
    await makeChildOnPlan(t, f, { firstName: 'Audit', lastName: 'Browser' });
  }, 60_000);

  describe.each(MODES)('$mode', ({ javaScript, suffix }) => {
    it('plan, audit a case, moderate and read the report', async () => {
      const title = `Core groups audit ${suffix}`;
      const qa = await e2e.signedIn('qa', { javaScript });
      await qa.goto('/audits');
      await e2e.check(qa, `audits-${suffix}`);
      await Promise.all([qa.waitForURL(/\/audits\/new$/), qa.getByRole('button', { name: 'Plan a case audit' }).click()]);
      // Refused first: no title, a sample with no size
      await qa.getByLabel('A random sample', { exact: true }).check();
      await Promise.all([qa.waitForLoadState(), qa.getByRole('button', { name: 'Draw the sample and assign auditors' }).click()]);
      expect(await qa.locator('.govuk-error-summary').innerText()).toContain('Enter the number of cases to sample');
      await e2e.check(qa, `audit-plan-errors-${suffix}`);
      await qa.getByLabel('Title').fill(title);
      await qa.getByLabel(/Core group thematic audit/).check();
      await qa.getByLabel('Every child in the cohort').check();
      await qa.getByLabel('Auditors for each case').fill('1');
      await Promise.all([qa.waitForURL(/\/audits\/[0-9a-f-]{36}\?planned=1$/), qa.getByRole('button', { name: 'Draw the sample and assign auditors' }).click()]);
      expect(await qa.getByRole('heading', { level: 1 }).innerText()).toBe(title);
      await e2e.check(qa, `audit-planned-${suffix}`);
      // the auditors of a case can change after planning
      await Promise.all([qa.waitForURL(/\/auditors$/), qa.getByRole('link', { name: 'Change the auditors of case C001' }).click()]);
      await e2e.check(qa, `audit-case-auditors-${suffix}`);
      await Promise.all([qa.waitForURL(/reassigned=1$/), qa.getByRole('button', { name: 'Save the auditors' }).click()]);
      expect(await qa.locator('.govuk-notification-banner').innerText()).toContain('The case’s auditors are saved.');
      await Promise.all([qa.waitForURL(/advanced=running/), qa.getByRole('button', { name: 'Start the audit' }).click()]);
      const auditUrl = qa.url().split('?')[0]!;

      const auditor = await e2e.signedIn('auditor', { javaScript });
      await auditor.goto('/audits');
      const caseLink = auditor.getByRole('row').filter({ hasText: title }).getByRole('link');
      await Promise.all([auditor.waitForURL(/\/cases\//), caseLink.click()]);
      // the record's answer is chosen already: no voice entry during the plan
      expect(await auditor.locator('input[name="answer_childs_voice_present"][value="No"]').isChecked()).toBe(true);
      expect(await auditor.getByText('The record says: No.').count()).toBe(1);
      await e2e.check(auditor, `audit-case-${suffix}`);
      await auditor.locator('input[name="answer_quality_of_minutes"][value="Does not meet the required standard"]').check();
      await auditor.locator('input[name="answer_effectiveness"][value="Meets the required standard"]').check();
      await auditor.locator('input[name="answer_overall_safety"][value="Meets the required standard"]').check();
      await auditor.getByLabel('Strengths and areas for improvement').first().fill('Minutes give updates; the plan is not revised.');
      await Promise.all([auditor.waitForURL(/\/audits\?submitted=1$/), auditor.getByRole('button', { name: 'Submit the case' }).click()]);
      expect(await auditor.locator('.govuk-notification-banner').innerText()).toContain('submitted');

      await qa.goto(auditUrl);
      await Promise.all([qa.waitForURL(/advanced=moderation/), qa.getByRole('button', { name: 'Close auditing and start moderation' }).click()]);
      await e2e.check(qa, `audit-moderation-${suffix}`);
      await Promise.all([qa.waitForURL(/\/themes$/), qa.getByRole('link', { name: 'Tag themes on auditors’ comments' }).click()]);
      await qa.getByLabel('Theme', { exact: true }).fill('Plan not revised');
      await qa.getByLabel(/Case C001, Quality of minutes/).check();
      await Promise.all([qa.waitForURL(/saved=1$/), qa.getByRole('button', { name: 'Tag the comments' }).click()]);
      await e2e.check(qa, `audit-themes-${suffix}`);
      await qa.goto(auditUrl);
      await Promise.all([qa.waitForURL(/advanced=completed/), qa.getByRole('button', { name: 'Complete the audit and publish the report' }).click()]);
      await qa.goto(`${auditUrl}/report`);
      expect(await qa.locator('figure svg[aria-hidden="true"]').count()).toBe(3);
      expect(await qa.locator('figure').first().innerText()).toContain('Does not meet the required standard');
      expect(await qa.getByText('Plan not revised (1 case)').count()).toBe(1);
      await e2e.check(qa, `audit-report-${suffix}`);
    }, 120_000);

    it('make an audit tool with its own scale, refused first with the error summary, then publish version 2', async () => {
      const key = `neglect-${suffix}`;
      const qa = await e2e.signedIn('qa', { javaScript });
      await qa.goto('/audits');
      await Promise.all([qa.waitForURL(/\/audits\/tools$/), qa.getByRole('link', { name: 'Audit tools' }).click()]);
      await e2e.check(qa, `audit-tools-${suffix}`);
      await Promise.all([qa.waitForURL(/\/audits\/tools\/new$/), qa.getByRole('button', { name: 'Make a new audit tool' }).click()]);
      await e2e.check(qa, `audit-tool-new-${suffix}`);
      await qa.getByLabel('Key', { exact: true }).fill(key);
      await qa.getByLabel('Name', { exact: true }).fill(`Neglect audit ${suffix}`);
      await qa.getByLabel('The tool’s own scale').check();
      await qa.getByLabel('The scale’s grades, one on each line, best first').fill('Strong');
      const header = 'domain_key,domain_name,key,type,text,options,guidance,headline,prefill';
      await qa.getByLabel('Questions', { exact: true }).fill(`${header}\nhome,Home conditions,home_grade,grade,How safe is the home?,,,yes,\nhome,,home_change,choice,What changed?,Better|Same|Worse,,,\nhome,,home_visits,number,Visits,,,,nonsense\n`);
      await Promise.all([qa.waitForLoadState(), qa.getByRole('button', { name: 'Make the tool' }).click()]);
      const summary = await qa.locator('.govuk-error-summary').innerText();
      expect(summary).toContain('Give the scale at least two options');
      expect(summary).toContain('line 4, column 9 (prefill)');
      expect(await qa.title()).toMatch(/^Error: /);
      await e2e.check(qa, `audit-tool-errors-${suffix}`);
      await qa.getByLabel('The scale’s grades, one on each line, best first').fill('Strong\nSecure\nWeak');
      const questions = qa.getByLabel('Questions', { exact: true });
      await questions.fill((await questions.inputValue()).replace(',nonsense', ','));
      await Promise.all([qa.waitForURL(new RegExp(`/audits/tools/${key}\\?published=1$`)), qa.getByRole('button', { name: 'Make the tool' }).click()]);
      expect(await qa.locator('.govuk-notification-banner').innerText()).toContain('Version 1 is published');
      await e2e.check(qa, `audit-tool-${suffix}`);
      await Promise.all([qa.waitForURL(/\/versions\/new$/), qa.getByRole('button', { name: 'Publish a new version' }).click()]);
      await e2e.check(qa, `audit-tool-version-${suffix}`);
      await qa.getByLabel('The inspection scale').check();
      await Promise.all([qa.waitForURL(/published=1$/), qa.getByRole('button', { name: 'Publish version 2' }).click()]);
      expect(await qa.locator('.govuk-notification-banner').innerText()).toContain('Version 2 is published');
      expect(await qa.getByText('Requires improvement to be good').count()).toBeGreaterThan(0);
      expect(await qa.getByRole('link', { name: 'Version 1' }).count()).toBe(1);
    }, 120_000);
  });
});
