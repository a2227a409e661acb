/**
 * The headings core group minutes are written under. A partnership may set its own; otherwise
 * the defaults below (seeds 001 and 003: review previous actions, the child's voice, progress
 * against the plan, safety analysis, changes to the plan). Each heading has a key, derived from
 * its text, under which its text is stored in core_group_meetings.minutes. Headings that play
 * a part the quality check looks for (the child's voice, progress, safety, changes to the plan)
 * get that part's key whatever their wording, so a partnership's own headings are still checked.
 * Pure: no I/O.
 */

export interface MinutesHeading {
  key: string;
  title: string;
}

/** The parts of the minutes the quality check reads. */
export const HEADING_ROLES = {
  previousActions: 'previous-actions',
  childVoice: 'child-voice',
  workingWell: 'working-well',
  worries: 'worries',
  progress: 'progress',
  safety: 'safety-analysis',
  planChanges: 'plan-changes',
  newActions: 'new-actions',
} as const;

export const DEFAULT_HEADINGS: MinutesHeading[] = [
  { key: HEADING_ROLES.previousActions, title: 'Review of previous actions' },
  { key: HEADING_ROLES.childVoice, title: 'The child’s voice and lived experience' },
  { key: HEADING_ROLES.workingWell, title: 'What is working well' },
  { key: HEADING_ROLES.worries, title: 'Worries' },
  { key: HEADING_ROLES.progress, title: 'Progress against each outcome' },
  { key: HEADING_ROLES.safety, title: 'Safety analysis' },
  { key: HEADING_ROLES.planChanges, title: 'Changes to the plan' },
  { key: HEADING_ROLES.newActions, title: 'New actions' },
];

/** Which part of the minutes a heading's wording names, most specific first. */
const ROLE_PATTERNS: [RegExp, string][] = [
  [/\bnew actions?\b|\bnext steps?\b|\bactions? agreed\b/i, HEADING_ROLES.newActions],
  [/\b(previous|last|outstanding)\b.*\bactions?\b|\breview of actions?\b|\bactions? (from|since)\b/i, HEADING_ROLES.previousActions],
  [/\bvoice\b|\blived experience\b|\bwishes and feelings\b|\bdaily life\b/i, HEADING_ROLES.childVoice],
  [/\bchanges? to the plan\b|\bplan changes?\b|\brevis\w*\b|\bupdat\w* (to )?the plan\b/i, HEADING_ROLES.planChanges],
  [/\bprogress\b|\boutcomes?\b|\bimpact\b/i, HEADING_ROLES.progress],
  [/\bsafety\b|\bscal(e|ing)\b|\brisk analysis\b/i, HEADING_ROLES.safety],
  [/\bworking well\b|\bstrengths?\b/i, HEADING_ROLES.workingWell],
  [/\bworr(y|ies)\b|\bconcerns?\b|\bdangers?\b/i, HEADING_ROLES.worries],
];

export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug || 'heading';
}

/** Headings from text, one a line: blank lines and list markers dropped, keys derived and unique. */
export function headingsFromLines(text: string): MinutesHeading[] {
  const titles = text
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim())
    .filter(Boolean);
  return headingsFromTitles(titles);
}

export function headingsFromTitles(titles: string[]): MinutesHeading[] {
  const used = new Set<string>();
  return titles.map((title) => {
    const role = ROLE_PATTERNS.find(([re]) => re.test(title))?.[1];
    let key = role && !used.has(role) ? role : slugify(title);
    if (used.has(key)) {
      let n = 2;
      while (used.has(`${key}-${n}`)) n++;
      key = `${key}-${n}`;
    }
    used.add(key);
    return { key, title };
  });
}

/**
 * The partnership's headings as stored in partnership_settings.minutes_headings: a list of
 * {key, title} (or of plain titles); the defaults when not set or empty.
 */
export function headingsFromSetting(stored: unknown): MinutesHeading[] {
  if (!Array.isArray(stored) || stored.length === 0) return DEFAULT_HEADINGS;
  const out: MinutesHeading[] = [];
  const used = new Set<string>();
  const titlesOnly: string[] = [];
  for (const h of stored) {
    if (typeof h === 'string' && h.trim()) titlesOnly.push(h.trim());
    else if (h && typeof h === 'object') {
      const o = h as Record<string, unknown>;
      const title = typeof o.title === 'string' ? o.title : typeof o.label === 'string' ? o.label : null;
      const key = typeof o.key === 'string' && /^[a-z0-9-]{1,80}$/.test(o.key) ? o.key : null;
      if (title && key && !used.has(key)) {
        used.add(key);
        out.push({ key, title });
      } else if (title) titlesOnly.push(title);
    }
  }
  if (titlesOnly.length) {
    for (const h of headingsFromTitles(titlesOnly)) {
      if (used.has(h.key)) continue;
      used.add(h.key);
      out.push(h);
    }
  }
  return out.length ? out : DEFAULT_HEADINGS;
}

/** The text under each heading, in order, then any text kept under a key no longer configured. */
export function minutesSections(headings: MinutesHeading[], minutes: Record<string, unknown>): { key: string; title: string; text: string }[] {
  const known = new Set(headings.map((h) => h.key));
  const sections = headings.map((h) => ({ key: h.key, title: h.title, text: typeof minutes[h.key] === 'string' ? (minutes[h.key] as string) : '' }));
  for (const [key, value] of Object.entries(minutes)) {
    if (known.has(key) || typeof value !== 'string' || !value.trim()) continue;
    sections.push({ key, title: key.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()), text: value });
  }
  return sections;
}

/** The minutes as plain text under their headings: the starting point of the family copy. */
export function minutesAsText(headings: MinutesHeading[], minutes: Record<string, unknown>, extra: { heldOn: string; safetyScale: number | null }): string {
  const parts = [`Core group meeting, ${extra.heldOn}`];
  for (const s of minutesSections(headings, minutes)) {
    if (!s.text.trim()) continue;
    parts.push(`${s.title}\n${s.text.trim()}`);
  }
  if (extra.safetyScale !== null) parts.push(`Safety scale (0 to 10): ${extra.safetyScale}`);
  return parts.join('\n\n');
}
