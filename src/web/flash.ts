/**
 * The confirmation shown after a change. A form redirects (303) to a page with a short key in
 * the query string; the page shows the matching message in a GOV.UK success banner. Nothing is
 * kept in the session.
 */
const MESSAGES: Record<string, Record<string, string>> = {
  signedOut: { '1': 'You have signed out.' },
  added: { 'sso-link': 'The user is linked to the subject.', area: 'Area added.', agency: 'Agency added.', team: 'Team added.', '1': 'Added.' },
  updated: { sso: 'The single sign-on settings are saved.', agency: 'Agency updated.', details: 'The child’s details have been updated.', '1': 'Your changes have been saved.' },
  changed: {
    password: 'Your password has been changed. You have been signed out everywhere else.',
    'two-factor': 'Two-step verification is on.',
    'two-factor-off': 'Two-step verification is off.',
    'token-revoked': 'The token has been revoked: it no longer works.',
  },
  completed: { '1': 'The conference has been completed.' },
  planned: { '1': 'The audit is planned: the sample is drawn and auditors are assigned. Check the cases, then start the audit.' },
  submitted: { '1': 'Your answers for the case are submitted.' },
  advanced: { running: 'The audit has started: auditors can now see their cases.', moderation: 'Auditing is closed: moderate the cases where auditors differ.', completed: 'The audit is complete and its report is published to the partnership.' },
  saved: { '1': 'Saved.', attendance: 'Attendance saved.', minutes: 'Minutes saved.', parents: 'Parents’ involvement saved.', reviews: 'Action reviews saved.', 'action-reviews': 'Action reviews saved.', finalise: 'The minutes are finalised.', share: 'Sharing recorded.', agreement: 'Your agreement has been recorded.' },
  learning: {
    created: 'The review has been started. Check each part, then publish its 7-minute briefing.',
    published: 'The briefing is published. Send it to the teams that need it.',
    sent: 'The briefing has been sent to the teams you chose.',
    discussion: 'Your team’s discussion has been saved.',
    action: 'The action has been added to your team’s plan.',
    'action-added': 'The action has been added to the action plan.',
    update: 'Progress recorded.',
    closed: 'The action is closed with its evidence.',
  },
  done: { 'sso-unlink': 'The link has been removed.', raised: 'The escalation has been raised.', response: 'Your response has been recorded.', escalate: 'The escalation has moved to the next stage.', resolve: 'The escalation is resolved.', withdraw: 'The escalation has been withdrawn.', '1': 'Done.' },
};

export function flashFor(query: unknown): string | null {
  if (!query || typeof query !== 'object') return null;
  for (const [key, byValue] of Object.entries(MESSAGES)) {
    const value = (query as Record<string, unknown>)[key];
    if (typeof value === 'string' && value.length <= 40) return byValue[value] ?? byValue['1'] ?? 'Saved.';
  }
  return null;
}
