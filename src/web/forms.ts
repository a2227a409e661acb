/**
 * Form handling: Zod at the edge. On failure the page is shown again with status 400, the
 * values entered, the GOV.UK error summary and an "Error: " title; on success a 303 redirect.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ValidationError } from '../lib/errors.js';
import { parse } from '../lib/validation.js';

/** The posted fields without the CSRF token; GOV.UK date inputs (name-day/-month/-year) joined into name. */
export function formValues(req: FastifyRequest): Record<string, unknown> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const { _csrf: _ignored, ...rest } = body;
  return joinDateParts(rest);
}

/**
 * Joins the three boxes of each GOV.UK date input into one value: 'YYYY-MM-DD' when all are
 * numbers, '' when all are empty, otherwise the text as typed (which the date schema refuses
 * with a message). The boxes themselves stay, so the page can show them again.
 */
export function joinDateParts(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const key of Object.keys(values)) {
    const m = key.match(/^(.+)-day$/);
    if (!m?.[1]) continue;
    const name = m[1];
    const [d, mo, y] = ['day', 'month', 'year'].map((p) => String(values[`${name}-${p}`] ?? '').trim());
    delete out[`${name}-day`];
    delete out[`${name}-month`];
    delete out[`${name}-year`];
    if (!d && !mo && !y) out[name] = '';
    else if (/^\d{1,2}$/.test(d!) && /^\d{1,2}$/.test(mo!) && /^\d{4}$/.test(y!)) out[name] = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
    else out[name] = `${d} ${mo} ${y}`;
  }
  return out;
}

/** What the page shows again after an error: the boxes as typed. */
export function rawFormValues(req: FastifyRequest): Record<string, unknown> {
  const { _csrf: _ignored, ...rest } = (req.body ?? {}) as Record<string, unknown>;
  return rest;
}

export function parseForm<T extends z.ZodType>(schema: T, req: FastifyRequest): z.output<T> {
  return parse(schema, formValues(req));
}

/**
 * Runs `action`; a ValidationError re-renders `template` with the errors and values entered.
 * Any other error goes to the error handler.
 */
export async function handleForm(
  req: FastifyRequest,
  reply: FastifyReply,
  view: { template: string; context: () => Promise<Record<string, unknown>> | Record<string, unknown> },
  action: () => Promise<string>,
): Promise<FastifyReply> {
  try {
    const location = await action();
    return reply.redirect(location, 303);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const context = await view.context();
    return reply.status(400).page(view.template, { ...context, values: rawFormValues(req), errors: err.fields });
  }
}
