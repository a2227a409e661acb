/**
 * Server-side pages: Nunjucks over govuk-frontend. Templates are found in src/web/views,
 * then by module ("partnership/views/agencies.njk"), then govuk-frontend's own.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import nunjucks from 'nunjucks';
import { pageLinks } from '../lib/pagination.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, '../..');

export function createViewEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [path.join(here, 'views'), path.join(projectRoot, 'src/modules'), path.join(projectRoot, 'node_modules/govuk-frontend/dist')],
      { noCache: false },
    ),
    { autoescape: true, throwOnUndefined: false },
  );
  /** The GOV.UK errorMessage option for a field, or false. */
  env.addGlobal('errorFor', (errors: Record<string, string> | undefined, name: string) =>
    errors && errors[name] ? { text: errors[name] } : false,
  );
  /** Day, month and year for a GOV.UK date input: from what was typed, or from a saved ISO date. */
  env.addGlobal('dateParts', (values: Record<string, unknown> | undefined, name: string) => {
    const v = values ?? {};
    if (v[`${name}-day`] !== undefined || v[`${name}-month`] !== undefined || v[`${name}-year`] !== undefined) {
      return { day: v[`${name}-day`] ?? '', month: v[`${name}-month`] ?? '', year: v[`${name}-year`] ?? '' };
    }
    const iso = typeof v[name] === 'string' ? (v[name] as string) : '';
    const m = iso.match(/^(\d{4})-(\d{2})-(\d{2})$/);
    return m ? { day: String(Number(m[3])), month: String(Number(m[2])), year: m[1] } : { day: '', month: '', year: '' };
  });
  env.addFilter('date', (value: unknown) => formatDate(value, false));
  env.addFilter('datetime', (value: unknown) => formatDate(value, true));
  /** [{value, text}] for govukSelect / govukRadios, with `selected`/`checked` set. */
  env.addGlobal('options', (pairs: [string, string][] | Record<string, string>, selected: unknown, mark: 'selected' | 'checked' = 'selected') =>
    (Array.isArray(pairs) ? pairs : Object.entries(pairs)).map(([value, text]) => ({ value, text, [mark]: String(selected ?? '') === value })),
  );
  /** govukPagination's parameters for a long list (first, last, current and either side, with ellipses). */
  env.addGlobal('pageLinks', pageLinks);
  return env;
}

const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const dateTimeFmt = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h12',
  timeZone: 'Europe/London',
});

export function formatDate(value: unknown, withTime: boolean): string {
  if (value === null || value === undefined || value === '') return '';
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) return String(value);
  return (withTime ? dateTimeFmt : dateFmt).format(d).replace(' at ', ', ');
}

declare module 'fastify' {
  interface FastifyReply {
    /** Render a page with the request's common context (user, partnership, CSRF token, nonce). */
    page(template: string, context?: Record<string, unknown>): FastifyReply;
  }
}

export function registerViews(app: FastifyInstance, env: nunjucks.Environment, commonContext: (reply: FastifyReply) => Record<string, unknown>): void {
  app.decorateReply('page', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const merged: Record<string, unknown> = { ...commonContext(this), ...context };
    // A page that shows its own confirmation (a `saved` or `done` value) gets no second banner.
    if (context.saved || context.done) merged.flash = null;
    const html = env.render(template, merged);
    return this.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });
}
