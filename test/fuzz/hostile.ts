/**
 * What the fuzz tests share: hostile strings, the row counts that prove a rejected request wrote
 * nothing, and a route pattern made concrete (the fixture child for a child's :id, a random UUID otherwise).
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer().map(String),
  fc.constantFrom(
    'x'.repeat(100_000),
    '𝕏😀\u{1F600}'.repeat(50),
    '\u202Eevil\u202C',
    'a\u0000b',
    "'; DROP TABLE children; --",
    "' OR '1'='1",
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    '',
    '   ',
    '2026-02-30',
    '-1',
    '1e309',
    '00000000-0000-0000-0000-000000000000',
  ),
);

/**
 * Tables a page or API read writes by design, so a rejected request that re-renders a child's page may change
 * them: a child's practice-standards results are re-evaluated and stored when shown, and a partnership's
 * default standards and the built-in audit tools are stored at first use. With a child's results go the day
 * until which they hold (standard_evaluations) and the partnership's records version that the dashboards'
 * kept counts are checked against (partnership_versions). They are derived from the record or the code,
 * never the request's input.
 */
export const WRITTEN_BY_READS = ['standard_results', 'standard_evaluations', 'partnership_versions', 'standard_definitions', 'audit_tools'] as const;

/** Every table but those a request may write to whatever its outcome (sessions, throttles, the access log…). */
export async function tablesToWatch(db: Db, ignored: Set<string>): Promise<string[]> {
  return (await db.introspection.getTables()).map((x) => x.name).filter((n) => !ignored.has(n) && !n.startsWith('kysely_'));
}

export async function rowCounts(db: Db, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of tables) {
    const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(name)}`.execute(db);
    out[name] = Number(r.rows[0]?.n ?? 0);
  }
  return out;
}

export function concreteUrl(url: string, childPrefix: string, childId: string): string {
  return url.replace(/:([A-Za-z][A-Za-z0-9]*)/g, (_m, name: string) => (name === 'id' && url.startsWith(childPrefix) ? childId : '7d0c8a54-7f1c-4c8e-9a44-1b2f3c4d5e6f'));
}
