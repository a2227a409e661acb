/** A file for the browser to save (PDF, XLSX, CSV): never cached, named as given. */
import type { FastifyReply } from 'fastify';

export const MIME = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

export function sendDownload(reply: FastifyReply, type: string, name: string, body: Buffer | string): FastifyReply {
  return reply.header('content-type', type).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(body);
}
