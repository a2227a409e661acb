/**
 * One error handler: domain errors become 400/401/403/404/409 pages or the JSON error body;
 * anything else is a 500 without a stack trace outside development.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, DomainError, ValidationError } from '../lib/errors.js';

export interface ApiErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

function isApi(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/');
}

export function sendApiError(reply: FastifyReply, status: number, code: string, message: string, fields?: Record<string, string>) {
  const body: ApiErrorBody = { error: { code, message, ...(fields ? { fields } : {}) } };
  return reply.status(status).header('cache-control', 'no-store').send(body);
}

/** Framework errors with a 4xx status (bad JSON, body too large, wrong content type, CSRF, rate limit). */
function frameworkClientError(err: FastifyError): { status: number; code: string; message: string } | null {
  const status = err.statusCode ?? 0;
  if (status < 400 || status >= 500) return null;
  const code = err.code ?? '';
  if (code.startsWith('FST_CSRF')) return { status: 403, code: 'csrf_invalid', message: 'The form could not be sent: it may have expired. Go back, reload the page and try again.' };
  if (status === 429) return { status, code: 'rate_limited', message: 'Too many requests. Wait a minute and try again.' };
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError || /JSON/.test(err.message))
    return { status: 400, code: 'invalid_json', message: `The request body is not valid JSON: ${err.message}` };
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, code: 'too_large', message: 'The request is too large' };
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, code: 'unsupported_media_type', message: 'Send the body as application/json' };
  return { status, code: 'bad_request', message: err.message };
}

export function registerErrorHandlers(app: FastifyInstance, opts: { showStack: boolean }): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DomainError) {
      if (isApi(req)) {
        const fields = err instanceof ValidationError ? err.fields : undefined;
        if (err instanceof ConflictError) {
          return reply.status(409).send({ error: { code: err.code, message: err.message }, current: err.current });
        }
        return sendApiError(reply, err.status, err.code, err.message, fields);
      }
      if (err.status === 401) return reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
      if (err instanceof ConflictError) {
        return reply.status(409).page('conflict.njk', { title: 'Someone else changed this record', conflict: err, backTo: req.url.split('?')[0] });
      }
      if (err.status === 404) return reply.status(404).page('not-found.njk', { title: 'Page not found' });
      return reply.status(err.status).page('error.njk', {
        title: err.status === 403 ? 'You do not have permission to see this page' : 'There is a problem',
        message: err.message,
        fields: err instanceof ValidationError ? err.fields : undefined,
      });
    }
    const client = frameworkClientError(err);
    if (client) {
      if (isApi(req)) return sendApiError(reply, client.status, client.code, client.message);
      return reply.status(client.status).page('error.njk', { title: client.status === 403 ? 'The form has expired' : 'There is a problem', message: client.message });
    }
    req.log.error({ err }, 'unhandled error');
    if (isApi(req)) return sendApiError(reply, 500, 'internal_error', 'Something went wrong. The error has been logged with request id ' + req.id);
    return reply.status(500).page('error.njk', {
      title: 'Sorry, there is a problem with the service',
      message: `Try again later. If it keeps happening, give your administrator this reference: ${req.id}`,
      stack: opts.showStack ? err.stack : undefined,
    });
  });

  app.setNotFoundHandler((req, reply) => {
    if (isApi(req)) return sendApiError(reply, 404, 'not_found', `No such API route: ${req.method} ${req.url.split('?')[0]}`);
    return reply.status(404).page('not-found.njk', { title: 'Page not found' });
  });
}
