import { describe, expect, it } from 'vitest';
import { isStructural, NAME_REMOVED, neutralJson, neutralSummary, redactor, REMOVED, yearOnly } from './neutral.js';

describe('redactor', () => {
  const redact = redactor(['Quillon', 'Zarthwick', 'Marvella Zarthwick', 'LA-123', null, '']);
  it.each([
    ['Quillon said hello', `${NAME_REMOVED} said hello`],
    ['QUILLON and quillon', `${NAME_REMOVED} and ${NAME_REMOVED}`],
    ['Marvella Zarthwick rang', `${NAME_REMOVED} rang`],
    ['Quillon’s school', `${NAME_REMOVED}’s school`],
    ['ref LA-123 found', `ref ${NAME_REMOVED} found`],
    ['Quillonian is another word', 'Quillonian is another word'],
    ['Mrs Zarthwick-Smith', `Mrs ${NAME_REMOVED}-Smith`],
    ['nothing here', 'nothing here'],
  ])('%s', (input, out) => expect(redact(input)).toBe(out));

  it('with no names changes nothing', () => expect(redactor([null, ' '])('Quillon')).toBe('Quillon'));
});

describe('neutralJson', () => {
  it('replaces what someone wrote and keeps keys, dates, ids, codes, numbers and booleans', () => {
    const input = { heading: 'Quillon is happier', when: '2026-10-01', id: '3f2a9b1c-0000-4000-8000-000000000001', answer: 'yes', category: 'NEG', scale: 7, seen: true, empty: '', list: ['said a thing', 'apologies-report'], nested: { note: 'Long text here' }, owner: 'Pat Smith' };
    expect(neutralJson(input, new Set(['owner']))).toEqual({ heading: REMOVED, when: '2026-10-01', id: input.id, answer: 'yes', category: 'NEG', scale: 7, seen: true, empty: '', list: [REMOVED, 'apologies-report'], nested: { note: REMOVED }, owner: 'Pat Smith' });
  });
  it.each([['yes', true], ['Sam', false], ['2026-01-01', true], ['a sentence with spaces', false]])('%s is structural: %s', (v, s) => expect(isStructural(v)).toBe(s));
});

describe('the rest', () => {
  it('keeps the year of a date of birth', () => {
    expect(yearOnly('1995-05-06')).toBe('1995-07-01');
    expect(yearOnly(null)).toBeNull();
  });
  it('keeps what happened in a plan version’s summary, not the words', () => {
    expect(neutralSummary('Action added: “Quillon sees the GP”', (t) => t)).toBe('Action added (the words were removed when the record was anonymised)');
    expect(neutralSummary('Outline plan agreed at the initial conference', (t) => t)).toBe('Outline plan agreed at the initial conference');
  });
});
