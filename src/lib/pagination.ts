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
