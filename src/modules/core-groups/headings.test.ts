import { describe, expect, it } from 'vitest';
import { DEFAULT_HEADINGS, headingsFromLines, headingsFromSetting, minutesAsText, slugify } from './headings.js';

describe('minutes headings', () => {
  it('derives keys from the text, one heading a line', () => {
    expect(headingsFromLines('- Review of previous actions\n\n2. Family’s views\nAnything else\nAnything else')).toEqual([
      { key: 'previous-actions', title: 'Review of previous actions' },
      { key: 'familys-views', title: 'Family’s views' },
      { key: 'anything-else', title: 'Anything else' },
      { key: 'anything-else-2', title: 'Anything else' },
    ]);
  });

  it('gives the default headings their own keys back', () => {
    expect(headingsFromLines(DEFAULT_HEADINGS.map((h) => h.title).join('\n'))).toEqual(DEFAULT_HEADINGS);
  });

  it.each([
    [null, DEFAULT_HEADINGS],
    [[], DEFAULT_HEADINGS],
    [[{ key: 'worries', title: 'Worries' }], [{ key: 'worries', title: 'Worries' }]],
    [['Voice of the child', 'Other business'], [{ key: 'child-voice', title: 'Voice of the child' }, { key: 'other-business', title: 'Other business' }]],
  ])('reads the stored setting %j', (stored, expected) => {
    expect(headingsFromSetting(stored)).toEqual(expected);
  });

  it('slugs are safe as keys', () => {
    expect(slugify('  Café: what’s next?! ')).toBe('cafe-whats-next');
    expect(slugify('!!!')).toBe('heading');
  });

  it('writes the minutes as text under their headings for the family copy', () => {
    const text = minutesAsText(DEFAULT_HEADINGS, { worries: 'Dad’s drinking.', progress: '' }, { heldOn: '3 December 2026', safetyScale: 5 });
    expect(text).toBe('Core group meeting, 3 December 2026\n\nWorries\nDad’s drinking.\n\nSafety scale (0 to 10): 5');
  });
});
