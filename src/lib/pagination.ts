/**
 * Pagination for the API's lists: one contract everywhere. `page` (1 or more, default 1) and
 * `pageSize` (1 to 200, default 50) in the query; `{ items, page, pageSize, total }` back, where
 * total counts every item that matches the filters (not only this page's).
 */
import { z } from 'zod';
import { pageNumber } from './validation.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export const pageSize = z.coerce
  .number({ error: 'pageSize must be a whole number' })
  .int('pageSize must be a whole number')
  .min(1, `pageSize must be from 1 to ${MAX_PAGE_SIZE}`)
  .max(MAX_PAGE_SIZE, `pageSize must be from 1 to ${MAX_PAGE_SIZE}`)
  .default(DEFAULT_PAGE_SIZE);

/** Spread into a query schema: `z.object({ ...pageQuery, status: … })`. */
export const pageQuery = {
  page: pageNumber.describe('The page, from 1'),
  pageSize: pageSize.describe(`Items a page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`),
};

export interface PageRequest {
  page: number;
  pageSize: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** LIMIT and OFFSET for a page, for the repositories. */
export function limitOffset(q: PageRequest): { limit: number; offset: number } {
  return { limit: q.pageSize, offset: (q.page - 1) * q.pageSize };
}

/** A page of results a query already cut (limit/offset) with the count of all that match. */
export function pageOf<T>(items: T[], total: number, q: PageRequest): Page<T> {
  return { items, page: q.page, pageSize: q.pageSize, total };
}

/**
 * A page cut from a list held in memory: only for lists that are small by nature (one child's
 * conferences, a partnership's teams), where the service reads them whole anyway.
 */
export function paged<T>(all: T[], q: PageRequest): Page<T> {
  return { items: all.slice((q.page - 1) * q.pageSize, q.page * q.pageSize), page: q.page, pageSize: q.pageSize, total: all.length };
}

/** The response schema of a list: its items and the page they are. */
export function pageOut<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int().describe('This page, from 1'),
    pageSize: z.number().int().describe('Items a page'),
    total: z.number().int().describe('Items matching the filters, on every page'),
  });
}

/** One link of a page's pagination (govukPagination's items), or the gap between two. */
export type PageLink = { number: number; href: string; current: boolean } | { ellipsis: true };

/**
 * govukPagination's parameters for page `page` of `pages` of a list at `path` with `query` (values left
 * empty are left out; `page` is added): the first and last pages, the current one and those either side,
 * with an ellipsis for each gap of more than one page, as the GOV.UK Design System's pagination shows a long list; previous and
 * next where there are such pages. None when everything is on one page.
 */
export function pageLinks(page: number, pages: number, path: string, query: Record<string, unknown> = {}): { items: PageLink[]; previous?: { href: string }; next?: { href: string } } | null {
  if (pages <= 1) return null;
  // A page past the last (a link kept from when the list was longer) is shown as the last
  page = Math.min(Math.max(1, page), pages);
  const href = (n: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '' && v !== false) params.set(k, String(v));
    params.set('page', String(n));
    return `${path}?${params.toString()}`;
  };
  const shown = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const items: PageLink[] = [];
  for (const [i, n] of shown.entries()) {
    // A gap of one page shows that page (it takes the room an ellipsis would); a longer one an ellipsis
    const gap = i > 0 ? n - shown[i - 1]! - 1 : 0;
    if (gap === 1) items.push({ number: n - 1, href: href(n - 1), current: false });
    else if (gap > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === page });
  }
  return { items, ...(page > 1 && { previous: { href: href(page - 1) } }), ...(page < pages && { next: { href: href(page + 1) } }) };
}
