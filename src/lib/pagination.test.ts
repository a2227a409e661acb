import { describe, expect, it } from 'vitest';
import { createViewEnvironment } from '../web/render.js';
import { pageLinks } from './pagination.js';

const numbers = (p: ReturnType<typeof pageLinks>) => p!.items.map((i) => ('ellipsis' in i ? '…' : i.current ? `[${i.number}]` : String(i.number))).join(' ');

describe('pageLinks: a long list’s pagination', () => {
  it('shows the first and last pages, the current one and those either side, with an ellipsis for each gap', () => {
    expect(numbers(pageLinks(1, 376, '/children'))).toBe('[1] 2 … 376');
    expect(numbers(pageLinks(2, 376, '/children'))).toBe('1 [2] 3 … 376');
    expect(numbers(pageLinks(4, 376, '/children'))).toBe('1 2 3 [4] 5 … 376');
    expect(numbers(pageLinks(5, 376, '/children'))).toBe('1 … 4 [5] 6 … 376');
    expect(numbers(pageLinks(375, 376, '/children'))).toBe('1 … 374 [375] 376');
    expect(numbers(pageLinks(373, 376, '/children'))).toBe('1 … 372 [373] 374 375 376');
    expect(numbers(pageLinks(376, 376, '/children'))).toBe('1 … 375 [376]');
    expect(numbers(pageLinks(2, 3, '/children'))).toBe('1 [2] 3');
    // No ellipsis for a gap of no pages, nor of one (the page itself takes the room)
    expect(numbers(pageLinks(3, 5, '/children'))).toBe('1 2 [3] 4 5');
    expect(numbers(pageLinks(1, 4, '/children'))).toBe('[1] 2 3 4');
  });

  it('links previous and next only where there are such pages, and nothing for a single page', () => {
    expect(pageLinks(1, 3, '/x')).toMatchObject({ next: { href: '/x?page=2' } });
    expect(pageLinks(1, 3, '/x')).not.toHaveProperty('previous');
    expect(pageLinks(3, 3, '/x')).toMatchObject({ previous: { href: '/x?page=2' } });
    expect(pageLinks(3, 3, '/x')).not.toHaveProperty('next');
    expect(pageLinks(1, 1, '/x')).toBeNull();
    expect(pageLinks(1, 0, '/x')).toBeNull();
    // A page past the last, from a link kept while the list was longer: shown as the last
    expect(numbers(pageLinks(999, 5, '/x'))).toBe('1 … 4 [5]');
    expect(pageLinks(999, 5, '/x')).toMatchObject({ previous: { href: '/x?page=4' } });
  });

  it('keeps the list’s filters in every link, encoded, leaving out those not set', () => {
    const p = pageLinks(2, 9, '/children', { q: 'O’Brien & Sons', onPlan: 'yes', areaId: '', teamId: undefined });
    expect(p!.next!.href).toBe('/children?q=O%E2%80%99Brien+%26+Sons&onPlan=yes&page=3');
    expect(new URL(p!.next!.href, 'http://x').searchParams.get('q')).toBe('O’Brien & Sons');
    expect(p!.items[0]).toEqual({ number: 1, href: '/children?q=O%E2%80%99Brien+%26+Sons&onPlan=yes&page=1', current: false });
  });

  it('renders through the GOV.UK pagination component with a handful of links, however long the list', () => {
    const html = createViewEnvironment().renderString('{% from "govuk/components/pagination/macro.njk" import govukPagination %}{{ govukPagination(pageLinks(188, 376, "/children", { q: "a&b" })) }}', {});
    expect(html.match(/class="govuk-pagination__item[ "]/g)).toHaveLength(7);
    expect(html.match(/govuk-pagination__item--ellipsis/g)).toHaveLength(2);
    expect(html).toContain('aria-current="page"');
    expect(html).toContain('href="/children?q=a%26b&amp;page=189"');
    expect(html).toContain('govuk-pagination__prev');
    expect(html).toContain('govuk-pagination__next');
  });
});
