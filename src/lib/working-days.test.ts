import { describe, expect, it } from 'vitest';
import { addDays, addMonths, addWorkingDays, bankHolidays, isWorkingDay, londonDate, parseIsoDate, workingDaysBetween } from './working-days.js';

describe('working days (England)', () => {
  it('knows the England and Wales bank holidays, including substitute days', () => {
    const h = bankHolidays(2026);
    expect([...h].sort()).toEqual(['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-26', '2026-12-28']);
    expect(bankHolidays(2027).has('2027-12-27')).toBe(true); // Christmas on a Saturday: substitute Monday
  });

  it.each([
    ['2026-11-20', 10, '2026-12-04'], // plain fortnight
    ['2026-12-18', 10, '2027-01-06'], // across Christmas, Boxing Day substitute and New Year
    ['2026-03-30', 5, '2026-04-08'], // across Good Friday and Easter Monday
    ['2026-11-21', 1, '2026-11-23'], // from a Saturday
    ['2026-11-23', 0, '2026-11-23'],
  ])('%s + %i working days = %s', (from, n, expected) => {
    expect(addWorkingDays(from, n)).toBe(expected);
    expect(workingDaysBetween(from, expected)).toBe(n);
  });

  it('counts local closure days as non-working', () => {
    const closures = new Set(['2026-12-24', '2026-12-29', '2026-12-30', '2026-12-31']);
    expect(isWorkingDay('2026-12-24', closures)).toBe(false);
    expect(addWorkingDays('2026-12-23', 1, closures)).toBe('2027-01-04');
  });

  it('gives the same answers again, and sees a closure day added to a set already used', () => {
    const closures = new Set<string>();
    expect(addWorkingDays('2026-12-23', 1, closures)).toBe('2026-12-24');
    expect(addWorkingDays('2026-12-23', 1, closures)).toBe('2026-12-24');
    closures.add('2026-12-24');
    expect(addWorkingDays('2026-12-23', 1, closures)).toBe('2026-12-29');
    expect(addWorkingDays('2026-12-23', 1)).toBe('2026-12-24');
  });

  it('adds days across months, years and leap days, and refuses a date that is not one', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('1969-12-31', 1)).toBe('1970-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(isWorkingDay('1969-12-31')).toBe(true); // a Wednesday, before day 0
    expect(isWorkingDay('1969-12-28')).toBe(false); // a Sunday
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });

  it('adds months to the end of shorter months', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2026-01-15', 3)).toBe('2026-04-15');
  });

  it('refuses impossible dates and gives the English date of an instant', () => {
    expect(() => parseIsoDate('2026-02-30')).toThrow(RangeError);
    expect(londonDate(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01'); // BST
    expect(londonDate(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31'); // GMT
  });
});
