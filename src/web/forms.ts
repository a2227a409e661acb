/**
 * Form handling: Zod at the edge. On failure the page is shown again with status 400, the
 * values entered, the GOV.UK error summary and an "Error: " title; on success a 303 redirect.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ValidationError } from '../lib/errors.js';
import { parse } from '../lib/validation.js';

/** The posted fields without the CSRF token. */
export function formValues(req: FastifyRequest): Record<string, unknown> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const { _csrf: _ignored, ...rest } = body;
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
    return reply.status(400).page(view.template, { ...context, values: formValues(req), errors: err.fields });
  }
}
